import { ChatError, ErrorCodes } from '../errors.js';
import { typeForName } from '../mime.js';
import type { Emit } from '../events.js';
import { enableCarbons } from '../transport/disco.js';
import { toChatError } from '../transport/iq.js';
import type { InboundMessage, OutboundMessage, Transport } from '../transport/xmpp.js';
import type { Discovery } from './discovery.js';
import { createOutboxLocks, type OutboxLocks } from './outbox-locks.js';
import type { Attachment, Conversation, Jid, Message, MessageState, TypingState } from '../types.js';
import { bareJid } from '../jid.js';

/** One-to-one chat. Internal; exposed through the client facade. */
export interface Chats {
  /**
   * `file`: the message shares an uploaded file — `body` is its URL, sent with an XEP-0066 link
   * too, and the attachment carries the file's name, type, size and expiry.
   */
  send(to: Jid, body: string, file?: SharedFile): Message;
  correct(id: string, body: string): Promise<Message>;
  markRead(conversation: Jid): void;
  setTyping(conversation: Jid, state: TypingState): void;
  readonly conversations: Conversations;
  /**
   * Holds incoming messages (receipts and markers are still answered at once) until as many
   * `release()` calls as `hold()` calls; then they are taken in the order they came, each once.
   * Catch-up holds live messages while it fetches what came before them. With `isKnown`, the
   * last release first drops held messages it says were seen before (e.g. kept in the local
   * store since before a reload); messages that come meanwhile wait behind them.
   */
  hold(): void;
  release(isKnown?: (inbound: InboundMessage, peer: Jid) => Promise<boolean>): Promise<void>;
  /**
   * Takes one message from our archive (catch-up) the way a live one is taken — once (by
   * XEP-0359 stanza id, or origin id), corrections folded in — and emits it as `message`.
   */
  ingest(inbound: InboundMessage): void;
  /**
   * Fills the conversation list from the local store at start: conversations with their last
   * message and unread count, and recent messages (so that duplicates and corrections of them are
   * recognized). Announces each conversation with `conversation:updated`.
   */
  restore(stored: ReadonlyArray<{ conversation: Conversation; messages: readonly Message[] }>): void;
  /**
   * Adds conversations found in our archive (their newest messages, oldest first) to the list,
   * as read; one listed already, or with a live message still held, stays as it is (the held
   * message will list it, unread). Announces each one added with
   * `conversation:updated`; returns every one asked about as it is now, most recent first.
   */
  recall(found: ReadonlyArray<{ jid: Jid; messages: readonly Message[] }>): Conversation[];
  /**
   * Files an outgoing message another feature sent (a room private message) in its conversation,
   * and announces it once on `message`.
   */
  adopt(message: Message): void;
}

/** An uploaded file to share in a message. */
export interface SharedFile {
  url: string;
  name: string;
  type: string;
  size: number;
}

/** A {@link SharedFile} read back from kept (JSON) data, if it is one. */
export function sharedFile(value: unknown): SharedFile | undefined {
  const { url, name, type, size } = (value ?? {}) as Record<string, unknown>;
  if (typeof url !== 'string' || typeof name !== 'string' || typeof type !== 'string') return undefined;
  return typeof size === 'number' ? { url, name, type, size } : undefined;
}

/** The one-to-one conversations of this client, recent first. Exposed as `chat.conversations`. */
export interface Conversations {
  /**
   * Every conversation with a message since this client started, most recent first, and those
   * listed from the local store or by `chat.archive.recent()`.
   *
   * @example
   * ```ts
   * for (const c of chat.conversations.list()) console.log(c.jid, c.unread, c.last?.body);
   * ```
   */
  list(): Conversation[];
  /** One conversation by the peer's JID (bare or full), if it has one. */
  get(jid: Jid): Conversation | undefined;
  /**
   * Marks a conversation read: resets its unread count and tells the peer (XEP-0333 `displayed`
   * for the newest incoming message that asked for markers). Same as `chat.markRead()`.
   */
  markRead(jid: Jid): void;
  /**
   * Resolves once the conversations kept in the local store are listed (each announced with
   * `conversation:updated`); with an IndexedDB store that is right after a reload, before the
   * network answers. Never rejects.
   *
   * @example
   * ```ts
   * await chat.conversations.restored;
   * render(chat.conversations.list());
   * ```
   */
  readonly restored: Promise<void>;
}

