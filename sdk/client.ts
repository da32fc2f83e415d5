import { ChatError, ErrorCodes } from './errors.js';
import { createEmitter } from './emitter.js';
import type { ChatEvents } from './events.js';
import { createBlocking, type Blocking } from './features/blocking.js';
import { createChats } from './features/chats.js';
import { createContacts, type Contacts } from './features/contacts.js';
import { createDiscovery } from './features/discovery.js';
import { createPresence, type PresenceApi } from './features/presence.js';
import { createProfile, type ProfileApi } from './features/profile.js';
import { createPush, type Push } from './features/push.js';
import { createStartup } from './features/startup.js';
import { createOutboxLocks } from './features/outbox-locks.js';
import { createRooms, roomsControl, type RoomInfo, type Rooms, type RoomsOptions } from './features/rooms.js';
import { createBookmarks, type Bookmarks } from './features/bookmarks.js';
import {
  createArchive,
  createCatchUp,
  createTimeline,
  type Archive,
  type JoinPage,
  type NewestPages,
} from './features/archive.js';
import { createMemoryStore } from './store/memory.js';
import type { Store } from './store/store.js';
import { bareJid } from './jid.js';
import { createSession, type ReconnectOptions } from './features/session.js';
import { sessionResumeStorage } from './resume-storage.js';
import { createTransport, sending, type Transport } from './transport/xmpp.js';
import type {
  Jid,
  LoginKeyStorage,
  Message,
  MessageState,
  ResumeStorage,
  ServerInfo,
  Status,
} from './types.js';
import type { Conversations } from './features/chats.js';
import { createFiles, type Files, type UploadData, type UploadOptions } from './features/files.js';
import type { TypingState } from './types.js';
import { createTransfers, type Transfers } from './features/transfers.js';

