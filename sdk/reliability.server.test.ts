// Delivery under fault injection: a TCP proxy between the SDK and the real Prosody cuts, freezes
// or refuses the link while messages flow both ways.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { memoryResumeStorage, until } from '../test/rig/clients.js';
import { startFaultProxy, type FaultProxy } from '../test/rig/fault-proxy.js';
import { transportOf } from './client.js';
import {
  createChat,
  type Chat,
  type ChatOptions,
  type MessageState,
  type ResumeState,
  type ResumeStorage,
} from './index.js';
import { agentOf } from './transport/xmpp.js';

const xmpp = inject('xmpp');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function proxy(): Promise<FaultProxy> {
  const p = await startFaultProxy({ target: { host: xmpp.host, port: xmpp.ports.http } });
  cleanups.push(() => p.close());
  return p;
}

function client(options: ChatOptions): Chat {
  const chat = createChat({ resumeStorage: false, ...options });
  cleanups.push(() => chat.disconnect());
  return chat;
}

/**
 * A page of anna's in a browser tab (through a fault proxy, not reconnecting by itself, keeping its
 * resume state in `resumeStorage`) and ben, online directly; both connected. `service` is the
 * proxied address the tab's next page uses too.
 */
async function pageAndPeer(resumeStorage: ResumeStorage) {
  const [anna, ben] = await createAccounts(2);
  const link = await proxy();
  const service = link.url('ws', '/xmpp-websocket');
  const first = client({
    jid: anna!.jid,
    password: anna!.password,
    service,
    reconnect: false,
    resumeStorage,
  });
  const b = client({ jid: ben!.jid, password: ben!.password, service: xmpp.websocketUrl });
  await Promise.all([first.connect(), b.connect()]);
  return { anna, ben, link, service, first, b };
}

/** A resume storage that keeps a copy of what it is given, as `sessionStorage` keeps JSON. */
function copyingStorage(): ResumeStorage & { state: ResumeState | undefined } {
  const storage = {
    state: undefined as ResumeState | undefined,
    load: () => storage.state,
    save: (state: ResumeState | undefined) => void (storage.state = state && structuredClone(state)),
  };
  return storage;
}

/** The `h` of each XEP-0198 ack (`<a/>`) `chat` sends from now on, as it goes out. */
function acksOf(chat: Chat): number[] {
  const acks: number[] = [];
  agentOf(transportOf(chat)!).on('raw:outgoing', (xml: string) => {
    const h = /^<a [^>]*h="(\d+)"/.exec(xml)?.[1];
    if (h) acks.push(Number(h));
  });
  return acks;
}

