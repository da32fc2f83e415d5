// The single-file build over BOSH in Chromium: the transport that leans hardest on the browser
// build's stream and Buffer replacements (writes queued while a request is out go together in one
// request; the session ends with a terminate request). The page runs under the strict CSP and
// reaches the server through the portal's /http-bind.
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../../../test/rig/accounts.js';
import { useSdkPage } from '../../../test/rig/sdk-page.js';
import { createChat } from '../../index.js';

const xmpp = inject('xmpp');

// The page script: a client from the single-file build; `service` may be a path on the portal.
const PAGE_SCRIPT = `
import { createChat } from './mailbox-chat.js';
const params = new URLSearchParams(location.hash.slice(1));
const chat = createChat({
  jid: params.get('jid'), password: params.get('password'),
  service: new URL(params.get('service'), location.href).href, resumeStorage: false,
});
window.chat = chat;
window.received = [];
window.states = {};
window.statuses = [];
chat.on('message', ({ message }) => message.direction === 'in' && window.received.push(message.body));
chat.on('message:state', ({ id, state }) => { window.states[id] = state; });
chat.on('status', ({ status }) => window.statuses.push(status));
window.ready = chat.connect().then(() => chat.jid);
`;

const sdkPage = useSdkPage(PAGE_SCRIPT);

const read = <T>(page: Page, name: string): Promise<T> =>
  page.evaluate((key) => (window as unknown as Record<string, T>)[key]!, name);

describe('the browser build over BOSH', () => {
  it('logs in, sends a burst of messages in order, receives, and disconnects', async () => {
    const [anna, ben] = await createAccounts(2);
    const { page, errors, ready } = await sdkPage.open(anna!, '/http-bind');
    expect(ready).toMatch(new RegExp(`^${anna!.jid}/`));

    const peer = createChat({
      jid: ben!.jid,
      password: ben!.password,
      service: xmpp.websocketUrl,
      resumeStorage: false,
    });
    const received: string[] = [];
    peer.on('message', ({ message }) => void (message.direction === 'in' && received.push(message.body)));
    try {
      await peer.connect();
      // Sent in one go: the writes pile up behind the request that is out, and go in the next.
      const bodies = Array.from({ length: 12 }, (_, i) => `Nachricht ${i + 1} – grüße`);
      const ids = await page.evaluate(
        ({ to, bodies }) => {
          const { chat } = window as unknown as { chat: { send(to: string, body: string): { id: string } } };
          return bodies.map((body) => chat.send(to, body).id);
        },
        { to: ben!.jid, bodies },
      );
      await expect.poll(() => received, { timeout: 20_000 }).toEqual(bodies);
      // The server acknowledged every one of them and the peer's client confirmed their receipt.
      await expect
        .poll(
          () => read<Record<string, string>>(page, 'states').then((states) => ids.map((id) => states[id])),
          {
            timeout: 20_000,
          },
        )
        .toEqual(ids.map(() => 'delivered'));

      peer.send(anna!.jid, 'Antwort über BOSH');
      await expect.poll(() => read<string[]>(page, 'received')).toEqual(['Antwort über BOSH']);

      // The terminate request ends the session: disconnect() settles and the status says so.
      const status = await page.evaluate(async () => {
        const { chat } = window as unknown as { chat: { disconnect(): Promise<void>; status: string } };
        await chat.disconnect();
        return chat.status;
      });
      expect(status).toBe('offline');
    } finally {
      await peer.disconnect();
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
