// The default store: plain memory, bounded, gone when the process or page ends.
import type { Jid, Message } from '../types.js';
import {
  byTimeThenSeq,
  DEFAULT_STORE_LIMITS,
  sequence,
  type Store,
  type StoreChanges,
  type StoredConversation,
  type StoreLimits,
} from './store.js';

interface Entry {
  message: Message;
  t: number;
  seq: number;
}

/**
 * A store in memory: the default of `createChat`. Keeps at most `maxPerConversation` messages
 * per conversation and `maxMessages` in total, dropping the oldest first.
 *
 * @example
 * ```ts
 * const chat = createChat({ jid, password, store: createMemoryStore({ maxPerConversation: 200 }) });
 * ```
 */
export function createMemoryStore(limits: StoreLimits = {}): Store {
  const maxPer = limits.maxPerConversation ?? DEFAULT_STORE_LIMITS.maxPerConversation;
  const maxAll = limits.maxMessages ?? DEFAULT_STORE_LIMITS.maxMessages;
  const next = sequence();
  /** Per conversation: entries oldest first. */
  const lists = new Map<Jid, Entry[]>();
  const conversations = new Map<Jid, StoredConversation>();
  const cursors = new Map<Jid, string>();
  let total = 0;
  /** Keys (`conversation`, `i:`/`s:` id) of pruned messages, oldest first; bounded. */
  const pruned = new Set<string>();
  const keysOf = (m: Message): string[] => [
    `${m.conversation}\ni:${m.id}`,
    ...(m.stanzaId ? [`${m.conversation}\ns:${m.stanzaId}`] : []),
  ];
  const forget = (entries: readonly Entry[]): void => {
    for (const e of entries) for (const key of keysOf(e.message)) pruned.add(key);
    for (const key of pruned) {
      if (pruned.size <= maxAll * 2) break;
      pruned.delete(key);
    }
  };

  const find = (conversation: Jid, ref: { id?: string; stanzaId?: string }): Message | undefined =>
    (lists.get(conversation) ?? []).find(
      (e) =>
        (ref.id !== undefined && e.message.id === ref.id) ||
        (ref.stanzaId !== undefined && e.message.stanzaId === ref.stanzaId),
    )?.message;

  const insert = (list: Entry[], entry: Entry): void => {
    let i = list.length;
    while (i > 0 && byTimeThenSeq(list[i - 1]!, entry) > 0) i -= 1;
    list.splice(i, 0, entry);
  };

  const prune = (): void => {
    for (const [jid, list] of lists) {
      if (list.length > maxPer) {
        total -= list.length - maxPer;
        forget(list.splice(0, list.length - maxPer));
      }
      if (list.length === 0) lists.delete(jid);
    }
    while (total > maxAll) {
      let oldest: [Jid, Entry[]] | undefined;
      for (const pair of lists) {
        if (!oldest || byTimeThenSeq(pair[1][0]!, oldest[1][0]!) < 0) oldest = pair;
      }
      if (!oldest) break;
      forget([oldest[1].shift()!]);
      total -= 1;
      if (oldest[1].length === 0) lists.delete(oldest[0]);
    }
  };

  /** Adds or replaces messages (pruning the oldest), then sets conversations and cursors. */
  const write = async ({
    messages = [],
    conversations: changed = [],
    cursors: moved = [],
  }: StoreChanges): Promise<void> => {
    for (const message of messages) {
      const jid = message.conversation;
      const list = lists.get(jid) ?? [];
      lists.set(jid, list);
      const at = list.findIndex((e) => e.message.id === message.id);
      const seq = at >= 0 ? list[at]!.seq : next();
      if (at >= 0) list.splice(at, 1);
      else total += 1;
      insert(list, { message, t: message.time.getTime(), seq });
    }
    if (messages.length > 0) prune();
    for (const conversation of changed) conversations.set(conversation.jid, conversation);
    for (const { archive, cursor } of moved) {
      if (cursor === undefined) cursors.delete(archive);
      else cursors.set(archive, cursor);
    }
  };
  const has = (conversation: Jid, ref: { id?: string; stanzaId?: string }): boolean =>
    find(conversation, ref) !== undefined ||
    (ref.id !== undefined && pruned.has(`${conversation}\ni:${ref.id}`)) ||
    (ref.stanzaId !== undefined && pruned.has(`${conversation}\ns:${ref.stanzaId}`));

  return {
    putMessages: (messages) => write({ messages }),
    async messages(conversation, options = {}) {
      const list = lists.get(conversation) ?? [];
      const limit = options.limit ?? 50;
      const before = options.before?.getTime();
      const older = before === undefined ? list : list.filter((e) => e.t < before);
      return older.slice(Math.max(0, older.length - limit)).map((e) => e.message);
    },
    findMessage: async (conversation, ref) => find(conversation, ref),
    has: async (conversation, ref) => has(conversation, ref),
    hasMany: async (refs) => refs.map(({ conversation, ...ref }) => has(conversation, ref)),
    async conversations() {
      return [...conversations.values()];
    },
    putConversation: (conversation) => write({ conversations: [conversation] }),
    async cursor(archive) {
      return cursors.get(archive);
    },
    setCursor: (archive, cursor) => write({ cursors: [{ archive, cursor }] }),
    write,
    async clear() {
      lists.clear();
      conversations.clear();
      cursors.clear();
      pruned.clear();
      total = 0;
    },
  };
}