/** Options for {@link createChat}. */
export interface ChatOptions {
  /** The account, e.g. `anna@example.com` (on mailbox: the main e-mail address). */
  jid: Jid;
  /** The password. Kept in memory only for this client; prefer `credentials` for portal SSO. */
  password?: string;
  /**
   * Called at each fresh login instead of keeping a password: return it from your portal's
   * backend. The result is used once and never stored.
   */
  credentials?: () => Promise<{ password: string }>;
  /**
   * Where to connect: a WebSocket (`wss://chat.example.com/xmpp-websocket`) or BOSH
   * (`https://chat.example.com/http-bind`) endpoint; in Node also `xmpp://host:5222` (STARTTLS)
   * or `xmpps://host:5223` (direct TLS). A list is tried in order, falling back to the next when
   * one cannot connect (e.g. `['wss://…/xmpp-websocket', 'https://…/http-bind']`). Omitted: DNS
   * SRV in Node, XEP-0156 discovery (WebSocket first, then BOSH) in browsers.
   */
  service?: string | readonly string[];
  /**
   * Where XEP-0156 host-meta is read from when `service` is omitted in a browser. Default
   * `https://<domain>` (`/.well-known/host-meta.json`, then `/.well-known/host-meta`).
   */
  hostMeta?: string;
  /**
   * Node only: TLS settings for TCP connections and for the HTTPS PUT of file uploads. `ca` adds
   * trusted CA certificates (PEM), e.g. a company CA. Certificates are always verified; there is
   * no switch to turn that off.
   */
  tls?: { ca?: string | string[] };
  /** Resource to ask the server for; the server may assign another. */
  resource?: string;
  /** Seconds to wait for answers from the server. Default 15. */
  timeout?: number;
  /**
   * Automatic reconnect after a lost link: exponential backoff with jitter, reset after every
   * successful session or resume. `false` turns it off. Never retried: `auth-failed`,
   * `account-disabled`, `certificate`, `conflict`, `policy-violation`.
   */
  reconnect?: ReconnectOptions | false;
  /**
   * Keepalive on an idle link, in seconds: how often to check (XEP-0198 `<r/>`, else XEP-0199
   * ping) and how long to wait for the answer. A dead link is noticed within `interval + timeout`.
   * Default `{ interval: 60, timeout: 15 }`.
   */
  keepalive?: { interval: number; timeout: number };
  /**
   * Where XEP-0198 resume state is kept so that a reload resumes the session instead of starting
   * a new one. Default: `sessionStorage` in browsers, memory in Node. `false`: memory only.
   */
  resumeStorage?: ResumeStorage | false;
  /**
   * Where the key derived from the password at login (SCRAM's salted password, non-extractable)
   * is kept, so that a later client of the account — the next page of a portal — logs in with it
   * instead of asking `credentials` for the password. Never the password itself. Default: none,
   * the key stays in this client's memory. `createTabLoginKeyStorage(jid)` keeps it for the
   * browser tab. Given alone (no `password` nor `credentials`), a login the key does not fit
   * fails with `auth-failed`. Emptied by `disconnect()` and by a failed login. `undefined` (what
   * `createTabLoginKeyStorage` gives where there is no browser storage): none.
   */
  loginKey?: LoginKeyStorage | undefined;
  /**
   * File sharing. `expiresAfter`: milliseconds after which the server deletes uploaded files, used
   * for `attachment.expiresAt` — set it to `3_600_000` (one hour) for mailbox. Unset: no expiry
   * is shown (servers differ; Prosody keeps files forever by default).
   */
  files?: { expiresAfter?: number };
  /**
   * Whether one-to-one messages ask the recipient for a delivery receipt and read markers
   * (XEP-0184, XEP-0333), which move them to `delivered` and `displayed`. Default `true`. Bots that
   * show no delivery ticks can turn it off: their messages then stop at `acked` (the server has
   * them), and the server stores one stanza per message instead of three (Prosody archives the
   * answers too). Messages from others that ask for receipts are answered either way.
   */
  receipts?: boolean;
  /**
   * Group chat. `selfPingInterval`: seconds between XEP-0410 self-pings of quiet rooms, which
   * notice when the server silently dropped us from a room and rejoin it (default 300; `0`: off).
   * `prefetch`: how many of a room's newest archived messages a join asks for along with it, for
   * the room's first history page (default 50; `0`: none, for bots that never show it).
   */
  rooms?: RoomsOptions;
  /**
   * Where conversations, recent messages and archive catch-up cursors are kept. Default: memory
   * (`createMemoryStore()`). In browsers, `createIndexedDbStore({ jid })` keeps them across
   * reloads, so the last messages show at once (`chat.conversations`, `chat.archive.stored()`),
   * and catch-up after a reload fetches only what came since.
   */
  store?: Store;
}

