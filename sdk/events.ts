import type { ChatError } from './errors.js';
import type { TransferOffer } from './features/transfers.js';
import type { Message, MessageState, ServerInfo, Status } from './types.js';
import type { Contact, Jid, Presence } from './types.js';
import type { Conversation, TypingState } from './types.js';
import type { OccupantLeaveReason, Occupant, Room, RoomInvite, RoomLeaveReason } from './features/rooms.js';
import type { Bookmark } from './features/bookmarks.js';

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
  /**
   * A new message, one-to-one or in a room: incoming, sent here (emitted by `send()` itself), or
   * sent from another of our devices (XEP-0280 carbons; `direction: 'out'`). Never twice.
   * Nothing from a blocked JID.
   */
  message: (event: { message: Message }) => void;
  /** An outgoing message changed its delivery state. */
  'message:state': (event: { id: string; state: MessageState; error?: ChatError }) => void;
  /**
   * A message seen before changed: it was corrected (XEP-0308), here, on another device, or by
   * its sender. `message` is the whole new value, with the same `id`.
   */
  'message:updated': (event: { message: Message }) => void;
  /** A peer's chat state (XEP-0085): `composing` while typing, `paused`, `active`, … */
  typing: (event: { conversation: Jid; from: Jid; state: TypingState }) => void;
  /** A conversation got a message, was read, or its last message changed. */
  'conversation:updated': (event: { conversation: Conversation }) => void;
  /** Service discovery finished for a new session; `chat.server` has the same value. */
  server: (event: { server: ServerInfo }) => void;
  /** A contact appeared in the roster (added here, on another device, or by the server). */
  'contact:added': (event: { contact: Contact }) => void;
  /** A contact changed: name, groups, subscription, presence, nickname or avatar. */
  'contact:updated': (event: { contact: Contact }) => void;
  /** A contact left the roster. */
  'contact:removed': (event: { jid: Jid }) => void;
  /** A contact's presence changed; `presence` is the aggregated one (see `Contact.presence`). */
  presence: (event: { jid: Jid; presence: Presence }) => void;
  /** Someone asks to see our presence: answer with `contacts.approve(jid)` or `contacts.deny(jid)`. */
  'subscription:request': (event: { jid: Jid; nickname?: string }) => void;
  /** The block list changed (here or on another device); `jids` is the whole list now. */
  'blocking:changed': (event: { jids: Jid[] }) => void;
  /**
   * We are in a room: after `rooms.join()` (`created` when the join created it), or again
   * (`rejoined`) after a fresh session, or after a XEP-0410 self-ping found that the room had
   * silently dropped us (see `rooms.selfPingInterval` in `createChat` options).
   */
  'room:joined': (event: { room: Room; created: boolean; rejoined: boolean }) => void;
  /**
   * We are no longer in a room: we left, were kicked or banned (`actor`, `text` = the reason
   * given), the room was destroyed (`alternative` room, if any), or rejoining failed (`error`).
   */
  'room:left': (event: {
    room: Jid;
    reason: RoomLeaveReason;
    actor?: string;
    text?: string;
    alternative?: Jid;
    error?: ChatError;
  }) => void;
  /**
   * Someone joined or left a room we are in, or changed (role, affiliation, nickname:
   * `previousNick`). `reason` says why they left (`kicked`, `banned`, …).
   */
  'room:occupant': (event: {
    room: Jid;
    occupant: Occupant;
    change: 'joined' | 'left' | 'changed';
    reason?: OccupantLeaveReason;
    previousNick?: string;
  }) => void;
  /** A room's subject changed (`by` = the nickname that changed it). */
  'room:subject': (event: { room: Jid; subject: string; by?: string }) => void;
  /** We were invited to a room (mediated through the room, or directly). */
  'room:invite': (event: { invite: RoomInvite }) => void;
  /**
   * The room bookmarks changed (here, or on another device with XEP-0402), or were read at the
   * start of a fresh session; `bookmarks` is the whole list now.
   */
  'bookmarks:changed': (event: { bookmarks: Bookmark[] }) => void;
  /** Someone declined our mediated invitation to a room. */
  'room:declined': (event: { room: Jid; from: Jid; reason?: string }) => void;
  /**
   * Someone offers us a file over a direct transfer (Jingle over SOCKS5; Node only): answer with
   * `offer.accept()` or `offer.decline()`. See `chat.transfers`.
   */
  'transfer:offer': (event: { offer: TransferOffer }) => void;
  /**
   * Catch-up from an archive after a fresh session (never after a resume): `started`, then
   * `done` with the pages it fetched (0 when a history page just asked for told it all) and the
   * archived messages they held (those not seen before are emitted as `message` in order, before
   * live messages that came meanwhile), or `failed` with `error`. `archive` is our own bare JID
   * for the personal archive, or a room's JID. A UI can show "updating…" in between.
   */
  'archive:catch-up': (event: {
    archive: Jid;
    phase: 'started' | 'done' | 'failed';
    pages?: number;
    messages?: number;
    error?: ChatError;
  }) => void;
  /** A failure in the background that no command could report (a listener threw, …). */
  error: (event: { error: ChatError }) => void;
}

/** Emits an event to listeners, isolating each listener's failure. Internal. */
export type Emit = <K extends keyof ChatEvents>(event: K, payload: Parameters<ChatEvents[K]>[0]) => void;
