// A store in the browser's IndexedDB (through `idb`): conversations and recent messages survive a
// reload, so a page shows the last messages at once, before the network answers.
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { ChatError, ErrorCodes } from '../errors.js';
import { bareJid } from '../jid.js';
import type { Jid, Message } from '../types.js';
import {
  DEFAULT_STORE_LIMITS,
  sequence,
  type Store,
  type StoreChanges,
  type StoredConversation,
  type StoredMessageRef,
  type StoreLimits,
} from './store.js';

/** One stored message: keyed by conversation and id, ordered by time and storing sequence. */
interface MessageRecord {
  c: Jid;
  id: string;
  s?: string;
  t: number;
  seq: number;
  message: Message;
}

interface Schema extends DBSchema {
  messages: {
    key: [Jid, string];
    value: MessageRecord;
    indexes: { order: [Jid, number, number]; stanza: [Jid, string]; all: [number, number] };
  };
  conversations: { key: Jid; value: StoredConversation };
  cursors: { key: Jid; value: { archive: Jid; cursor: string } };
  /** Ids of pruned messages (`conversation`, newline, `i:`/`s:` id), to recognize them again. */
  pruned: { key: string; value: { k: string; at: number }; indexes: { at: number } };
}

type Names = Array<StoreNames<Schema>>;
type WriteTx = IDBPTransaction<Schema, Names, 'readwrite'>;

/**
 * Issues one request per item, in order, and awaits them together. When issuing one throws
 * (a value that cannot be stored), those issued are awaited first, so that none fails unheard
 * when the transaction is then aborted.
 */
async function each<T, R>(items: readonly T[], request: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const issued: Array<Promise<R>> = [];
  try {
    items.forEach((item, i) => issued.push(request(item, i)));
  } catch (error) {
    await Promise.allSettled(issued);
    throw error;
  }
  return Promise.all(issued);
}

/** Options for {@link createIndexedDbStore}. */
export interface IndexedDbStoreOptions extends StoreLimits {
  /** The account; each account gets its own database (`mailbox-chat:<bare JID>`). */
  jid: Jid;
  /** Another database name, if the default does not suit. */
  name?: string;
}

/**
 * A store in IndexedDB, for browsers: conversations, the newest messages of each conversation
 * and the catch-up cursors survive a reload, so `chat.conversations` and
 * `chat.archive.stored()` show the last messages before the network answers. Bounded like
 * {@link createMemoryStore} (oldest messages pruned first). The database is opened on first use,
 * so creating the store is safe anywhere (in Node it fails on first use with
 * `service-unavailable`). Passwords and resume state are never written to it.
 *
 * @example
 * ```ts
 * const chat = createChat({ jid, credentials, store: createIndexedDbStore({ jid, maxPerConversation: 300 }) });
 * ```
 */