/** The SDK facade returned by {@link createChat}. */
export interface Chat {
  /** The current connection status. */
  readonly status: Status;
  /** What discovery found on the server in the current session; undefined until then. */
  readonly server: ServerInfo | undefined;
  /** The full JID (`user@domain/resource`) of the current session, once one was bound. */
  readonly jid: Jid | undefined;
  /** Opens the session. Resolves when online; rejects with a {@link ChatError} (`auth-failed`, …). */
  connect(): Promise<void>;
  /**
   * Closes the session; `status` becomes `offline`. Its resume state is forgotten at once, so a
   * client created while it closes (a sign-in right after a sign-out) starts a new session.
   */
  disconnect(): Promise<void>;
  /**
   * Closes the connection but leaves the session to the server, for the next client to resume:
   * the next page of a browser tab, an element created again, a bot's next process. `status`
   * becomes `offline`, as with {@link Chat.disconnect}, but contacts and rooms do not see the
   * user leave, and what comes for the user meanwhile (messages, room traffic) is delivered to
   * the client that resumes. The server keeps the session for a while (Prosody: 10 minutes by
   * default); after that it ends by itself.
   *
   * The session's resume state stays in `resumeStorage` (its counters are written first), and the
   * login key in `loginKey`. A client created with the same storage resumes with `connect()`
   * (this client too). Without a session the server can resume (no `resumeStorage`, no XEP-0198,
   * or a session over BOSH, which is never resumable), this ends the session like `disconnect()`,
   * keeping the login key.
   *
   * @example
   * ```ts
   * // A single-page app leaving the chat's view: the next view's client picks the session up.
   * await chat.suspend();
   * ```
   */
  suspend(): Promise<void>;
  /**
   * Resolves once the stanzas asked for so far are written to the connection, the query of a
   * history page asked for included (it goes out after checks of its own). Over WebSocket the
   * SDK writes them one after another through a chain of promise callbacks, so this is still
   * within the current task. Over BOSH (stanzas wait for the next HTTP request) and TCP (each
   * write waits for the socket), or should the connection stall, it resolves in the next task at
   * the latest, when some may still be on their way. While the connection is down it resolves at
   * once (what waits goes out with the next session). For user interfaces: a view drawn after
   * this does not hold up what the user has just asked the server for — `<mailbox-chat>` renders
   * so. It says nothing about delivery: see the `message:state` event for that.
   *
   * @example
   * ```ts
   * chat.send(peer, text);
   * await chat.written();
   * render();
   * ```
   */
  written(): Promise<void>;
  /**
   * Sends a one-to-one message. Works offline: the message is queued and sent once online. With
   * a `resumeStorage` (in browsers, by default) it is kept there until it is written, so a page
   * reloaded or left before the connection came back hands it to the tab's next page, which sends
   * it (with its id, and announced there on `message` too). Returns the message with its first
   * state (`sent`, or `queued` when offline). The message is also emitted once as a `message`
   * event (direction `out`, state `queued`) before it returns, so a UI can render every message
   * from that one stream; `message:state` then follows it through `sent`, `acked`, `delivered`
   * (XEP-0184 receipt or XEP-0333 `received`) and `displayed`. A body that is just an http(s)
   * URL gets an `attachment`.
   */
  send(to: Jid, body: string): Message;
  /**
   * Corrects the last message we sent in its conversation (XEP-0308): the same {@link Message}
   * (same `id`) gets the new `body`, `edited: true` and `correctedFrom` (the original text);
   * `message:updated` fires here and at the peer. Works offline like `send`.
   *
   * @example
   * ```ts
   * const msg = chat.send('ben@example.com', 'Helo');
   * await chat.correct(msg.id, 'Hello');
   * ```
   * @throws ChatError `invalid-argument` when `id` is not our last message in its conversation.
   */
  correct(id: string, body: string): Promise<Message>;
  /**
   * Marks a conversation read: its unread count becomes 0 (`conversation:updated`) and the peer
   * gets a XEP-0333 `displayed` marker for the newest message that asked for one (sent on the
   * next session when offline). Same as `chat.conversations.markRead()`.
   *
   * @example
   * ```ts
   * chat.markRead('ben@example.com'); // the user opened the conversation
   * ```
   */
  markRead(conversation: Jid): void;
  /**
   * Tells the peer what the user is doing in a conversation (XEP-0085 chat states):
   * `composing` while typing, `paused` after a pause, `active` when looking at it, `inactive`,
   * `gone`. Repeats of the same state are not sent again; sending a message implies `active`.
   * `conversation` may be a room we are in: the occupants get it, and theirs arrive as `typing`
   * with the room as `conversation` and the occupant JID (`room@service/nick`) as `from`.
   * Best effort: nothing is sent (or queued) while offline.
   *
   * @example
   * ```ts
   * input.addEventListener('input', () => chat.setTyping('ben@example.com', 'composing'));
   * ```
   * @throws ChatError `invalid-argument` for an unknown state.
   */
  setTyping(conversation: Jid, state: TypingState): void;
  /**
   * The one-to-one conversations, most recent first, with their last message and unread count;
   * `conversation:updated` says when one changed. A fresh client with a memory store lists only
   * what comes while it runs; `chat.archive.recent()` adds the conversations of the account's
   * newest archived messages.
   *
   * @example
   * ```ts
   * chat.on('conversation:updated', () => render(chat.conversations.list()));
   * ```
   */
  readonly conversations: Conversations;
  /**
   * Tells the server whether the user is looking at the chat (XEP-0352 client state indication),
   * so it can hold unimportant traffic (presence, typing) while inactive. Browsers do this from
   * page visibility by themselves; call it from Node or a native shell. Kept across reconnects.
   *
   * @example
   * ```ts
   * chat.setActive(false); // the app went to the background
   * ```
   */
  setActive(active: boolean): void;
  /**
   * Uploads a file (XEP-0363, see {@link Files.upload}) and then sends it like `send()`: the
   * download URL as body plus an XEP-0066 link, so Conversations, Gajim and Converse.js show it
   * inline. The message's `attachment` has `url`, `name`, `type`, `size` and, with
   * `files.expiresAfter`, `expiresAt`. The file is stored unencrypted on the server and deleted
   * after its expiry (1 hour on mailbox). A separate call (not `send(to, { file })`) because the
   * upload makes it asynchronous, while `send()` returns at once.
   *
   * @example
   * ```ts
   * const msg = await chat.sendFile('ben@example.com', file, { onProgress: ({ percent }) => show(percent) });
   * ```
   * @throws ChatError like {@link Files.upload}; nothing is sent when the upload fails.
   */
  sendFile(to: Jid, data: UploadData, options?: UploadOptions): Promise<Message>;
  /** File sharing: HTTP upload (XEP-0363). */
  readonly files: Files;
  /**
   * Direct file transfers to one device of a contact (Jingle file transfer over SOCKS5 through
   * the server's proxy). Node only: in browsers `send()` rejects with `unsupported`. Incoming
   * offers arrive as `transfer:offer` events.
   *
   * @example
   * ```ts
   * chat.on('transfer:offer', async ({ offer }) => {
   *   if (offer.size !== undefined && offer.size < 50_000_000) save(offer.name, await offer.accept());
   *   else await offer.decline();
   * });
   * ```
   */
  readonly transfers: Transfers;
  /** Contacts (roster), their presence and subscription requests. */
  readonly contacts: Contacts;
  /** Our own presence and status message. */
  readonly presence: PresenceApi;
  /** Blocking (XEP-0191). */
  readonly blocking: Blocking;
  /** Push notifications (XEP-0357). */
  readonly push: Push;
  /** Our own profile (vCard: name, nickname, avatar). */
  readonly profile: ProfileApi;
  /**
   * Group chat (XEP-0045): join, create and configure rooms, moderation, invitations.
   *
   * @example
   * ```ts
   * const room = await chat.rooms.join('team@conference.example.com', { nick: 'anna' });
   * room.send('Hallo zusammen');
   * ```
   */
  readonly rooms: Rooms;
  /**
   * Room bookmarks shared by the account's devices (XEP-0402, else XEP-0048), with autojoin at
   * every fresh session.
   *
   * @example
   * ```ts
   * await chat.bookmarks.add({ jid: 'team@conference.example.com', nick: 'anna', autojoin: true });
   * ```
   */
  readonly bookmarks: Bookmarks;
  /**
   * The message archive (XEP-0313): history pages of one-to-one conversations and rooms, and the
   * archive preferences. Results are returned, never emitted as `message` events.
   *
   * @example
   * ```ts
   * const page = await chat.archive.history('ben@example.com', { limit: 50 }); // the newest page
   * const older = await chat.archive.history('ben@example.com', { before: page.before });
   * ```
   */
  readonly archive: Archive;
  /** Subscribes to an event; returns a function that unsubscribes. */
  on<K extends keyof ChatEvents>(event: K, listener: ChatEvents[K]): () => void;
}

