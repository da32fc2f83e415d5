#!/usr/bin/env node
// Takes the README's screenshot (docs/images/intranet-chat.png): the example intranet page with
// the chat open on a conversation, as `npm run demo` shows it — a private Prosody, two accounts
// with a little history, the system Chromium. Run after `npm run build`:
//   node scripts/docs-screenshot.mjs
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { createChat } from 'mailbox-chat/sdk';
import { startProsody } from '../test/rig/prosody.mjs';
import { startPortal } from './portal-server.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(root, 'dist/mailbox-chat.js');
const out = join(root, 'docs/images/intranet-chat.png');
if (!existsSync(bundle)) {
  console.error('docs-screenshot: run `npm run build` first');
  process.exit(1);
}

const password = () => randomBytes(9).toString('base64url');
const accounts = { anna: password(), ben: password() };
const dir = mkdtempSync(join(tmpdir(), 'mailbox-chat-shot-'));
const prosody = await startProsody({ dir, accounts: Object.entries(accounts) });
const jid = (user) => `${user}@${prosody.domain}`;
let portal;
let browser;
try {
  portal = await startPortal({ bundle, upstream: { host: prosody.host, port: prosody.ports.http } });
  const ben = createChat({
    jid: jid('ben'),
    password: accounts.ben,
    service: prosody.websocketUrl,
    resumeStorage: false,
  });
  await ben.connect();

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const page = await browser.newPage({ viewport: { width: 1024, height: 720 }, deviceScaleFactor: 1 });
  await page.goto(portal.url);
  const chat = page.locator('mailbox-chat');
  await chat.getByRole('button', { name: 'Chat öffnen' }).click();
  await chat.getByLabel('E-Mail-Adresse').fill(jid('anna'));
  await chat.getByLabel('Passwort').fill(accounts.anna);
  await chat.getByRole('button', { name: 'Anmelden' }).click();
  await chat.getByRole('status').filter({ hasText: 'Online' }).waitFor();

  ben.send(jid('anna'), 'Hallo Anna! Hast du die Folien für Donnerstag?');
  await chat.getByRole('button', { name: /ben/ }).first().click();
  const composer = chat.getByLabel('Nachricht an ben');
  await composer.fill('Ja, ich schicke sie dir gleich.');
  await chat.getByRole('button', { name: 'Senden' }).click();
  ben.send(jid('anna'), 'Super, danke! Bitte mit den *Zahlen* von `Q3`.');
  await chat.getByRole('log').getByText('von').waitFor();
  await ben.disconnect();
  // Let animations and focus rings settle.
  await page.mouse.move(0, 0);
  await page.waitForTimeout(300);
  mkdirSync(join(root, 'docs/images'), { recursive: true });
  await page.screenshot({ path: out, fullPage: false });
  console.log(`wrote ${out} (${Math.round(statSync(out).size / 1024)} KB)`);
} finally {
  await browser?.close();
  await portal?.close();
  await prosody.dispose();
  rmSync(dir, { recursive: true, force: true });
}
