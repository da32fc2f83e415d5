// The login key kept for a browser tab (createTabLoginKeyStorage) in Chromium, from the single-file
// build under the strict CSP: what a tab's next page finds, what another tab and time do to it.
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { useSdkPage, waitReady } from '../test/rig/sdk-page.js';

const xmpp = inject('xmpp');

// The page script: the storage of the build, a fresh non-extractable key, and the stored entries.
const PAGE_SCRIPT = `
import { createTabLoginKeyStorage } from './mailbox-chat.js';
window.storage = (jid, maxAge) => createTabLoginKeyStorage(jid, maxAge === undefined ? {} : { maxAge });
window.newKey = () =>
  crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(20)), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
window.entries = () =>
  new Promise((resolve) => {
    const open = indexedDB.open('mailbox-chat:login-keys');
    open.onsuccess = () => {
      const all = open.result.transaction('keys').objectStore('keys').getAll();
      all.onsuccess = () => {
        open.result.close();
        resolve(all.result.map((entry) => entry.account).sort());
      };
    };
  });
window.ready = Promise.resolve(true);
`;

const sdkPage = useSdkPage(PAGE_SCRIPT);

type Kept = { id: string; extractable: boolean } | undefined;
interface Win {
  storage(
    jid: string,
    maxAge?: number,
  ): { load(): Promise<{ id: string; key: CryptoKey } | undefined>; save(key: unknown): Promise<void> };
  newKey(): Promise<CryptoKey>;
  entries(): Promise<string[]>;
}

/** Saves a new key under `id` for `jid` in the page's tab. */
const save = (page: Page, jid: string, id: string, maxAge?: number) =>
  page.evaluate(
    async ([jid, id, maxAge]) => {
      const w = window as unknown as Win;
      await w.storage(jid, maxAge).save({ id, key: await w.newKey() });
    },
    [jid, id, maxAge] as const,
  );

/** What the page's tab finds for `jid`. */
const load = (page: Page, jid: string, maxAge?: number): Promise<Kept> =>
  page.evaluate(
    async ([jid, maxAge]) => {
      const kept = await (window as unknown as Win).storage(jid, maxAge).load();
      return kept && { id: kept.id, extractable: kept.key.extractable };
    },
    [jid, maxAge] as const,
  );

const entries = (page: Page) => page.evaluate(() => (window as unknown as Win).entries());

describe('a login key kept for the tab', () => {
  it('is found by the tab’s next page, not by another tab, and not once it is older than maxAge', async () => {
    const [anna] = await createAccounts(1);
    const { page, errors } = await sdkPage.open(anna!, xmpp.websocketUrl);
    await save(page, 'anna@example.com', 'SHA-1 4096 c2FsdA==');
    expect(await load(page, 'Anna@Example.com')).toEqual({ id: 'SHA-1 4096 c2FsdA==', extractable: false });
    expect(await load(page, 'ben@example.com')).toBeUndefined();

    // The tab's next page finds it.
    await page.reload();
    await waitReady(page);
    expect(await load(page, 'anna@example.com')).toEqual({ id: 'SHA-1 4096 c2FsdA==', extractable: false });

    // Another tab of the same browser does not, though the entry is there (a link opened in a new
    // tab: `noopener`, so it starts with its own, empty sessionStorage).
    const [other] = await Promise.all([
      page.context().waitForEvent('page'),
      page.evaluate((url) => void window.open(url, '_blank', 'noopener'), page.url()),
    ]);
    await waitReady(other);
    expect(await load(other, 'anna@example.com')).toBeUndefined();
    expect(await entries(other)).toEqual(['anna@example.com']);

    // Too old: not used; and the next write of any tab deletes it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await load(page, 'anna@example.com', 20)).toBeUndefined();
    await save(other, 'ben@example.com', 'SHA-1 4096 b3RoZXI=', 20);
    expect(await entries(other)).toEqual(['ben@example.com']);

    // Emptied (a sign-out): gone from the database and from the tab.
    await other.evaluate(() => (window as unknown as Win).storage('ben@example.com').save(undefined));
    expect(await entries(other)).toEqual([]);
    expect(await other.evaluate(() => Object.keys(sessionStorage))).toEqual([]);
    expect(errors).toEqual([]);
    await other.close();
    await page.close();
  });
});