/**
 * In browsers: retry at once when the network comes back or the page becomes visible, instead of
 * waiting for the next backoff step; and tell the server (XEP-0352) whether the page is visible,
 * so it can hold presence and typing traffic for a hidden tab.
 */
function watchPage(retryNow: () => void, setActive: (active: boolean) => void): () => void {
  type Target = {
    addEventListener?: (type: string, listener: () => void) => void;
    removeEventListener?: (type: string, listener: () => void) => void;
  };
  const target = globalThis as Target;
  target.addEventListener?.('online', retryNow);
  const doc = (globalThis as { document?: Document }).document;
  const onVisibility = (): void => {
    const visible = doc?.visibilityState === 'visible';
    setActive(visible);
    if (visible) retryNow();
  };
  if (doc?.visibilityState === 'hidden') setActive(false);
  doc?.addEventListener('visibilitychange', onVisibility);
  return () => {
    target.removeEventListener?.('online', retryNow);
    doc?.removeEventListener('visibilitychange', onVisibility);
  };
}

const transports = new WeakMap<Chat, Transport>();

/** The transport under a chat, for tests that watch the wire. Not part of the public API. */
export function transportOf(chat: Chat): Transport | undefined {
  return transports.get(chat);
}

/**
 * Creates a chat client for one account. Nothing goes on the wire until `connect()`.
 *
 * @example
 * ```ts
 * const chat = createChat({ jid: 'anna@example.com', password, service: 'wss://example.com/xmpp-websocket' });
 * chat.on('message', ({ message }) => console.log(message.from, message.body));
 * await chat.connect();
 * chat.send('ben@example.com', 'Hello');
 * ```
 * @throws ChatError `invalid-argument` when none of `password`, `credentials` and `loginKey` is given.
 */
