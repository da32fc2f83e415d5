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
  /**
   * The conversation the message belongs to: the peer's bare JID (one-to-one) or the room's bare
   * JID (`kind: 'groupchat'`). A private message with a room occupant (XEP-0045; sent with
   * `room.sendPrivate()`) has `kind: 'chat'` and the occupant's full JID `room@service/nick` —
   * never a bare JID, so it cannot be confused with a contact's conversation or with the room.
   */
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
  /**
   * A shared file or link: from XEP-0066 out-of-band data, or a body that is just one http(s) URL
   * (the body then still holds the URL).
   */
  readonly attachment?: Attachment;
  /** True when the message was corrected (XEP-0308); `body` holds the latest text. */
  readonly edited?: boolean;
  /** The original text, before the first correction. */
  readonly correctedFrom?: string;
  /**
   * A `/me` message (XEP-0245): `body` still starts with `/me `; show it as an action, e.g.
   * `* anna waves` for `/me waves`.
   */
  readonly action?: boolean;
}

/** A file or link attached to a message. Render names and descriptions as text. */
export interface Attachment {
  /** Where it is. Only http(s) URLs are taken from incoming messages. */
  readonly url: string;
  /** The file name, from the URL's last path segment. */
  readonly name?: string;
  /** MIME type, guessed from the file name's extension when the sender did not say. */
  readonly type?: string;
  /** Size in bytes, when known. */
  readonly size?: number;
  /** The sender's description (XEP-0066 `desc`). */
  readonly description?: string;
  /**
   * When an uploaded file is expected to be gone from the server: the message time plus
   * `files.expiresAfter` (a `createChat` option; one hour on mailbox). Set for files sent with
   * `chat.sendFile()` and for received shared files (an XEP-0066 link equal to the body, as
   * Conversations, Gajim and Converse.js send them), only when `files.expiresAfter` is set. Show
   * such attachments as expired afterwards instead of as broken images.
   */
  readonly expiresAt?: Date;
}

/** XEP-0085 chat states: what a peer is doing in a conversation. */
export type TypingState = 'composing' | 'paused' | 'active' | 'inactive' | 'gone';

