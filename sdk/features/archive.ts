import { ChatError, ErrorCodes, isChatError, asChatError } from '../errors.js';
import type { ChatEvents, Emit } from '../events.js';
import { bareJid } from '../jid.js';
import { hasMany, type Store, type StoredMessageRef } from '../store/store.js';
import { createStoreWriter, type StoreWriter } from '../store/writer.js';
import {
  getArchivePrefs,
  queryArchive,
  setArchivePrefs,
  type ArchivedMessage,
  type ArchivePage,
  type ArchivePrefs,
  type ArchiveQuery,
} from '../transport/archive.js';
import { willSend, type InboundMessage, type Transport } from '../transport/xmpp.js';
import type { Conversation, Jid, Message, MessageState } from '../types.js';
import { attachmentOf, type Chats } from './chats.js';
import type { Discovery } from './discovery.js';
import type { Room, RoomInfo, Rooms } from './rooms.js';
import { IMMEDIATE, type Startup } from './startup.js';

/** Options for {@link Archive.history}. */
export interface HistoryOptions {
  /**
   * Page backwards: the `before` cursor of the previous (newer) page. `''` or omitted (and no
   * `after`): the newest page.
   */
  before?: string;
  /** Page forwards: the `after` cursor of the previous (older) page. Takes precedence over `before`. */
  after?: string;
  /** Messages per page; servers cap this (50 on Prosody and ejabberd). Default 50. */
  limit?: number;
  /** Only messages from this time on. */
  start?: Date;
  /** Only messages up to this time. */
  end?: Date;
  /** Aborts the query (rejects with `aborted`). */
  signal?: AbortSignal;
  /** Seconds to wait for the archive. Default: the client's `timeout` (15). */
  timeout?: number;
}

/** One page of history from {@link Archive.history}. */
export interface HistoryPage {
  /**
   * The page's messages, oldest first (`kind` `chat` or `groupchat`; `direction` `out` for
   * messages we sent from any device). Corrections whose original is on the same page are folded
   * into it (`edited`, `correctedFrom`). Messages without a body (receipts, markers, typing) are
   * left out, so a page can hold fewer than `limit` messages.
   */
  messages: Message[];
  /** Pass as `before` to get the next older page; absent when the page was empty. */
  before?: string;
  /** Pass as `after` to get the next newer page; absent when the page was empty. */
  after?: string;
  /**
   * Nothing is left in the direction of paging: paging backwards (`before`), the archive holds
   * nothing older — show "the saved history starts here"; paging forwards (`after`), nothing
   * newer.
   */
  complete: boolean;
  /**
   * With `complete` while paging backwards: the time of the oldest message the server still has.
   * Archives expire (mailbox keeps 7 days), so history before this is gone for good.
   */
  horizon?: Date;
}

/** Options for {@link Archive.recent}. */
export interface RecentOptions {
  /** How many archived messages to read at most, newest first (pages of 50). Default 100. */
  limit?: number;
  /** Aborts the query (rejects with `aborted`). */
  signal?: AbortSignal;
  /** Seconds to wait for each page. Default: the client's `timeout` (15). */
  timeout?: number;
}

/** Archive preferences (XEP-0313): which messages the server archives for us. */
export interface ArchivePreferences {
  /** `always`: archive everything; `never`: nothing; `roster`: only messages with contacts. */
  default: 'always' | 'never' | 'roster';
  /** Always archive messages with these JIDs. */
  always: Jid[];
  /** Never archive messages with these JIDs. */
  never: Jid[];
}

/**
 * The message archive (XEP-0313): `chat.archive`. Results are returned, never emitted as
 * `message` events.
 *
 * @example
 * ```ts
 * let page = await chat.archive.history('ben@example.com'); // the newest page
 * render(page.messages);
 * while (!page.complete) {
 *   page = await chat.archive.history('ben@example.com', { before: page.before });
 *   prepend(page.messages);
 * }
 * if (page.horizon) showNotice('The saved history starts here', page.horizon);
 * ```
 */