export function createChat(options: ChatOptions): Chat {
  const { password, loginKey } = options;
  const credentials =
    options.credentials ??
    (password !== undefined
      ? async () => ({ password })
      : loginKey
        ? () => Promise.reject(new ChatError(ErrorCodes.authFailed, 'The kept login key does not fit'))
        : undefined);
  if (!credentials) {
    throw new ChatError(
      ErrorCodes.invalidArgument,
      'createChat needs `password`, `credentials` or `loginKey`',
    );
  }
  const events = createEmitter<ChatEvents>((error) => events.emit('error', { error }));
  const store = options.store ?? createMemoryStore();
  const resumeStorage =
    options.resumeStorage === false
      ? undefined
      : (options.resumeStorage ?? store.resume ?? sessionResumeStorage(options.jid));
  const transport = createTransport({
    jid: options.jid,
    keepalive: options.keepalive ?? { interval: 60, timeout: 15 },
    ...(resumeStorage ? { resumeStorage } : {}),
    ...(options.service ? { service: options.service } : {}),
    ...(options.hostMeta ? { hostMeta: options.hostMeta } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    credentials,
    ...(loginKey ? { loginKey } : {}),
    ...(options.resource ? { resource: options.resource } : {}),
    ...(options.timeout ? { timeout: options.timeout } : {}),
  });
  transport.on('error', ({ error }) => events.emit('error', { error }));

  // The features, composed in one place. Each subscribes to the transport's `online` event, whose
  // `resumed` flag tells a fresh session (redo per-session set-up: carbons, presence, rooms) from
  // a resumed one (nothing to redo).
  const session = createSession({ transport, emit: events.emit, reconnect: options.reconnect ?? {} });
  const setActive = (active: boolean): void => transport.setClientState(active ? 'active' : 'inactive');
  // Page listeners for as long as the client may connect: a page that makes a client for each
  // sign-in (a single-page portal) does not keep the ended ones alive through them.
  let unwatch: (() => void) | undefined = watchPage(session.retryNow, setActive);
  const stop = (): void => {
    unwatch?.();
    unwatch = undefined;
    // Background work of the rooms (self-ping) ends with the session.
    roomsControl(rooms).stop();
  };
  const discovery = createDiscovery({ transport, emit: events.emit });
  // Messages pass the timeline on their way to listeners: it writes them to the store and holds
  // room messages while catch-up fetches what came before them.
  const timeline = createTimeline({
    store,
    emit: events.emit,
    ownJid: () => bareJid(transport.jid ?? options.jid),
  });
  // Messages a closed tab left waiting in a shared store (see `outbox-locks.ts`).
  const storedState = async (conversation: Jid, id: string): Promise<MessageState | undefined> =>
    (await store.findMessage(conversation, { id }))?.state;
  const locks = createOutboxLocks();
  const chats = createChats({
    transport,
    emit: timeline.emit,
    discovery,
    isBlocked: (jid) => blocking.isBlocked(jid),
    // Room private messages get the occupant JID as their conversation (see Message.conversation).
    isRoomOccupant: (jid) => roomsControl(rooms).isOccupantJid(jid),
    ...(options.files?.expiresAfter !== undefined ? { expiresAfter: options.files.expiresAfter } : {}),
    ...(options.receipts === false ? { receipts: false } : {}),
    storedState,
    locks,
  });
  const files = createFiles({ transport, discovery, ...(options.tls ? { tls: options.tls } : {}) });
  const transfers = createTransfers({ transport, discovery, emit: events.emit });
  // A fresh session asks for the roster first; set-up no first screen needs goes after it.
  const startup = createStartup(transport);
  const blocking = createBlocking({ transport, emit: events.emit, discovery, startup });
  const presence = createPresence({ transport });
  const profile = createProfile({
    transport,
    emit: events.emit,
    onOwnPhoto: presence.setPhotoHash,
    startup,
  });
  const contacts = createContacts({ transport, emit: events.emit, blocking, profile, startup });
  const push = createPush({ transport, emit: events.emit, discovery, startup });
  const rooms = createRooms({
    transport,
    emit: timeline.emit,
    discovery,
    files,
    ...(options.files?.expiresAfter !== undefined ? { expiresAfter: options.files.expiresAfter } : {}),
    ...(options.rooms ? { options: options.rooms } : {}),
    privateSent: (message) => chats.adopt(message),
    storedState,
    locks,
    ownPresence: () => {
      const { show, status } = presence.current;
      return { ...(show && show !== 'online' ? { show } : {}), ...(status ? { status } : {}) };
    },
  });
  const bookmarks = createBookmarks({ transport, emit: events.emit, rooms });
  // What the history and the catch-up share: a room's disco#info and newest page asked for with
  // its join, and a room's newest page fetched for `history()` (it tells the catch-up where that
  // archive ends).
  const joinInfo = (jid: Jid): Promise<RoomInfo | undefined> | undefined => roomsControl(rooms).joinInfo(jid);
  const joinPage: JoinPage = (jid, take) => roomsControl(rooms).joinPage(jid, take);
  const newestPages: NewestPages = new Map();
  const archive = createArchive({
    transport,
    discovery,
    rooms,
    chats,
    joinInfo,
    joinPage,
    newestPages,
    store,
    ...(options.timeout ? { timeout: options.timeout } : {}),
  });
  // After every fresh session: everything since the newest message held, from each archive.
  createCatchUp({
    transport,
    discovery,
    rooms,
    chats,
    timeline,
    store,
    emit: events.emit,
    on: events.on,
    startup,
    joinInfo,
    joinPage,
    newestPages,
    roomsWaiting: (messages) => roomsControl(rooms).restoreWaiting(messages),
    ...(options.timeout ? { timeout: options.timeout } : {}),
  });
  // Last of the transport's `online` listeners: the features are set up for the new session when
  // the host hears of it.
  transport.on('online', () => session.up());

  const chat: Chat = {
    get status() {
      return session.status;
    },
    get server() {
      return discovery.server;
    },
    get jid() {
      return transport.jid;
    },
    connect() {
      unwatch ??= watchPage(session.retryNow, setActive);
      return session.connect();
    },
    async disconnect() {
      stop();
      await session.disconnect();
    },
    async suspend() {
      stop();
      await session.suspend();
    },
    written: () => sending(transport) ?? Promise.resolve(),
    send: chats.send,
    correct: chats.correct,
    markRead: chats.markRead,
    setTyping: (conversation, state) => {
      if (!roomsControl(rooms).setTyping(conversation, state)) chats.setTyping(conversation, state);
    },
    conversations: chats.conversations,
    setActive,
    contacts,
    presence: {
      get current() {
        return presence.current;
      },
      set(own) {
        presence.set(own);
        roomsControl(rooms).presenceChanged();
      },
    },
    blocking: {
      block: blocking.block,
      unblock: blocking.unblock,
      list: blocking.list,
      isBlocked: blocking.isBlocked,
    },
    push,
    profile: { get: profile.get, set: profile.set },
    rooms,
    bookmarks,
    archive,
    files,
    transfers,
    async sendFile(to, data, uploadOptions) {
      const file = await files.upload(data, uploadOptions);
      return chats.send(to, file.url, file);
    },
    on: events.on,
  };
  transports.set(chat, transport);
  return chat;
}
