// Direct file transfers between two Node clients: Jingle file transfer (XEP-0234) over SOCKS5
// bytestreams (XEP-0260) through the private Prosody's proxy65 (XEP-0065). Everything is real:
// the signalling goes through Prosody, the bytes through its proxy.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createAccounts, type TestAccount } from '../test/rig/accounts.js';
import { eventually } from '../test/rig/clients.js';
import { createEmitter } from './emitter.js';
import type { ChatEvents } from './events.js';
import { createDiscovery } from './features/discovery.js';
import { createChat, isChatError, type Chat, type TransferOffer, type TransferProgress } from './node.js';
import { jingleChannel, type JingleSignal } from './transport/jingle.js';
import { bytestreamAddress, connectSocks5 } from './transport/socks5.js';
import { createTransport } from './transport/xmpp.js';

const xmpp = inject('xmpp');
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function online(account: TestAccount): Promise<Chat> {
  const chat = createChat({
    jid: account.jid,
    password: account.password,
    service: xmpp.websocketUrl,
    resumeStorage: false,
  });
  cleanups.push(() => chat.disconnect());
  const discovered = new Promise<void>((resolve) => chat.on('server', () => resolve()));
  await chat.connect();
  await discovered;
  return chat;
}

/** The next offer `chat` gets. */
function nextOffer(chat: Chat): Promise<TransferOffer> {
  return new Promise((resolve) => {
    const off = chat.on('transfer:offer', ({ offer }) => {
      off();
      resolve(offer);
    });
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function expectMonotonicToFull(progress: TransferProgress[], total: number): void {
  expect(progress.length).toBeGreaterThan(5);
  for (let i = 1; i < progress.length; i += 1) {
    expect(progress[i]!.loaded).toBeGreaterThan(progress[i - 1]!.loaded);
  }
  expect(progress.at(-1)).toEqual({ loaded: total, total, percent: 100 });
}

describe('chat.transfers', () => {
  it('finds the server’s SOCKS5 proxy', async () => {
    const [anna] = await createAccounts(1);
    const chat = await online(anna!);
    expect(chat.server?.proxy65).toBe(`proxy.${xmpp.domain}`);
    expect(chat.transfers.supported).toBe(true);
  });

  it('sends 5 MB through the proxy: identical SHA-256, progress monotonic to 100 % on both sides', async () => {
    const [anna, ben] = await createAccounts(2);
    const [a, b] = await Promise.all([online(anna!), online(ben!)]);
    const bytes = randomBytes(5 * 1024 * 1024);
    const sent: TransferProgress[] = [];
    const received: TransferProgress[] = [];

    const offered = nextOffer(b);
    const sending = a.transfers.send(b.jid!, bytes, {
      name: 'backup.zip',
      onProgress: (p) => sent.push(p),
    });
    const offer = await offered;
    expect(offer).toMatchObject({
      from: a.jid,
      name: 'backup.zip',
      type: 'application/zip',
      size: bytes.length,
      sha256: sha256(bytes),
    });
    const data = await offer.accept({ onProgress: (p) => received.push(p) });
    const result = await sending;

    expect(sha256(data)).toBe(sha256(bytes));
    expect(Buffer.from(data).equals(bytes)).toBe(true);
    expect(result).toEqual({
      to: b.jid,
      name: 'backup.zip',
      type: 'application/zip',
      size: bytes.length,
      sha256: sha256(bytes),
    });
    expectMonotonicToFull(sent, bytes.length);
    expectMonotonicToFull(received, bytes.length);
  });

  it('rejects with `declined` when the peer declines the offer', async () => {
    const [anna, ben] = await createAccounts(2);
    const [a, b] = await Promise.all([online(anna!), online(ben!)]);
    b.on('transfer:offer', ({ offer }) => void offer.decline());
    const error = await rejection(a.transfers.send(b.jid!, randomBytes(1000), { name: 'no.bin' }));
    expect(isChatError(error) && error.code).toBe('declined');
  });

  it('rejects with `timeout` when the offer is not answered in time', async () => {
    const [anna, ben] = await createAccounts(2);
    const [a, b] = await Promise.all([online(anna!), online(ben!)]);
    const offered = nextOffer(b);
    const error = await rejection(a.transfers.send(b.jid!, randomBytes(1000), { timeout: 1 }));
    expect(isChatError(error) && error.code).toBe('timeout');
    // The receiver learns that the offer is gone, and why; accepting it now fails the same way.
    const offer = await offered;
    expect((await eventually(() => offer.withdrawn)).code).toBe('timeout');
    const late = await rejection(offer.accept());
    expect(isChatError(late) && late.code).toBe('timeout');
  });

  it('an abort on the sender’s side reaches the receiver as `cancelled`', async () => {
    const [anna, ben] = await createAccounts(2);
    const [a, b] = await Promise.all([online(anna!), online(ben!)]);
    const controller = new AbortController();
    const offered = nextOffer(b);
    const sending = rejection(a.transfers.send(b.jid!, randomBytes(1000), { signal: controller.signal }));
    const offer = await offered;
    expect(offer.withdrawn).toBeUndefined();
    controller.abort();
    expect(await sending).toMatchObject({ code: 'aborted' });
    expect((await eventually(() => offer.withdrawn)).code).toBe('cancelled');
    const error = await rejection(offer.accept());
    expect(isChatError(error) && error.code).toBe('cancelled');
  });

  it('an abort on the receiver’s side mid-transfer reaches the sender as `cancelled`', async () => {
    const [anna, ben] = await createAccounts(2);
    const [a, b] = await Promise.all([online(anna!), online(ben!)]);
    const controller = new AbortController();
    const seen: number[] = [];
    b.on('transfer:offer', ({ offer }) => {
      const accepting = offer.accept({
        signal: controller.signal,
        onProgress: ({ percent }) => {
          seen.push(percent);
          if (percent > 10) controller.abort();
        },
      });
      void rejection(accepting).then((error) =>
        seen.push(isChatError(error) && error.code === 'aborted' ? -1 : -2),
      );
    });
    const error = await rejection(
      a.transfers.send(b.jid!, randomBytes(5 * 1024 * 1024), { name: 'big.bin' }),
    );
    expect(isChatError(error) && error.code).toBe('cancelled');
    expect(await eventually(() => seen.find((p) => p < 0))).toBe(-1); // the receiver: `aborted`
    expect(Math.max(...seen)).toBeLessThan(100);
  });

  it('rejects with `service-unavailable` when that device is not online', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = await online(anna!);
    const error = await rejection(a.transfers.send(`${ben!.jid}/nowhere`, randomBytes(10)));
    expect(isChatError(error) && error.code).toBe('service-unavailable');
  });

  it('rejects with `invalid-argument` for a bare JID (a transfer goes to one device)', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = await online(anna!);
    const error = await rejection(a.transfers.send(ben!.jid, randomBytes(10)));
    expect(isChatError(error) && error.code).toBe('invalid-argument');
  });

  it('the receiver rejects with `hash-mismatch` and tells the sender (media-error)', async () => {
    const [anna, ben] = await createAccounts(2);
    const b = await online(ben!);
    // A sender built from the SDK's own transport parts that announces the wrong hash.
    const transport = createTransport({
      jid: anna!.jid,
      credentials: async () => ({ password: anna!.password }),
      service: xmpp.websocketUrl,
    });
    cleanups.push(() => transport.disconnect());
    const discovery = createDiscovery({ transport, emit: createEmitter<ChatEvents>(() => undefined).emit });
    const channel = jingleChannel(transport);
    expect(await transport.connect()).toMatchObject({ ok: true });
    const proxy = (await discovery.ready()).proxy65!;
    const own = transport.jid!;
    const signals: JingleSignal[] = [];
    channel.watch('s1', b.jid!, (s) => signals.push(s));
    const host = await channel.streamhost(proxy, 't1');
    const bytes = randomBytes(4096);
    const address = bytestreamAddress('t1', own, b.jid!);
    const session = { sid: 's1', content: 'file', transportSid: 't1' };

    const offered = nextOffer(b);
    await channel.initiate(b.jid!, {
      ...session,
      file: { name: 'x.bin', size: bytes.length, sha256: sha256(randomBytes(16)) },
      transport: {
        sid: 't1',
        address,
        candidates: [
          { cid: 'c1', host: host.host, port: host.port, jid: host.jid, priority: 1, type: 'proxy' },
        ],
      },
    });
    const accepting = rejection((await offered).accept());
    await eventually(() => signals.find((s) => s.action === 'transport-info' && s.candidateUsed === 'c1'));
    const socket = await connectSocks5({ host: host.host, port: host.port, address, timeout: 5000 });
    cleanups.push(async () => socket.destroy());
    await channel.activate(host.jid, 't1', b.jid!);
    await channel.report(b.jid!, session, { activated: 'c1' });
    socket.write(bytes);

    expect(await accepting).toMatchObject({ code: 'hash-mismatch' });
    expect(await eventually(() => signals.find((s) => s.action === 'session-terminate'))).toMatchObject({
      reason: 'media-error',
    });
  });
});
