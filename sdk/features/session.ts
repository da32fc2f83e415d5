import type { ChatError } from '../errors.js';
import type { Emit } from '../events.js';
import type { Transport } from '../transport/xmpp.js';
import type { Status } from '../types.js';

/** How automatic reconnect behaves. */
export interface ReconnectOptions {
  /** Milliseconds before the first retry. Default 1000. */
  initialDelay?: number;
  /** Upper bound for the delay between retries, in milliseconds. Default 30000. */
  maxDelay?: number;
}

/** The session: status and the connect/reconnect/disconnect lifecycle. Internal. */
export interface Session {
  readonly status: Status;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Closes the connection, leaving the session to the server for the next client to resume. */
  suspend(): Promise<void>;
  /** Retries at once if a retry is scheduled (the network came back, the page became visible). */
  retryNow(): void;
  /**
   * The transport is up: `online` is said at once, in the same task, so that what the host asks
   * for on hearing it (joining a room) goes out with the session's first stanzas, ahead of our
   * presence (see `Transport.announceWith`). Called after every feature's own `online` listener.
   */
  up(): void;
}

/**
 * The delay before retry number `attempt` (0-based): exponential, capped, with jitter so that
 * many clients dropped at once do not return at once. `random` is in [0, 1). Pure.
 */
export function backoffDelay(attempt: number, options: Required<ReconnectOptions>, random: number): number {
  const base = Math.min(options.maxDelay, options.initialDelay * 2 ** attempt);
  return Math.round(base * (0.5 + random / 2));
}

/** Creates the session feature. */
export function createSession({
  transport,
  emit,
  reconnect,
  random = Math.random,
}: {
  transport: Transport;
  emit: Emit;
  reconnect: ReconnectOptions | false;
  random?: () => number;
}): Session {
  const retry = reconnect === false ? undefined : { initialDelay: 1000, maxDelay: 30_000, ...reconnect };
  let status: Status = 'offline';
  let pending: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempts = 0;
  // Bumped by disconnect(): an attempt that finishes after it is stale and changes nothing.
  let generation = 0;

  const setStatus = (next: Status, extra: { error?: ChatError; retryIn?: number } = {}): void => {
    if (next === status && extra.retryIn === undefined) return;
    status = next;
    emit('status', { status, ...extra });
  };

  const schedule = (error?: ChatError): void => {
    if (!retry) {
      setStatus('disconnected', error ? { error } : {});
      return;
    }
    const delay = backoffDelay(attempts, retry, random());
    attempts += 1;
    setStatus('reconnecting', { ...(error ? { error } : {}), retryIn: delay });
    clearTimeout(timer);
    timer = setTimeout(() => void reconnectNow(), delay);
  };

  const reconnectNow = async (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    const mine = generation;
    const result = await transport.connect();
    if (mine !== generation) return;
    if (result.ok) {
      attempts = 0;
      setStatus('online');
    } else if (result.fatal) {
      setStatus('disconnected', { error: result.error });
    } else {
      schedule(result.error);
    }
  };

  /** Stops connecting and retrying (an attempt under way is stale), then `closeTransport`. */
  const close = async (closeTransport: () => Promise<void>): Promise<void> => {
    generation += 1;
    clearTimeout(timer);
    timer = undefined;
    pending = undefined;
    attempts = 0;
    await closeTransport();
    setStatus('offline');
  };

  transport.on('offline', ({ error, fatal }) => {
    if (status !== 'online') return;
    if (fatal) setStatus('disconnected', error ? { error } : {});
    else schedule(error);
  });

  return {
    get status() {
      return status;
    },
    up() {
      if (status !== 'connecting' && status !== 'reconnecting') return;
      attempts = 0;
      setStatus('online');
    },
    connect() {
      if (status === 'online') return Promise.resolve();
      if (pending) return pending;
      clearTimeout(timer);
      const mine = generation;
      setStatus('connecting');
      pending = transport.connect().then((result) => {
        pending = undefined;
        if (mine !== generation) return;
        if (result.ok) {
          attempts = 0;
          setStatus('online');
          return;
        }
        setStatus('disconnected', { error: result.error });
        throw result.error;
      });
      return pending;
    },
    disconnect: () => close(() => transport.disconnect()),
    suspend: () => close(() => transport.suspend()),
    retryNow() {
      if (status === 'reconnecting' && timer !== undefined) void reconnectNow();
    },
  };
}
