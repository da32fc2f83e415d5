/** A JID as a string: `user@domain` (bare) or `user@domain/resource` (full). */
export type Jid = string;

/**
 * Connection status, a closed union. Transitions:
 * - `offline` → `connecting` on `connect()`;
 * - `connecting` → `online` when the session is up, → `disconnected` (with an error) when it fails;
 * - `online` → `reconnecting` when the link drops, → `offline` on `disconnect()`;
 * - `reconnecting` → `online` when it is back, → `disconnected` on an error retrying cannot fix;
 * - `disconnected` → `connecting` on `connect()`.
 */
export type Status = 'offline' | 'connecting' | 'online' | 'reconnecting' | 'disconnected';

/** Delivery state of a message. Outgoing messages move forward through these; `failed` ends it. */
export type MessageState = 'queued' | 'sent' | 'acked' | 'delivered' | 'displayed' | 'failed';

/** A chat message, incoming or outgoing, one-to-one or in a room. */
export interface Message {
  /** Our id for the message: the stanza id we sent, or the sender's id for incoming messages. */
  readonly id: string;
  /** The server-assigned XEP-0359 stanza id, when the server gave one. */
  readonly stanzaId?: string;
  /** Bare JID of the peer or room the message belongs to. */
  readonly conversation: Jid;
  /** Full JID of the sender (for rooms: `room@service/nick`). */
  readonly from: Jid;
  /** `out` for messages we sent (also from our other devices), `in` otherwise. */
  readonly direction: 'in' | 'out';
  /** `chat` for one-to-one, `groupchat` for rooms. */
  readonly kind: 'chat' | 'groupchat';
  /** The text. Render it as text, never as HTML. */
  readonly body: string;
  /** When the message was sent (the server's delay stamp where present). */
  readonly time: Date;
  /** Delivery state, for outgoing messages. */
  readonly state?: MessageState;
}

/**
 * Stream-management (XEP-0198) state that lets a new client resume the session of an earlier one,
 * e.g. after a page reload. Holds no credentials. Treat it as opaque.
 */
export interface ResumeState {
  id?: string;
  jid?: string;
  allowResume?: boolean;
  handled: number;
  lastAck: number;
  unacked: unknown[];
}

/**
 * Where {@link ResumeState} is kept between clients. The browser default is `sessionStorage`
 * (per tab, gone when the tab closes).
 *
 * @example
 * ```ts
 * const memory = new Map<string, ResumeState>();
 * const resumeStorage: ResumeStorage = {
 *   load: () => memory.get('anna'),
 *   save: (state) => void (state ? memory.set('anna', state) : memory.delete('anna')),
 * };
 * ```
 */
export interface ResumeStorage {
  load(): ResumeState | undefined | Promise<ResumeState | undefined>;
  save(state: ResumeState | undefined): void | Promise<void>;
}

/**
 * What service discovery found on the server, refreshed at every fresh session. Features are
 * discovered, never assumed: code against these flags, not against a server's name.
 */
export interface ServerInfo {
  /** The XMPP domain. */
  domain: string;
  /** XEP-0280 message carbons. */
  carbons: boolean;
  /** XEP-0191 blocking. */
  blocking: boolean;
  /** XEP-0313 archive of the account. */
  archive: boolean;
  /** XEP-0357 push notifications (on the account). */
  push: boolean;
  /** XEP-0198 stream management was negotiated. */
  streamManagement: boolean;
  /** XEP-0352 client state indication was offered. */
  csi: boolean;
  /** XEP-0363 upload service, if any. */
  uploadService?: Jid;
  /** Largest upload the service accepts, in bytes, when it says (10 MB on mailbox). */
  uploadMaxBytes?: number;
  /** XEP-0045 group chat service, if any. */
  mucService?: Jid;
  /** XEP-0065 SOCKS5 bytestream proxy, if any. */
  proxy65?: Jid;
  /** Every feature the server itself advertised. */
  features: string[];
}