function newId(): string {
  return globalThis.crypto.randomUUID();
}

/** How far a state is along the delivery path; a message never moves backwards. */
const ORDER: Record<MessageState, number> = {
  queued: 0,
  sent: 1,
  acked: 2,
  delivered: 3,
  displayed: 4,
  failed: 5,
};

/** How many message ids the feature remembers for receipts, markers and corrections. */
const KNOWN_LIMIT = 20_000;

export const TYPING_STATES: ReadonlySet<string> = new Set([
  'composing',
  'paused',
  'active',
  'inactive',
  'gone',
]);

/**
 * The attachment of a message: its first http(s) XEP-0066 link, else its body when that is
 * nothing but one http(s) URL. Pure.
 */
export function attachmentOf(
  body: string | undefined,
  links: ReadonlyArray<{ url: string; description?: string }> = [],
): Attachment | undefined {
  const isHttp = (url: string): boolean => /^https?:\/\/\S+$/i.test(url);
  const trimmed = body?.trim() ?? '';
  const link = links.find((l) => isHttp(l.url)) ?? (isHttp(trimmed) ? { url: trimmed } : undefined);
  if (!link) return undefined;
  let url: URL;
  try {
    url = new URL(link.url);
  } catch {
    // Not a URL after all (the pattern above is loose): then it is plain text, not an attachment.
    return undefined;
  }
  const segment = url.pathname.split('/').filter(Boolean).pop();
  let name: string | undefined;
  if (segment) {
    try {
      name = decodeURIComponent(segment);
    } catch {
      // A malformed %-escape: show the segment as it is.
      name = segment;
    }
  }
  const type = name ? typeForName(name) : undefined;
  return {
    url: link.url,
    ...(name ? { name } : {}),
    ...(type ? { type } : {}),
    ...('description' in link && link.description ? { description: link.description } : {}),
  };
}

/**
 * The time of a message that arrives live. A delay stamp of whole seconds (Prosody's, on offline
 * and resent messages) means "within that second": when it would put the message before the
 * conversation's newest one from the same second, it is taken as just after that one, so that
 * live messages keep the order they came in.
 */
export function arrivalTime(stamp: Date | undefined, newest: Date | undefined): Date {
  if (!stamp) return new Date();
  const t = stamp.getTime();
  if (newest && t % 1000 === 0 && t < newest.getTime() && newest.getTime() - t < 1000) {
    return new Date(newest.getTime() + 1);
  }
  return stamp;
}

/**
 * Remembers which incoming messages were seen, by every id they carry (server stanza id, and the
 * sender's origin id or stanza id scoped to the sender), so a re-delivery after a resume or a
 * resend after a fresh session is recognized whichever id it comes with. Bounded.
 */
export function createSeenSet(limit = 10_000): {
  check(message: InboundMessage): boolean;
  add(keys: readonly string[]): void;
} {
  const seen = new Set<string>();
  const remember = (key: string): void => {
    seen.add(key);
    if (seen.size > limit) seen.delete(seen.values().next().value as string);
  };
  return {
    /** Remembers ids without checking them (messages sent here, or restored from the store). */
    add(keys) {
      keys.forEach(remember);
    },
    /** True if the message was seen before; otherwise remembers it and returns false. */
    check(message) {
      const from = bareJid(message.from);
      const keys = [
        message.stanzaId ? `s:${message.stanzaId}` : undefined,
        message.originId ? `o:${from}:${message.originId}` : undefined,
        message.id ? `o:${from}:${message.id}` : undefined,
      ].filter((k): k is string => k !== undefined);
      if (keys.some((k) => seen.has(k))) return true;
      keys.forEach(remember);
      return false;
    },
  };
}

/** What the feature keeps per conversation. */
interface ConversationState {
  jid: Jid;
  last?: Message;
  unread: number;
  updated: Date;
  /** The newest incoming message that asked for markers: its stanza id and full sender JID. */
  markable?: { id: string; to: Jid };
  /** The id we last sent `displayed` for. */
  displayedSent?: string;
  /** A `displayed` marker waits for the next session. */
  displayedPending?: boolean;
  /** The chat state we last sent, so that repeats are not sent again. */
  typingSent?: TypingState;
  /** Id of the newest outgoing message (from any of our devices): the only one we may correct. */
  lastOut?: string;
}

