import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../../test/rig/accounts.js';
import { createChat, isChatError, type Chat, type ChatOptions, type Message, type Status } from '../node.js';
import { setDefaultSrvResolver, type SrvRecord } from './srv.js';
import { agentOf, createTransport } from './xmpp.js';

const xmpp = inject('xmpp');
const open: Chat[] = [];
const servers: Server[] = [];

const starttls = `xmpp://${xmpp.host}:${xmpp.ports.c2s}`;
const directTls = `xmpps://${xmpp.host}:${xmpp.ports.directTls}`;

function client(options: ChatOptions): Chat {
  const chat = createChat(options);
  open.push(chat);
  return chat;
}

function nextMessage(chat: Chat): Promise<Message> {
  return new Promise((resolve) => {
    const off = chat.on('message', ({ message }) => {
      off();
      resolve(message);
    });
  });
}

function failure(chat: Chat): Promise<unknown> {
  return chat.connect().then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** A port on loopback with nothing listening. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A fault-injection proxy in front of the real server: counts connections, records what the
 * client wrote, and can rewrite what the server sends (before TLS only; TLS bytes pass as they are).
 */
async function proxy(
  targetPort: number,
  rewrite: (fromServer: string) => string = (s) => s,
): Promise<{ port: number; connections: number; fromClient: string; cut(): void }> {
  const sockets = new Set<Socket>();
  const state = { port: 0, connections: 0, fromClient: '', cut: () => sockets.forEach((s) => s.destroy()) };
  const server = createServer((inbound) => {
    state.connections += 1;
    const outbound = netConnect(targetPort, xmpp.host);
    sockets.add(inbound).add(outbound);
    inbound.on('data', (chunk: Buffer) => {
      state.fromClient += chunk.toString('latin1');
      outbound.write(chunk);
    });
    outbound.on('data', (chunk: Buffer) => {
      inbound.write(Buffer.from(rewrite(chunk.toString('latin1')), 'latin1'));
    });
    for (const [a, b] of [
      [inbound, outbound],
      [outbound, inbound],
    ] as const) {
      a.on('close', () => b.destroy());
      a.on('error', () => {
        // The other side's close handler ends the pair.
        b.destroy();
      });
    }
  });
  server.on('close', () => sockets.forEach((s) => s.destroy()));
  await new Promise<void>((resolve) => server.listen(0, xmpp.host, resolve));
  state.port = (server.address() as { port: number }).port;
  servers.push(server);
  return state;
}

/** Collects status changes with their error codes. */
function statuses(chat: Chat): Array<{ status: Status; code?: string }> {
  const seen: Array<{ status: Status; code?: string }> = [];
  chat.on('status', ({ status, error }) => seen.push({ status, ...(error ? { code: error.code } : {}) }));
  return seen;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(async () => {
  setDefaultSrvResolver(undefined);
  await Promise.all(open.splice(0).map((chat) => chat.disconnect()));
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('the TCP transport (Node)', () => {
  it('logs in over STARTTLS, verifying the certificate as the XMPP domain', async () => {
    const [anna] = await createAccounts(1, 'tcp');
    const chat = client({
      jid: anna!.jid,
      password: anna!.password,
      service: starttls,
      tls: { ca: xmpp.ca },
    });
    const started = performance.now();
    await chat.connect();
    expect(chat.status).toBe('online');
    expect(performance.now() - started).toBeLessThan(3000);
    await chat.disconnect();
    expect(chat.status).toBe('offline');
  });

  it('logs in over direct TLS (XEP-0368)', async () => {
    const [anna] = await createAccounts(1, 'tcp');
    const chat = client({
      jid: anna!.jid,
      password: anna!.password,
      service: directTls,
      tls: { ca: xmpp.ca },
    });
    await chat.connect();
    expect(chat.status).toBe('online');
  });

  it('exchanges messages between a TCP client and a WebSocket client', async () => {
    const [anna, ben] = await createAccounts(2, 'tcp');
    const tcp = client({ jid: anna!.jid, password: anna!.password, service: starttls, tls: { ca: xmpp.ca } });
    const ws = client({ jid: ben!.jid, password: ben!.password, service: xmpp.websocketUrl });
    await Promise.all([tcp.connect(), ws.connect()]);

    const toBen = nextMessage(ws);
    tcp.send(ben!.jid, 'über TCP: grüße 👋 <b>&amp;</b>');
    expect(await toBen).toMatchObject({ conversation: anna!.jid, body: 'über TCP: grüße 👋 <b>&amp;</b>' });

    const toAnna = nextMessage(tcp);
    ws.send(anna!.jid, 'back over WebSocket ✓');
    expect(await toAnna).toMatchObject({ conversation: ben!.jid, body: 'back over WebSocket ✓' });

    // Long enough to span many TLS records, so multi-byte characters are split between reads.
    const long = 'ä€👋'.repeat(12_000);
    const longToAnna = nextMessage(tcp);
    ws.send(anna!.jid, long);
    expect((await longToAnna).body).toBe(long);
  });

  it('reconnects by itself after the TCP connection is cut', async () => {
    const [anna, ben] = await createAccounts(2, 'tcp');
    const link = await proxy(xmpp.ports.c2s);
    const tcp = client({
      jid: anna!.jid,
      password: anna!.password,
      service: `xmpp://${xmpp.host}:${link.port}`,
      tls: { ca: xmpp.ca },
      reconnect: { initialDelay: 100 },
    });
    const ws = client({ jid: ben!.jid, password: ben!.password, service: xmpp.websocketUrl });
    await Promise.all([tcp.connect(), ws.connect()]);
    const seen = statuses(tcp);
    const back = new Promise<void>((resolve) => {
      const off = tcp.on('status', ({ status }) => {
        if (status === 'online') {
          off();
          resolve();
        }
      });
    });
    link.cut();
    await back;
    expect(seen.map((s) => s.status)).toEqual(['reconnecting', 'online']);
    expect(link.connections).toBe(2);
    const toAnna = nextMessage(tcp);
    ws.send(anna!.jid, 'after the cut');
    expect((await toAnna).body).toBe('after the cut');
  });

  it('resumes the session (XEP-0198) on a new TCP connection after a cut', async () => {
    const [anna] = await createAccounts(1, 'tcp');
    const link = await proxy(xmpp.ports.c2s);
    const transport = createTransport({
      jid: anna!.jid,
      service: `xmpp://${xmpp.host}:${link.port}`,
      tls: { ca: xmpp.ca },
      credentials: async () => ({ password: anna!.password }),
    });
    expect(await transport.connect()).toEqual({ ok: true, resumed: false });
    const offline = new Promise<{ fatal: boolean }>((resolve) => transport.on('offline', resolve));
    link.cut();
    expect((await offline).fatal).toBe(false);
    expect(await transport.connect()).toEqual({ ok: true, resumed: true });
    await transport.disconnect();
  });

  it('rejects a wrong password with auth-failed', async () => {
    const [anna] = await createAccounts(1, 'tcp');
    const chat = client({ jid: anna!.jid, password: 'wrong', service: starttls, tls: { ca: xmpp.ca } });
    const seen = statuses(chat);
    const error = await failure(chat);
    expect(isChatError(error) && error.code).toBe('auth-failed');
    expect(chat.status).toBe('disconnected');
    expect(seen).toEqual([{ status: 'connecting' }, { status: 'disconnected', code: 'auth-failed' }]);
  });

  it('fails with certificate (and does not retry) when the CA is not trusted', async () => {
    const [anna] = await createAccounts(1, 'tcp');
    for (const upstream of [xmpp.ports.c2s, xmpp.ports.directTls]) {
      const counter = await proxy(upstream);
      const scheme = upstream === xmpp.ports.c2s ? 'xmpp' : 'xmpps';
      const chat = client({
        jid: anna!.jid,
        password: anna!.password,
        service: `${scheme}://${xmpp.host}:${counter.port}`,
      });
      const seen = statuses(chat);
      const error = await failure(chat);
      expect(isChatError(error) && error.code, scheme).toBe('certificate');
      expect(isChatError(error) && error.condition).toMatch(/SELF_SIGNED|UNABLE_TO|CERT/);
      expect(chat.status).toBe('disconnected');
      // No retry storm: reconnect (first retry after ~0.5–1 s) must not run for a bad certificate.
      await sleep(1200);
      expect(counter.connections).toBe(1);
      expect(seen).toEqual([{ status: 'connecting' }, { status: 'disconnected', code: 'certificate' }]);
      // The password never went out.
      expect(counter.fromClient).not.toContain('<auth');
    }
  });

  it('refuses to go on when STARTTLS is stripped from the features (downgrade)', async () => {
    const [anna] = await createAccounts(1, 'tcp');
    const stripping = await proxy(xmpp.ports.c2s, (s) =>
      s.replace(/<starttls[^>]*?(\/>|>[\s\S]*?<\/starttls>)/g, ''),
    );
    const transport = createTransport({
      jid: anna!.jid,
      service: `xmpp://${xmpp.host}:${stripping.port}`,
      tls: { ca: xmpp.ca },
      credentials: async () => ({ password: anna!.password }),
    });
    const reasons: string[] = [];
    agentOf(transport).on('--transport-failure', (error) => reasons.push(`${error.code}: ${error.message}`));
    const result = await transport.connect();
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('connection-failed');
    expect(reasons).toEqual([expect.stringMatching(/^connection-failed: .*does not offer STARTTLS/)]);
    // Neither credentials nor anything else went out on the plaintext stream.
    expect(stripping.fromClient).not.toContain('<auth');
    expect(stripping.fromClient).not.toContain('<starttls');
    await transport.disconnect();
  });

  it('does not take a stream error injected before TLS as final', async () => {
    const [anna] = await createAccounts(1, 'tcp');
    const injecting = await proxy(xmpp.ports.c2s, (s) =>
      s.replace(
        /<stream:features>[\s\S]*?<\/stream:features>/,
        "<stream:error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
      ),
    );
    const transport = createTransport({
      jid: anna!.jid,
      service: `xmpp://${xmpp.host}:${injecting.port}`,
      tls: { ca: xmpp.ca },
      credentials: async () => ({ password: anna!.password }),
    });
    const result = await transport.connect();
    // Unauthenticated, so retrying stays allowed (a stream error over TLS could end retries).
    expect(result).toMatchObject({ ok: false, fatal: false, error: { code: 'connection-failed' } });
    await transport.disconnect();
  });

  it('fails promptly with connection-failed when nothing listens', async () => {
    const [anna] = await createAccounts(1, 'tcp');
    const port = await closedPort();
    const chat = client({
      jid: anna!.jid,
      password: anna!.password,
      service: `xmpp://${xmpp.host}:${port}`,
      tls: { ca: xmpp.ca },
    });
    const started = performance.now();
    const error = await failure(chat);
    const elapsed = performance.now() - started;
    expect(isChatError(error) && error.code).toBe('connection-failed');
    expect(chat.status).toBe('disconnected');
    expect(elapsed).toBeLessThan(1000);
  });

  it('gives up on a link where the server never answers, within the timeout', async () => {
    const [anna] = await createAccounts(1, 'tcp');
    const silent = await proxy(xmpp.ports.c2s, () => '');
    const chat = client({
      jid: anna!.jid,
      password: anna!.password,
      service: `xmpp://${xmpp.host}:${silent.port}`,
      tls: { ca: xmpp.ca },
      timeout: 1,
      reconnect: false,
    });
    const started = performance.now();
    const error = await failure(chat);
    const elapsed = performance.now() - started;
    expect(isChatError(error) && error.code).toBe('connection-failed');
    expect(elapsed).toBeGreaterThan(900);
    expect(elapsed).toBeLessThan(2500);
  });
});

describe('the TCP transport with DNS SRV (service omitted)', () => {
  /** Serves SRV answers for mailbox.test from a table; other names do not exist. */
  function fakeDns(table: Record<string, SrvRecord[]>): string[] {
    const asked: string[] = [];
    setDefaultSrvResolver({
      resolveSrv: async (name) => {
        asked.push(name);
        const records = table[name];
        if (records) return records;
        throw Object.assign(new Error(`querySrv ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
      },
    });
    return asked;
  }

  it('follows the SRV record to the server and verifies TLS as the XMPP domain', async () => {
    const [anna] = await createAccounts(1, 'srv');
    // '127.1' reaches 127.0.0.1 but is not a name in the certificate: the login only works
    // because the certificate is checked against mailbox.test, not against the SRV target.
    const asked = fakeDns({
      [`_xmpp-client._tcp.${xmpp.domain}`]: [{ name: '127.1', port: xmpp.ports.c2s, priority: 0, weight: 5 }],
    });
    const chat = client({ jid: anna!.jid, password: anna!.password, tls: { ca: xmpp.ca } });
    await chat.connect();
    expect(chat.status).toBe('online');
    expect(asked.sort()).toEqual([`_xmpp-client._tcp.${xmpp.domain}`, `_xmpps-client._tcp.${xmpp.domain}`]);
  });

  it('tries the targets in order until one works (dead STARTTLS target, then direct TLS)', async () => {
    const [anna] = await createAccounts(1, 'srv');
    const dead = await closedPort();
    fakeDns({
      [`_xmpp-client._tcp.${xmpp.domain}`]: [{ name: '127.0.0.1', port: dead, priority: 0, weight: 0 }],
      [`_xmpps-client._tcp.${xmpp.domain}`]: [
        { name: '127.0.0.1', port: xmpp.ports.directTls, priority: 10, weight: 0 },
      ],
    });
    const chat = client({ jid: anna!.jid, password: anna!.password, tls: { ca: xmpp.ca } });
    await chat.connect();
    expect(chat.status).toBe('online');
  });

  it('reports connection-failed when the domain says it offers no client service (".")', async () => {
    const [anna] = await createAccounts(1, 'srv');
    fakeDns({ [`_xmpp-client._tcp.${xmpp.domain}`]: [{ name: '.', port: 0, priority: 0, weight: 0 }] });
    const chat = client({ jid: anna!.jid, password: anna!.password, tls: { ca: xmpp.ca }, reconnect: false });
    const error = await failure(chat);
    expect(isChatError(error) && error.code).toBe('connection-failed');
  });
});
