// Writes to the local store in the order they are asked for, in batches: what comes while the
// store is busy (or in one go, like a catch-up page) is written together, in one `Store.write`.
import type { Jid, Message } from '../types.js';
import { writeChanges, type Store, type StoredConversation } from './store.js';

/** Ordered, batched writes to a {@link Store}. Internal. */
export interface StoreWriter {
  /** Queues a message to add or replace; a later version of the same message wins. */
  putMessage(message: Message): void;
  /** Queues a conversation to add or replace; a later version of the same conversation wins. */
  putConversation(conversation: StoredConversation): void;
  /** Queues a catch-up cursor to set (or, with undefined, forget). */
  setCursor(archive: Jid, cursor: string | undefined): void;
  /**
   * Changes one message of a conversation by our `id`: in the queue when it waits there,
   * otherwise in the store once everything queued before is written (if the store holds it).
   */
  updateMessage(conversation: Jid, id: string, change: (message: Message) => Message): void;
  /**
   * Runs `task` once everything queued so far is written; what is queued later waits for it.
   * Its result, or its failure, is the caller's.
   */
  after<T>(task: () => Promise<T>): Promise<T>;
  /** Resolves once everything queued so far is written (failures are reported, never thrown). */
  settled(): Promise<void>;
}

/** Writes queued together: each map keeps the latest version, in the order first queued. */
interface Batch {
  messages: Map<string, Message>;
  conversations: Map<Jid, StoredConversation>;
  cursors: Map<Jid, string | undefined>;
}

/**
 * Creates the writer in front of `store`. A batch is written as soon as the store is free: the
 * writes of one synchronous run (a page of messages, their conversations, the archive's cursor)
 * always land in one batch, and so does everything that comes while the store is busy. A failed
 * write goes to `report` and does not stop later ones.
 */
export function createStoreWriter(store: Store, report: (cause: unknown) => void): StoreWriter {
  let chain: Promise<void> = Promise.resolve();
  /** The batch not yet handed to the store: new writes join it. */
  let open: Batch | undefined;
  const keyOf = (conversation: Jid, id: string): string => `${conversation}\n${id}`;

  const batch = (): Batch => {
    if (open) return open;
    const next: Batch = { messages: new Map(), conversations: new Map(), cursors: new Map() };
    open = next;
    chain = chain
      .then(() => {
        if (open === next) open = undefined;
        return writeChanges(store, {
          messages: [...next.messages.values()],
          conversations: [...next.conversations.values()],
          cursors: [...next.cursors].map(([archive, cursor]) => ({ archive, cursor })),
        });
      })
      .catch(report);
    return next;
  };

  const after = <T>(task: () => Promise<T>): Promise<T> => {
    open = undefined; // what comes later is written after the task
    const result = chain.then(task);
    chain = result.then(
      () => undefined,
      () => undefined, // the caller gets the failure through `result`
    );
    return result;
  };

  return {
    putMessage(message) {
      batch().messages.set(keyOf(message.conversation, message.id), message);
    },
    putConversation(conversation) {
      batch().conversations.set(conversation.jid, conversation);
    },
    setCursor(archive, cursor) {
      batch().cursors.set(archive, cursor);
    },
    updateMessage(conversation, id, change) {
      const key = keyOf(conversation, id);
      const queued = open?.messages.get(key);
      if (open && queued) {
        open.messages.set(key, change(queued));
        return;
      }
      after(async () => {
        const stored = await store.findMessage(conversation, { id });
        if (stored) await writeChanges(store, { messages: [change(stored)] });
      }).catch(report);
    },
    after,
    settled: () => chain,
  };
}
