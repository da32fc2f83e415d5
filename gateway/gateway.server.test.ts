// The gateway between WebSocket clients and the real Prosody's c2s port (STARTTLS, certificate
// verified against the rig's test CA): SDK sessions log in, chat and resume through it; what it must
// refuse, it refuses with a clear stream error or HTTP status; its log never holds content.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createChat, type Chat, type ChatOptions, type ResumeState } from '../sdk/node.js';
import { createAccounts } from '../test/rig/accounts.js';
import { until } from '../test/rig/clients.js';
import { startFaultProxy } from '../test/rig/fault-proxy.js';
import { makeCertificates } from '../test/rig/prosody.mjs';
import { connectRaw, type RawWebSocket } from '../test/rig/raw-websocket.js';
import { createGateway, type GatewayLogEntry, type GatewayOptions } from './index.js';

const xmpp = inject('xmpp');
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A gateway on a free loopback port in front of the rig's c2s port, and what it logged. */
async function gateway(
  options: Omit<Partial<GatewayOptions>, 'upstream'> & { upstream?: string | null } = {},
) {
  const log: GatewayLogEntry[] = [];
  const { upstream = `${xmpp.host}:${xmpp.ports.c2s}`, ...rest } = options;
  const instance = createGateway({
    domains: [xmpp.domain],
    ca: xmpp.ca,
    log: (entry) => log.push(entry),
    // `upstream: null` in a test means "no override: use DNS SRV".
    ...(upstream === null ? {} : { upstream }),
    ...(rest as Partial<GatewayOptions>),
  });
  const address = await instance.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => instance.close());
  return { ...address, log, instance };
}

function client(options: ChatOptions): Chat {
  const chat = createChat({ resumeStorage: false, ...options });
  cleanups.push(() => chat.disconnect());
  return chat;
}

async function raw(url: string, options: { origin?: string } = {}): Promise<RawWebSocket> {
  const socket = await connectRaw(url, options);
  cleanups.push(() => socket.close());
  return socket;
}

const STREAM_ERROR = (condition: string) =>
  new RegExp(`^<stream:error xmlns:stream='http://etherx.jabber.org/streams'><${condition} `);

