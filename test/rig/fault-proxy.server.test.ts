// The fault proxy in front of the real Prosody: WebSocket (HTTP upgrade) and TCP c2s (plain
// stream header, and direct TLS verified end to end) pass through it, and each fault does to an
// SDK client what it should.
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createChat, isChatError, type Chat, type Message, type Status } from '../../sdk/index.js';
import { createAccounts } from './accounts.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';

const xmpp = inject('xmpp');
const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function proxyTo(port: number): Promise<FaultProxy> {
  const proxy = await startFaultProxy({ target: { host: xmpp.host, port } });
  cleanups.push(() => proxy.close());
  return proxy;
}

function chat(jid: string, password: string, service: string): Chat {
  const client = createChat({ jid, password, service });
  cleanups.push(() => client.disconnect());
  return client;
}

/** Resolves with the first status other than `from`, and how long it took. */
function leaves(client: Chat, from: Status, timeoutMs: number): Promise<{ status: Status; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`still ${client.status} after ${timeoutMs} ms`)),
      timeoutMs,
    );
    const off = client.on('status', ({ status }) => {
      if (status === from) return;
      clearTimeout(timer);
      off();
      resolve({ status, ms: performance.now() - started });
    });
  });
}

function nextMessage(client: Chat, timeoutMs: number): Promise<Message | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      off();
      resolve(undefined);
    }, timeoutMs);
    const off = client.on('message', ({ message }) => {
      clearTimeout(timer);
      off();
      resolve(message);
    });
  });
}

describe('the fault proxy in front of Prosody, over WebSocket', () => {
  it('carries a session (the HTTP upgrade passes through) and cutAll() takes the client offline', async () => {
    const [anna] = await createAccounts(1);
    const proxy = await proxyTo(xmpp.ports.http);
    const a = chat(anna!.jid, anna!.password, proxy.url('ws', '/xmpp-websocket'));
    await a.connect();
    expect(a.status).toBe('online');
    expect(proxy.connections()).toBe(1);
    expect(proxy.stats().bytesToClient).toBeGreaterThan(0);

    const left = leaves(a, 'online', 5000);
    proxy.cutAll();
    const { status, ms } = await left;
    expect(['reconnecting', 'disconnected']).toContain(status);
    expect(ms).toBeLessThan(5000);
    expect(proxy.stats().closed).toBeGreaterThanOrEqual(1);
    console.info(`cutAll → status '${status}' after ${ms.toFixed(0)} ms`);
  });

  it('refuse(true) makes a new connect fail with connection-failed', async () => {
    const [anna] = await createAccounts(1);
    const proxy = await proxyTo(xmpp.ports.http);
    proxy.refuse(true);
    const a = chat(anna!.jid, anna!.password, proxy.url('ws', '/xmpp-websocket'));
    const started = performance.now();
    const error = await a.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    const ms = performance.now() - started;
    expect(isChatError(error) && error.code).toBe('connection-failed');
    expect(proxy.stats()).toMatchObject({ accepted: 0 });
    expect(proxy.stats().refused).toBeGreaterThanOrEqual(1);
    console.info(`refused connect rejected after ${ms.toFixed(0)} ms`);
  });

  it('pause() holds traffic without closing the link; resume() delivers it', async () => {
    const [anna, ben] = await createAccounts(2);
    const proxy = await proxyTo(xmpp.ports.http);
    const a = chat(anna!.jid, anna!.password, proxy.url('ws', '/xmpp-websocket'));
    const b = chat(ben!.jid, ben!.password, xmpp.websocketUrl);
    await Promise.all([a.connect(), b.connect()]);

    proxy.pause();
    const held = nextMessage(a, 1000);
    b.send(anna!.jid, 'through a frozen link');
    expect(await held).toBeUndefined();
    expect(proxy.connections()).toBe(1);
    expect(a.status).toBe('online');

    const delivered = nextMessage(a, 5000);
    proxy.resume();
    expect((await delivered)?.body).toBe('through a frozen link');
  });
});

describe('the fault proxy in front of Prosody, over TCP c2s', () => {
  it('passes a plain stream header through: Prosody answers with STARTTLS', async () => {
    const proxy = await proxyTo(xmpp.ports.c2s);
    const socket = tcpConnect(proxy.port, proxy.host);
    cleanups.push(async () => socket.destroy());
    let received = '';
    socket.on('data', (chunk) => (received += String(chunk)));
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `<?xml version='1.0'?><stream:stream to='${xmpp.domain}' version='1.0' xmlns='jabber:client' ` +
        `xmlns:stream='http://etherx.jabber.org/streams'>`,
    );
    await expect.poll(() => received, { timeout: 5000 }).toContain('</stream:features>');
    expect(received).toContain("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'");
  });

  it('passes direct TLS through untouched: the certificate verifies against the XMPP domain', async () => {
    const proxy = await proxyTo(xmpp.ports.directTls);
    const socket = tlsConnect({ host: proxy.host, port: proxy.port, servername: xmpp.domain, ca: xmpp.ca });
    cleanups.push(async () => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    expect(socket.authorized).toBe(true);
    expect(socket.getPeerCertificate().subject.CN).toBe(xmpp.domain);

    proxy.cutAll();
    const code = await new Promise<string | undefined>((resolve) => {
      socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code));
      socket.once('close', () => resolve(undefined));
    });
    expect(code === undefined || code === 'ECONNRESET').toBe(true);
  });
});