export interface Archive {
  /**
   * One page of history of a conversation: a one-to-one conversation (our own archive, filtered
   * by the peer) or a room (the room's archive) — a room is a JID on the server's group chat
   * service, or one we are in. Without `before`/`after` this is the newest page; then page
   * backwards with `before: page.before` until `complete`, where `horizon` says how far back the
   * server keeps messages (mailbox: 7 days; older history is not available). Page forwards with
   * `after: page.after`. Cursors are opaque strings.
   *
   * @example
   * ```ts
   * const newest = await chat.archive.history('team@conference.example.com', { limit: 50 });
   * const older = await chat.archive.history('team@conference.example.com', { before: newest.before });
   * ```
   * @throws ChatError `service-unavailable` (the server or the room keeps no archive),
   * `item-not-found` (unknown cursor), `timeout`, `aborted`, `not-connected`, `invalid-argument`.
   */
  history(conversation: Jid, options?: HistoryOptions): Promise<HistoryPage>;
  /**
   * The one-to-one conversations of our newest archived messages, most recent first, each with
   * its newest message: what a conversation list shows after a page load or on a new device,
   * when this client has not seen those messages itself. They join `chat.conversations` as read
   * (announced with `conversation:updated`); a conversation listed there already stays as it is.
   * Reads the newest `limit` messages of our archive (default 100), so older conversations are
   * not found; receipts, markers, room messages and private messages in rooms are not
   * conversations. Results are not written to the store.
   *
   * @example
   * ```ts
   * await chat.connect();
   * for (const c of await chat.archive.recent()) console.log(c.jid, c.last?.body, c.updated);
   * ```
   * @throws ChatError `service-unavailable` (the server keeps no archive), `timeout`, `aborted`,
   * `not-connected`, `invalid-argument`.
   */
  recent(options?: RecentOptions): Promise<Conversation[]>;
  /**
   * Reads our archive preferences.
   *
   * @example
   * ```ts
   * const { default: policy } = await chat.archive.preferences();
   * ```
   * @throws ChatError `service-unavailable`, `timeout`, `not-connected`.
   */
  preferences(): Promise<ArchivePreferences>;
  /**
   * Writes our archive preferences; resolves with what the server stored.
   *
   * @example
   * ```ts
   * await chat.archive.setPreferences({ default: 'roster', always: ['ben@example.com'], never: [] });
   * ```
   * @throws ChatError `invalid-argument`, `service-unavailable`, `timeout`, `not-connected`.
   */
  setPreferences(preferences: ArchivePreferences): Promise<ArchivePreferences>;
  /**
   * The newest messages the local store holds for a conversation (one-to-one or room), oldest
   * first. Answers at once, also offline and before `connect()`: with an IndexedDB store
   * (`createIndexedDbStore`) this is what a reloaded page shows before the network answers.
   * `before`: only messages older than this time, to page back through the store. The store is
   * bounded, so older history comes from {@link Archive.history}.
   *
   * @example
   * ```ts
   * render(await chat.archive.stored('ben@example.com', { limit: 30 })); // then connect()
   * ```
   * @throws ChatError `service-unavailable` when the store cannot be opened.
   */
  stored(conversation: Jid, options?: { limit?: number; before?: Date }): Promise<Message[]>;
}

const POLICIES: ReadonlySet<string> = new Set(['always', 'never', 'roster']);

/**
 * Turns one archive page into public messages, oldest first; pure. `room` is the room's JID
 * and our nickname in it (for `direction`), or undefined for a one-to-one archive.
 */
export function toHistoryMessages(
  archived: readonly ArchivedMessage[],
  ownBareJid: Jid,
  conversation: Jid,
  room?: { nick?: string },
): Message[] {
  const out: Message[] = [];
  const byId = new Map<string, number>();
  for (const { archiveId, message: m } of archived) {
    if (m.body === undefined || m.type === 'error') continue;
    const kind = room ? 'groupchat' : 'chat';
    const direction = room
      ? room.nick !== undefined && m.from.split('/').slice(1).join('/') === room.nick
        ? 'out'
        : 'in'
      : bareJid(m.from) === ownBareJid
        ? 'out'
        : 'in';
    if (m.replace) {
      const index = byId.get(`${m.from}\n${m.replace}`);
      const original = index === undefined ? undefined : out[index];
      if (index !== undefined && original) {
        const attachment = attachmentOf(m.body, m.links);
        const rest: Message = { ...original };
        delete (rest as { attachment?: unknown }).attachment;
        delete (rest as { action?: unknown }).action;
        out[index] = {
          ...rest,
          body: m.body,
          edited: true,
          correctedFrom: original.correctedFrom ?? original.body,
          ...(attachment ? { attachment } : {}),
          ...(m.action ? { action: true } : {}),
        };
        continue;
      }
    }
    const attachment = attachmentOf(m.body, m.links);
    const message: Message = {
      id: m.originId ?? m.id ?? archiveId,
      stanzaId: archiveId,
      conversation,
      from: m.from,
      direction,
      kind,
      body: m.body,
      time: m.delay ?? new Date(0),
      ...(direction === 'out' ? { state: 'acked' as const } : {}),
      ...(attachment ? { attachment } : {}),
      ...(m.replace ? { edited: true } : {}),
      ...(m.action ? { action: true } : {}),
    };
    for (const id of [m.id, m.originId]) if (id) byId.set(`${m.from}\n${id}`, out.length);
    out.push(message);
  }
  return out;
}