/**
 * Creates the one-to-one chat feature: the outbox with delivery states, receipts and markers,
 * chat states, corrections, carbons, and the conversation list.
 *
 * `isBlocked` tells whether a bare JID is blocked (XEP-0191): nothing from it surfaces (no
 * `message`, `typing`, state changes) and nothing is answered (no receipts or markers).
 */
export function createChats({
  transport,
  emit,
  discovery,
  isBlocked = () => false,
  isRoomOccupant = () => false,
  expiresAfter,
  receipts = true,
  storedState,
  locks = createOutboxLocks(),
}: {
  transport: Transport;
  emit: Emit;
  discovery: Discovery;
  isBlocked?: (jid: Jid) => boolean;
  /** True for an occupant JID (`room@service/nick`): its messages are room private messages. */
  isRoomOccupant?: (jid: Jid) => boolean;
  /** Milliseconds after which shared files are expected to be deleted (`attachment.expiresAt`). */
  expiresAfter?: number;
  /** Whether our messages ask for receipts and markers (see `ChatOptions.receipts`). */
  receipts?: boolean;
  /** The state the local store has for one of our messages now (see `adoptLeft`). */
  storedState?: (conversation: Jid, id: string) => Promise<MessageState | undefined>;
  /** Which client answers for a message written offline (see `outbox-locks.ts`). */
  locks?: OutboxLocks;
}): Chats {
  const seen = createSeenSet();
  /** Every outgoing message not yet acked by the server, in the order it was written. */
  const outbox = new Map<
    string,
    { message: Message; written: boolean; replace?: string; link?: { url: string }; file?: SharedFile }
  >();
  /** When a shared file sent or received at `time` is expected to be gone, if configured. */
  const expiry = (time: Date): { expiresAt?: Date } =>
    expiresAfter !== undefined ? { expiresAt: new Date(time.getTime() + expiresAfter) } : {};
  const states = new Map<string, MessageState>();
  /** Stanza ids of corrections we sent: tracked in the outbox, but they have no state of their own. */
  const corrections = new Set<string>();
  /**
   * Messages by conversation and every id that names them (stanza id, origin id, corrections).
   * The ids of one message share one slot, so a new version replaces it under all of them. Bounded:
   * the oldest ids are forgotten first.
   */
  const known = new Map<string, { message: Message }>();
  const remember = (conversation: Jid, id: string, slot: { message: Message }): void => {
    known.set(keyOf(conversation, id), slot);
    if (known.size > KNOWN_LIMIT) known.delete(known.keys().next().value as string);
  };
  const lookup = (conversation: Jid, id: string): Message | undefined =>
    known.get(keyOf(conversation, id))?.message;
  /** Our own messages by id (from any device): `correct()` finds them here. */
  const ownSlots = new Map<string, { message: Message }>();
  const conversations = new Map<Jid, ConversationState>();
  /** The conversation of each message sent from here, by id. */
  const sentTo = new Map<string, Jid>();

  const keyOf = (conversation: Jid, id: string): string => `${conversation}\n${id}`;

  /** Puts a new version of a known message everywhere the old one was. */
  const replaceKnown = (old: Message, next: Message): void => {
    const slot = known.get(keyOf(old.conversation, old.id)) ?? ownSlots.get(old.id);
    if (slot?.message === old) slot.message = next;
    const c = conversations.get(old.conversation);
    if (c?.last === old) c.last = next;
  };

  const setState = (id: string, state: MessageState, error?: ChatError): void => {
    if (corrections.has(id)) return;
    const current = states.get(id);
    if (current !== undefined && ORDER[current] >= ORDER[state]) return;
    states.set(id, state);
    const conversation = sentTo.get(id);
    const message = conversation ? lookup(conversation, id) : undefined;
    if (message) replaceKnown(message, { ...message, state });
    emit('message:state', { id, state, ...(error ? { error } : {}) });
  };

  /** Sends a stanza that is fine to lose (receipts, markers, chat states); false when offline. */
  const sendBestEffort = (message: OutboundMessage): boolean => {
    if (!transport.online) return false;
    try {
      transport.sendMessage(message);
      return true;
    } catch (error) {
      // The link went down between the check and the send: these are hints, not messages; the
      // next one (or the peer's archive) makes up for it.
      void error;
      return false;
    }
  };

  const snapshot = (c: ConversationState): Conversation => ({
    jid: c.jid,
    ...(c.last ? { last: c.last } : {}),
    unread: c.unread,
    updated: c.updated,
  });
  const publish = (c: ConversationState): void => emit('conversation:updated', { conversation: snapshot(c) });
  const conversationOf = (jid: Jid): ConversationState => {
    let c = conversations.get(jid);
    if (!c) {
      c = { jid, unread: 0, updated: new Date(0) };
      conversations.set(jid, c);
    }
    return c;
  };

  /** Files a new message in its conversation and announces both. */
  const record = (message: Message, ids: readonly string[]): void => {
    const slot = { message };
    for (const id of ids) remember(message.conversation, id, slot);
    if (message.direction === 'out') {
      ownSlots.set(message.id, slot);
      if (ownSlots.size > KNOWN_LIMIT) ownSlots.delete(ownSlots.keys().next().value as string);
    }
    const c = conversationOf(message.conversation);
    if (message.time.getTime() >= c.updated.getTime()) {
      c.last = message;
      c.updated = message.time;
    }
    if (message.direction === 'in') c.unread += 1;
    // Replying (here or on another device) means the conversation was read.
    else c.unread = 0;
    if (message.direction === 'out') c.lastOut = message.id;
    emit('message', { message });
    publish(c);
  };

  /** Replaces a known message by its corrected version and announces it. */
  const update = (original: Message, body: string, aliases: readonly string[]): Message => {
    const attachment = attachmentOf(body);
    const rest: Message = { ...original };
    delete (rest as { attachment?: Attachment }).attachment;
    delete (rest as { action?: boolean }).action;
    const updated: Message = {
      ...rest,
      body,
      edited: true,
      correctedFrom: original.correctedFrom ?? original.body,
      ...(attachment ? { attachment } : {}),
      ...(body.startsWith('/me ') ? { action: true } : {}),
    };
    const c = conversations.get(original.conversation);
    const wasLast = c?.last === original;
    replaceKnown(original, updated);
    const slot = known.get(keyOf(original.conversation, original.id));
    if (slot) for (const id of aliases) remember(original.conversation, id, slot);
    emit('message:updated', { message: updated });
    if (c && wasLast) publish(c);
    return updated;
  };

  const write = (entry: { message: Message; replace?: string; link?: { url: string } }): void => {
    const { message, replace, link } = entry;
    transport.sendMessage({
      id: message.id,
      to: message.conversation,
      type: 'chat',
      body: message.body,
      chatState: 'active',
      ...(replace ? { replace } : receipts ? { requestReceipt: true, markable: true } : {}),
      ...(link && !replace ? { link } : {}),
    });
    conversationOf(message.conversation).typingSent = 'active';
    const current = outbox.get(message.id);
    if (current) current.written = true;
    setState(message.id, 'sent');
  };

  const sendDisplayed = (c: ConversationState): void => {
    const markable = c.markable;
    if (!markable || markable.id === c.displayedSent) return;
    const sent = sendBestEffort({
      to: markable.to,
      type: 'chat',
      marker: { type: 'displayed', id: markable.id },
    });
    c.displayedPending = !sent;
    if (sent) c.displayedSent = markable.id;
  };

  const flush = (): void => {
    for (const entry of outbox.values()) {
      if (entry.written) continue;
      if (!transport.online) break;
      write(entry);
    }
    keepOutbox();
    if (!transport.online) return;
    for (const c of conversations.values()) if (c.displayedPending) sendDisplayed(c);
  };

  /**
   * Messages written while offline are kept with the resume state (`transport.keep`) until they
   * are written to the server: a page left or reloaded before the connection came back hands them
   * to the next client of the tab, which sends them once online (`adoptKept`). Written ones are
   * in stream management's state already.
   */
  const keepOutbox = (): void => {
    const waiting = [...outbox.values()].filter((e) => !e.written && !e.replace);
    transport.keep(
      'outbox',
      waiting.map(({ message, file }) => ({
        id: message.id,
        to: message.conversation,
        body: message.body,
        time: message.time.toISOString(),
        ...(file ? { file } : {}),
      })),
    );
  };

  /** Puts a new outgoing message in the outbox and announces it (`send`, and kept ones). */
  const enqueue = (id: string, to: Jid, body: string, time: Date, file?: SharedFile): Message => {
    const attachment: Attachment | undefined = file
      ? { url: file.url, name: file.name, type: file.type, size: file.size, ...expiry(time) }
      : attachmentOf(body);
    const message: Message = {
      id,
      conversation: bareJid(to),
      from: transport.jid ?? '',
      direction: 'out',
      kind: 'chat',
      body,
      time,
      state: 'queued',
      ...(attachment ? { attachment } : {}),
      ...(body.startsWith('/me ') ? { action: true } : {}),
    };
    outbox.set(id, { message, written: false, ...(file ? { link: { url: file.url }, file } : {}) });
    sentTo.set(id, message.conversation);
    record(message, [id]);
    setState(id, 'queued');
    flush();
    // Waiting: this client answers for it, so that no other tab takes it for one left behind.
    if (!outbox.get(id)?.written) locks.hold(id);
    return message;
  };

  // The last page's waiting messages are this tab's to send (see `adoptKept`) from the start.
  void transport.kept('outbox').then(locks.holdKept);

  /**
   * Our messages the local store shows as waiting, from other pages of this browser (see
   * `restore`): sent by `adoptLeft` when the tab that wrote them is gone.
   */
  const leftWaiting: Message[] = [];
  /**
   * Sends the messages a closed tab wrote offline and left waiting: each one that no live client
   * answers for (`locks`), and that the store still has as waiting. Once, after `adoptKept`.
   */
  const adoptLeft = async (): Promise<void> => {
    await restored;
    await locks.takeOver(
      leftWaiting.splice(0),
      (id) => outbox.has(id) || states.has(id),
      storedState,
      (m) => void enqueue(m.id, m.conversation, m.body, m.time, sharedFile(m.attachment)),
    );
  };

  /** The messages a last page kept (see `keepOutbox`), sent by this client; once. */
  let adopted = false;
  const adoptKept = async (): Promise<void> => {
    if (adopted) return;
    adopted = true;
    const list = await transport.kept('outbox');
    for (const item of Array.isArray(list) ? (list as unknown[]) : []) {
      const { id, to, body, time, file } = (item ?? {}) as Record<string, unknown>;
      if (typeof id !== 'string' || typeof to !== 'string' || typeof body !== 'string') continue;
      if (outbox.has(id) || states.has(id)) continue;
      const at = new Date(typeof time === 'string' ? time : Number.NaN);
      enqueue(id, to, body, Number.isNaN(at.getTime()) ? new Date() : at, sharedFile(file));
    }
  };

  // Carbons belong to the session: a fresh one must turn them on again, and so must a resumed one
  // whose earlier client (the last page, or a client that suspended) left before it had. Whether
  // it had is kept with the resume state.
  let carbons = false;
  const turnOnCarbons = async (): Promise<void> => {
    const server = await discovery.ready().catch(() => undefined); // discovery reports its failures
    if (!server?.carbons) return;
    await enableCarbons(transport);
    carbons = true;
    transport.keep('carbons', true);
  };
  transport.on('online', ({ resumed }) => {
    for (const resend of orphans.values()) resend();
    orphans.clear();
    flush();
    void adoptKept().then(adoptLeft);
    if (resumed && carbons) return;
    if (!resumed) {
      carbons = false;
      transport.keep('carbons', false);
    }
    void (resumed ? transport.kept('carbons') : Promise.resolve(false))
      .then((on) => {
        if (on === true) carbons = true;
        else return turnOnCarbons();
      })
      .catch((error: unknown) => emit('error', { error: error as ChatError }));
  });
  transport.on('message:acked', ({ id }) => {
    if (!outbox.delete(id)) return;
    setState(id, 'acked');
  });
  /**
   * Messages an earlier client wrote that the server never acknowledged, when this client could
   * not resume their session (it expired, say): the last page's last words before a reload. Not
   * this client's, so not in its outbox; written again once this client's session is up.
   */
  const orphans = new Map<string, () => void>();
  transport.on('message:unacked', ({ id, resend }) => {
    // The session it went out on ended before an ack: write it again on the next session, in its
    // original place in the order (the receiver drops the copy if the first one did arrive).
    const entry = outbox.get(id);
    if (entry) {
      entry.written = false;
      locks.hold(id);
    } else if (resend) orphans.set(id, resend);
  });

  /** A receipt or marker from `peer` about our message `id`. */
  const confirm = (peer: Jid, id: string, state: 'delivered' | 'displayed'): void => {
    const mine = lookup(peer, id);
    if (!mine || mine.direction !== 'out') return;
    if (!states.has(mine.id)) {
      // Sent from an earlier page of this browser (restored from the store with the state it had
      // reached): the peer's receipts and markers still move it on.
      if (mine.state === undefined) return;
      states.set(mine.id, mine.state);
    }
    // The peer has it: no need to write it again after a lost session. The server had it too, so
    // the states in between are passed through in order even if their own signal comes later
    // (a receipt can overtake the XEP-0198 ack): listeners always see the whole path.
    outbox.delete(mine.id);
    const ladder: MessageState[] = ['acked', 'delivered', 'displayed'];
    for (const step of ladder.slice(0, ladder.indexOf(state) + 1)) setState(mine.id, step);
  };

  /**
   * Takes a message with a body — live, released from a hold, or from the archive — once: drops
   * repeats, folds corrections into their original, else files and announces it.
   */
  const take = (inbound: InboundMessage & { body: string }, outgoing: boolean, peer: Jid): void => {
    // Our own message sent from here, coming back (from the archive): it is already known.
    const own = [inbound.originId, inbound.id].some((id) => id && (sentTo.has(id) || corrections.has(id)));
    if (outgoing && own) return;
    if (seen.check(inbound)) return;
    if (inbound.markable && inbound.id && !outgoing) {
      conversationOf(peer).markable = { id: inbound.id, to: inbound.from };
    }
    const ids = [inbound.id, inbound.originId].filter((id): id is string => Boolean(id));

    if (inbound.replace) {
      const original = lookup(peer, inbound.replace);
      if (original) {
        // Only the original sender may correct a message (ours: only our own devices, through
        // carbons); anything else is dropped.
        const bySender =
          original.direction === 'out' ? outgoing : bareJid(original.from) === bareJid(inbound.from);
        if (bySender) update(original, inbound.body, ids);
        return;
      }
      // The original is unknown here (older than this client): show the correction as a message.
    }

    const linked = attachmentOf(inbound.body, inbound.links);
    // A shared (uploaded) file: an XEP-0066 link equal to the body, as XMPP clients send them.
    const sharedFile = Boolean(inbound.links?.some((l) => l.url === inbound.body?.trim()));
    const time = arrivalTime(inbound.delay, conversations.get(peer)?.last?.time);
    const attachment = linked && sharedFile ? { ...linked, ...expiry(time) } : linked;
    const message: Message = {
      id: inbound.originId ?? inbound.id ?? inbound.stanzaId ?? newId(),
      ...(inbound.stanzaId ? { stanzaId: inbound.stanzaId } : {}),
      conversation: peer,
      from: inbound.from,
      direction: outgoing ? 'out' : 'in',
      kind: 'chat',
      body: inbound.body,
      time,
      ...(attachment ? { attachment } : {}),
      ...(inbound.replace ? { edited: true } : {}),
      ...(inbound.action ? { action: true } : {}),
    };
    record(message, ids.length > 0 ? ids : [message.id]);
  };

  /**
   * Lists a conversation not listed yet with messages known from elsewhere (the store, the
   * archive), oldest first, so that duplicates and corrections of them are recognized.
   */
  const seed = (
    jid: Jid,
    messages: readonly Message[],
    conversation: Pick<Conversation, 'last' | 'unread' | 'updated'>,
  ): void => {
    if (conversations.has(jid)) return; // something newer came first: keep it
    for (const message of messages) {
      const slot = { message };
      remember(jid, message.id, slot);
      seen.add([
        ...(message.stanzaId ? [`s:${message.stanzaId}`] : []),
        `o:${bareJid(message.from)}:${message.id}`,
      ]);
      if (message.direction === 'out') {
        ownSlots.set(message.id, slot);
        if (ownSlots.size > KNOWN_LIMIT) ownSlots.delete(ownSlots.keys().next().value as string);
      }
    }
    const last = messages.at(-1) ?? conversation.last;
    if (!last) return;
    const c = conversationOf(jid);
    c.last = lookup(jid, last.id) ?? last;
    c.updated = conversation.updated;
    c.unread = conversation.unread;
    const lastOut = [...messages].reverse().find((m) => m.direction === 'out');
    if (lastOut) c.lastOut = lastOut.id;
    publish(c);
  };

  let markRestored = (): void => undefined;
  const restored = new Promise<void>((resolve) => {
    markRestored = resolve;
  });
  /** Live messages held while catch-up runs (see `hold`). */
  let holds = 0;
  const held: Array<{ inbound: InboundMessage & { body: string }; outgoing: boolean; peer: Jid }> = [];

  // --- Room private messages (XEP-0045 PMs; the rooms feature recognizes occupant JIDs) ---
  /**
   * The conversation a JID belongs to: a contact's bare JID, or for a room private message the
   * occupant's full JID (`room@service/nick`), so it is never taken for a contact or the room.
   */
  const peerOf = (jid: Jid): Jid => (isRoomOccupant(jid) ? jid : bareJid(jid));
  // --- end room private messages ---

  transport.on('message', (inbound: InboundMessage) => {
    if (inbound.type === 'error' && inbound.id && inbound.error && !inbound.carbon) {
      // A bounce of one of our messages (no such user, blocked by the peer on some servers, …).
      const conversation = sentTo.get(inbound.id);
      const from = bareJid(inbound.from);
      if (!conversation || (from !== conversation && from !== conversation.split('@')[1])) return;
      outbox.delete(inbound.id);
      setState(inbound.id, 'failed', toChatError({ error: inbound.error }, 'Sending the message'));
      return;
    }
    if (inbound.type !== 'chat' && inbound.type !== 'normal') return;
    // Servers put a human-readable body on invitations; they are not chat messages.
    if (inbound.roomInvite) return;
    const outgoing = inbound.carbon === 'sent';
    const peer = peerOf(outgoing ? inbound.to : inbound.from);
    if (!peer || (!outgoing && isBlocked(bareJid(peer)))) return;

    // Answer what the sender asked for; a received carbon was answered by the device that got it.
    // Also answered for re-deliveries: our first answer may have been lost with the link.
    if (!inbound.carbon && inbound.id && (inbound.receiptRequest || inbound.markable)) {
      sendBestEffort({
        to: inbound.from,
        type: inbound.type,
        ...(inbound.receiptRequest ? { receiptFor: inbound.id } : {}),
        ...(inbound.markable ? { marker: { type: 'received' as const, id: inbound.id } } : {}),
      });
    }
    if (!outgoing) {
      if (inbound.receiptFor) confirm(peer, inbound.receiptFor, 'delivered');
      if (inbound.marker) {
        confirm(peer, inbound.marker.id, inbound.marker.type === 'received' ? 'delivered' : 'displayed');
      }
      if (inbound.chatState) {
        emit('typing', { conversation: peer, from: inbound.from, state: inbound.chatState });
      }
    } else if (inbound.marker?.type === 'displayed') {
      // Another of our devices showed the conversation to the user: it is read here too.
      const c = conversations.get(peer);
      if (c) {
        c.displayedSent = inbound.marker.id;
        c.displayedPending = false;
        if (c.unread > 0) {
          c.unread = 0;
          publish(c);
        }
      }
    }

    if (inbound.body === undefined) return;
    // Held: keep the time it came, so that it is not dated at its release.
    if (holds > 0)
      held.push({
        inbound: { ...inbound, body: inbound.body, delay: inbound.delay ?? new Date() },
        outgoing,
        peer,
      });
    else take({ ...inbound, body: inbound.body }, outgoing, peer);
  });

  const markRead = (jid: Jid): void => {
    const c = conversations.get(peerOf(jid));
    if (!c) return;
    sendDisplayed(c);
    if (c.unread === 0) return;
    c.unread = 0;
    publish(c);
  };

  return {
    send(to, body, file) {
      const message = enqueue(newId(), to, body, new Date(), file);
      return { ...message, state: states.get(message.id) ?? 'queued' };
    },

    async correct(id, body) {
      const original = ownSlots.get(id)?.message;
      const c = original ? conversations.get(original.conversation) : undefined;
      if (!original || !c || c.lastOut !== id) {
        throw new ChatError(
          ErrorCodes.invalidArgument,
          'Only the last message sent in a conversation can be corrected',
        );
      }
      const correctionId = newId();
      corrections.add(correctionId);
      const updated = update(original, body, [correctionId]);
      outbox.set(correctionId, { message: { ...updated, id: correctionId }, written: false, replace: id });
      if (transport.online) flush();
      return updated;
    },

    markRead,

    hold() {
      holds += 1;
    },

    async release(isKnown) {
      if (holds === 0) return;
      while (isKnown && holds === 1 && held.length > 0) {
        const next = held[0]!;
        let seenBefore = false;
        try {
          seenBefore = await isKnown(next.inbound, next.peer);
        } catch {
          // The store could not answer: showing the message beats losing it.
        }
        if (holds !== 1 || held[0] !== next) break; // held again meanwhile: it waits for that
        held.shift();
        if (!seenBefore) take(next.inbound, next.outgoing, next.peer);
      }
      holds -= 1;
      while (holds === 0 && held.length > 0) {
        const next = held.shift()!;
        take(next.inbound, next.outgoing, next.peer);
      }
    },

    ingest(inbound) {
      if (inbound.roomInvite || (inbound.type !== 'chat' && inbound.type !== 'normal')) return;
      const outgoing = bareJid(inbound.from) === bareJid(transport.jid ?? '');
      const peer = peerOf(outgoing ? inbound.to : inbound.from);
      if (!peer || (!outgoing && isBlocked(bareJid(peer)))) return;
      // We showed the conversation on a device while this client was away: it is read.
      const c = conversations.get(peer);
      if (outgoing && inbound.marker?.type === 'displayed' && c && c.unread > 0) {
        c.displayedSent = inbound.marker.id;
        c.unread = 0;
        publish(c);
      }
      if (inbound.body === undefined) return;
      take({ ...inbound, body: inbound.body }, outgoing, peer);
    },

    adopt(message) {
      record(message, [message.id]);
    },

    restore(stored) {
      for (const { conversation, messages } of stored) {
        seed(bareJid(conversation.jid), messages, conversation);
        for (const m of messages) {
          // Room private messages are left to their room.
          if (m.direction === 'out' && m.state === 'queued' && !m.conversation.includes('/'))
            leftWaiting.push(m);
        }
      }
      markRestored();
    },

    recall(found) {
      const listed: Conversation[] = [];
      // Live messages held while catch-up runs are in the archive too, and come as `message`
      // when released: their conversations are left to them (new, so unread).
      const waiting = new Set(held.map(({ peer }) => peer));
      for (const { jid, messages } of found) {
        const newest = messages.at(-1);
        const peer = bareJid(jid);
        // A conversation listed already (live since this client started, or from the store) is
        // kept as it is: it is at least as new as the archive's page, and has its unread count.
        if (newest && !waiting.has(peer)) seed(peer, messages, { unread: 0, updated: newest.time });
        const c = conversations.get(peer);
        if (c) listed.push(snapshot(c));
      }
      // Stable: ties (archive timestamps may be whole seconds) keep the order found.
      return listed.sort((a, b) => b.updated.getTime() - a.updated.getTime());
    },

    setTyping(jid, state) {
      if (!TYPING_STATES.has(state)) {
        throw new ChatError(ErrorCodes.invalidArgument, `Unknown chat state: ${String(state)}`);
      }
      const c = conversationOf(peerOf(jid));
      if (c.typingSent === state) return;
      if (sendBestEffort({ to: c.jid, type: 'chat', chatState: state })) c.typingSent = state;
    },

    conversations: {
      list: () =>
        [...conversations.values()]
          .filter((c) => c.last !== undefined)
          .sort((a, b) => b.updated.getTime() - a.updated.getTime())
          .map(snapshot),
      get(jid) {
        const c = conversations.get(peerOf(jid));
        return c?.last ? snapshot(c) : undefined;
      },
      markRead,
      restored,
    },
  };
}
