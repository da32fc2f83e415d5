import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createChat, type Chat } from '../../sdk/index.js';
import { createAccounts, type TestAccount } from '../../test/rig/accounts.js';
import { watchPage } from '../../test/rig/browser.js';
import { startFaultProxy, type FaultProxy } from '../../test/rig/fault-proxy.js';
import { screenshot, statusOf, useWidgetRig } from '../../test/rig/widget.js';

const xmpp = inject('xmpp');
let proxy: FaultProxy;

// The portal reaches Prosody's WebSocket through the fault proxy, which can cut the link.
beforeAll(async () => {
  proxy = await startFaultProxy({ target: { host: xmpp.host, port: xmpp.ports.http } });
});

afterAll(async () => {
  await proxy?.close();
});

const rig = useWidgetRig(
  {
    embedded: {
      body: '<div class="frame"><mailbox-chat service="/xmpp-websocket" mode="embedded"></mailbox-chat></div>',
    },
  },
  { upstream: () => ({ host: proxy.host, port: proxy.port }) },
);

async function signIn(page: Page, account: TestAccount): Promise<Locator> {
  const chat = page.locator('mailbox-chat');
  await chat.getByLabel('E-mail address').fill(account.jid);
  await chat.getByLabel('Password').fill(account.password);
  await chat.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => statusOf(chat), { timeout: 20_000 }).toBe('Online');
  return chat;
}

const openConversation = (page: Page, jid: string) =>
  page.evaluate((to) => document.querySelector('mailbox-chat')!.openConversation(to), jid);

/** A peer on its own connection (not through the proxy) that records the bodies it receives. */
async function peer(account: TestAccount): Promise<{ chat: Chat; received: string[] }> {
  const chat = createChat({ jid: account.jid, password: account.password, service: xmpp.websocketUrl });
  const received: string[] = [];
  chat.on('message', ({ message }) => {
    if (message.direction === 'in') received.push(message.body);
  });
  await chat.connect();
  return { chat, received };
}

async function send(chat: Locator, text: string): Promise<void> {
  const field = chat.getByRole('textbox', { name: /^Message to/ });
  await field.fill(text);
  await field.press('Enter');
}

/**
 * Anna signed in on `page`, talking with Ben (a peer); then the network drops, and the server
 * stays unreachable until `proxy.refuse(false)`.
 */
async function talkingThenCut(page: Page) {
  const [anna, ben] = await createAccounts(2);
  await page.goto(`${rig.portal.url}embedded.html`);
  const chat = await signIn(page, anna!);
  const bob = await peer(ben!);
  await openConversation(page, ben!.jid);
  await send(chat, 'Before the cut');
  await expect.poll(() => bob.received, { timeout: 10_000 }).toEqual(['Before the cut']);
  proxy.refuse(true);
  proxy.cutAll();
  try {
    await expect.poll(() => statusOf(chat), { timeout: 20_000 }).toBe('Reconnecting…');
  } catch (error) {
    proxy.refuse(false); // for the next tests
    await bob.chat.disconnect();
    throw error;
  }
  return { chat, bob, anna: anna! };
}

describe('a lost connection', () => {
  it('shows the reconnecting state; messages written meanwhile are sent once it is back, once', async () => {
    const page = await rig.browser.newPage({ viewport: { width: 900, height: 700 } });
    const { errors } = watchPage(page);
    const { chat, bob } = await talkingThenCut(page);
    try {
      expect(await chat.locator('[part="banner"]').textContent()).toContain(
        'Messages you write now are sent once it is back.',
      );
      await send(chat, 'Written while offline');
      await send(chat, 'And one more');
      const log = chat.getByRole('log');
      const waiting = log.locator('.msg', { hasText: 'Written while offline' }).getByRole('img', {
        name: 'Waiting to be sent',
      });
      await expect.poll(() => waiting.count()).toBe(1);
      // They live in this tab until sent: the banner says so.
      await expect
        .poll(() => chat.locator('[part="banner"]').textContent())
        .toContain('2 messages are waiting: closing this tab before the connection is back loses them.');
      await screenshot(page, 'reconnecting');

      // The server is back: the widget reconnects and sends what was written.
      proxy.refuse(false);
      await expect.poll(() => statusOf(chat), { timeout: 45_000 }).toBe('Online');
      await expect
        .poll(() => bob.received, { timeout: 20_000 })
        .toEqual(['Before the cut', 'Written while offline', 'And one more']);
      await expect.poll(() => waiting.count()).toBe(0);
      // Still once each, also after the session settled (stream resumption, archive catch-up).
      await page.waitForTimeout(1500);
      expect(bob.received).toEqual(['Before the cut', 'Written while offline', 'And one more']);
      expect(await log.locator('.msg', { hasText: 'Written while offline' }).count()).toBe(1);
      expect(await log.locator('.msg', { hasText: 'And one more' }).count()).toBe(1);
    } finally {
      proxy.refuse(false);
      await bob.chat.disconnect();
    }
    // The browser itself logs the refused WebSocket connections while the server is unreachable.
    expect(errors.filter((e) => !/WebSocket connection to .* failed/.test(e))).toEqual([]);
    await page.close();
  }, 120_000);
});

