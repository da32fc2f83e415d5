import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createChat, type Chat, type Message } from '../../sdk/index.js';
import { createAccounts, type TestAccount } from '../../test/rig/accounts.js';
import { launchBrowser, watchPage } from '../../test/rig/browser.js';
import { screenshot, untilOnline } from '../../test/rig/widget.js';
import { startPortal } from '../../scripts/portal-server.mjs';

const xmpp = inject('xmpp');
let browser: Browser;
let portal: Awaited<ReturnType<typeof startPortal>>;

beforeAll(async () => {
  browser = await launchBrowser();
  portal = await startPortal({
    bundle: inject('bundle'),
    upstream: { host: xmpp.host, port: xmpp.ports.http },
  });
});

afterAll(async () => {
  await browser?.close();
  await portal?.close();
});

async function logIn(page: Page, account: TestAccount): Promise<void> {
  const chat = page.locator('mailbox-chat');
  await chat.getByRole('button', { name: 'Chat öffnen' }).click();
  await chat.getByLabel('E-Mail-Adresse').fill(account.jid);
  await chat.getByLabel('Passwort').fill(account.password);
  await chat.getByRole('button', { name: 'Anmelden' }).click();
  // A login is a WebSocket, SCRAM and the session's first queries: give it the time a loaded
  // machine needs (the poll ends as soon as the status says so).
  await untilOnline(chat);
}

describe('the demo intranet page', () => {
  it('shows a message sent by a second account, and sends one back, under a strict CSP', async () => {
    const [anna, ben] = await createAccounts(2);
    const page = await browser.newPage();
    const { errors } = watchPage(page);
    const response = await page.goto(portal.url);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    await expect(page.getByRole('heading', { name: 'Neuigkeiten' })).toBeTruthy();
    await logIn(page, anna!);

    const peer: Chat = createChat({ jid: ben!.jid, password: ben!.password, service: xmpp.websocketUrl });
    try {
      await peer.connect();
      peer.send(anna!.jid, 'Hallo Anna, hier ist Ben <img src=x onerror=alert(1)>');
      await page
        .locator('mailbox-chat')
        .getByRole('button', { name: /1 ungelesene Nachricht/ })
        .click();
      const log = page.locator('mailbox-chat').getByRole('log');
      await expect
        .poll(() => log.textContent(), { timeout: 10_000 })
        .toContain('Hallo Anna, hier ist Ben <img src=x onerror=alert(1)>');
      // Rendered as text: no element came out of the message body.
      expect(await log.locator('img').count()).toBe(0);

      const reply = new Promise<Message>((resolve) => peer.on('message', ({ message }) => resolve(message)));
      const chat = page.locator('mailbox-chat');
      await chat.getByLabel(`Nachricht an ${ben!.user}`).fill('Hallo Ben!');
      await chat.getByRole('button', { name: 'Senden' }).click();
      expect((await reply).body).toBe('Hallo Ben!');
      await screenshot(page, 'intranet-launcher-open');
    } finally {
      await peer.disconnect();
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says so when the password is wrong', async () => {
    const [anna] = await createAccounts(1);
    const page = await browser.newPage();
    await page.goto(portal.url);
    const chat = page.locator('mailbox-chat');
    await chat.getByRole('button', { name: 'Chat öffnen' }).click();
    await chat.getByLabel('E-Mail-Adresse').fill(anna!.jid);
    await chat.getByLabel('Passwort').fill('wrong');
    await chat.getByRole('button', { name: 'Anmelden' }).click();
    await expect
      .poll(() => chat.getByRole('alert').textContent(), { timeout: 20_000 })
      .toBe('E-Mail-Adresse oder Passwort ist falsch.');
    await page.close();
  });
});
