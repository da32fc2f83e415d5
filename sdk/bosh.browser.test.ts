// The SDK over BOSH in a real browser (for networks where WebSocket does not get through): it
// signs in, messages go both ways, and the session ends with the page instead of lingering on the
// server (Prosody holds a BOSH session 60 s after its last request).
import { describe, expect, inject, it } from 'vitest';
import { eventually, friends, useClients } from '../test/rig/clients.js';
import { useSdkPage } from '../test/rig/sdk-page.js';

const xmpp = inject('xmpp');

// The page: a client over the URL it is given, keeping what it receives; `say` writes to a peer.
const PAGE_SCRIPT = `
import { createChat } from './mailbox-chat.js';
const params = new URLSearchParams(location.hash.slice(1));
const chat = createChat({ jid: params.get('jid'), password: params.get('password'), service: params.get('service') });
window.received = [];
chat.on('message', ({ message }) => message.direction === 'in' && window.received.push(message.body));
window.say = (to, body) => chat.send(to, body);
// What the browser does as the page goes for good (closed, reloaded, left).
window.leave = () => dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
window.ready = chat.connect().then(() => chat.jid);
`;

const sdkPage = useSdkPage(PAGE_SCRIPT);
const client = useClients();

describe('the SDK over BOSH in the browser', () => {
  it('signs in and messages go both ways; the session ends when the page goes', async () => {
    const { a, b: ben, anna, ben: benAccount } = await friends(client);
    await a.disconnect();
    await eventually(() => ben.contacts.get(anna.jid)?.presence.show === 'offline');

    const { page, errors } = await sdkPage.open(anna, xmpp.boshUrl);
    await eventually(() => ben.contacts.get(anna.jid)?.presence.show === 'online');
    ben.send(anna.jid, 'Hallo über BOSH');
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { received: string[] }).received))
      .toEqual(['Hallo über BOSH']);
    const atBen: string[] = [];
    ben.on('message', ({ message }) => message.direction === 'in' && atBen.push(message.body));
    await page.evaluate(
      (to) => (window as unknown as { say(to: string, body: string): void }).say(to, 'Angekommen'),
      benAccount.jid,
    );
    await expect.poll(() => atBen).toEqual(['Angekommen']);
    expect(errors).toEqual([]);

    // The page goes: contacts see the user leave at once, not a minute later.
    await page.close();
    await expect.poll(() => ben.contacts.get(anna.jid)?.presence.show, { timeout: 5000 }).toBe('offline');

    // The terminating beacon is the page's last request: a dying page's timers can still send one
    // (a message, or the ack request that follows it), which would take the terminate's place at
    // the server and keep the session. Here the page lives on after the event, so it would.
    const again = await sdkPage.open(anna, xmpp.boshUrl);
    await eventually(() => ben.contacts.get(anna.jid)?.presence.show === 'online');
    const sent: string[] = [];
    again.page.on(
      'request',
      (request) => request.url() === xmpp.boshUrl && sent.push(request.postData() ?? ''),
    );
    await again.page.evaluate((to) => {
      const page = window as unknown as { leave(): void; say(to: string, body: string): void };
      page.leave();
      page.say(to, 'Noch da?');
    }, benAccount.jid);
    await expect.poll(() => ben.contacts.get(anna.jid)?.presence.show, { timeout: 5000 }).toBe('offline');
    // Past the transport's own timers: a write goes out within 10 ms, its ack request 100 ms later.
    await again.page.waitForTimeout(500);
    // Requests are ordered by their rid (what went before the event may still be reported).
    const rid = (body: string): number => Number(/ rid="(\d+)"/.exec(body)?.[1]);
    const terminate = sent.find((body) => body.includes('type="terminate"'));
    expect(terminate).toMatch(/^<body [^>]*type="terminate"\/>$/);
    expect(sent.filter((body) => rid(body) >= rid(terminate!))).toEqual([terminate]);
    expect(again.errors).toEqual([]);
  });
});