/** Creates the archive feature (`chat.archive`). */
export function createArchive({
  transport,
  discovery,
  rooms,
  chats,
  joinInfo,
  joinPage,
  newestPages,
  store,
  timeout = 15,
}: {
  transport: Transport;
  discovery: Discovery;
  rooms: Pick<Rooms, 'get' | 'info'>;
  /** Where conversations found by `recent()` are listed. */
  chats: Pick<Chats, 'recall'>;
  /** A room's disco#info as asked for with its join, when there is one (see `RoomsControl`). */
  joinInfo?: (jid: Jid) => Promise<RoomInfo | undefined> | undefined;
  /** A room's newest page asked for with its join, when there is one (see `RoomsControl`). */
  joinPage?: JoinPage;
  /** Shared with the catch-up: see {@link NewestPages}. */
  newestPages?: NewestPages;
  store: Store;
  timeout?: number;
}): Archive {
  const requireOnline = (): void => {
    if (!transport.online) throw new ChatError(ErrorCodes.notConnected, 'Not connected');
  };
  const requirePersonalArchive = async (): Promise<void> => {
    const server = await discovery.ready();
    if (!server.archive) {
      throw new ChatError(ErrorCodes.serviceUnavailable, 'The server keeps no message archive');
    }
  };

  /**
   * One page of a conversation's history (see `history`), its arguments checked. `newest`: the
   * newest page of a room we are in is asked for.
   */
  const roomOrPersonalPage = async (
    jid: Jid,
    joined: Room | undefined,
    newest: boolean,
    limit: number,
    options: HistoryOptions,
    queued: () => void,
  ): Promise<HistoryPage> => {
    const isRoom = joined !== undefined || jid.split('@')[1] === (await discovery.ready()).mucService;
    if (isRoom) {
      let info = await joinInfo?.(jid);
      // Not archived when it was joined: ask again, it may be now.
      if (!info?.archived) info = await rooms.info(jid);
      if (!info.archived) {
        throw new ChatError(ErrorCodes.serviceUnavailable, `The room ${jid} keeps no message archive`);
      }
    } else {
      await requirePersonalArchive();
    }
    const after = options.after !== undefined && options.after !== '' ? options.after : undefined;
    const forwards = after !== undefined;
    // The newest page of a room we just joined may have come with the join: nothing to send
    // while it comes, unless it turns out stale. (Not when the caller limits the wait.)
    const bounded = options.signal !== undefined || options.timeout !== undefined;
    const fromJoin = newest && !bounded ? joinPage?.(jid, true) : undefined;
    if (fromJoin) queued();
    const early = fromJoin && newestOf(await fromJoin, limit);
    const query = early
      ? Promise.resolve(early)
      : queryArchive(
          transport,
          {
            ...(isRoom ? { archive: jid } : { with: jid }),
            ...(after !== undefined ? { after } : { before: options.before ?? '' }),
            max: limit,
            ...(options.start ? { start: options.start } : {}),
            ...(options.end ? { end: options.end } : {}),
          },
          { timeout: options.timeout ?? timeout, ...(options.signal ? { signal: options.signal } : {}) },
        );
    queued();
    const page = await query;
    const own = bareJid(transport.jid ?? '');
    const messages = toHistoryMessages(
      page.messages,
      own,
      jid,
      isRoom ? (joined ? { nick: joined.nick } : {}) : undefined,
    );
    const oldest = page.messages[0]?.message.delay;
    return {
      messages,
      ...(page.first !== undefined ? { before: page.first } : {}),
      ...(page.last !== undefined ? { after: page.last } : {}),
      complete: page.complete,
      ...(page.complete && !forwards && oldest ? { horizon: oldest } : {}),
    };
  };

  return {
    async history(conversation, options = {}) {
      requireOnline();
      const jid = bareJid(conversation);
      const limit = options.limit ?? 50;
      if (!jid.includes('@') || !Number.isInteger(limit) || limit < 1) {
        throw new ChatError(ErrorCodes.invalidArgument, 'history needs a bare JID and a positive limit');
      }
      // A room we are in is known without waiting for the server's discovery, and whether it
      // keeps an archive came with its join: the first page goes out at once.
      const joined = rooms.get(jid);
      const newestOfRoom =
        joined !== undefined &&
        !options.before &&
        options.after === undefined &&
        !options.start &&
        !options.end;
      const newest = newestOfRoom && newestPages ? handOver(newestPages, jid) : undefined;
      // The checks before the query take a few promise callbacks: a view drawn after
      // `chat.written()` meanwhile would hold the query up (see `willSend`).
      const queued = willSend(transport);
      try {
        const page = await roomOrPersonalPage(jid, joined, newestOfRoom, limit, options, queued);
        newest?.(page.after ?? '');
        return page;
      } finally {
        queued();
        newest?.(undefined);
      }
    },

    stored: (conversation, options = {}) => store.messages(conversation, options),

    async recent(options = {}) {
      requireOnline();
      const limit = options.limit ?? 100;
      if (!Number.isInteger(limit) || limit < 1) {
        throw new ChatError(ErrorCodes.invalidArgument, 'recent needs a positive limit');
      }
      await requirePersonalArchive();
      const { mucService } = await discovery.ready();
      const own = bareJid(transport.jid ?? '');
      const request = {
        timeout: options.timeout ?? timeout,
        ...(options.signal ? { signal: options.signal } : {}),
      };
      // Pages backwards from the newest; what they hold is kept oldest first.
      let archived: ArchivedMessage[] = [];
      let before = '';
      for (let read = 0; read < limit;) {
        const max = Math.min(CATCH_UP_PAGE, limit - read);
        const page = await queryArchive(transport, { before, max }, request);
        read += page.messages.length;
        archived = [...page.messages, ...archived];
        if (page.complete || page.first === undefined || page.messages.length === 0) break;
        before = page.first;
      }
      const byPeer = new Map<Jid, ArchivedMessage[]>();
      for (const item of archived) {
        const m = item.message;
        if ((m.type !== 'chat' && m.type !== 'normal') || m.roomInvite) continue;
        const peer = bareJid(bareJid(m.from) === own ? m.to : m.from);
        const domain = peer.split('@')[1];
        if (!domain || domain === mucService) continue; // the server's own, and room private messages
        byPeer.set(peer, [...(byPeer.get(peer) ?? []), item]);
      }
      // Most recent first; archive timestamps may be whole seconds, so ties go by archive order.
      const position = new Map(archived.map((item, index) => [item.archiveId, index]));
      const found = [...byPeer]
        .map(([jid, items]) => ({ jid, messages: toHistoryMessages(items, own, jid) }))
        .filter(({ messages }) => messages.length > 0)
        .sort(
          (x, y) => position.get(y.messages.at(-1)!.stanzaId!)! - position.get(x.messages.at(-1)!.stanzaId!)!,
        );
      return chats.recall(found);
    },

    async preferences() {
      requireOnline();
      await requirePersonalArchive();
      return toPublic(await getArchivePrefs(transport, timeout));
    },

    async setPreferences(preferences) {
      requireOnline();
      if (
        !preferences ||
        !POLICIES.has(preferences.default) ||
        !Array.isArray(preferences.always) ||
        !Array.isArray(preferences.never)
      ) {
        throw new ChatError(
          ErrorCodes.invalidArgument,
          'Archive preferences need default (always, never or roster), always and never',
        );
      }
      await requirePersonalArchive();
      const prefs: ArchivePrefs = {
        default: preferences.default,
        always: preferences.always.map(bareJid),
        never: preferences.never.map(bareJid),
      };
      return toPublic(await setArchivePrefs(transport, prefs, timeout));
    },
  };
}

