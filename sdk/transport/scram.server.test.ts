// SCRAM on WebCrypto against the real Prosody: SCRAM-SHA-1 (Prosody's default store) and
// SCRAM-SHA-256 (a Prosody that stores SHA-256 keys), wrong passwords, a server whose <success/>
// does not prove that it knows the password, and reconnects that reuse the salted password.
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createAccounts } from '../../test/rig/accounts.js';
import { memoryLoginKey, until } from '../../test/rig/clients.js';
import { startFaultProxy } from '../../test/rig/fault-proxy.js';
import { startProsody, type Prosody } from '../../test/rig/prosody.mjs';
import { createChat, isChatError, type Chat, type ChatOptions, type Status } from '../index.js';
import { agentOf, createTransport, type Transport } from './xmpp.js';

const xmpp = inject('xmpp');
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.restoreAllMocks();
});

function client(options: ChatOptions): Chat {
  const chat = createChat({ resumeStorage: false, ...options });
  cleanups.push(() => chat.disconnect());
  return chat;
}

/** A transport that records the mechanism of each <auth/> it sends. */
function recorded(
  jid: string,
  password: string,
  service: string,
): { transport: Transport; mechanisms: string[] } {
  const transport = createTransport({ jid, service, credentials: async () => ({ password }) });
  cleanups.push(() => transport.disconnect());
  const mechanisms: string[] = [];
  agentOf(transport).on('raw', (direction, data) => {
    const auth = /<auth [^>]*mechanism=["']([^"']+)["']/.exec(data);
    if (direction === 'outgoing' && auth) mechanisms.push(auth[1]!);
  });
  return { transport, mechanisms };
}

async function failure(chat: Chat): Promise<unknown> {
  return chat.connect().then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('SCRAM-SHA-1 against Prosody', () => {
  it('logs in over WebSocket and over BOSH', async () => {
    const [anna] = await createAccounts(1);
    for (const service of [xmpp.websocketUrl, xmpp.boshUrl]) {
      const { transport, mechanisms } = recorded(anna!.jid, anna!.password, service);
      expect(await transport.connect()).toEqual({ ok: true, resumed: false });
      expect(mechanisms).toEqual(['SCRAM-SHA-1']);
      await transport.disconnect();
    }
  });

  it('refuses a wrong password with auth-failed, without retrying', async () => {
    const [anna] = await createAccounts(1);
    const chat = client({ jid: anna!.jid, password: `${anna!.password}x`, service: xmpp.websocketUrl });
    const statuses: Status[] = [];
    chat.on('status', ({ status }) => statuses.push(status));
    const error = await failure(chat);
    expect(isChatError(error) && error.code).toBe('auth-failed');
    expect(statuses).toEqual(['connecting', 'disconnected']);
  });
});

describe('SCRAM-SHA-256 against a Prosody that stores SHA-256 keys', () => {
  let server: Prosody;
  beforeAll(async () => {
    server = await startProsody({
      extraGlobal: 'password_hash = "SHA-256"',
      // A username with "=" and "," (escaped in SCRAM; Prosody 0.12 misreads an escaped name that
      // contains "n=") and a no-break space in the password, which SASLprep maps to a space on
      // both sides.
      accounts: [['a=b,c', 'Grüße\u00a0anna']],
    });
  });
  afterAll(() => server.dispose());

  it('logs in with SCRAM-SHA-256, with a username that needs escaping and a password SASLprep', async () => {
    const { transport, mechanisms } = recorded(
      `a=b,c@${server.domain}`,
      'Grüße\u00a0anna',
      server.websocketUrl,
    );
    expect(await transport.connect()).toEqual({ ok: true, resumed: false });
    expect(mechanisms).toEqual(['SCRAM-SHA-256']);
  });

  it('refuses a wrong password with auth-failed', async () => {
    const chat = client({ jid: `a=b,c@${server.domain}`, password: 'Grüße', service: server.websocketUrl });
    const error = await failure(chat);
    expect(isChatError(error) && error.code).toBe('auth-failed');
    expect(chat.status).toBe('disconnected');
  });
});

/**
 * A WebSocket proxy in front of the real Prosody that replaces the server signature in <success/>
 * with another one: what a client sees from a server that does not know the password.
 */
async function signatureForger(): Promise<string> {
  const proxy = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'xmpp' });
  await new Promise((resolve) => proxy.once('listening', resolve));
  proxy.on('connection', (socket) => {
    const upstream = new WebSocket(xmpp.websocketUrl, 'xmpp');
    const held: string[] = [];
    upstream.on('open', () => held.splice(0).forEach((frame) => upstream.send(frame)));
    socket.on('message', (data) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.send(String(data));
      else held.push(String(data));
    });
    upstream.on('message', (data) => {
      const forged = btoa(`v=${btoa('\0'.repeat(20))}`);
      socket.send(String(data).replace(/(<success [^>]*>)[^<]*(<\/success>)/, `$1${forged}$2`));
    });
    socket.on('close', () => upstream.close());
    upstream.on('close', () => socket.close());
  });
  cleanups.push(() => new Promise((resolve) => proxy.close(resolve)));
  const { port } = proxy.address() as { port: number };
  return `ws://127.0.0.1:${port}/xmpp-websocket`;
}

