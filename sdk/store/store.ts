// The local store: what the client keeps between sessions and page loads — conversations, recent
// messages per conversation, and where catch-up from each archive resumes.
import type { Jid, Message, ResumeStorage } from '../types.js';

/** A conversation as the store keeps it: one-to-one (`chat`) or a room (`groupchat`). */
export interface StoredConversation {
  /** Bare JID of the peer or room. */
  readonly jid: Jid;
  readonly kind: 'chat' | 'groupchat';
  /** The newest message. */
  readonly last?: Message;
  /** Incoming messages since the conversation was last read. */
  readonly unread: number;
  /** Time of the newest message. */
  readonly updated: Date;
}

/** How much a store keeps. Beyond these, the oldest messages are pruned first. */
export interface StoreLimits {
  /** Messages kept per conversation. Default 500. */
  maxPerConversation?: number;
  /** Messages kept over all conversations. Default 10 000. */
  maxMessages?: number;
}

/**
 * A message of a conversation, named by our `id` or its XEP-0359 `stanzaId` (either may match).
 */
export interface StoredMessageRef {
  /** Bare JID of the peer or room. */
  readonly conversation: Jid;
  readonly id?: string;
  readonly stanzaId?: string;
}

/**
 * Changes written together by {@link Store.write}: what `putMessages`, `putConversation` and
 * `setCursor` would write, in that order.
 */
export interface StoreChanges {
  /** Messages to add or replace, as {@link Store.putMessages}. */
  readonly messages?: readonly Message[];
  /** Conversations to add or replace, as {@link Store.putConversation}; a later one of a `jid` wins. */
  readonly conversations?: readonly StoredConversation[];
  /**
   * Catch-up cursors to set (or, with `cursor` undefined, forget), as {@link Store.setCursor}; a
   * later one of an `archive` wins.
   */
  readonly cursors?: ReadonlyArray<{ readonly archive: Jid; readonly cursor: string | undefined }>;
}

/** Default limits of the built-in stores. */
export const DEFAULT_STORE_LIMITS = { maxPerConversation: 500, maxMessages: 10_000 } as const;

/**
 * Where a client keeps conversations, messages and catch-up cursors. Two come with the SDK:
 * {@link createMemoryStore} (the default; gone when the process or page ends) and
 * {@link createIndexedDbStore} (browsers; survives reloads). Write your own for other storage —
 * every method may be called before `connect()` and while offline.
 *
 * Messages are unique per conversation by `id` and findable by XEP-0359 `stanzaId`; reads return
 * them oldest first (by `time`, then by when they were stored). Stores are bounded: beyond their
 * limits they drop the oldest messages first.
 *
 * @example
 * ```ts
 * import { createChat, createIndexedDbStore } from 'mailbox-chat/sdk';
 * const chat = createChat({ jid, password, store: createIndexedDbStore({ jid }) });
 * ```
 */
