// The message archive (XEP-0313 with RSM) against the private Prosody: paging a one-to-one
// history of 500 messages both ways, the horizon, room archives on and off, preferences.
import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { connectDiscovered, eventually, useClients } from '../test/rig/clients.js';
import { connectRawAgent } from '../test/rig/raw-agent.js';
import { transportOf } from './client.js';
import type { Chat, HistoryPage, Message } from './index.js';
import { agentOf } from './transport/xmpp.js';

const xmpp = inject('xmpp');
const client = useClients();

const online = connectDiscovered;

const roomJid = (name: string): string =>
  `${name}-${randomBytes(4).toString('hex')}@conference.${xmpp.domain}`;

/** The stanzas a client writes (stream management's acks and requests left out), from now on. */
function written(chat: Chat): string[] {
  const out: string[] = [];
  agentOf(transportOf(chat)!).on('raw:outgoing', (data: string) => {
    if (!/^<[ar] xmlns="urn:xmpp:sm:3"/.test(data)) out.push(data);
  });
  return out;
}

/** The archive queries among `stanzas` that went to `room`. */
const queriesTo = (stanzas: readonly string[], room: string): string[] =>
  stanzas.filter((s) => s.includes('urn:xmpp:mam:2') && s.includes(`to="${room}"`));