export function createIndexedDbStore(options: IndexedDbStoreOptions): Store {
  const maxPer = options.maxPerConversation ?? DEFAULT_STORE_LIMITS.maxPerConversation;
  const maxAll = options.maxMessages ?? DEFAULT_STORE_LIMITS.maxMessages;
  const name = options.name ?? `mailbox-chat:${bareJid(options.jid).toLowerCase()}`;
  const next = sequence();
  let opened: Promise<IDBPDatabase<Schema>> | undefined;

  const db = (): Promise<IDBPDatabase<Schema>> => {
    if (!opened) {
      if (typeof indexedDB === 'undefined') {
        return Promise.reject(
          new ChatError(ErrorCodes.serviceUnavailable, 'IndexedDB is not available here'),
        );
      }
      opened = openDB<Schema>(name, 1, {
        upgrade(database) {
          const messages = database.createObjectStore('messages', { keyPath: ['c', 'id'] });
          messages.createIndex('order', ['c', 't', 'seq']);
          messages.createIndex('stanza', ['c', 's']);
          messages.createIndex('all', ['t', 'seq']);
          database.createObjectStore('conversations', { keyPath: 'jid' });
          database.createObjectStore('cursors', { keyPath: 'archive' });
          database.createObjectStore('pruned', { keyPath: 'k' }).createIndex('at', 'at');
        },
      });
      opened.catch(() => {
        opened = undefined; // blocked or refused: try again on the next call
      });
    }
    return opened;
  };

  const range = (c: Jid, below?: number): IDBKeyRange =>
    IDBKeyRange.bound(
      [c, -Infinity, -Infinity],
      [c, below ?? Infinity, -Infinity],
      false,
      below !== undefined,
    );

  /** Adds or replaces messages in `tx`, then prunes the oldest beyond the limits. */
  const putIn = async (tx: WriteTx, messages: readonly Message[]): Promise<void> => {
    const store = tx.objectStore('messages');
    const pruned = tx.objectStore('pruned');
    const forget = async (record: MessageRecord): Promise<void> => {
      const at = next();
      await pruned.put({ k: `${record.c}\ni:${record.id}`, at });
      if (record.s) await pruned.put({ k: `${record.c}\ns:${record.s}`, at });
    };
    // A message held already keeps its place (its storing sequence); requests run in order, so
    // they are issued together and awaited once.
    const existing = await each(messages, (m) => store.get([m.conversation, m.id]));
    const seqs = new Map<string, number>();
    const touched = new Set<Jid>();
    await each(messages, (message, i) => {
      const c = message.conversation;
      touched.add(c);
      const key = `${c}\n${message.id}`;
      const seq = seqs.get(key) ?? existing[i]?.seq ?? next();
      seqs.set(key, seq);
      return store.put({
        c,
        id: message.id,
        ...(message.stanzaId ? { s: message.stanzaId } : {}),
        t: message.time.getTime(),
        seq,
        message,
      });
    });
    // Oldest first: beyond the per-conversation limit, then beyond the total.
    const order = store.index('order');
    for (const c of touched) {
      let extra =
        (await order.count(IDBKeyRange.bound([c, -Infinity, -Infinity], [c, Infinity, Infinity]))) - maxPer;
      for (
        let cursor = extra > 0 ? await order.openCursor(range(c)) : null;
        cursor && extra > 0;
        extra -= 1
      ) {
        await forget(cursor.value);
        await cursor.delete();
        cursor = await cursor.continue();
      }
    }
    let extra = (await store.count()) - maxAll;
    for (
      let cursor = extra > 0 ? await store.index('all').openCursor() : null;
      cursor && extra > 0;
      extra -= 1
    ) {
      await forget(cursor.value);
      await cursor.delete();
      cursor = await cursor.continue();
    }
    let over = (await pruned.count()) - maxAll * 2;
    for (
      let cursor = over > 0 ? await pruned.index('at').openCursor() : null;
      cursor && over > 0;
      over -= 1
    ) {
      await cursor.delete();
      cursor = await cursor.continue();
    }
  };

  /** Writes messages, conversations and cursors in one transaction: all or nothing. */
  const write = async (changes: StoreChanges): Promise<void> => {
    const { messages = [], conversations = [], cursors = [] } = changes;
    const names: Names = [];
    if (messages.length > 0) names.push('messages', 'pruned');
    if (conversations.length > 0) names.push('conversations');
    if (cursors.length > 0) names.push('cursors');
    if (names.length === 0) return;
    const tx = (await db()).transaction(names, 'readwrite');
    const work = async (): Promise<void> => {
      if (messages.length > 0) await putIn(tx, messages);
      await each(conversations, (conversation) => tx.objectStore('conversations').put(conversation));
      await each(cursors, ({ archive, cursor }): Promise<unknown> =>
        cursor === undefined
          ? tx.objectStore('cursors').delete(archive)
          : tx.objectStore('cursors').put({ archive, cursor }),
      );
    };
    const undo = (error: unknown): never => {
      try {
        tx.abort();
      } catch {
        // Aborted already by the request that failed: nothing is left to undo.
      }
      throw error;
    };
    // All or nothing: a failure (a request's, or a message that cannot be stored) aborts it all.
    await Promise.all([work().catch(undo), tx.done]);
  };

  /** Whether each message is held, or was held before it was pruned: one read transaction. */
  const hasMany = async (refs: readonly StoredMessageRef[]): Promise<boolean[]> => {
    if (refs.length === 0) return [];
    const tx = (await db()).transaction(['messages', 'pruned']);
    const messages = tx.objectStore('messages');
    const stanza = messages.index('stanza');
    const pruned = tx.objectStore('pruned');
    // Four lookups per message, all issued at once: held by id or stanza id, or pruned by either.
    const keys = refs.flatMap(({ conversation: c, id, stanzaId }) => [
      id !== undefined ? ([c, id] as [Jid, string]) : undefined,
      stanzaId !== undefined ? ([c, stanzaId] as [Jid, string]) : undefined,
      id !== undefined ? `${c}\ni:${id}` : undefined,
      stanzaId !== undefined ? `${c}\ns:${stanzaId}` : undefined,
    ]);
    const [found] = await Promise.all([
      each(keys, (key, i): Promise<unknown> => {
        if (key === undefined) return Promise.resolve(undefined);
        if (typeof key === 'string') return pruned.getKey(key);
        return i % 4 === 0 ? messages.getKey(key) : stanza.getKey(key);
      }),
      tx.done,
    ]);
    return refs.map((_, i) => found.slice(i * 4, i * 4 + 4).some((key) => key !== undefined));
  };

  return {
    putMessages: (messages) => write({ messages }),
    write,
    async messages(conversation, options = {}) {
      const c = conversation;
      const limit = options.limit ?? 50;
      const out: Message[] = [];
      const index = (await db()).transaction('messages').store.index('order');
      const bounds = IDBKeyRange.bound(
        [c, -Infinity, -Infinity],
        [c, options.before?.getTime() ?? Infinity, options.before ? -Infinity : Infinity],
        false,
        options.before !== undefined,
      );
      for (let cursor = await index.openCursor(bounds, 'prev'); cursor && out.length < limit;) {
        out.push(cursor.value.message);
        cursor = await cursor.continue();
      }
      return out.reverse();
    },
    async findMessage(conversation, ref) {
      const c = conversation;
      const database = await db();
      if (ref.id !== undefined) {
        const byId = await database.get('messages', [c, ref.id]);
        if (byId) return byId.message;
      }
      if (ref.stanzaId !== undefined) {
        return (await database.getFromIndex('messages', 'stanza', [c, ref.stanzaId]))?.message;
      }
      return undefined;
    },
    has: async (conversation, ref) => (await hasMany([{ conversation, ...ref }]))[0] === true,
    hasMany,
    async conversations() {
      return (await db()).getAll('conversations');
    },
    putConversation: (conversation) => write({ conversations: [conversation] }),
    async cursor(archive) {
      return (await (await db()).get('cursors', archive))?.cursor;
    },
    setCursor: (archive, cursor) => write({ cursors: [{ archive, cursor }] }),
    async clear() {
      const tx = (await db()).transaction(['messages', 'conversations', 'cursors', 'pruned'], 'readwrite');
      await Promise.all([
        tx.objectStore('messages').clear(),
        tx.objectStore('pruned').clear(),
        tx.objectStore('conversations').clear(),
        tx.objectStore('cursors').clear(),
        tx.done,
      ]);
    },
    async close() {
      const database = await opened;
      opened = undefined;
      database?.close();
    },
  };
}