/** States that mean the server has the message (acked) or further. */
const DONE = new Set<MessageState>(['acked', 'delivered', 'displayed']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const numbers = (n: number) => Array.from({ length: n }, (_, i) => `#${i + 1}`);

describe('delivery through a link that keeps breaking', () => {
  it('loses nothing and duplicates nothing: 200 messages each way while the link is cut 20 times', async () => {
    const [anna, ben] = await createAccounts(2);
    const link = await proxy();
    const a = client({
      jid: anna!.jid,
      password: anna!.password,
      service: link.url('ws', '/xmpp-websocket'),
      reconnect: { initialDelay: 20, maxDelay: 200 },
    });
    const b = client({ jid: ben!.jid, password: ben!.password, service: xmpp.websocketUrl });
    const atAnna: string[] = [];
    const atBen: string[] = [];
    a.on('message', ({ message }) => message.direction === 'in' && atAnna.push(message.body));
    b.on('message', ({ message }) => message.direction === 'in' && atBen.push(message.body));
    const states = new Map<string, MessageState>();
    a.on('message:state', ({ id, state }) => states.set(id, state));
    // A listener that throws must not disturb delivery or stream-management counting.
    a.on('message', () => {
      throw new Error('a bug in the app');
    });
    const listenerErrors: string[] = [];
    a.on('error', ({ error }) => listenerErrors.push(error.code));
    // Outages seen: online → reconnecting. (A retry that fails under load says `reconnecting`
    // again, with its new delay; that is the same outage.)
    let outages = 0;
    let last = a.status;
    a.on('status', ({ status }) => {
      if (status === 'reconnecting' && last === 'online') outages += 1;
      last = status;
    });
    await Promise.all([a.connect(), b.connect()]);

    const sender = async (from: Chat, to: string) => {
      for (const body of numbers(200)) {
        from.send(to, body);
        await sleep(5 + Math.random() * 25);
      }
    };
    const cutter = async () => {
      for (let i = 0; i < 20; i += 1) {
        await sleep(100 + Math.random() * 150);
        await until(a, 'online');
        link.cutAll();
      }
    };
    await Promise.all([sender(a, ben!.jid), sender(b, anna!.jid), cutter()]);
    await until(a, 'online');

    await expect.poll(() => atBen.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(200);
    await expect.poll(() => atAnna.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(200);
    await sleep(300); // a late duplicate would show up here
    expect(atBen).toEqual(numbers(200));
    expect(atAnna).toEqual(numbers(200));
    await expect
      .poll(() => [...states.values()].filter((s) => !DONE.has(s)).length, { timeout: 10_000 })
      .toBe(0);
    expect(states.size).toBe(200);
    expect(outages).toBe(20);
    expect(listenerErrors.length).toBeGreaterThanOrEqual(200); // once per message event
    expect(new Set(listenerErrors)).toEqual(new Set(['listener']));
  }, 120_000);

  it('after a reload, a new client resumes the same session and receives what came meanwhile', async () => {
    const resumeStorage = memoryResumeStorage();
    const { anna, link, service, first, b } = await pageAndPeer(resumeStorage);
    const firstJid = resumeStorage.state?.jid;
    expect(firstJid).toMatch(new RegExp(`^${anna!.jid}/`));

    // The page goes away without closing its stream (as a reload does); a message arrives meanwhile.
    link.cutAll();
    await until(first, 'disconnected');
    b.send(anna!.jid, 'while you were reloading');
    await sleep(200);

    const second = client({ jid: anna!.jid, password: anna!.password, service, resumeStorage });
    const received: string[] = [];
    second.on('message', ({ message }) => received.push(message.body));
    await second.connect();
    expect(resumeStorage.state?.jid).toBe(firstJid); // same resource: resumed, not a new session
    await expect.poll(() => received).toEqual(['while you were reloading']);
  });

  it('a reload right after the page acknowledged what it received resumes the session', async () => {
    const resumeStorage = memoryResumeStorage();
    const { anna, link, service, first, b } = await pageAndPeer(resumeStorage);
    const sessionId = resumeStorage.state?.id;
    const acks = acksOf(first);
    const atFirst: string[] = [];
    first.on('message', ({ message }) => atFirst.push(message.body));
    for (const body of ['eins', 'zwei', 'drei']) b.send(anna!.jid, body);
    await expect.poll(() => atFirst).toEqual(['eins', 'zwei', 'drei']);
    // The server asks for an ack once it has written them; the page answers (an ack that counts
    // them, whether it went out before this line or comes now), then goes away at once (well
    // within the time the SDK may wait before writing its counters).
    const handled = agentOf(transportOf(first)!).sm.handled;
    await expect.poll(() => acks.at(-1) ?? -1).toBeGreaterThanOrEqual(handled);
    link.cutAll();

    const second = client({ jid: anna!.jid, password: anna!.password, service, resumeStorage });
    const atSecond: string[] = [];
    second.on('message', ({ message }) => atSecond.push(message.body));
    await second.connect();
    expect(resumeStorage.state?.id).toBe(sessionId); // resumed
    b.send(anna!.jid, 'vier');
    await expect.poll(() => atSecond).toEqual(['vier']); // nothing again, nothing lost
    expect(second.status).toBe('online');
  });

  it('a resume the server refuses starts a new session instead of failing the sign-in', async () => {
    // A page whose stored state fell behind (here: a copy from before the acks): Prosody refuses
    // a resume that acknowledges less than was acknowledged, with a stream error, not <failed/>.
    let stale: ResumeState | undefined;
    let current: ResumeState | undefined;
    const resumeStorage = {
      load: () => stale,
      save: (state: ResumeState | undefined) => {
        current = state;
        if (state?.id && !stale) stale = structuredClone(state);
      },
    };
    const { anna, link, service, first, b } = await pageAndPeer(resumeStorage);
    expect(stale?.handled).toBe(0);
    const acks = acksOf(first);
    const atFirst: string[] = [];
    first.on('message', ({ message }) => atFirst.push(message.body));
    b.send(anna!.jid, 'eins');
    await expect.poll(() => atFirst).toEqual(['eins']);
    await expect.poll(() => acks.some((h) => h > 0)).toBe(true);
    link.cutAll();
    await until(first, 'disconnected');

    const second = client({ jid: anna!.jid, password: anna!.password, service, resumeStorage });
    const atSecond: string[] = [];
    second.on('message', ({ message }) => atSecond.push(message.body));
    await second.connect();
    expect(second.status).toBe('online');
    expect(current?.id).toBeTruthy();
    expect(current?.id).not.toBe(stale!.id); // a new session
    b.send(anna!.jid, 'zwei');
    await expect.poll(() => atSecond).toEqual(['zwei']);
  });

  it('what the last page wrote but the server never had is sent by the next page when it cannot resume', async () => {
    const resumeStorage = copyingStorage();
    const { anna, ben, link, service, first, b } = await pageAndPeer(resumeStorage);
    const atBen: string[] = [];
    b.on('message', ({ message }) => atBen.push(message.body));

    // Everything so far acknowledged; then the page writes, and goes away before the message
    // reaches the server.
    await expect.poll(() => resumeStorage.state?.unacked.length, { timeout: 5000 }).toBe(0);
    link.pause();
    first.send(ben!.jid, 'last words');
    await expect.poll(() => JSON.stringify(resumeStorage.state?.unacked)).toContain('last words');
    link.cutAll();
    link.resume();
    await until(first, 'disconnected');
    // The next page comes too late: the server no longer has the session.
    resumeStorage.state = { ...resumeStorage.state!, id: 'expired' };

    const next = client({ jid: anna!.jid, password: anna!.password, service, resumeStorage });
    await next.connect();
    expect(resumeStorage.state?.id).not.toBe('expired');
    await expect.poll(() => atBen).toEqual(['last words']);
    await new Promise((resolve) => setTimeout(resolve, 300)); // a second copy would show here
    expect(atBen).toEqual(['last words']);
  });

  it('what the last page wrote while offline is sent by the next page, resumed or not', async () => {
    for (const resumes of [true, false]) {
      const resumeStorage = copyingStorage();
      const { anna, ben, link, service, first, b } = await pageAndPeer(resumeStorage);
      const atBen: string[] = [];
      b.on('message', ({ message }) => atBen.push(message.body));

      // The link is lost; the user writes two messages (queued), and leaves or reloads the page
      // before the connection comes back.
      link.cutAll();
      await until(first, 'disconnected');
      const one = first.send(ben!.jid, `offline geschrieben (${resumes})`);
      first.send(ben!.jid, `und noch eins (${resumes})`);
      expect(one.state).toBe('queued');
      // Not resumed: the server no longer has the session.
      if (!resumes) resumeStorage.state = { ...resumeStorage.state!, id: 'expired' };
      const session = resumeStorage.state!.id;

      const next = client({ jid: anna!.jid, password: anna!.password, service, resumeStorage });
      const states: string[] = [];
      next.on('message:state', ({ id, state }) => id === one.id && states.push(state));
      await next.connect();
      expect(resumeStorage.state?.id === session).toBe(resumes);
      await expect
        .poll(() => atBen)
        .toEqual([`offline geschrieben (${resumes})`, `und noch eins (${resumes})`]);
      await expect.poll(() => states).toContain('acked');
      // Sent: the page after this one has nothing more to send.
      await expect.poll(() => resumeStorage.state?.kept?.['outbox']).toEqual([]);
      await next.disconnect();
    }
  });

  it('a sign-in right after a sign-out starts a new session instead of resuming the one ended', async () => {
    const [anna, ben] = await createAccounts(2);
    const resumeStorage = memoryResumeStorage();
    const service = xmpp.websocketUrl;
    const first = client({ jid: anna!.jid, password: anna!.password, service, resumeStorage });
    const b = client({ jid: ben!.jid, password: ben!.password, service });
    await Promise.all([first.connect(), b.connect()]);
    const firstJid = resumeStorage.state?.jid;
    expect(firstJid).toMatch(new RegExp(`^${anna!.jid}/`));

    // Signed out, and in again at once: the first client still waits for its stream to close.
    const leaving = first.disconnect();
    const second = client({ jid: anna!.jid, password: anna!.password, service, resumeStorage });
    const received: string[] = [];
    second.on('message', ({ message }) => received.push(message.body));
    await second.connect();
    await leaving;
    expect(resumeStorage.state?.jid).toMatch(new RegExp(`^${anna!.jid}/`));
    expect(resumeStorage.state?.jid).not.toBe(firstJid);
    // The new session outlives the old one's close.
    b.send(anna!.jid, 'after signing in again');
    await expect.poll(() => received).toEqual(['after signing in again']);
    expect(second.status).toBe('online');
  });

  it('a reload after the session ended on the server signs in with a new session', async () => {
    const [anna, ben] = await createAccounts(2);
    // What a page stored before it went away; the session it names is over on the server by the
    // time the page comes back (here: ended by a sign-out elsewhere; Prosody also drops a session
    // once it has waited long enough for a resume).
    let stale: ResumeState | undefined;
    let stored: ResumeState | undefined;
    const resumeStorage = {
      load: () => stale,
      save: (state: ResumeState | undefined) => {
        stored = state;
        stale ??= state && structuredClone(state);
      },
    };
    const service = xmpp.websocketUrl;
    const first = client({ jid: anna!.jid, password: anna!.password, service, resumeStorage });
    const b = client({ jid: ben!.jid, password: ben!.password, service });
    await Promise.all([first.connect(), b.connect()]);
    await first.disconnect();
    expect(stale?.id).toBeTruthy();

    const second = client({ jid: anna!.jid, password: anna!.password, service, resumeStorage });
    const received: string[] = [];
    second.on('message', ({ message }) => received.push(message.body));
    await second.connect();
    expect(second.status).toBe('online');
    // A new session: its own stream-management id and resource.
    expect(stored?.id).toBeTruthy();
    expect(stored?.id).not.toBe(stale!.id);
    expect(stored?.jid).not.toBe(stale!.jid);
    b.send(anna!.jid, 'welcome back');
    await expect.poll(() => received).toEqual(['welcome back']);
  });

  it('reports reconnecting with growing delays while the server is down, and comes back', async () => {
    const [anna] = await createAccounts(1);
    const link = await proxy();
    const a = client({
      jid: anna!.jid,
      password: anna!.password,
      service: link.url('ws', '/xmpp-websocket'),
      reconnect: { initialDelay: 50, maxDelay: 400 },
    });
    const delays: number[] = [];
    a.on('status', ({ status, retryIn }) => {
      if (status === 'reconnecting' && retryIn !== undefined) delays.push(retryIn);
    });
    await a.connect();
    link.refuse(true);
    link.cutAll();
    await expect.poll(() => delays.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(5);
    link.refuse(false);
    await until(a, 'online');
    // Each retry waits between half and all of min(400, 50·2^n) ms.
    delays.slice(0, 5).forEach((delay, n) => {
      const base = Math.min(400, 50 * 2 ** n);
      expect(delay).toBeGreaterThanOrEqual(base / 2);
      expect(delay).toBeLessThanOrEqual(base);
    });
    expect(delays[4]!).toBeGreaterThan(delays[0]!);
  });

  it('detects a link that went silent without closing, through keepalive, and recovers', async () => {
    const [anna, ben] = await createAccounts(2);
    const link = await proxy();
    const a = client({
      jid: anna!.jid,
      password: anna!.password,
      service: link.url('ws', '/xmpp-websocket'),
      keepalive: { interval: 1, timeout: 1 },
      reconnect: { initialDelay: 50, maxDelay: 200 },
    });
    const b = client({ jid: ben!.jid, password: ben!.password, service: xmpp.websocketUrl });
    const received: string[] = [];
    b.on('message', ({ message }) => received.push(message.body));
    await Promise.all([a.connect(), b.connect()]);
    link.pause();
    await until(a, 'reconnecting', 5000);
    a.send(ben!.jid, 'written on a dead link');
    link.cutAll();
    link.resume();
    await until(a, 'online');
    await expect.poll(() => received).toEqual(['written on a dead link']);
  });

  it('a deliberate disconnect right after sending loses nothing and reports nothing as failed', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = client({ jid: anna!.jid, password: anna!.password, service: xmpp.websocketUrl });
    const b = client({ jid: ben!.jid, password: ben!.password, service: xmpp.websocketUrl });
    const received: string[] = [];
    b.on('message', ({ message }) => message.direction === 'in' && received.push(message.body));
    const states = new Map<string, MessageState>();
    a.on('message:state', ({ id, state }) => states.set(id, state));
    await Promise.all([a.connect(), b.connect()]);
    for (const body of numbers(20)) a.send(ben!.jid, body);
    await a.disconnect();
    expect(states.size).toBe(20);
    expect([...states.values()].filter((s) => !DONE.has(s))).toEqual([]);
    await expect.poll(() => received).toEqual(numbers(20));
  });

  it('does not retry a wrong password: one connection, then disconnected', async () => {
    const [anna] = await createAccounts(1);
    const link = await proxy();
    const a = client({ jid: anna!.jid, password: 'wrong', service: link.url('ws', '/xmpp-websocket') });
    await expect(a.connect()).rejects.toMatchObject({ code: 'auth-failed' });
    await sleep(1500);
    expect(a.status).toBe('disconnected');
    expect(link.stats().accepted).toBe(1);
  });
});
