import type { ChatError } from './errors.js';
import type { Message, MessageState, ServerInfo, Status } from './types.js';

/**
 * Every event the SDK emits, with its one payload object. Subscribe with `chat.on(name, listener)`,
 * which returns a function that unsubscribes.
 */
export interface ChatEvents {
  /**
   * The connection status changed. `error` says why, for `disconnected` and `reconnecting`;
   * `retryIn` (milliseconds) comes with `reconnecting`, once per scheduled retry.
   */
  status: (event: { status: Status; error?: ChatError; retryIn?: number }) => void;
  /** A new message, one-to-one or in a room, incoming or outgoing from another device. Never twice. */
  message: (event: { message: Message }) => void;
  /** An outgoing message changed its delivery state. */
  'message:state': (event: { id: string; state: MessageState; error?: ChatError }) => void;
  /** Service discovery finished for a new session; `chat.server` has the same value. */
  server: (event: { server: ServerInfo }) => void;
  /** A failure in the background that no command could report (a listener threw, …). */
  error: (event: { error: ChatError }) => void;
}

/** Emits an event to listeners, isolating each listener's failure. Internal. */
export type Emit = <K extends keyof ChatEvents>(event: K, payload: Parameters<ChatEvents[K]>[0]) => void;
