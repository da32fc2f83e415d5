// Which client answers for a message written offline. Such a message waits in its client's outbox
// (and, across a reload, with the tab's resume state); the local store shows it to every tab as
// waiting. A browser's Web Locks are shared by the pages of an origin and let go when a page goes:
// a waiting message whose lock nobody holds was left by a tab that was closed, and another client
// may send it. Without Web Locks (Node, old browsers) nothing is claimed.

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
  /**
   * Takes the lock of a message nobody answers for, and holds it; false when a client (this one
   * too) holds it, or there are no Web Locks.
   */
  claim(id: string): Promise<boolean>;
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
  return {
    hold: (id) => void take(id),
    claim: take,
  };
}