describe('a reload while offline', () => {
  it('sends what was written before it once the next page is online, once', async () => {
    const page = await rig.browser.newPage({ viewport: { width: 900, height: 700 } });
    const cut = await talkingThenCut(page);
    let { chat } = cut;
    const { bob, anna } = cut;
    try {
      // Offline, the user writes, and then follows a link to another page of the portal.
      await send(chat, 'Written offline, then the page changed');
      const waiting = (c: Locator) =>
        c
          .getByRole('log')
          .locator('.msg', { hasText: 'Written offline, then the page changed' })
          .getByRole('img', { name: 'Waiting to be sent' });
      await expect.poll(() => waiting(chat).count()).toBe(1);
      await page.reload();
      proxy.refuse(false);

      chat = await signIn(page, anna);
      await expect
        .poll(() => bob.received, { timeout: 20_000 })
        .toEqual(['Before the cut', 'Written offline, then the page changed']);
      const log = chat.getByRole('log');
      await expect
        .poll(() => log.locator('.msg', { hasText: 'Written offline, then the page changed' }).count())
        .toBe(1);
      await expect.poll(() => waiting(chat).count()).toBe(0);
      await page.waitForTimeout(1000); // a second copy would show here
      expect(bob.received).toEqual(['Before the cut', 'Written offline, then the page changed']);
    } finally {
      proxy.refuse(false);
      await bob.chat.disconnect();
    }
    await page.close();
  }, 120_000);
});

describe('a reload', () => {
  it('finds the conversation intact and open after signing in again, its ticks still moving; another tab lists it', async () => {
    const [anna, ben] = await createAccounts(2);
    const page = await rig.browser.newPage({ viewport: { width: 900, height: 700 } });
    await page.goto(`${rig.portal.url}embedded.html`);
    let chat = await signIn(page, anna!);
    const bob = await peer(ben!);
    try {
      await openConversation(page, ben!.jid);
      await bob.chat.send(anna!.jid, 'Hello before the reload');
      const log = () => chat.getByRole('log');
      await expect.poll(() => log().textContent(), { timeout: 10_000 }).toContain('Hello before the reload');
      // Screen readers hear the new message (the log itself is not re-read as it scrolls).
      const name = ben!.jid.split('@')[0];
      await expect
        .poll(() => chat.locator('mc-message-list [aria-live="polite"][aria-atomic="true"]').textContent())
        .toBe(`${name}: Hello before the reload`);
      await send(chat, 'My answer before the reload');
      await expect.poll(() => bob.received, { timeout: 10_000 }).toEqual(['My answer before the reload']);

      await page.reload();
      chat = await signIn(page, anna!);
      // The conversation that was open is open again, its row current and read.
      const row = chat.locator(`mc-conversation-list .item[data-jid="${ben!.jid}"]`);
      await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
      expect(await row.getAttribute('aria-current')).toBe('true');
      await expect
        .poll(() => row.locator('.preview').textContent(), { timeout: 10_000 })
        .toBe('You: My answer before the reload');
      expect(await row.getAttribute('class')).not.toContain('unread');
      for (const text of ['Hello before the reload', 'My answer before the reload']) {
        await expect
          .poll(() => log().locator('.msg', { hasText: text }).count(), { timeout: 15_000 })
          .toBe(1);
      }
      // In order, each once, and ours still marked as ours.
      const texts = await log()
        .locator('.msg .text')
        .evaluateAll((els) => els.map((el) => el.textContent?.trim()));
      expect(texts).toEqual(['Hello before the reload', 'My answer before the reload']);
      expect(await log().locator('.row.out .text').textContent()).toContain('My answer before the reload');
      // Ben reads the answer now: this page shows it read, although the last one sent it.
      const read = log().locator('.row.out').getByRole('img', { name: 'Read' });
      expect(await read.count()).toBe(0);
      await bob.chat.markRead(anna!.jid);
      await expect.poll(() => read.count(), { timeout: 10_000 }).toBe(1);
      await screenshot(page, 'reload-intact');

      // Another browser tab (nothing kept from this one): the list finds the conversation in the
      // archive, read, with nothing opened.
      const other = await rig.browser.newPage({ viewport: { width: 900, height: 700 } });
      await other.goto(`${rig.portal.url}embedded.html`);
      const elsewhere = await signIn(other, anna!);
      const listed = elsewhere.locator(`mc-conversation-list .item[data-jid="${ben!.jid}"]`);
      await expect.poll(() => listed.count(), { timeout: 10_000 }).toBe(1);
      expect(await listed.locator('.preview').textContent()).toBe('You: My answer before the reload');
      expect(await listed.getAttribute('class')).not.toContain('unread');
      expect(await listed.getAttribute('aria-current')).toBeNull();
      await listed.click();
      await expect
        .poll(() => elsewhere.getByRole('log').locator('.msg .text').allTextContents(), { timeout: 10_000 })
        .toEqual(['Hello before the reload', 'My answer before the reload']);
      await other.close();
    } finally {
      await bob.chat.disconnect();
    }
    await page.close();
  });
});
