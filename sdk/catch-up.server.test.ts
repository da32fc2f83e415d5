// Catch-up from the archives after a fresh session, against the private Prosody: what came while
// the client was offline arrives exactly once and in order, one-to-one and in an archived room,
// merged with live messages; a resumed session fetches nothing.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createAccounts, type TestAccount } from '../test/rig/accounts.js';
import { eventually, until, useClients } from '../test/rig/clients.js';
import { startFaultProxy, type FaultProxy } from '../test/rig/fault-proxy.js';
import { connectRawAgent, type RawAgent } from '../test/rig/raw-agent.js';
import { transportOf } from './client.js';
import { createMemoryStore, type Chat, type ChatEvents, type Message, type Store } from './index.js';
import { agentOf } from './transport/xmpp.js';

const xmpp = inject('xmpp');
const client = useClients();
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const roomJid = (name: string): string =>
  `${name}-${randomBytes(4).toString('hex')}@conference.${xmpp.domain}`;
const numbered = (prefix: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix} ${String(i + 1).padStart(3, '0')}`);

type CatchUpEvent = Parameters<ChatEvents['archive:catch-up']>[0];

/** A raw client of `account` (no SDK) that has joined `room` as `nick`. */
async function rawInRoom(account: TestAccount, room: string, nick: string): Promise<RawAgent> {
  const raw = await connectRawAgent(account, xmpp.websocketUrl);
  cleanups.push(() => raw.close());
  const joined = new Promise<void>((resolve) =>
    raw.onPresence((p) => {
      if (p.from === `${room}/${nick}` && p.type !== 'error') resolve();
    }),
  );
  raw.sendPresence({ to: `${room}/${nick}`, muc: { type: 'join', history: { maxStanzas: 0 } } });
  await joined;
  return raw;
}

/** Resolves when the catch-up of `archive` reports `done` (or rejects on `failed`). */
function caughtUp(chat: Chat, archive: string): Promise<CatchUpEvent> {
  return new Promise((resolve, reject) => {
    const off = chat.on('archive:catch-up', (event) => {
      if (event.archive !== archive || event.phase === 'started') return;
      off();
      if (event.phase === 'done') resolve(event);
      else reject(event.error ?? new Error('catch-up failed'));
    });
  });
}

describe('catch-up after a fresh session', () => {
  it(
    'brings the 300 one-to-one and 300 room messages sent while offline, each once and in order, with live ones after them',
    { timeout: 120_000 },
    async () => {
      const [anna, ben, carla] = await createAccounts(3);
      const room = roomJid('catchup');
      const a = client(anna!);
      const c = client(carla!);
      await c.connect();
      const firstPersonal = caughtUp(a, anna!.jid);
      await a.connect();
      await firstPersonal;
      const firstRoom = caughtUp(a, room);
      await a.rooms.join(room, { nick: 'anna', config: { archive: true, persistent: true } });
      await firstRoom;
      const raw = await rawInRoom(ben!, room, 'ben');

      // One message each way while online: live, and the point catch-up starts from later.
      const seen: Message[] = [];
      a.on('message', ({ message }) => seen.push(message));
      raw.send({ to: anna!.jid, type: 'chat', body: 'before' });
      raw.send({ to: room, type: 'groupchat', body: 'room before' });
      await eventually(() => seen.length === 2);

      // Anna's other device stays online, so the server delivers there and keeps nothing as
      // offline messages for this client: only the archive has them for it.
      const phone = await connectRawAgent(anna!, xmpp.websocketUrl);
      cleanups.push(() => phone.close());
      phone.sendPresence({});
      await a.disconnect();
      const direct = numbered('direct', 300);
      const inRoom = numbered('room', 300);
      for (let i = 0; i < 300; i += 1) {
        raw.send({ to: anna!.jid, type: 'chat', body: direct[i] });
        raw.send({ to: room, type: 'groupchat', body: inRoom[i] });
      }
      // The server takes one sender's stanzas in order: once carla has this, it has them all.
      const carlaGot: string[] = [];
      c.on('message', ({ message }) => carlaGot.push(message.body));
      raw.send({ to: carla!.jid, type: 'chat', body: 'sent after the burst' });
      await eventually(() => carlaGot.length === 1, 30_000);

      // Live messages sent while anna catches up: they come once, after what came before them.
      const events: CatchUpEvent[] = [];
      a.on('archive:catch-up', (event) => {
        events.push(event);
        if (event.phase !== 'started') return;
        if (event.archive === anna!.jid)
          raw.send({ to: anna!.jid, type: 'chat', body: 'live during catch-up' });
        if (event.archive === room)
          raw.send({ to: room, type: 'groupchat', body: 'room live during catch-up' });
      });
      seen.length = 0;
      const personal = caughtUp(a, anna!.jid);
      const roomDone = caughtUp(a, room);
      await a.connect();
      const [p, r] = await Promise.all([personal, roomDone]);
      expect(p.pages).toBeGreaterThanOrEqual(6);
      expect(r.pages).toBeGreaterThanOrEqual(6);

      const expectedDirect = [...direct, 'live during catch-up'];
      const expectedRoom = [...inRoom, 'room live during catch-up'];
      const bodies = (kind: Message['kind']): string[] =>
        seen.filter((m) => m.kind === kind && m.direction === 'in').map((m) => m.body);
      await eventually(() => bodies('chat').length >= expectedDirect.length, 20_000);
      await eventually(() => bodies('groupchat').length >= expectedRoom.length, 20_000);
      await new Promise((resolve) => setTimeout(resolve, 500)); // a late duplicate would show here
      expect(bodies('chat')).toEqual(expectedDirect);
      expect(bodies('groupchat')).toEqual(expectedRoom);
      // Each with the archive's id, once.
      const chatIds = seen.filter((m) => m.kind === 'chat').map((m) => m.stanzaId);
      expect(chatIds.every(Boolean)).toBe(true);
      expect(new Set(chatIds).size).toBe(chatIds.length);
      for (const m of seen) {
        expect(m.conversation).toBe(m.kind === 'chat' ? ben!.jid : room);
      }
      // The conversation shows the newest one, and counts them as unread.
      expect(a.conversations.get(ben!.jid)?.last?.body).toBe('live during catch-up');
      expect(a.conversations.get(ben!.jid)?.unread).toBeGreaterThanOrEqual(301);
    },
  );

  it(
    'fetches nothing again after a resume, and a message sent meanwhile arrives once',
    { timeout: 60_000 },
    async () => {
      const [anna, ben] = await createAccounts(2);
      const room = roomJid('resume');
      const link: FaultProxy = await startFaultProxy({ target: { host: xmpp.host, port: xmpp.ports.http } });
      cleanups.push(() => link.close());
      const a = client(anna!, {
        service: link.url('ws', '/xmpp-websocket'),
        reconnect: { initialDelay: 50, maxDelay: 200 },
      });
      const events: CatchUpEvent[] = [];
      a.on('archive:catch-up', (event) => events.push(event));
      const personal = caughtUp(a, anna!.jid);
      await a.connect();
      await personal;
      const roomDone = caughtUp(a, room);
      await a.rooms.join(room, { nick: 'anna', config: { archive: true } });
      await roomDone;
      expect(events.filter((e) => e.phase === 'started').map((e) => e.archive)).toEqual([anna!.jid, room]);

      const raw = await rawInRoom(ben!, room, 'ben');
      const seen: Message[] = [];
      a.on('message', ({ message }) => seen.push(message));
      let resumed = false;
      a.on('status', ({ status }) => {
        if (status === 'reconnecting') resumed = true;
      });
      link.cutAll();
      raw.send({ to: anna!.jid, type: 'chat', body: 'while cut' });
      raw.send({ to: room, type: 'groupchat', body: 'room while cut' });
      await eventually(() => resumed);
      await until(a, 'online');
      await eventually(() => seen.length >= 2);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(seen.map((m) => m.body).sort()).toEqual(['room while cut', 'while cut']);
      // The session was resumed: no archive was asked again.
      expect(events.filter((e) => e.phase === 'started')).toHaveLength(2);

      // A fresh session, by contrast, catches up (and finds nothing new).
      await a.disconnect();
      const again = caughtUp(a, anna!.jid);
      const roomAgain = caughtUp(a, room);
      await a.connect();
      await Promise.all([again, roomAgain]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen).toHaveLength(2);
    },
  );

  it(
    "takes where a room's archive ends from the first history page asked for at its join: one archive query, no second disco#info",
    { timeout: 60_000 },
    async () => {
      const [anna, carla] = await createAccounts(2);
      const room = roomJid('handover');
      const c = client(carla!);
      await c.connect();
      const owner = await c.rooms.join(room, { nick: 'carla', config: { archive: true, persistent: true } });
      const acked = new Set<string>();
      c.on('message:state', ({ id, state }) => {
        if (state === 'acked') acked.add(id);
      });
      const ids = ['one', 'two', 'three'].map((body) => owner.send(body).id);
      await eventually(() => ids.every((id) => acked.has(id)));

      // What anna's client sends to the room, from its first connect on.
      const a = client(anna!);
      const toRoom: string[] = [];
      agentOf(transportOf(a)!).on('raw:outgoing', (data: string) => {
        if (data.includes(`to="${room}"`) || data.includes(`to='${room}'`)) toRoom.push(data);
      });
      await a.connect();
      const events: CatchUpEvent[] = [];
      a.on('archive:catch-up', (event) => {
        if (event.archive === room) events.push(event);
      });
      const roomDone = caughtUp(a, room);
      // As a chat window does: join, then show the newest page at once.
      await a.rooms.join(room, { nick: 'anna' });
      const page = await a.archive.history(room);
      expect(page.messages.map((m) => m.body)).toEqual(['one', 'two', 'three']);
      const done = await roomDone;
      expect(done.pages).toBe(0);
      const queries = toRoom.filter((s) => s.includes('urn:xmpp:mam:2'));
      const infos = toRoom.filter((s) => s.includes('disco#info'));
      expect(queries).toHaveLength(1);
      expect(queries[0]).toContain('<max>50</max>');
      expect(infos).toHaveLength(1); // the join's own

      // Where the archive ended was noted right: what comes while anna is away arrives once,
      // nothing from before it again.
      await a.disconnect();
      const later = owner.send('four').id;
      await eventually(() => acked.has(later));
      const seen: string[] = [];
      a.on('message', ({ message }) => {
        if (message.conversation === room) seen.push(message.body);
      });
      const again = caughtUp(a, room);
      await a.connect();
      await again;
      await eventually(() => seen.length >= 1);
      await new Promise((resolve) => setTimeout(resolve, 300)); // a late duplicate would show here
      expect(seen).toEqual(['four']);
      expect(events.filter((e) => e.phase === 'done')).toHaveLength(2);
    },
  );
});

describe('catch-up on a busy machine', () => {
  it("takes where a room's archive ends from the join's first history page, also when that came before it looked", async () => {
    const [anna, carla] = await createAccounts(2);
    const room = roomJid('busy');
    const c = client(carla!);
    await c.connect();
    const owner = await c.rooms.join(room, { nick: 'carla', config: { archive: true, persistent: true } });
    const acked = new Set<string>();
    c.on('message:state', ({ id, state }) => state === 'acked' && acked.add(id));
    const ids = ['one', 'two'].map((body) => owner.send(body).id);
    await eventually(() => ids.every((id) => acked.has(id)));

    // A store that answers slowly, as any does on a loaded machine: the history page asked for
    // with the join is in before the room's catch-up reads its cursor.
    const store = createMemoryStore();
    const slowly = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const a = client(anna!, {
      store: { ...store, cursor: async (archive: string) => (await slowly(300), store.cursor(archive)) },
    });
    const toRoom: string[] = [];
    agentOf(transportOf(a)!).on('raw:outgoing', (data: string) => {
      if (data.includes('urn:xmpp:mam:2') && (data.includes(`to="${room}"`) || data.includes(`to='${room}'`)))
        toRoom.push(data);
    });
    await a.connect();
    const roomDone = caughtUp(a, room);
    await a.rooms.join(room, { nick: 'anna' });
    const page = await a.archive.history(room);
    expect(page.messages.map((m) => m.body)).toEqual(['one', 'two']);
    expect((await roomDone).pages).toBe(0);
    expect(toRoom).toHaveLength(1); // the history page's query alone
  });
});

/** A store as written against the original interface: without `hasMany` and `write`. */
function withoutBatches(store: Store): Store {
  const { hasMany: _hasMany, write: _write, ...rest } = store;
  return rest;
}

describe.each([
  ['the built-in memory store', () => createMemoryStore()],
  ['a store without the batch methods', () => withoutBatches(createMemoryStore())],
])('catch-up into %s', (_name, makeStore) => {
  it(
    'stores every page and what was sent during it; a new client on that store repeats none of it, even from the archive start',
    { timeout: 60_000 },
    async () => {
      const [anna, ben, carla] = await createAccounts(3);
      const store = makeStore();
      const a = client(anna!, { store });
      const b = client(ben!);
      await b.connect();
      const first = caughtUp(a, anna!.jid);
      await a.connect();
      await first;
      // Anna's other device stays online: only the archive has what comes next for this client.
      const phone = await connectRawAgent(anna!, xmpp.websocketUrl);
      cleanups.push(() => phone.close());
      phone.sendPresence({});
      await a.disconnect();

      // Three pages (50, 50, 30) while anna is away, each taken by the server.
      const sent = numbered('stored', 130);
      const acked = new Set<string>();
      b.on('message:state', ({ id, state }) => {
        if (state === 'acked') acked.add(id);
      });
      const ids = sent.map((body) => b.send(anna!.jid, body).id);
      await eventually(() => ids.every((id) => acked.has(id)), 30_000);

      // Anna writes to carla (offline) while her catch-up runs: stored once, with its state.
      let mine: Message | undefined;
      a.on('archive:catch-up', ({ archive, phase }) => {
        if (archive === anna!.jid && phase === 'started') mine = a.send(carla!.jid, 'sent during catch-up');
      });
      const seen: Message[] = [];
      a.on('message', ({ message }) => seen.push(message));
      const caught = caughtUp(a, anna!.jid);
      await a.connect();
      const done = await caught;
      expect(done.pages).toBeGreaterThanOrEqual(3);
      expect(seen.map((m) => m.body)).toEqual(['sent during catch-up', ...sent]);
      const stored = async (chat: Chat, peer: string): Promise<Message[]> =>
        chat.archive.stored(peer, { limit: 500 });
      await expect
        .poll(async () => (await stored(a, carla!.jid)).map((m) => [m.id, m.body, m.state]))
        .toEqual([[mine?.id, 'sent during catch-up', 'acked']]);
      const held = await stored(a, ben!.jid);
      expect(held.map((m) => m.body)).toEqual(sent);
      expect(new Set(held.map((m) => m.stanzaId)).size).toBe(sent.length);
      await a.disconnect();

      // A reload on the same store, whose cursor is put back to the archive's start: everything
      // comes from the archive again, and the store knows every message (only 50 per conversation
      // are read back at start, so most are recognized by the store's lookup).
      await store.setCursor(anna!.jid, '');
      const again = client(anna!, { store });
      const repeated: Message[] = [];
      again.on('message', ({ message }) => repeated.push(message));
      const caughtAgain = caughtUp(again, anna!.jid);
      await again.connect();
      const doneAgain = await caughtAgain;
      expect(doneAgain.messages).toBeGreaterThanOrEqual(131);
      await new Promise((resolve) => setTimeout(resolve, 300)); // a late duplicate would show here
      expect(repeated).toEqual([]);
      expect(await stored(again, ben!.jid)).toEqual(held);
    },
  );

  it(
    "gives a quick exchange the archive's times and order, the same as a history page does",
    { timeout: 60_000 },
    async () => {
      const [anna, ben] = await createAccounts(2);
      const store = createMemoryStore();
      const first = client(anna!, { store });
      const done = caughtUp(first, anna!.jid);
      await first.connect();
      await done;
      await first.disconnect();

      // Ben and Anna's phone talk quickly (the archive stamps whole seconds: many share one).
      const b = client(ben!);
      const phone = client(anna!, { resource: 'phone' });
      await Promise.all([b.connect(), phone.connect()]);
      const states = new Map<string, string>();
      for (const c of [b, phone]) c.on('message:state', ({ id, state }) => states.set(id, state));
      const exchange = numbered('quick', 24);
      for (const [i, body] of exchange.entries()) {
        const from = i % 2 ? phone : b;
        const sent = from.send(i % 2 ? ben!.jid : anna!.jid, body);
        await eventually(() => (states.get(sent.id) ?? 'sent') !== 'sent' || undefined);
      }

      const a = client(anna!, { store });
      const seen: Message[] = [];
      a.on('message', ({ message }) => seen.push(message));
      const caught = caughtUp(a, anna!.jid);
      await a.connect();
      await caught;
      await eventually(() => seen.length >= exchange.length || undefined);
      expect(seen.map((m) => m.body)).toEqual(exchange);
      const page = await a.archive.history(ben!.jid, { limit: 50 });
      const timeOf = new Map(page.messages.map((m) => [m.body, m.time.getTime()]));
      expect(seen.map((m) => m.time.getTime())).toEqual(exchange.map((body) => timeOf.get(body)));
      expect((await a.archive.stored(ben!.jid)).map((m) => m.body)).toEqual(exchange);
    },
  );
});