const toPublic = (prefs: ArchivePrefs): ArchivePreferences => ({
  default: prefs.default,
  always: [...prefs.always],
  never: [...prefs.never],
});

// --- catch-up and the local store ------------------------------------------------------------

/** The store key that marks an archive's catch-up as under way (a JID has no spaces). */
const pendingKey = (archive: Jid): string => `${archive} catch-up`;

/** Messages asked for per catch-up page (servers cap it at 50). */
const CATCH_UP_PAGE = 50;

/**
 * The newest page of a room's archive, while one is being fetched for `history()`: where that
 * archive ends now (`''` when it is empty; `undefined` when the page failed). A fresh session's
 * catch-up that holds nothing from the room needs just that, and takes it instead of asking the
 * server the same (on file storage, each archive query reads the room's whole archive).
 */
export type NewestPages = Map<Jid, Promise<string | undefined>>;

/** See `RoomsControl.joinPage`. */
export type JoinPage = (jid: Jid, take: boolean) => Promise<ArchivePage | undefined> | undefined;

/**
 * The newest `limit` messages of an archive's newest `page` (as asked for with a room's join),
 * when it holds as many or the whole archive; undefined otherwise.
 */
function newestOf(page: ArchivePage | undefined, limit: number): ArchivePage | undefined {
  if (!page) return undefined;
  const { messages } = page;
  if (messages.length <= limit) return messages.length === limit || page.complete ? page : undefined;
  const kept = messages.slice(-limit);
  return {
    messages: kept,
    first: kept[0]!.archiveId,
    ...(page.last !== undefined ? { last: page.last } : {}),
    complete: false,
  };
}

/** Resolves after the tasks queued so far (a turn for the host's own first requests). */
const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Announces a newest page of `archive` being fetched; the returned function tells its end, once.
 * The page stays announced after it came, until the room's catch-up takes it (which may look
 * only then, on a busy machine) or the room is joined again (see `catchUpRoom`).
 */
function handOver(pages: NewestPages, archive: Jid): (end: string | undefined) => void {
  let settle!: (end: string | undefined) => void;
  const end = new Promise<string | undefined>((resolve) => (settle = resolve));
  pages.set(archive, end);
  let done = false;
  return (value) => {
    if (done) return;
    done = true;
    settle(value);
  };
}

/** Recent messages per conversation read back from the store at start, to recognize repeats. */
const RESTORE_PER_CONVERSATION = 50;

/**
 * What passes between the features and the listeners, kept in the local store: every `message`,
 * `message:updated`, `message:state` and `conversation:updated` is written to it. Room messages
 * also pass a gate here: until a room was caught up from its archive in the current session, its
 * live messages are held, then released after the archived ones, each once. Internal.
 */
