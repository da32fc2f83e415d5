// The React 19 example: built with esbuild, served by the single sign-on portal, against the real
// Prosody. React sets the widget's `credentials` property, listens to its `mc-*` events and calls
// its methods through a ref.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createChat } from '../../sdk/index.js';
import { createAccounts, type TestAccount } from '../../test/rig/accounts.js';
import { launchBrowser, watchPage } from '../../test/rig/browser.js';
import { startSsoPortal } from '../sso/server.mjs';
import { buildApp } from './build.mjs';

const xmpp = inject('xmpp');
let browser: Browser;
let portal: Awaited<ReturnType<typeof startSsoPortal>>;
let dir: string;
let anna: TestAccount;
let helpdesk: TestAccount;

beforeAll(async () => {
  [anna, helpdesk] = (await createAccounts(2)) as [TestAccount, TestAccount];
  dir = mkdtempSync(join(tmpdir(), 'mc-react-'));
  const { warnings } = await buildApp({ outdir: dir, fromSource: true });
  expect(warnings).toEqual([]);
  // The page says where the helpdesk is, as an installation would.
  const page = join(dir, 'portal.html');
  writeFileSync(page, readFileSync(page, 'utf8').replace('helpdesk@example.com', helpdesk.jid));
  browser = await launchBrowser();
  portal = await startSsoPortal({
    bundle: inject('bundle'),
    upstream: { host: xmpp.host, port: xmpp.ports.http },
    users: [{ username: 'anna', password: 'portal-secret', jid: anna.jid, xmppPassword: anna.password }],
    pages: dir,
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await portal?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A page of the app, signed in to the portal as Anna. */
async function signedInPage() {
  const page = await browser.newPage();
  const { errors } = watchPage(page);
  await page.goto(portal.url);
  await page.getByLabel('User name').fill('anna');
  await page.getByLabel('Password').fill('portal-secret');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(portal.url);
  return { page, errors };
}

/** Ben, online through the SDK, for `use`. */
async function withBen(use: (ben: ReturnType<typeof createChat>) => Promise<void>): Promise<void> {
  const [ben] = (await createAccounts(1)) as [TestAccount];
  const peer = createChat({
    jid: ben.jid,
    password: ben.password,
    service: xmpp.websocketUrl,
    resumeStorage: false,
  });
  try {
    await peer.connect();
    await use(peer);
  } finally {
    await peer.disconnect();
  }
}

describe('the React example', () => {
  it('signs in through a property, shows state from events and opens a conversation by method', async () => {
    const { page, errors } = await signedInPage();

    // `credentials` set by React as a property: signed in without a login form; `mc-status`
    // reached React state.
    const status = page.getByLabel('Chat status');
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe('online');
    const chat = page.locator('mailbox-chat');
    expect(await chat.getByLabel('Password').count()).toBe(0);

    // A method through a ref: the helpdesk conversation opens.
    await page.getByRole('button', { name: 'Ask the helpdesk' }).click();
    await expect
      .poll(() => chat.getByRole('log', { name: `Messages with ${helpdesk.user}` }).isVisible())
      .toBe(true);

    // Attributes follow React state.
    await page.getByRole('button', { name: 'Dark mode' }).click();
    await expect.poll(() => chat.getAttribute('theme')).toBe('dark');

    // `mc-unread` reaches React state: a message in another conversation is unread.
    await withBen(async (peer) => {
      peer.send(anna.jid, 'Hello from Ben');
      await expect
        .poll(() => page.getByLabel('Unread messages').textContent(), { timeout: 15_000 })
        .toBe('1');
    });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps the chat’s session while another view is shown, and picks it up when the chat is back', async () => {
    const { page, errors } = await signedInPage();
    const status = page.getByLabel('Chat status');
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe('online');
    const resumeId = () =>
      page.evaluate(
        (jid) => JSON.parse(sessionStorage.getItem(`mailbox-chat:resume:${jid}`) ?? '{}').id,
        anna.jid,
      );
    const session = await resumeId();
    expect(session).toBeTruthy();

    // Another view: React removes the chat's element. A message comes meanwhile.
    await page.getByRole('button', { name: 'Notes' }).click();
    await expect.poll(() => page.locator('mailbox-chat').count()).toBe(0);
    await withBen(async (peer) => {
      peer.send(anna.jid, 'Sent while you were on the notes');
      // Back: a new element picks the same session up and shows the message.
      await page.getByRole('button', { name: 'Chat' }).click();
      await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe('online');
      expect(await resumeId()).toBe(session);
      const chat = page.locator('mailbox-chat');
      await expect.poll(() => chat.getByText('Sent while you were on the notes').count()).toBe(1);
      await expect.poll(() => page.getByLabel('Unread messages').textContent()).toBe('1');
    });
    expect(errors).toEqual([]);
    await page.close();
  });
});