/** A one-to-one conversation as `chat.conversations.list()` shows it. */
export interface Conversation {
  /** Bare JID of the peer; for private messages with a room occupant, `room@service/nick`. */
  readonly jid: Jid;
  /** The newest message, incoming or outgoing. */
  readonly last?: Message;
  /** Incoming messages since the conversation was last read (here, or replied to anywhere). */
  readonly unread: number;
  /** Time of the newest message. */
  readonly updated: Date;
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
  /** What the client's features keep for the next page load (the rooms joined). */
  kept?: Record<string, unknown>;
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
 * The key a client derived from the password at its last login (SCRAM's salted password, RFC 5802),
 * as a non-extractable `CryptoKey`: scripts can use it to log in, never read it out. `id` says which
 * of the server's salts it fits (a changed password has a new one). Treat it as opaque.
 */
export interface LoginKey {
  readonly id: string;
  readonly key: CryptoKey;
}

/**
 * Where a {@link LoginKey} is kept between clients of one account, so that a later one (the next
 * page of a portal) logs in without asking for the password. Written after a login the server
 * proved it shares the password for; emptied (`save(undefined)`) at `disconnect()` and when a
 * login fails. {@link createTabLoginKeyStorage} keeps it for one browser tab.
 */
export interface LoginKeyStorage {
  load(): LoginKey | undefined | Promise<LoginKey | undefined>;
  save(key: LoginKey | undefined): void | Promise<void>;
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

/**
 * Presence "show" values as a closed set: `online` (plain available), `chat` (free for chat),
 * `away`, `xa` (extended away), `dnd` (do not disturb), `offline` (no resource available).
 */
/**
 * @example
 * ```ts
 * const label = (show: PresenceShow) => t(`presence.${show}`); // one string per PresenceShows entry
 * ```
 */
export const PresenceShows = ['chat', 'online', 'away', 'xa', 'dnd', 'offline'] as const;
/** One of {@link PresenceShows}. */
export type PresenceShow = (typeof PresenceShows)[number];

/** The presence of one resource (device) of a contact, or a contact's aggregated presence. */
export interface Presence {
  /** `offline` when no resource is available. */
  readonly show: PresenceShow;
  /** The status message, if any. Render it as text. */
  readonly status?: string;
  /** The resource's priority (RFC 6121); 0 when unset. */
  readonly priority: number;
  /** The resource this presence came from; absent for `offline`. */
  readonly resource?: string;
}

/** Subscription state of a contact (RFC 6121): whose presence flows to whom. */
export type Subscription = 'none' | 'to' | 'from' | 'both';

/**
 * A contact in the roster, with presence and avatar. Plain, immutable data: a new object on change.
 *
 * @example
 * ```ts
 * const ben = chat.contacts.get('ben@example.com');
 * if (ben) render(ben.name ?? ben.nickname ?? ben.jid, ben.presence.show, ben.avatar);
 * ```
 */
export interface Contact {
  /** Bare JID. */
  readonly jid: Jid;
  /** The name we gave the contact in our roster. */
  readonly name?: string;
  /** The nickname the contact chose (XEP-0172), as seen in its presence or subscription request. */
  readonly nickname?: string;
  /** Roster groups. */
  readonly groups: readonly string[];
  /** `to`: we see their presence; `from`: they see ours; `both`; `none`. */
  readonly subscription: Subscription;
  /** Our request to see their presence is pending. */
  readonly ask: boolean;
  /** Aggregated presence: the best available resource (by priority, then show), else `offline`. */
  readonly presence: Presence;
  /** Every available resource, best first. */
  readonly resources: readonly Presence[];
  /**
   * The contact's avatar as a URL usable in `<img src>`: an object URL in browsers (revoked when
   * the avatar changes), a `data:` URL in Node. Absent when there is none (or not fetched yet).
   */
  readonly avatar?: string;
}

/**
 * Our own presence, as set with `chat.presence.set()`.
 *
 * @example
 * ```ts
 * const away: OwnPresence = { show: 'away', status: 'Back at 3' };
 * chat.presence.set(away);
 * ```
 */
export interface OwnPresence {
  /** Default `online`. `offline` is not settable: use `disconnect()`. */
  show?: Exclude<PresenceShow, 'offline'>;
  /** A status message. */
  status?: string;
  /** Priority of this resource (-128…127); default 0. */
  priority?: number;
}

/** Our own profile from our vCard (vcard-temp). */
export interface Profile {
  /** Full name (vCard `FN`). */
  name?: string;
  /** Nickname (vCard `NICKNAME`), also sent with subscription requests (XEP-0172). */
  nickname?: string;
  /** Our avatar as a URL (see {@link Contact.avatar}), if we have one. */
  avatar?: string;
}

/**
 * Where push notifications go (XEP-0357): the app server's JID and node, and an optional secret.
 *
 * @example
 * ```ts
 * await chat.push.enable({ service: 'push.example.com', node: deviceToken, secret });
 * ```
 */
export interface PushTarget {
  /** JID of the app server (push service). */
  service: Jid;
  /** The node on the app server that identifies this device. */
  node: string;
  /** A secret the app server gave this device, sent along as `secret` in the publish options. */
  secret?: string;
}

/**
 * Per-call limits a request to the server takes, on top of the session's own timeout.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * await chat.contacts.add('ben@example.com', { name: 'Ben', signal: controller.signal, timeout: 5 });
 * ```
 */
export interface RequestOptions {
  /** Stop waiting: the call rejects with `aborted`. A change the server already got may still apply. */
  signal?: AbortSignal;
  /** Seconds to wait for the answer before rejecting with `timeout`. Default: the session's (15). */
  timeout?: number;
}
