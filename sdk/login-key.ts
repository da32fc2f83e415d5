// A login key kept for one browser tab: a portal is many pages, and each page load starts a new
// client that would otherwise need the password again. The key is a non-extractable CryptoKey,
// which IndexedDB stores as it is (sessionStorage holds strings only); the tab's sessionStorage
// holds the random name of its entry, so the entry is found only from the tab that made it.
import { openDB } from 'idb';
import { bareJid } from './jid.js';
import type { Jid, LoginKey, LoginKeyStorage } from './types.js';

/** Options for {@link createTabLoginKeyStorage}. */
export interface TabLoginKeyOptions {
  /**
   * Milliseconds a kept key is used for after the login that made it; after that the password is
   * asked for again. Older entries (also those of tabs closed without signing out) are deleted by
   * the next key saved in any tab. Default 12 hours.
   */
  maxAge?: number;
}

interface Entry extends LoginKey {
  /** The entry's random name, held by its tab. */
  readonly name: string;
  readonly account: Jid;
  /** When it was written (epoch ms). */
  readonly at: number;
}

const DATABASE = 'mailbox-chat:login-keys';

/**
 * Keeps the {@link LoginKey} of `jid` for the current browser tab (`ChatOptions.loginKey`): the
 * tab's next pages log in without the password until it signs out, the key is older than
 * `maxAge`, or the tab is closed. Undefined where the browser offers no `sessionStorage` or
 * IndexedDB (Node; storage blocked).
 *
 * @example
 * ```ts
 * const chat = createChat({ jid, credentials: askForPassword, loginKey: createTabLoginKeyStorage(jid) });
 * ```
 */
export function createTabLoginKeyStorage(
  jid: Jid,
  { maxAge = 12 * 3_600_000 }: TabLoginKeyOptions = {},
): LoginKeyStorage | undefined {
  let tab: Storage;
  try {
    tab = globalThis.sessionStorage;
    if (!tab || !globalThis.indexedDB) return undefined;
  } catch {
    return undefined;
  }
  const account = bareJid(jid).toLowerCase();
  const pointer = `mailbox-chat:login-key:${account}`;
  const open = () =>
    openDB(DATABASE, 1, {
      upgrade: (database) => void database.createObjectStore('keys', { keyPath: 'name' }),
    });
  return {
    async load() {
      const name = tab.getItem(pointer);
      if (!name) return undefined;
      const database = await open();
      try {
        const entry = (await database.get('keys', name)) as Entry | undefined;
        if (entry?.account !== account || !(Date.now() - entry.at < maxAge)) return undefined;
        return { id: entry.id, key: entry.key };
      } finally {
        database.close();
      }
    },
    async save(key) {
      const database = await open();
      try {
        const tx = database.transaction('keys', 'readwrite');
        // Entries of tabs closed without signing out go once they are too old to be used.
        for (const entry of (await tx.store.getAll()) as Entry[]) {
          if (!(Date.now() - entry.at < maxAge)) void tx.store.delete(entry.name);
        }
        const old = tab.getItem(pointer);
        if (old) void tx.store.delete(old);
        const name = key ? globalThis.crypto.randomUUID() : undefined;
        if (key && name)
          void tx.store.put({ name, account, at: Date.now(), id: key.id, key: key.key } satisfies Entry);
        await tx.done;
        if (name) tab.setItem(pointer, name);
        else tab.removeItem(pointer);
      } finally {
        database.close();
      }
    },
  };
}