describe('the gateway', () => {
  it('carries an SDK session to the TCP server: login, chat both ways, clean logout', async () => {
    const [anna, ben] = await createAccounts(2);
    const gw = await gateway();
    const a = client({ jid: anna!.jid, password: anna!.password, service: gw.url });
    const b = client({ jid: ben!.jid, password: ben!.password, service: xmpp.websocketUrl });
    const atAnna: string[] = [];
    const atBen: string[] = [];
    a.on('message', ({ message }) => message.direction === 'in' && atAnna.push(message.body));
    b.on('message', ({ message }) => message.direction === 'in' && atBen.push(message.body));
    await Promise.all([a.connect(), b.connect()]);
    expect(a.jid).toMatch(new RegExp(`^${anna!.jid}/`));

    await a.send(ben!.jid, 'Grüße durch das Gateway <&>');
    await b.send(anna!.jid, 'und zurück');
    await expect.poll(() => atBen).toEqual(['Grüße durch das Gateway <&>']);
    await expect.poll(() => atAnna).toEqual(['und zurück']);

    // The upstream leg ran TLS, verified against the test CA.
    expect(gw.log).toContainEqual(
      expect.objectContaining({
        event: 'upstream',
        domain: xmpp.domain,
        port: xmpp.ports.c2s,
        tls: 'TLSv1.3',
      }),
    );
    await a.disconnect();
    await expect
      .poll(() => gw.log.find((e) => e.event === 'close'))
      .toMatchObject({ event: 'close', reason: 'browser' });
    const close = gw.log.find((e) => e.event === 'close')!;
    expect(close).toMatchObject({ framesIn: expect.any(Number), bytesOut: expect.any(Number) });

    // The log holds connection events and sizes only: no password, no message text.
    const logged = JSON.stringify(gw.log);
    expect(logged).not.toContain(anna!.password);
    expect(logged).not.toContain('Grüße');
    expect(logged).not.toContain('zurück');
    expect(logged).not.toContain(anna!.user);
  });

  it('finds the server by DNS SRV when no upstream is configured, still verifying the domain', async () => {
    const [anna] = await createAccounts(1);
    const queried: string[] = [];
    const gw = await gateway({
      upstream: null,
      resolver: {
        async resolveSrv(name) {
          queried.push(name);
          if (name === `_xmpp-client._tcp.${xmpp.domain}`) {
            return [{ name: `${xmpp.host}.`, port: xmpp.ports.c2s, priority: 0, weight: 0 }];
          }
          throw Object.assign(new Error('no such record'), { code: 'ENOTFOUND' });
        },
      },
    });
    const socket = await raw(gw.url);
    expect(await socket.login(xmpp.domain, anna!.user, anna!.password)).toMatch(new RegExp(`^${anna!.jid}/`));
    expect(queried).toContain(`_xmpp-client._tcp.${xmpp.domain}`);
  });

  it('translates the framing: <open/> and stream features without STARTTLS, one element per frame', async () => {
    const gw = await gateway();
    const socket = await raw(gw.url);
    socket.open(xmpp.domain);
    const open = await socket.next(/^<open /);
    expect(open).toMatch(
      /^<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='mailbox.test' .*version='1.0'/,
    );
    const features = await socket.next(/^<stream:features/);
    // A stand-alone document: the namespaces it inherited from the TCP stream header are declared.
    expect(features).toMatch(/^<stream:features [^>]*xmlns='jabber:client'/);
    expect(features).toMatch(/^<stream:features [^>]*xmlns:stream='http:\/\/etherx.jabber.org\/streams'/);
    expect(features).toContain('urn:ietf:params:xml:ns:xmpp-sasl');
    expect(features).not.toContain('starttls');
    socket.send("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
    await socket.next(/^<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'\/>$/);
    expect(await socket.closed()).toBe(1000);
  });

  it('keeps an SDK session resumable (XEP-0198) when the browser side of the link drops', async () => {
    const [anna, ben] = await createAccounts(2);
    const gw = await gateway();
    const link = await startFaultProxy({ target: { host: '127.0.0.1', port: gw.port } });
    cleanups.push(() => link.close());
    let stored: ResumeState | undefined;
    const a = client({
      jid: anna!.jid,
      password: anna!.password,
      service: link.url('ws', '/xmpp-websocket'),
      reconnect: { initialDelay: 300, maxDelay: 600 },
      resumeStorage: { load: () => stored, save: (state) => void (stored = state) },
    });
    const b = client({ jid: ben!.jid, password: ben!.password, service: xmpp.websocketUrl });
    const atAnna: string[] = [];
    a.on('message', ({ message }) => message.direction === 'in' && atAnna.push(message.body));
    await Promise.all([a.connect(), b.connect()]);
    const before = a.jid;

    link.cutAll();
    // The gateway drops the server leg without closing the stream: Prosody keeps the session.
    await expect
      .poll(() => gw.log.find((e) => e.event === 'close'))
      .toMatchObject({ reason: 'browser-dropped' });
    await b.send(a.jid!, 'während der Funkstille');
    await until(a, 'online');
    expect(a.jid).toBe(before); // the same resource: resumed through a new gateway connection
    await expect.poll(() => atAnna).toEqual(['während der Funkstille']);
    expect(gw.log.filter((e) => e.event === 'upstream')).toHaveLength(2);
  });

  it("passes the server's stream errors to the browser, and the browser's to the server", async () => {
    const [anna] = await createAccounts(1);
    const gw = await gateway();
    // The server ends a session whose resource another login takes over: <conflict/>.
    const first = await raw(gw.url);
    await first.login(xmpp.domain, anna!.user, anna!.password, 'desk');
    const second = await raw(gw.url);
    await second.login(xmpp.domain, anna!.user, anna!.password, 'desk');
    expect(await first.next(/^<stream:error/)).toMatch(
      /^<stream:error xmlns(:stream)?='[^']+' xmlns(:stream)?='[^']+'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'\/>/,
    );
    await first.next(/^<close /);
    expect(await first.closed()).toBe(1000);
    expect(gw.log).toContainEqual(
      expect.objectContaining({ event: 'stream-error', by: 'server', condition: 'conflict' }),
    );

    // A stream error from the browser reaches the server, which closes the stream in reply.
    const from = second.frames.length;
    second.send(
      "<stream:error xmlns:stream='http://etherx.jabber.org/streams'>" +
        "<undefined-condition xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
    );
    await second.next(/^<close /, { from });
    expect(await second.closed()).toBe(1000);
  });

  it('refuses a domain that is not on its allow-list with host-unknown', async () => {
    const gw = await gateway();
    const socket = await raw(gw.url);
    socket.open('elsewhere.example');
    expect(await socket.next(/^<open /)).toContain("from='elsewhere.example'");
    expect(await socket.next(/^<stream:error/)).toMatch(STREAM_ERROR('host-unknown'));
    await socket.next(/^<close /);
    expect(await socket.closed()).toBe(1000);
    expect(gw.log.some((e) => e.event === 'upstream')).toBe(false);
  });

  it('refuses a page from another origin with HTTP 403, and admits the configured one', async () => {
    const gw = await gateway({ origins: ['https://portal.example.com'] });
    await expect(connectRaw(gw.url, { origin: 'https://evil.example' })).rejects.toMatchObject({
      status: 403,
    });
    const allowed = await raw(gw.url, { origin: 'https://portal.example.com' });
    allowed.open(xmpp.domain);
    await allowed.next(/^<stream:features/);
    expect(gw.log).toContainEqual(
      expect.objectContaining({ event: 'refused', status: 403, reason: 'origin' }),
    );
  });

  it('by default admits only pages of its own origin', async () => {
    const gw = await gateway();
    await expect(connectRaw(gw.url, { origin: 'https://evil.example' })).rejects.toMatchObject({
      status: 403,
    });
    const same = await raw(gw.url, { origin: `http://127.0.0.1:${gw.port}` });
    same.open(xmpp.domain);
    await same.next(/^<stream:features/);
  });

  it('ends the stream with policy-violation when a frame is larger than the limit', async () => {
    const [anna] = await createAccounts(1);
    const gw = await gateway({ maxFrameBytes: 4096 });
    const socket = await raw(gw.url);
    await socket.login(xmpp.domain, anna!.user, anna!.password);
    socket.send(
      `<message xmlns='jabber:client' to='${anna!.jid}'><body>${'x'.repeat(5000)}</body></message>`,
    );
    expect(await socket.next(/^<stream:error/)).toMatch(STREAM_ERROR('policy-violation'));
    await socket.next(/^<close /);
    expect(await socket.closed()).toBe(1000);
  });

  it('gives a clear stream error, not a hang, when the server certificate is not trusted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailbox-chat-other-ca-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const other = await makeCertificates(dir, xmpp.domain, 'some other CA');
    const gw = await gateway({ ca: other.ca });
    const socket = await raw(gw.url);
    socket.open(xmpp.domain);
    const error = await socket.next(/^<stream:error/);
    expect(error).toMatch(STREAM_ERROR('remote-connection-failed'));
    expect(error).toMatch(/certificate could not be verified \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
    expect(await socket.closed()).toBe(1000);

    // An SDK client's connect() fails too, with the gateway's condition, and does not hang.
    const [anna] = await createAccounts(1);
    const a = client({ jid: anna!.jid, password: anna!.password, service: gw.url, reconnect: false });
    await expect(a.connect()).rejects.toMatchObject({
      name: 'ChatError',
      code: 'stream-error',
      condition: 'remote-connection-failed',
    });
    expect(a.status).toBe('disconnected');
  });

  it('limits connections per client address (HTTP 429)', async () => {
    const gw = await gateway({ maxConnectionsPerIp: 2 });
    await raw(gw.url);
    await raw(gw.url);
    await expect(connectRaw(gw.url)).rejects.toMatchObject({ status: 429 });
    expect(gw.instance.stats()).toMatchObject({ connections: 2, refused: 1 });
  });

  it('ends an idle connection with connection-timeout', async () => {
    const gw = await gateway({ idleTimeoutMs: 500 });
    const socket = await raw(gw.url);
    socket.open(xmpp.domain);
    await socket.next(/^<stream:features/);
    expect(await socket.next(/^<stream:error/, { timeoutMs: 3000 })).toMatch(
      STREAM_ERROR('connection-timeout'),
    );
    expect(await socket.closed()).toBe(1000);
  });
});