describe('archive', () => {
  it('pages a one-to-one history of 500 messages backwards and forwards', { timeout: 120_000 }, async () => {
    const [anna, ben] = await createAccounts(2);
    const [a, b] = await Promise.all([online(client(anna!)), online(client(ben!))]);
    const live: Message[] = [];
    a.on('message', ({ message }) => live.push(message));
    const acked = new Set<string>();
    b.on('message:state', ({ id, state }) => state === 'acked' && acked.add(id));

    const expected = Array.from({ length: 500 }, (_, i) => `message ${String(i).padStart(3, '0')}`);
    const started = Date.now();
    for (const body of expected) b.send(anna!.jid, body);
    await eventually(() => acked.size === 500, 60_000);
    await eventually(() => live.length === 500, 60_000);
    const sendMs = Date.now() - started;
    expect(sendMs).toBeLessThan(60_000);

    // Backwards from the newest page, 50 at a time, until complete.
    const pages: HistoryPage[] = [];
    let page = await a.archive.history(ben!.jid, { limit: 50 });
    pages.push(page);
    while (!page.complete) {
      expect(page.before).toBeTruthy();
      page = await a.archive.history(ben!.jid, { before: page.before!, limit: 50 });
      pages.push(page);
      expect(pages.length).toBeLessThan(50); // receipts and markers are archived too
    }
    const backwards = [...pages].reverse().flatMap((p) => p.messages);
    expect(backwards.map((m) => m.body)).toEqual(expected);
    expect(new Set(backwards.map((m) => m.stanzaId)).size).toBe(500);
    expect(new Set(backwards.map((m) => m.id)).size).toBe(500);
    for (const m of backwards) {
      expect(m).toMatchObject({ conversation: ben!.jid, direction: 'in', kind: 'chat' });
      expect(m.from.startsWith(ben!.jid)).toBe(true);
    }
    // The same messages as the live ones, by id.
    expect(backwards.map((m) => m.id)).toEqual(live.map((m) => m.id));
    for (let i = 1; i < backwards.length; i += 1) {
      expect(backwards[i]!.time.getTime()).toBeGreaterThanOrEqual(backwards[i - 1]!.time.getTime());
    }

    // The start of the archive: complete, with the horizon at its oldest message.
    const oldest = pages.at(-1)!;
    expect(oldest.complete).toBe(true);
    expect(oldest.horizon).toBeInstanceOf(Date);
    expect(oldest.horizon!.getTime()).toBe(backwards[0]!.time.getTime());
    expect(pages.slice(0, -1).every((p) => !p.complete && p.horizon === undefined)).toBe(true);

    // Forwards from the oldest page with `after`.
    const forwards = [...oldest.messages];
    page = oldest;
    let steps = 0;
    for (;;) {
      page = await a.archive.history(ben!.jid, { after: page.after!, limit: 50 });
      forwards.push(...page.messages);
      steps += 1;
      expect(steps).toBeLessThan(50);
      if (page.complete) break;
    }
    expect(forwards.map((m) => m.body)).toEqual(expected);
    expect(new Set(forwards.map((m) => m.stanzaId)).size).toBe(500);

    // The sender's own archive has them as outgoing messages.
    // (Interleaved with anna's receipts and markers, which pages leave out.)
    // A newest page can hold only those: page back until there are messages.
    let sent = await b.archive.history(anna!.jid, { limit: 50 });
    for (let i = 0; sent.messages.length === 0 && !sent.complete && i < 30; i += 1) {
      sent = await b.archive.history(anna!.jid, { limit: 50, before: sent.before! });
    }
    const sentBodies = sent.messages.map((m) => m.body);
    expect(sentBodies.length).toBeGreaterThan(0);
    expect(sentBodies).toEqual([...sentBodies].sort());
    expect(sent.messages.every((m) => m.direction === 'out' && m.conversation === anna!.jid)).toBe(true);

    // Archive results never show up as live messages.
    expect(live).toHaveLength(500);
  });

  it('reports the start of a short history as complete, and unknown cursors as item-not-found', async () => {
    const [anna, ben] = await createAccounts(2);
    const [a, b] = await Promise.all([online(client(anna!)), online(client(ben!))]);
    const live: Message[] = [];
    a.on('message', ({ message }) => live.push(message));
    b.send(anna!.jid, 'one');
    b.send(anna!.jid, 'two');
    await eventually(() => live.length === 2);
    const before = Date.now();

    const page = await a.archive.history(ben!.jid);
    expect(page.messages.map((m) => m.body)).toEqual(['one', 'two']);
    expect(page.complete).toBe(true);
    expect(page.horizon!.getTime()).toBeLessThanOrEqual(before);
    expect(page.horizon!.getTime()).toBe(page.messages[0]!.time.getTime());

    const empty = await a.archive.history(`nobody-${randomBytes(3).toString('hex')}@${xmpp.domain}`);
    expect(empty).toMatchObject({ messages: [], complete: true });
    expect(empty.horizon).toBeUndefined();

    await expect(a.archive.history(ben!.jid, { before: 'no-such-id' })).rejects.toMatchObject({
      code: 'item-not-found',
    });
    const aborted = new AbortController();
    aborted.abort();
    await expect(a.archive.history(ben!.jid, { signal: aborted.signal })).rejects.toMatchObject({
      code: 'aborted',
    });
    expect(live).toHaveLength(2);
  });

  it("returns an archived room's messages, and service-unavailable for a room without archive", async () => {
    const [anna, ben] = await createAccounts(2);
    const [a, b] = await Promise.all([online(client(anna!)), online(client(ben!))]);
    const jid = roomJid('archived');
    const room = await a.rooms.join(jid, { nick: 'anna', config: { archive: true } });
    expect((await a.rooms.info(jid)).archived).toBe(true);
    const benRoom = await b.rooms.join(jid, { nick: 'ben' });
    const acked = new Set<string>();
    a.on('message:state', ({ id, state }) => state === 'acked' && acked.add(id));
    b.on('message:state', ({ id, state }) => state === 'acked' && acked.add(id));
    const live: Message[] = [];
    a.on('message', ({ message }) => live.push(message));
    // One at a time, so that the room's order is the order sent.
    for (const send of [
      () => room.send('first from anna'),
      () => benRoom.send('reply from ben'),
      () => room.send('second'),
    ]) {
      const { id } = send();
      await eventually(() => acked.has(id));
    }
    await eventually(() => live.length >= 3);
    const liveCount = live.length;

    const page = await a.archive.history(jid);
    const bodies = page.messages.map((m) => m.body);
    expect(bodies.slice(-3)).toEqual(['first from anna', 'reply from ben', 'second']);
    expect(page.complete).toBe(true);
    for (const m of page.messages) expect(m).toMatchObject({ conversation: jid, kind: 'groupchat' });
    const byBody = new Map(page.messages.map((m) => [m.body, m]));
    expect(byBody.get('first from anna')).toMatchObject({ direction: 'out', from: `${jid}/anna` });
    expect(byBody.get('reply from ben')).toMatchObject({ direction: 'in', from: `${jid}/ben` });
    expect(live).toHaveLength(liveCount);

    const plain = roomJid('plain');
    await a.rooms.join(plain, { nick: 'anna' });
    await expect(a.archive.history(plain)).rejects.toMatchObject({ code: 'service-unavailable' });
  });

  it("brings a room's newest page along with the join, unless a later message made it stale or it is turned off", async () => {
    const [anna, ben, carla, dora, emil] = await createAccounts(5);
    const c = await online(client(carla!));
    const jid = roomJid('prefetch');
    const owner = await c.rooms.join(jid, { nick: 'carla', config: { archive: true, persistent: true } });
    const acked = new Set<string>();
    c.on('message:state', ({ id, state }) => state === 'acked' && acked.add(id));
    const say = async (body: string): Promise<void> => {
      const { id } = owner.send(body);
      await eventually(() => acked.has(id));
    };
    for (const body of ['one', 'two', 'three']) await say(body);
    await owner.setSubject('Sprint 42'); // the join ends with it: it does not make the page stale

    // Anna joins: the archive query is written right behind the join presence, before any answer.
    const a = client(anna!);
    const fromAnna = written(a);
    await online(a);
    await a.rooms.join(jid, { nick: 'anna' });
    const join = fromAnna.findIndex((s) => s.startsWith('<presence') && s.includes(`to="${jid}/anna"`));
    expect(join).toBeGreaterThan(-1);
    expect(fromAnna[join + 1]).toContain('urn:xmpp:mam:2');
    expect(queriesTo(fromAnna, jid)).toHaveLength(1);
    // The first page is that one (cut to the newest two), and the next older one goes on from it.
    const newest = await a.archive.history(jid, { limit: 2 });
    expect(newest.messages.map((m) => m.body)).toEqual(['two', 'three']);
    expect(newest.complete).toBe(false);
    expect(queriesTo(fromAnna, jid)).toHaveLength(1);
    const older = await a.archive.history(jid, { before: newest.before!, limit: 50 });
    expect(older.messages.map((m) => m.body)).toEqual(['one']);
    expect(older.complete).toBe(true);
    expect(queriesTo(fromAnna, jid)).toHaveLength(2);

    // Ben joins, then the room hears more before Ben looks: his first page is asked for anew.
    const b = client(ben!);
    const fromBen = written(b);
    await online(b);
    const heard: string[] = [];
    b.on('message', ({ message }) => message.conversation === jid && heard.push(message.body));
    let pageIn = false;
    agentOf(transportOf(b)!).on('raw:incoming', (xml: string) => {
      if (xml.includes('<fin ') && xml.includes(`from='${jid}'`)) pageIn = true;
    });
    await b.rooms.join(jid, { nick: 'ben' });
    // After the server answered the join's query: a message said while it was still unanswered
    // would be in the page (the server reads the archive when it gets to the query).
    await eventually(() => pageIn);
    await say('four');
    await eventually(() => heard.includes('four'));
    const benPage = await b.archive.history(jid);
    expect(benPage.messages.map((m) => m.body)).toEqual(['one', 'two', 'three', 'four']);
    expect(queriesTo(fromBen, jid)).toHaveLength(2);

    // A history call with a time limit of its own asks for its own page (the join's is not
    // bound by that limit).
    const e = client(emil!);
    const fromEmil = written(e);
    await online(e);
    await e.rooms.join(jid, { nick: 'emil' });
    const emilPage = await e.archive.history(jid, { timeout: 5 });
    expect(emilPage.messages.map((m) => m.body)).toEqual(['one', 'two', 'three', 'four']);
    expect(queriesTo(fromEmil, jid)).toHaveLength(2);

    // Turned off: Dora's join asks nothing, her history does.
    const d = client(dora!, { rooms: { prefetch: 0 } });
    const fromDora = written(d);
    await online(d);
    await d.rooms.join(jid, { nick: 'dora' });
    expect(queriesTo(fromDora, jid)).toHaveLength(0);
    const doraPage = await d.archive.history(jid);
    expect(doraPage.messages.map((m) => m.body)).toEqual(['one', 'two', 'three', 'four']);
    expect(queriesTo(fromDora, jid)).toHaveLength(1);
  });

  it("pages a room's archive of 500 messages backwards and forwards", { timeout: 60_000 }, async () => {
    const [anna, ben] = await createAccounts(2);
    const a = await online(client(anna!));
    const jid = roomJid('paged');
    await a.rooms.join(jid, { nick: 'anna', config: { archive: true } });
    const live: Message[] = [];
    a.on('message', ({ message }) => live.push(message));
    // Ben, as a plain client, sends them in one burst.
    const raw = await connectRawAgent(ben!, xmpp.websocketUrl);
    try {
      const joined = new Promise<void>((resolve) =>
        raw.onPresence((p) => p.from === `${jid}/ben` && resolve()),
      );
      raw.sendPresence({ to: `${jid}/ben`, muc: { type: 'join', history: { maxStanzas: 0 } } });
      await joined;
      const expected = Array.from({ length: 500 }, (_, i) => `room message ${String(i).padStart(3, '0')}`);
      for (const body of expected) raw.send({ to: jid, type: 'groupchat', body });
      await eventually(() => live.length === 500, 30_000);
      expect(live.map((m) => m.body)).toEqual(expected);

      const pages: HistoryPage[] = [await a.archive.history(jid, { limit: 50 })];
      while (!pages.at(-1)!.complete) {
        pages.push(await a.archive.history(jid, { before: pages.at(-1)!.before!, limit: 50 }));
        expect(pages.length).toBeLessThan(30);
      }
      const backwards = [...pages].reverse().flatMap((p) => p.messages);
      expect(backwards.map((m) => m.body)).toEqual(expected);
      expect(backwards.map((m) => m.stanzaId)).toEqual(live.map((m) => m.stanzaId));
      expect(pages.at(-1)!.horizon).toEqual(backwards[0]!.time);

      const forwards = [...pages.at(-1)!.messages];
      // The oldest page is complete backwards; forwards, page until nothing newer is left.
      let page = pages.at(-1)!;
      do {
        page = await a.archive.history(jid, { after: page.after!, limit: 50 });
        forwards.push(...page.messages);
        expect(forwards.length).toBeLessThanOrEqual(500);
      } while (!page.complete);
      expect(forwards.map((m) => m.body)).toEqual(expected);
      for (const m of forwards)
        expect(m).toMatchObject({ kind: 'groupchat', direction: 'in', from: `${jid}/ben` });
    } finally {
      await raw.close();
    }
  });

  it('reads and writes archive preferences', async () => {
    const [anna, ben, carla] = await createAccounts(3);
    const a = await online(client(anna!));
    const initial = await a.archive.preferences();
    expect(['always', 'never', 'roster']).toContain(initial.default);

    const stored = await a.archive.setPreferences({
      default: 'roster',
      always: [ben!.jid],
      never: [carla!.jid],
    });
    expect(stored).toEqual({ default: 'roster', always: [ben!.jid], never: [carla!.jid] });
    expect(await a.archive.preferences()).toEqual(stored);

    await a.archive.setPreferences({ default: 'always', always: [], never: [] });
    expect(await a.archive.preferences()).toEqual({ default: 'always', always: [], never: [] });
    await expect(
      a.archive.setPreferences({ default: 'sometimes' as 'always', always: [], never: [] }),
    ).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});