export interface Store {
  /** Adds messages, or replaces those with the same conversation and `id` (keeping their place). */
  putMessages(messages: readonly Message[]): Promise<void>;
  /**
   * The newest `limit` messages of a conversation (default 50), or those older than `before`,
   * oldest first.
   */
  messages(conversation: Jid, options?: { limit?: number; before?: Date }): Promise<Message[]>;
  /** One message of a conversation by our `id` or by its XEP-0359 `stanzaId`. */
  findMessage(conversation: Jid, ref: { id?: string; stanzaId?: string }): Promise<Message | undefined>;
  /**
   * Whether the store holds a message of a conversation — or held it: the ids of pruned messages
   * are remembered a while longer (as many as `maxMessages`) — by `id` or `stanzaId` (given both,
   * either matching is enough). This is how a message delivered again after a reload is
   * recognized.
   */
  has(conversation: Jid, ref: { id?: string; stanzaId?: string }): Promise<boolean>;
  /**
   * Optional: {@link Store.has} for many messages at once — the answers in the order asked. The
   * catch-up asks once per archive page; the built-in stores answer in one read (one IndexedDB
   * transaction). Without it, the client calls `has()` for each message.
   *
   * @example
   * ```ts
   * const [first, second] = await store.hasMany([
   *   { conversation: 'ben@example.com', stanzaId: 'a1' },
   *   { conversation: 'ben@example.com', id: 'm2', stanzaId: 'a2' },
   * ]);
   * ```
   */
  hasMany?(refs: readonly StoredMessageRef[]): Promise<boolean[]>;
  /** Every conversation, in no particular order. */
  conversations(): Promise<StoredConversation[]>;
  /** Adds or replaces a conversation (by `jid`). */
  putConversation(conversation: StoredConversation): Promise<void>;
  /**
   * Where catch-up resumes in an archive: the archive id of the newest message taken from it.
   * `archive` is our own bare JID for the personal archive, or a room's bare JID.
   */
  cursor(archive: Jid): Promise<string | undefined>;
  /** Sets (or, with undefined, forgets) the catch-up cursor of an archive. */
  setCursor(archive: Jid, cursor: string | undefined): Promise<void>;
  /**
   * Optional: writes messages, conversations and cursors together, as `putMessages`,
   * `putConversation` and `setCursor` would, in that order. The client writes what comes in
   * batches: a catch-up page's messages, their conversations and the archive's cursor at once. The
   * built-in IndexedDB store writes a batch in one transaction, so a reload never finds a cursor
   * ahead of the messages it stands for. Without it, the client makes those calls one by one.
   *
   * @example
   * ```ts
   * await store.write({
   *   messages: [message],
   *   conversations: [{ jid: message.conversation, kind: 'chat', last: message, unread: 1, updated: message.time }],
   *   cursors: [{ archive: 'anna@example.com', cursor: 'a1' }],
   * });
   * ```
   */
  write?(changes: StoreChanges): Promise<void>;
  /** Forgets everything (e.g. on logout). */
  clear(): Promise<void>;
  /** Closes the underlying storage, if any. The store must not be used afterwards. */
  close?(): Promise<void>;
  /**
   * Optional: where XEP-0198 resume state is kept (see `createChat`'s `resumeStorage`, which
   * takes precedence). The built-in stores leave it to the default (per-tab `sessionStorage`),
   * because a session belongs to one tab.
   */
  readonly resume?: ResumeStorage;
}

/** Orders messages by time, then by when they were stored. */
export const byTimeThenSeq = (a: { t: number; seq: number }, b: { t: number; seq: number }): number =>
  a.t - b.t || a.seq - b.seq;

/** A source of increasing numbers that stays increasing across page loads (time-based). */
export function sequence(): () => number {
  let last = 0;
  return () => {
    last = Math.max(last + 1, Date.now() * 1000);
    return last;
  };
}

/**
 * {@link Store.hasMany}; for a store without it, `has()` per message, asked once per id the way
 * earlier versions asked (by stanza id, then by our id).
 */
export function hasMany(store: Store, refs: readonly StoredMessageRef[]): Promise<boolean[]> {
  if (refs.length === 0) return Promise.resolve([]);
  if (store.hasMany) return store.hasMany(refs);
  return Promise.all(
    refs.map(
      async ({ conversation, id, stanzaId }) =>
        (stanzaId !== undefined && (await store.has(conversation, { stanzaId }))) ||
        (id !== undefined && (await store.has(conversation, { id }))),
    ),
  );
}

/** {@link Store.write}, or its parts one by one (in order) for a store without it. */
export async function writeChanges(store: Store, changes: StoreChanges): Promise<void> {
  const { messages = [], conversations = [], cursors = [] } = changes;
  if (messages.length + conversations.length + cursors.length === 0) return;
  if (store.write) {
    await store.write(changes);
    return;
  }
  if (messages.length > 0) await store.putMessages(messages);
  for (const conversation of conversations) await store.putConversation(conversation);
  for (const { archive, cursor } of cursors) await store.setCursor(archive, cursor);
}