export interface Timeline {
  /** The `emit` to give the features: persists, gates room messages, then emits. */
  emit: Emit;
  /**
   * A fresh session: the live messages of these rooms (the ones being rejoined) are held until
   * each is caught up, and so are those of rooms the store holds messages of.
   */
  holdRooms(rooms: readonly Jid[]): void;
  /** Emits a room's held live messages that the archive did not already bring; live from now. */
  releaseRoom(room: Jid): void;
  /** Emits one archived room message unless it was seen already. */
  deliverRoom(message: Message): void;
  /** Remembers stored room messages (after a reload) so that the archive does not repeat them. */
  seed(messages: readonly Message[]): void;
  /**
   * Remembers the conversation of stored one-to-one messages sent from this browser (after a
   * reload), so that the states they still reach (read by the peer, say) are written too.
   */
  seedSent(conversation: Jid, messages: readonly Message[]): void;
  /** Whether live one-to-one messages move the personal archive's cursor (after its catch-up). */
  personalLive: boolean;
  /**
   * The store writes, in order and batched: what the catch-up writes goes behind the messages
   * it took (a page's cursor lands in the same batch as the page's messages).
   */
  readonly writes: StoreWriter;
}

/** Creates the {@link Timeline} in front of the client's real `emit`. */
export function createTimeline({
  store,
  emit,
  ownJid,
}: {
  store: Store;
  emit: Emit;
  /** Our bare JID (the key of the personal archive's cursor). */
  ownJid: () => Jid;
}): Timeline {
  /** Store writes in order, batched; a failure is reported on `error` and does not stop later writes. */
  const writes = createStoreWriter(store, (cause: unknown) => {
    emit('error', {
      error: asChatError(cause, ErrorCodes.requestFailed, 'Writing to the local store failed'),
    });
  });
  /** Rooms caught up in this session: their live messages pass at once. */
  const live = new Set<Jid>();
  /** Live messages of rooms not caught up yet, by room. */
  const held = new Map<Jid, Message[]>();
  /** Room message keys seen (stanza id and id, per room), bounded. */
  const seen = new Set<string>();
  const keysOf = (m: Message): string[] => [
    ...(m.stanzaId ? [`${m.conversation}\ns:${m.stanzaId}`] : []),
    `${m.conversation}\ni:${m.id}`,
  ];
  const remember = (m: Message): void => {
    for (const key of keysOf(m)) {
      seen.add(key);
      if (seen.size > 20_000) seen.delete(seen.values().next().value as string);
    }
  };
  /** The conversation of each message sent here, by id, for `message:state`. */
  const sentIn = new Map<string, Jid>();
  /** Rooms the store held messages of at start: they are caught up before live ones show. */
  const stored = new Set<Jid>();
  /** The newest message of each room, as the store's room conversations show it. */
  const roomLast = new Map<Jid, Message>();

  const persist = (message: Message, moveCursor: boolean): void => {
    writes.putMessage(message);
    if (message.kind === 'groupchat') {
      const last = roomLast.get(message.conversation);
      if (!last || message.time.getTime() >= last.time.getTime()) {
        roomLast.set(message.conversation, message);
        writes.putConversation({
          jid: message.conversation,
          kind: 'groupchat',
          last: message,
          unread: 0,
          updated: message.time,
        });
      }
    }
    // A live message with the archive's id moves the catch-up cursor (archived ones are counted
    // by the catch-up itself, released ones are older than where it got to).
    const { stanzaId } = message;
    if (!moveCursor || !stanzaId) return;
    if (message.kind === 'groupchat') writes.setCursor(message.conversation, stanzaId);
    else if (timeline.personalLive) writes.setCursor(ownJid(), stanzaId);
  };

  const pass = (message: Message, moveCursor: boolean): void => {
    if (message.kind === 'groupchat') {
      if (keysOf(message).some((k) => seen.has(k))) return;
      remember(message);
    }
    persist(message, moveCursor);
    emit('message', { message });
  };

  const gated: Emit = (event, payload) => {
    if (event === 'message') {
      const { message } = payload as { message: Message };
      // Sent from here: announce it at once, whatever is held.
      const local = message.direction === 'out' && message.state !== undefined && !message.stanzaId;
      if (local) {
        sentIn.set(message.id, message.conversation);
        if (sentIn.size > 20_000) sentIn.delete(sentIn.keys().next().value as string);
      }
      const room = message.kind === 'groupchat' ? message.conversation : undefined;
      // A room is held while it is caught up: one being rejoined, or one we hold messages of.
      // A room new to us has nothing to catch up: its messages pass at once.
      if (room && !local && !live.has(room) && (held.has(room) || stored.has(room))) {
        const waiting = held.get(room) ?? [];
        held.set(room, waiting);
        waiting.push(message);
        return;
      }
      pass(message, true);
      return;
    }
    if (event === 'message:updated') {
      const { message } = payload as { message: Message };
      writes.putMessage(message);
    } else if (event === 'message:state') {
      const { id, state } = payload as { id: string; state: MessageState };
      const conversation = sentIn.get(id);
      if (conversation) writes.updateMessage(conversation, id, (stored) => ({ ...stored, state }));
    } else if (event === 'conversation:updated') {
      const { conversation } = payload as { conversation: Conversation };
      writes.putConversation({ ...conversation, kind: 'chat' });
    } else if (event === 'room:left') {
      // Gone: what came before leaving is shown; nothing is held for it any longer.
      const { room } = payload as { room: Jid };
      timeline.releaseRoom(room);
      live.delete(room);
    }
    emit(event, payload);
  };

  const timeline: Timeline = {
    emit: gated,
    personalLive: false,
    writes,
    holdRooms(rooms) {
      live.clear();
      for (const room of rooms) if (!held.has(room)) held.set(room, []);
    },
    releaseRoom(room) {
      live.add(room);
      const waiting = held.get(room) ?? [];
      held.delete(room);
      for (const message of waiting) pass(message, false);
    },
    deliverRoom: (message) => pass(message, false),
    seedSent(conversation, messages) {
      for (const m of messages)
        if (m.direction === 'out' && m.state !== undefined) sentIn.set(m.id, conversation);
      while (sentIn.size > 20_000) sentIn.delete(sentIn.keys().next().value as string);
    },
    seed(messages) {
      for (const m of messages) {
        if (m.kind !== 'groupchat') continue;
        remember(m);
        stored.add(m.conversation);
        const last = roomLast.get(m.conversation);
        if (!last || m.time.getTime() >= last.time.getTime()) roomLast.set(m.conversation, m);
      }
    },
  };
  return timeline;
}

