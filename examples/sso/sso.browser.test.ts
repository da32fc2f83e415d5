// The single sign-on example: a portal with its own login hands the XMPP credentials to the widget
// through the `credentials` callback, against the real Prosody.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createChat } from '../../sdk/index.js';
import { createAccounts, type TestAccount } from '../../test/rig/accounts.js';
import { launchBrowser, watchPage } from '../../test/rig/browser.js';
import { untilOnline } from '../../test/rig/widget.js';
import { startSsoPortal } from './server.mjs';

const xmpp = inject('xmpp');
let browser: Browser;
let portal: Awaited<ReturnType<typeof startSsoPortal>>;
let anna: TestAccount;
let ben: TestAccount;

beforeAll(async () => {
  [anna, ben] = (await createAccounts(2)) as [TestAccount, TestAccount];
  browser = await launchBrowser();
  portal = await startSsoPortal({
    bundle: inject('bundle'),
    upstream: { host: xmpp.host, port: xmpp.ports.http },
    users: [{ username: 'anna', password: 'portal-secret', jid: anna.jid, xmppPassword: anna.password }],
  });
});

afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

describe('the single sign-on example portal', () => {
  it('signs the user in to the chat after the portal login, without a chat login form', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { errors } = watchPage(page);
    const pages: string[] = [];
    page.on('response', async (response) => {
      if (response.request().resourceType() === 'document' && response.status() < 300) {
        pages.push(await response.text());
      }
    });

    await page.goto(portal.url);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('User name').fill('anna');
    await page.getByLabel('Password').fill('portal-secret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(portal.url);

    const chat = page.locator('mailbox-chat');
    await chat.getByRole('button', { name: 'Open chat' }).click();
    await untilOnline(chat, 15_000);
    expect(await chat.getByLabel('Password').count()).toBe(0);
    expect(await page.evaluate(() => document.querySelector('mailbox-chat')?.chat?.jid)).toContain(anna.jid);

    // A message from a colleague reaches the page (the unread count the page shows).
    await chat.getByRole('button', { name: 'Close chat' }).first().click();
    const peer = createChat({
      jid: ben.jid,
      password: ben.password,
      service: xmpp.websocketUrl,
      resumeStorage: false,
    });
    try {
      await peer.connect();
      peer.send(anna.jid, 'Hello from Ben');
      await expect.poll(() => page.locator('#unread').textContent(), { timeout: 15_000 }).toBe('1');
    } finally {
      await peer.disconnect();
    }

    // The XMPP password was in no page's source and is in no storage of the page.
    expect(pages.some((html) => html.includes(anna.password))).toBe(false);
    const stored = await page.evaluate(
      () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
    );
    expect(stored).not.toContain(anna.password);

    // The portal's sign-out ends the chat's session too: nothing of it stays in the tab.
    const resumeState = () =>
      page.evaluate(() =>
        Object.keys(sessionStorage).filter((key) => key.startsWith('mailbox-chat:resume:')),
      );
    expect(await resumeState()).toHaveLength(1);
    await page.locator('header').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${portal.url}login`);
    expect(await resumeState()).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps the credentials from anyone not signed in to the portal', async () => {
    const noSession = await fetch(new URL('/chat-credentials', portal.url), {
      method: 'POST',
      headers: { 'x-portal-request': 'chat' },
    });
    expect(noSession.status).toBe(401);
    expect(await noSession.text()).not.toContain(anna.password);

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(new URL('/login', portal.url).href);
    await page.getByLabel('User name').fill('anna');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('The user name or password is wrong.');
    expect(await page.locator('mailbox-chat').count()).toBe(0);
    const answer = await page.evaluate(async () => {
      const response = await fetch('/chat-credentials', {
        method: 'POST',
        headers: { 'x-portal-request': 'chat' },
      });
      return response.status;
    });
    expect(answer).toBe(401);
    await context.close();
  });
});
