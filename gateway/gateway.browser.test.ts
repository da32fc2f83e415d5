// Chromium reaches the real Prosody's TCP c2s port (STARTTLS, certificate verified against the
// test CA) through the gateway: the SDK's single-file build and the widget log in and chat,
// both on a portal page under the strict CSP; a page of another origin is refused.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startPortal } from '../scripts/portal-server.mjs';
import { createChat } from '../sdk/node.js';
import { createAccounts } from '../test/rig/accounts.js';
import { launchBrowser, watchPage } from '../test/rig/browser.js';
import { waitReady } from '../test/rig/sdk-page.js';
import { writePages } from '../test/rig/widget.js';
import { createGateway, type Gateway, type GatewayLogEntry } from './index.js';

const xmpp = inject('xmpp');

// The page script: a client from the single-file build that keeps what it receives.
const PAGE_SCRIPT = `
import { createChat } from './mailbox-chat.js';
const params = new URLSearchParams(location.hash.slice(1));
const chat = createChat({ jid: params.get('jid'), password: params.get('password'), service: params.get('service') });
window.chat = chat;
window.received = [];
chat.on('message', ({ message }) => message.direction === 'in' && window.received.push(message.body));
window.ready = chat.connect().then(() => chat.jid);
`;

let browser: Browser;
let portal: Awaited<ReturnType<typeof startPortal>>;
let pages: ReturnType<typeof writePages>;
let gateway: Gateway;
let gatewayUrl: string;
let portalOrigin = '';
const log: GatewayLogEntry[] = [];

beforeAll(async () => {
  gateway = createGateway({
    domains: [xmpp.domain],
    upstream: `${xmpp.host}:${xmpp.ports.c2s}`,
    ca: xmpp.ca,
    // Only the portal's pages may connect.
    origins: (origin) => origin === portalOrigin,
    log: (entry) => log.push(entry),
  });
  ({ url: gatewayUrl } = await gateway.listen({ host: '127.0.0.1', port: 0 }));
  pages = writePages({
    sdk: { body: '<p>SDK page</p>' },
    widget: {
      body: `<div class="frame"><mailbox-chat service="${gatewayUrl}" mode="embedded"></mailbox-chat></div>`,
    },
  });
  writeFileSync(join(pages.dir, 'sdk-page.js'), PAGE_SCRIPT);
  const sdkHtml = join(pages.dir, 'sdk.html');
  writeFileSync(sdkHtml, readFileSync(sdkHtml, 'utf8').replace('src="mailbox-chat.js"', 'src="sdk-page.js"'));
  browser = await launchBrowser();
  portal = await startPortal({
    bundle: inject('bundle'),
    upstream: { host: xmpp.host, port: xmpp.ports.http },
    pages: pages.dir,
  });
  portalOrigin = new URL(portal.url).origin;
});

afterAll(async () => {
  await browser?.close();
  await portal?.close();
  await gateway?.close();
  pages?.dispose();
});

describe('a browser through the gateway', () => {
  it('runs an SDK session from the single-file build: login and chat both ways', async () => {
    const [anna, ben] = await createAccounts(2);
    const page = await browser.newPage();
    const { errors } = watchPage(page);
    const hash = new URLSearchParams({ jid: anna!.jid, password: anna!.password, service: gatewayUrl });
    await page.goto(`${portal.url}sdk.html#${hash}`);
    expect(await waitReady(page)).toMatch(new RegExp(`^${anna!.jid}/`));

    const peer = createChat({
      jid: ben!.jid,
      password: ben!.password,
      service: xmpp.websocketUrl,
      resumeStorage: false,
    });
    const atBen: string[] = [];
    peer.on('message', ({ message }) => message.direction === 'in' && atBen.push(message.body));
    try {
      await peer.connect();
      await peer.send(anna!.jid, 'Hallo Browser');
      await expect
        .poll(() => page.evaluate(() => (window as unknown as { received: string[] }).received))
        .toEqual(['Hallo Browser']);
      await page.evaluate(
        (to) =>
          (window as unknown as { chat: { send(to: string, body: string): Promise<unknown> } }).chat.send(
            to,
            'Hallo Node',
          ),
        ben!.jid,
      );
      await expect.poll(() => atBen).toEqual(['Hallo Node']);
    } finally {
      await peer.disconnect();
    }
    expect(errors).toEqual([]);
    expect(log).toContainEqual(expect.objectContaining({ event: 'upstream', tls: 'TLSv1.3' }));
    await page.close();
  });

  it('lets the widget sign in and chat', async () => {
    const [anna, ben] = await createAccounts(2);
    const page = await browser.newPage({ viewport: { width: 480, height: 680 } });
    const { errors } = watchPage(page);
    await page.goto(`${portal.url}widget.html`);
    const chat = page.locator('mailbox-chat');
    await chat.getByLabel('E-mail address').fill(anna!.jid);
    await chat.getByLabel('Password').fill(anna!.password);
    await chat.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => chat.getByRole('status').first().textContent(), { timeout: 15_000 })
      .toBe('Online');

    const peer = createChat({
      jid: ben!.jid,
      password: ben!.password,
      service: xmpp.websocketUrl,
      resumeStorage: false,
    });
    const atBen: string[] = [];
    peer.on('message', ({ message }) => message.direction === 'in' && atBen.push(message.body));
    try {
      await peer.connect();
      await peer.send(anna!.jid, 'Hallo Widget');
      await chat.getByRole('button', { name: /unread message/ }).click();
      const log = chat.getByRole('log', { name: `Messages with ${ben!.user}` });
      await expect.poll(() => log.textContent()).toContain('Hallo Widget');
      await chat.locator('textarea').fill('Antwort aus dem Widget');
      await chat.locator('textarea').press('Enter');
      await expect.poll(() => atBen).toEqual(['Antwort aus dem Widget']);
    } finally {
      await peer.disconnect();
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('is refused to a page of another origin', async () => {
    const page = await browser.newPage();
    // The portal's own page, but reached as localhost: another origin than 127.0.0.1's.
    await page.goto(`http://localhost:${portal.port}/widget.html`);
    const refused = log.filter((e) => e.event === 'refused').length;
    const outcome = await page.evaluate(
      (url) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(url, 'xmpp');
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('error');
        }),
      gatewayUrl,
    );
    expect(outcome).toBe('error');
    expect(log.filter((e) => e.event === 'refused').slice(refused)).toEqual([
      expect.objectContaining({ status: 403, reason: 'origin' }),
    ]);
    await page.close();
  });
});