/**
 * What the catch-up does with one archive page: `refs` are the messages the store may hold already
 * (asked all at once), `take` takes the page given the answers, synchronously.
 */
interface Delivery {
  refs: StoredMessageRef[];
  take(known: readonly boolean[]): void;
}

/** Catch-up from the archives. Internal; see {@link createCatchUp}. */
export interface CatchUp {
  /** Resolves once what the store holds is listed (`chat.conversations`); never rejects. */
  readonly restored: Promise<void>;
}

/**
 * Creates the catch-up: at start, lists what the store holds; after every fresh session (not
 * after a resume), fetches everything since the newest message we hold — the personal archive
 * forwards from its cursor, page by page, and each joined room's archive once the room is
 * (re)joined — while live messages are held; then releases the live ones that the archive did not
 * bring. Every message is emitted once, in order. With nothing held yet (first start, or a memory
 * store), it only notes where the archive ends now: history is for `history()`, not for `message`.
 */
export function createCatchUp({
  transport,
  discovery,
  rooms,
  chats,
  timeline,
  store,
  emit,
  on,
  startup = IMMEDIATE,
  joinInfo,
  joinPage,
  newestPages,
  roomsWaiting,
  timeout = 15,
}: {
  transport: Transport;
  discovery: Discovery;
  rooms: Pick<Rooms, 'get' | 'info' | 'list'>;
  chats: Pick<Chats, 'hold' | 'release' | 'ingest' | 'restore'>;
  timeline: Timeline;
  store: Store;
  emit: Emit;
  on: <K extends keyof ChatEvents>(event: K, listener: ChatEvents[K]) => () => void;
  /** Orders the personal catch-up after the first screen's requests (see {@link Startup}). */
  startup?: Startup;
  /** A room's disco#info asked for with its join, when there is one (see `RoomsControl`). */
  joinInfo?: (jid: Jid) => Promise<RoomInfo | undefined> | undefined;
  /** A room's newest page asked for with its join, when there is one (see `RoomsControl`). */
  joinPage?: JoinPage;
  /** Shared with `history()`: see {@link NewestPages}. */
  newestPages?: NewestPages;
  /** Gets the room messages the store holds at start (see `RoomsControl.restoreWaiting`). */
  roomsWaiting?: (messages: readonly Message[]) => void;
  timeout?: number;
}): CatchUp {
  const own = (): Jid => bareJid(transport.jid ?? '');
  const report = (error: unknown, what: string): ChatError => {
    const chatError = asChatError(error, ErrorCodes.requestFailed, what);
    emit('error', { error: chatError });
    return chatError;
  };

  const { writes } = timeline;
  /** How the store would know a message: by stanza id or (our own) by our id. */
  const refOf = (conversation: Jid, stanzaId?: string, ownId?: string): StoredMessageRef => ({
    conversation,
    ...(stanzaId !== undefined ? { stanzaId } : {}),
    ...(ownId !== undefined ? { id: ownId } : {}),
  });

  /** Whether a held live message is in the store already (a re-delivery after a reload). */
  const isKnown = async (inbound: InboundMessage, peer: Jid): Promise<boolean> => {
    const ownId = bareJid(inbound.from) === own() ? (inbound.originId ?? inbound.id) : undefined;
    const [known] = await hasMany(store, [refOf(peer, inbound.stanzaId, ownId)]);
    return known === true;
  };

  // Nothing live is taken before the store's content is listed.
  chats.hold();
  const restored = (async () => {
    const stored = await store.conversations();
    const chatsToRestore: Array<{ conversation: Conversation; messages: Message[] }> = [];
    const roomMessages: Message[] = [];
    for (const c of stored) {
      const messages = await store.messages(c.jid, { limit: RESTORE_PER_CONVERSATION });
      if (c.kind === 'groupchat') {
        timeline.seed(messages);
        roomMessages.push(...messages);
      } else {
        timeline.seedSent(c.jid, messages);
        chatsToRestore.push({
          conversation: {
            jid: c.jid,
            unread: c.unread,
            updated: c.updated,
            ...(c.last ? { last: c.last } : {}),
          },
          messages,
        });
      }
    }
    chats.restore(chatsToRestore);
    roomsWaiting?.(roomMessages);
  })()
    .catch((error: unknown) => {
      report(error, 'Reading the local store failed');
      chats.restore([]);
      roomsWaiting?.([]);
    })
    .finally(() => void chats.release(isKnown));

  /**
   * Fetches one archive from its cursor to its end, a page at a time: `deliver` says which of the
   * page's messages the store may hold already (asked in one read), and takes the page with the
   * answers; the page's messages and the new cursor are then written together, in one batch.
   * Returns the pages fetched; undefined when `stale()` says a newer run took over.
   */
  const fetchAll = async (
    archive: Jid,
    room: boolean,
    deliver: (page: ArchivePage) => Delivery,
    stale: () => boolean,
  ): Promise<{ pages: number; fetched: number } | undefined> => {
    const ask = (query: Omit<ArchiveQuery, 'max'> & { max?: number }): Promise<ArchivePage> =>
      queryArchive(transport, { ...(room ? { archive } : {}), max: CATCH_UP_PAGE, ...query }, { timeout });
    // Read and written behind the writes queued before (a live message may have moved it).
    let cursor = await writes.after(() => store.cursor(archive));
    if (stale()) return undefined;
    if (cursor === undefined) {
      // Nothing held from this archive: note where it ends now ('' = its start, when it is empty).
      // A room's newest page asked for by the host meanwhile (its history, opened with the join)
      // says that too: after a turn for the host's own first requests, that is taken if there is
      // one, so the server reads the archive once.
      const handed =
        room && newestPages
          ? await nextTask().then(() => {
              const page = newestPages.get(archive);
              newestPages.delete(archive);
              return page;
            })
          : undefined;
      let end = handed ? await handed : undefined;
      if (end === undefined && room) {
        // Else the join's newest page says it, if it still is the newest.
        const page = await joinPage?.(archive, false);
        if (page) end = page.last ?? '';
      }
      const asked = end === undefined;
      if (asked) end = (await ask({ before: '', max: 1 })).last ?? '';
      if (stale()) return undefined;
      await writes.after(() => store.setCursor(archive, end));
      return { pages: asked ? 1 : 0, fetched: 0 };
    }
    // Until it is done, live messages must not move the cursor past what is still missing, also
    // not in another client that resumes this session (a reload).
    await writes.after(() => store.setCursor(pendingKey(archive), '1'));
    let pages = 0;
    let fetched = 0;
    let page: ArchivePage;
    try {
      page = await ask(cursor === '' ? { fromStart: true } : { after: cursor });
    } catch (error) {
      // The cursor's message expired from the archive: take everything it still has.
      if (!isChatError(error) || error.code !== ErrorCodes.itemNotFound) throw error;
      page = await ask({ fromStart: true });
    }
    for (;;) {
      if (stale()) return undefined;
      pages += 1;
      fetched += page.messages.length;
      const after = !page.complete && page.messages.length > 0 ? page.last : undefined;
      // The next page is asked for at once: the store's answer for this one comes meanwhile.
      const next = after ? ask({ after }) : undefined;
      // Awaited below; until then, or if a stale run drops it, its failure is not unhandled.
      next?.catch(() => undefined);
      const delivery = deliver(page);
      const known = await hasMany(store, delivery.refs);
      if (stale()) return undefined;
      // From here to the cursor nothing waits: the page's writes and its cursor form one batch.
      delivery.take(known);
      if (page.last) {
        cursor = page.last;
        writes.setCursor(archive, cursor);
      }
      if (!next) break;
      page = await next;
    }
    // Done once everything taken is written.
    await writes.after(() => store.setCursor(pendingKey(archive), undefined));
    return { pages, fetched };
  };

  /** Runs one archive's catch-up; on a lost link it is tried again with the next session. */
  const run = async (
    archive: Jid,
    room: boolean,
    deliver: (page: ArchivePage) => Delivery,
    stale: () => boolean,
  ): Promise<'done' | 'stale' | 'offline'> => {
    emit('archive:catch-up', { archive, phase: 'started' });
    try {
      const result = await fetchAll(archive, room, deliver, stale);
      if (!result) return 'stale';
      emit('archive:catch-up', { archive, phase: 'done', pages: result.pages, messages: result.fetched });
      return 'done';
    } catch (error) {
      if (stale()) return 'stale';
      if (!transport.online) return 'offline'; // the next session (fresh or resumed) goes on
      const chatError = report(error, `Catching up from the archive of ${archive} failed`);
      emit('archive:catch-up', { archive, phase: 'failed', error: chatError });
      return 'done';
    }
  };

  // The personal archive: one-to-one messages from all our conversations.
  let personalRun = 0;
  let personalDone = true;
  let personalHeld = false;
  const catchUpPersonal = async (): Promise<void> => {
    const id = (personalRun += 1);
    const stale = (): boolean => id !== personalRun;
    await restored;
    const server = await discovery.ready().catch(() => undefined);
    if (stale()) return;
    let outcome: 'done' | 'stale' | 'offline' = 'done';
    if (server?.archive) {
      outcome = await run(
        own(),
        false,
        (page) => {
          // Already stored (from before a reload): not new. By stanza id; ours also by our id.
          // Messages without a body (receipts, markers) are not stored: they are always taken.
          const refs: StoredMessageRef[] = [];
          const asked = page.messages.map(({ archiveId, message }) => {
            if (message.body === undefined) return -1;
            const outgoing = bareJid(message.from) === own();
            const peer = bareJid(outgoing ? message.to : message.from);
            refs.push(refOf(peer, archiveId, outgoing ? (message.originId ?? message.id) : undefined));
            return refs.length - 1;
          });
          return {
            refs,
            take: (known) =>
              page.messages.forEach(({ message }, i) => {
                const at = asked[i]!;
                if (at < 0 || !known[at]) chats.ingest(message);
              }),
          };
        },
        stale,
      );
    }
    if (outcome === 'done') finishPersonal();
  };
  /** The personal archive is caught up: live one-to-one messages flow and move its cursor. */
  const finishPersonal = (): void => {
    personalDone = true;
    const run = personalRun;
    const released = personalHeld ? chats.release(isKnown) : Promise.resolve();
    personalHeld = false;
    void released.then(() => {
      if (run === personalRun && personalDone) timeline.personalLive = true;
    });
  };
  const holdPersonal = (): void => {
    personalDone = false;
    if (!personalHeld) {
      personalHeld = true;
      chats.hold();
    }
    timeline.personalLive = false;
  };

  // Room archives: each room once it is (re)joined in a fresh session.
  const roomRuns = new Map<Jid, number>();
  const roomsPending = new Set<Jid>();
  const catchUpRoom = async (jid: Jid): Promise<void> => {
    const id = (roomRuns.get(jid) ?? 0) + 1;
    roomRuns.set(jid, id);
    const stale = (): boolean => roomRuns.get(jid) !== id;
    roomsPending.add(jid);
    // A newest page announced before this join tells where the archive ended then, not now.
    newestPages?.delete(jid);
    await restored;
    let outcome: 'done' | 'stale' | 'offline' = 'done';
    try {
      const early = await joinInfo?.(jid);
      if (stale()) return;
      const archived = (early ?? (await rooms.info(jid))).archived;
      if (stale()) return;
      if (archived) {
        outcome = await run(
          jid,
          true,
          (page) => {
            const nick = rooms.get(jid)?.nick;
            const messages = toHistoryMessages(page.messages, own(), jid, nick ? { nick } : {});
            return {
              refs: messages.map((m) => refOf(jid, m.stanzaId, m.direction === 'out' ? m.id : undefined)),
              take: (known) =>
                messages.forEach((m, i) => {
                  if (!known[i]) timeline.deliverRoom(m);
                }),
            };
          },
          stale,
        );
      }
    } catch (error) {
      if (stale()) return;
      if (!transport.online) outcome = 'offline';
      else report(error, `Reading whether ${jid} keeps an archive failed`);
    }
    if (outcome !== 'done') return;
    roomsPending.delete(jid);
    timeline.releaseRoom(jid);
  };

  let first = true;
  transport.on('online', ({ resumed }) => {
    const firstSession = first;
    first = false;
    if (resumed && firstSession) {
      // This client resumed the session of an earlier one (a page reload): nothing was lost since,
      // unless that one's catch-up was cut short — then it goes on from where it got to.
      holdPersonal();
      const id = personalRun;
      void store
        .cursor(pendingKey(own()))
        .catch(() => '1') // unreadable: catching up is the safe side
        .then((pending) => {
          if (id !== personalRun) return;
          if (pending !== undefined) void catchUpPersonal();
          else finishPersonal();
        });
      return;
    }
    if (!resumed) {
      holdPersonal();
      timeline.holdRooms(rooms.list().map((room) => room.jid));
      for (const jid of roomRuns.keys()) roomRuns.set(jid, (roomRuns.get(jid) ?? 0) + 1);
      roomsPending.clear();
      // Live one-to-one messages wait for it (held above), but the roster and the host's first
      // requests (a room's history, say) go first.
      startup.later(() => void catchUpPersonal());
      return;
    }
    // A resume: nothing was lost; only a catch-up the link cut short goes on.
    if (!personalDone) void catchUpPersonal();
    for (const jid of roomsPending) if (rooms.get(jid)) void catchUpRoom(jid);
  });
  on('room:joined', ({ room }) => void catchUpRoom(room.jid));
  on('room:left', ({ room }) => {
    roomRuns.set(room, (roomRuns.get(room) ?? 0) + 1);
    roomsPending.delete(room);
  });

  return { restored };
}
