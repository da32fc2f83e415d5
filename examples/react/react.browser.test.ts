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

describe('the React example', () => {
  it('signs in through a property, shows state from events and opens a conversation by method', async () => {
    const page = await browser.newPage();
    const { errors } = watchPage(page);
    await page.goto(portal.url);
    await page.getByLabel('User name').fill('anna');
    await page.getByLabel('Password').fill('portal-secret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(portal.url);

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
    const [ben] = (await createAccounts(1)) as [TestAccount];
    const peer = createChat({
      jid: ben.jid,
      password: ben.password,
      service: xmpp.websocketUrl,
      resumeStorage: false,
    });
    try {
      await peer.connect();
      peer.send(anna.jid, 'Hello from Ben');
      await expect
        .poll(() => page.getByLabel('Unread messages').textContent(), { timeout: 15_000 })
        .toBe('1');
    } finally {
      await peer.disconnect();
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
