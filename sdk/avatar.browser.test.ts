// Contacts' avatars in a real browser: object URLs with the right bytes, revoked when replaced.
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { connectRawAgent } from '../test/rig/raw-agent.js';
import { useSdkPage } from '../test/rig/sdk-page.js';
import { createChat } from './index.js';

const xmpp = inject('xmpp');

// The page: a client that approves subscription requests and exposes the contact's avatar.
const PAGE_SCRIPT = `
import { createChat } from './mailbox-chat.js';
const params = new URLSearchParams(location.hash.slice(1));
const chat = createChat({ jid: params.get('jid'), password: params.get('password'), service: params.get('service'), resumeStorage: false });
chat.on('subscription:request', ({ jid }) => chat.contacts.approve(jid));
window.avatarOf = (jid) => chat.contacts.get(jid)?.avatar;
window.subscribed = (jid) => chat.contacts.get(jid)?.subscription === 'both';
// Whether an <img> can show the URL (the page's CSP allows blob: images, not blob: fetches).
window.loads = (url) => new Promise((resolve) => {
  const img = new Image();
  img.onload = () => resolve(img.naturalWidth > 0);
  img.onerror = () => resolve(false);
  img.src = url;
});
window.ready = chat.connect();
`;

const sdkPage = useSdkPage(PAGE_SCRIPT);

const avatarOf = (page: Page, jid: string) =>
  page.evaluate((j) => (window as unknown as { avatarOf(j: string): string | undefined }).avatarOf(j), jid);
const loads = (page: Page, url: string) =>
  page.evaluate((u) => (window as unknown as { loads(u: string): Promise<boolean> }).loads(u), url);

/** A 1×1 PNG; `seed` adds a trailing byte after IEND (still displayable, another hash). */
function png(seed: number): Uint8Array {
  const base = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  );
  return new Uint8Array([...base, seed]);
}

/** Anna's page, signed in, and a client of Ben's in Node, not yet connected. */
async function annaPageAndBen() {
  const [anna, ben] = await createAccounts(2);
  const { page } = await sdkPage.open(anna!, xmpp.websocketUrl);
  const peer = createChat({
    jid: ben!.jid,
    password: ben!.password,
    service: xmpp.websocketUrl,
    resumeStorage: false,
  });
  return { anna: anna!, ben: ben!, page, peer };
}

describe("a contact's avatar in the browser", () => {
  it('is an object URL an <img> can show under the strict CSP, and the old URL is revoked when it changes', async () => {
    const { anna, ben, page, peer } = await annaPageAndBen();
    try {
      await peer.connect();
      peer.on('subscription:request', ({ jid }) => peer.contacts.approve(jid));
      await peer.contacts.add(anna.jid);
      const first = png(1);
      await peer.profile.set({ avatar: { data: first, type: 'image/png' } });
      await expect.poll(() => avatarOf(page, ben.jid), { timeout: 10_000 }).toMatch(/^blob:/);
      const firstUrl = (await avatarOf(page, ben.jid))!;
      expect(await loads(page, firstUrl)).toBe(true);

      const second = png(2);
      await peer.profile.set({ avatar: { data: second, type: 'image/png' } });
      await expect.poll(() => avatarOf(page, ben.jid), { timeout: 10_000 }).not.toBe(firstUrl);
      const secondUrl = (await avatarOf(page, ben.jid))!;
      expect(await loads(page, secondUrl)).toBe(true);
      expect(await loads(page, firstUrl)).toBe(false); // revoked
    } finally {
      await peer.disconnect();
      await page.close();
    }
  });

  it('is read from PEP (XEP-0084) as well, and goes when the contact removes it', async () => {
    const { anna, ben, page, peer } = await annaPageAndBen();
    // Ben's other device publishes its avatar to PEP only (no vCard photo, no presence).
    const phone = await connectRawAgent(ben, xmpp.websocketUrl);
    try {
      await peer.connect();
      await peer.contacts.add(anna.jid);
      await expect
        .poll(() =>
          page.evaluate(
            (j) => (window as unknown as { subscribed(j: string): boolean }).subscribed(j),
            ben.jid,
          ),
        )
        .toBe(true);
      await phone.publishPepAvatar({ data: png(3), type: 'image/png' });
      await expect.poll(() => avatarOf(page, ben.jid), { timeout: 10_000 }).toMatch(/^blob:/);
      expect(await loads(page, (await avatarOf(page, ben.jid))!)).toBe(true);

      await phone.publishPepAvatar(undefined);
      await expect.poll(() => avatarOf(page, ben.jid), { timeout: 10_000 }).toBeUndefined();
    } finally {
      await phone.close();
      await peer.disconnect();
      await page.close();
    }
  });
});
