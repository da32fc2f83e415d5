// Which client answers for a message written offline. Such a message waits in its client's outbox
// (and, across a reload, with the tab's resume state); the local store shows it to every tab as
// waiting. A browser's Web Locks are shared by the pages of an origin and let go when a page goes:
// a waiting message whose lock nobody holds was left by a tab that was closed, and another client
// may send it. Without Web Locks (Node, old browsers) nothing is claimed.

import type { Jid, Message, MessageState } from '../types.js';

/** The part of the Web Locks API used here. */
interface LockManagerLike {
  request(
    name: string,
    options: { ifAvailable: boolean },
    callback: (lock: unknown) => Promise<void> | undefined,
  ): Promise<unknown>;
}

/** Web Locks for the messages this client answers for. */
export interface OutboxLocks {
  /** Holds the lock of a message this client will write, for as long as the page lives. */
  hold(id: string): void;
  /** Holds the locks of the entries of a kept list (the resume state's: objects with an `id`). */
  holdKept(list: unknown): void;
  /**
   * Takes over, in order, each of `messages` (ours, that the store showed as waiting when this
   * client started) that this client does not know (`known`), whose lock no live client holds,
   * and that the store (`storedState`) still has as waiting: `adopt` is called for each, holding
   * its lock. Nothing is taken over without Web Locks.
   */
  takeOver(
    messages: readonly Message[],
    known: (id: string) => boolean,
    storedState: ((conversation: Jid, id: string) => Promise<MessageState | undefined>) | undefined,
    adopt: (message: Message) => void,
  ): Promise<void>;
}

const lockName = (id: string): string => `mailbox-chat:outbox:${id}`;

/** The outbox locks of one client (`locks`: the browser's `navigator.locks`, if there is one). */
export function createOutboxLocks(
  locks: LockManagerLike | undefined = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator
    ?.locks,
): OutboxLocks {
  const held = new Set<string>();
  const forever = new Promise<void>(() => undefined);
  const take = (id: string): Promise<boolean> => {
    if (held.has(id) || !locks) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      locks
        .request(lockName(id), { ifAvailable: true }, (lock) => {
          resolve(lock !== null);
          if (lock === null) return undefined;
          held.add(id);
          return forever;
        })
        .catch(() => resolve(false));
    });
  };
  const hold = (id: string): void => void take(id);
  return {
    hold,
    holdKept(list) {
      for (const item of Array.isArray(list) ? (list as unknown[]) : []) {
        const { id } = (item ?? {}) as Record<string, unknown>;
        if (typeof id === 'string') hold(id);
      }
    },
    async takeOver(messages, known, storedState, adopt) {
      for (const m of messages) {
        if (known(m.id) || !(await take(m.id))) continue;
        const state = await storedState?.(m.conversation, m.id).catch(() => undefined);
        if (state === 'queued' && !known(m.id)) adopt(m);
      }
    },
  };
}