describe('a server that cannot prove it knows the password', () => {
  it('fails the login with auth-failed and never goes online', async () => {
    const [anna] = await createAccounts(1);
    const chat = client({ jid: anna!.jid, password: anna!.password, service: await signatureForger() });
    const statuses: Status[] = [];
    chat.on('status', ({ status }) => statuses.push(status));
    const error = await failure(chat);
    expect(isChatError(error) && error.code).toBe('auth-failed');
    expect(statuses).toEqual(['connecting', 'disconnected']);
  });
});

describe('the salted password', () => {
  it('is derived once for reconnects, and again after disconnect()', async () => {
    const [anna] = await createAccounts(1);
    const link = await startFaultProxy({ target: { host: xmpp.host, port: xmpp.ports.http } });
    cleanups.push(() => link.close());
    const derive = vi.spyOn(globalThis.crypto.subtle, 'deriveBits');
    // A portal may mint the password in this call: it is made for every login, before it starts.
    const credentials = vi.fn(async () => ({ password: anna!.password }));
    const chat = client({
      jid: anna!.jid,
      credentials,
      service: link.url('ws', '/xmpp-websocket'),
      reconnect: { initialDelay: 20, maxDelay: 200 },
    });
    await chat.connect();
    expect(derive).toHaveBeenCalledTimes(1);

    // Two lost connections: each reconnect logs in again (before resuming), without deriving.
    for (let i = 0; i < 2; i++) {
      const back = new Promise<void>((resolve) => {
        const off = chat.on('status', ({ status }) => {
          if (status === 'reconnecting') {
            off();
            resolve(until(chat, 'online'));
          }
        });
      });
      link.cutAll();
      await back;
    }
    expect(derive).toHaveBeenCalledTimes(1);
    expect(credentials).toHaveBeenCalledTimes(3);

    await chat.disconnect();
    await chat.connect();
    expect(derive).toHaveBeenCalledTimes(2);
  });
});

describe('a kept login key', () => {
  it('logs the next client in without the password, until disconnect()', async () => {
    const [anna] = await createAccounts(1);
    const loginKey = memoryLoginKey();
    const first = client({ jid: anna!.jid, password: anna!.password, service: xmpp.websocketUrl, loginKey });
    await first.connect();
    expect(loginKey.kept?.key.extractable).toBe(false);

    // The next page: its credentials callback is never called.
    const credentials = vi.fn(async () => ({ password: anna!.password }));
    const next = client({ jid: anna!.jid, credentials, service: xmpp.websocketUrl, loginKey });
    await next.connect();
    expect(next.status).toBe('online');
    expect(credentials).not.toHaveBeenCalled();

    // Signing out forgets it: a client with the storage alone cannot log in any more.
    await next.disconnect();
    expect(loginKey.kept).toBeUndefined();
    const error = await failure(client({ jid: anna!.jid, service: xmpp.websocketUrl, loginKey }));
    expect(isChatError(error) && error.code).toBe('auth-failed');
  });

  it('is dropped when the server refuses it, and the password is asked for next time', async () => {
    const [anna, ben] = await createAccounts(2);
    const loginKey = memoryLoginKey();
    await client({
      jid: anna!.jid,
      password: anna!.password,
      service: xmpp.websocketUrl,
      loginKey,
    }).connect();
    const other = memoryLoginKey();
    await client({
      jid: ben!.jid,
      password: ben!.password,
      service: xmpp.websocketUrl,
      loginKey: other,
    }).connect();
    // A key for anna's salt derived from another password: what a password changed elsewhere
    // (keeping the salt) would leave behind.
    loginKey.kept = { id: loginKey.kept!.id, key: other.kept!.key };

    const stale = client({ jid: anna!.jid, service: xmpp.websocketUrl, loginKey });
    const error = await failure(stale);
    expect(isChatError(error) && error.code).toBe('auth-failed');
    expect(loginKey.kept).toBeUndefined();

    const credentials = vi.fn(async () => ({ password: anna!.password }));
    const again = client({ jid: anna!.jid, credentials, service: xmpp.websocketUrl, loginKey });
    await again.connect();
    expect(credentials).toHaveBeenCalledTimes(1);
    expect(loginKey.kept).toBeDefined();
  });
});
