// The SDK reacts to the page: a hidden tab tells the server it is inactive (XEP-0352, so the
// server holds typing notifications), and the network coming back triggers a retry at once.
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { createAccounts, type TestAccount } from '../test/rig/accounts.js';
import { startFaultProxy, type FaultProxy } from '../test/rig/fault-proxy.js';
import { connectRawAgent } from '../test/rig/raw-agent.js';
import { useSdkPage } from '../test/rig/sdk-page.js';
import { createChat, type Chat } from './index.js';

const xmpp = inject('xmpp');

// The page script: a client from the single-file build; the test reads what it saw.
const PAGE_SCRIPT = `
import { createChat } from './mailbox-chat.js';
const params = new URLSearchParams(location.hash.slice(1));
const chat = createChat({
  jid: params.get('jid'), password: params.get('password'), service: params.get('service'),
  resumeStorage: false, reconnect: { initialDelay: 60000, maxDelay: 60000 },
});
window.typing = [];
window.statuses = [];
window.messages = [];
chat.on('message', ({ message }) => window.messages.push(message.direction + ':' + message.body));
chat.on('typing', ({ state }) => window.typing.push(state));
chat.on('status', ({ status }) => window.statuses.push(status));
window.ready = chat.connect().then(() => chat.jid);
/** Simulates the tab being hidden or shown (headless Chromium is always visible). */
window.setVisible = (visible) => {
  Object.defineProperty(document, 'visibilityState', { value: visible ? 'visible' : 'hidden', configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
};
`;

const sdkPage = useSdkPage(PAGE_SCRIPT);

async function open(account: TestAccount, service: string): Promise<Page> {
  return (await sdkPage.open(account, service)).page;
}

const read = <T>(page: Page, name: string): Promise<T> =>
  page.evaluate((key) => (window as unknown as Record<string, T>)[key]!, name);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the SDK in a page', () => {
  it('advertises what it handles, though the browser build carries fewer StanzaJS plugins', async () => {
    const [anna, ben] = await createAccounts(2);
    const page = await open(anna!, xmpp.websocketUrl);
    const raw = await connectRawAgent(ben!, xmpp.websocketUrl);
    try {
      const jid = await page.evaluate(() => (window as unknown as { ready: Promise<string> }).ready);
      const features = await raw.discoFeatures(jid);
      for (const handled of [
        'urn:xmpp:receipts',
        'urn:xmpp:chat-markers:0',
        'http://jabber.org/protocol/chatstates',
        'urn:xmpp:message-correct:0',
        'jabber:x:oob',
        'urn:xmpp:forward:0',
        'http://jabber.org/protocol/muc',
        'jabber:x:conference',
        'urn:xmpp:avatar:metadata+notify',
        'urn:xmpp:bookmarks:1+notify',
      ]) {
        expect(features).toContain(handled);
      }
      expect(features).not.toContain('http://jabber.org/protocol/nick+notify');
    } finally {
      await raw.close();
      await page.close();
    }
  });

  it('shows what the user writes on another device (carbons, XEP-0280)', async () => {
    const [anna, ben] = await createAccounts(2);
    const page = await open(anna!, xmpp.websocketUrl);
    const phone: Chat = createChat({
      jid: anna!.jid,
      password: anna!.password,
      service: xmpp.websocketUrl,
      resource: 'phone',
      resumeStorage: false,
    });
    try {
      await phone.connect();
      // Carbons are turned on once the page's session has settled: write until a copy arrives.
      let n = 0;
      await expect
        .poll(
          async () => {
            n += 1;
            phone.send(ben!.jid, `Vom Telefon ${n}`);
            return (await read<string[]>(page, 'messages')).filter((m) => m.startsWith('out:Vom Telefon'));
          },
          { interval: 300, timeout: 10_000 },
        )
        .not.toEqual([]);
      expect((await read<string[]>(page, 'messages')).filter((m) => !m.startsWith('out:'))).toEqual([]);
    } finally {
      await phone.disconnect();
      await page.close();
    }
  });

  it('tells the server it is inactive while the tab is hidden, so typing notifications wait', async () => {
    const [anna, ben] = await createAccounts(2);
    const page = await open(anna!, xmpp.websocketUrl);
    const peer: Chat = createChat({
      jid: ben!.jid,
      password: ben!.password,
      service: xmpp.websocketUrl,
      resumeStorage: false,
    });
    try {
      await peer.connect();
      peer.setTyping(anna!.jid, 'composing');
      await expect.poll(() => read<string[]>(page, 'typing')).toEqual(['composing']);

      await page.evaluate(() => (window as unknown as { setVisible(v: boolean): void }).setVisible(false));
      // The server holds from about a second after <inactive/> on (csi_resume_inactive_delay in
      // the rig; the SDK flushes once right after it, see sdk/transport/csi.ts).
      await sleep(1600);
      peer.setTyping(anna!.jid, 'paused');
      await sleep(1500);
      expect(await read<string[]>(page, 'typing')).toEqual(['composing']); // held by the server

      await page.evaluate(() => (window as unknown as { setVisible(v: boolean): void }).setVisible(true));
      await expect.poll(() => read<string[]>(page, 'typing')).toEqual(['composing', 'paused']);
    } finally {
      await peer.disconnect();
      await page.close();
    }
  });

  it('retries at once when the network comes back, instead of waiting for the backoff', async () => {
    const [anna] = await createAccounts(1);
    const link: FaultProxy = await startFaultProxy({ target: { host: xmpp.host, port: xmpp.ports.http } });
    const page = await open(anna!, link.url('ws', '/xmpp-websocket'));
    try {
      link.cutAll();
      // The page's backoff is a minute; the 'online' event must not wait for it.
      await expect.poll(() => read<string[]>(page, 'statuses')).toContain('reconnecting');
      await page.evaluate(() => window.dispatchEvent(new Event('online')));
      await expect.poll(() => read<string[]>(page, 'statuses').then((s) => s.at(-1))).toBe('online');
    } finally {
      await page.close();
      await link.close();
    }
  });
});
