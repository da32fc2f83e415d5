// Room bookmarks against the real Prosody, in both stores: XEP-0402 on the tier's Prosody (it
// runs mod_bookmarks, which offers `urn:xmpp:bookmarks:1#compat`), and XEP-0048 in private
// storage on a private Prosody of this file's own without mod_bookmarks.
import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { reloadingPage, useClients, usePrivateServer } from '../test/rig/clients.js';
import { startFaultProxy } from '../test/rig/fault-proxy.js';
import { connectRawAgent } from '../test/rig/raw-agent.js';
import type { Chat, ChatEvents } from './index.js';

const xmpp = inject('xmpp');
const client = useClients();
const legacy = usePrivateServer(['anna', 'ben'], { modules: { disable: ['bookmarks'] } });

function record<K extends keyof ChatEvents>(chat: Chat, event: K): Array<Parameters<ChatEvents[K]>[0]> {
  const seen: Array<Parameters<ChatEvents[K]>[0]> = [];
  chat.on(event, ((payload: Parameters<ChatEvents[K]>[0]) => seen.push(payload)) as ChatEvents[K]);
  return seen;
}

const roomOn = (domain: string, name = 'room'): string =>
  `${name}-${randomBytes(4).toString('hex')}@conference.${domain}`;

describe('bookmarks with XEP-0402 (the server offers #compat)', () => {
  it('adds, lists and removes bookmarks; another device of the account sees each change live', async () => {
    const [anna] = await createAccounts(1);
    const phone = client(anna!, { resource: 'phone' });
    const laptop = client(anna!, { resource: 'laptop' });
    await Promise.all([phone.connect(), laptop.connect()]);
    expect(await phone.bookmarks.list()).toEqual([]);
    const onLaptop = record(laptop, 'bookmarks:changed');

    const team = roomOn(xmpp.domain, 'team');
    await phone.bookmarks.add({ jid: team, name: 'Team', nick: 'anna' });
    expect(await phone.bookmarks.list()).toEqual([
      { jid: team, name: 'Team', nick: 'anna', autojoin: false },
    ]);
    await expect
      .poll(() => onLaptop.at(-1)?.bookmarks)
      .toEqual([{ jid: team, name: 'Team', nick: 'anna', autojoin: false }]);
    // The #compat promise: a client that knows only XEP-0048 (private storage) sees it too.
    const raw = await connectRawAgent(anna!, xmpp.websocketUrl);
    try {
      expect(await raw.legacyBookmarks()).toEqual([{ jid: team, name: 'Team', autojoin: false }]);
    } finally {
      await raw.close();
    }

    await phone.bookmarks.remove(team);
    expect(await laptop.bookmarks.list()).toEqual([]);
    await expect.poll(() => onLaptop.at(-1)?.bookmarks).toEqual([]);
  });

  it('joins autojoin rooms at every fresh session, with the nickname and password of the bookmark', async () => {
    const [anna, ben] = await createAccounts(2);
    const b = client(ben!);
    await b.connect();
    const team = roomOn(xmpp.domain, 'team');
    const benRoom = await b.rooms.join(team, {
      nick: 'ben',
      config: { password: 'geheim', persistent: true },
    });
    const lobby = roomOn(xmpp.domain, 'lobby');

    const first = client(anna!);
    await first.connect();
    await first.bookmarks.add({ jid: team, nick: 'anna', password: 'geheim', autojoin: true });
    await first.bookmarks.add({ jid: lobby, name: 'Lobby' }); // no autojoin
    await first.disconnect();

    const again = client(anna!);
    const joined = record(again, 'room:joined');
    const errors = record(again, 'error');
    await again.connect();
    await expect
      .poll(() => joined.map((e) => [e.room.jid, e.room.nick, e.rejoined]))
      .toEqual([[team, 'anna', false]]);
    await expect.poll(() => benRoom.occupants.map((o) => o.nick).sort()).toEqual(['anna', 'ben']);
    expect(again.rooms.get(lobby)).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('follows autojoin set or removed on another device: joins, then leaves', async () => {
    const [anna] = await createAccounts(1);
    const phone = client(anna!, { resource: 'phone' });
    const laptop = client(anna!, { resource: 'laptop' });
    await Promise.all([phone.connect(), laptop.connect()]);
    const team = roomOn(xmpp.domain, 'team');
    await phone.rooms.join(team, { nick: 'anna-phone', config: { persistent: true } });
    const left = record(laptop, 'room:left');

    await phone.bookmarks.add({ jid: team, nick: 'anna-laptop', autojoin: true });
    await expect.poll(() => laptop.rooms.get(team)?.nick).toBe('anna-laptop');
    await phone.bookmarks.remove(team);
    await expect.poll(() => left.map((e) => [e.room, e.reason])).toEqual([[team, 'left']]);
    expect(laptop.rooms.get(team)).toBeUndefined();
  });
});

describe('bookmarks after a resume', () => {
  it('joins nothing again: the resumed session kept everything as it was', async () => {
    const [anna] = await createAccounts(1);
    const link = await startFaultProxy({ target: { host: xmpp.host, port: xmpp.ports.http } });
    try {
      const a = client(anna!, {
        service: link.url('ws', '/xmpp-websocket'),
        reconnect: { initialDelay: 50, maxDelay: 200 },
      });
      await a.connect();
      const team = roomOn(xmpp.domain, 'team');
      await a.bookmarks.add({ jid: team, nick: 'anna', autojoin: true });
      await expect.poll(() => a.rooms.get(team)?.joined).toBe(true);
      // Left by hand; the bookmark keeps autojoin, so a fresh session would join it again.
      await a.rooms.get(team)!.leave();
      const joins = record(a, 'room:joined');
      const statuses = record(a, 'status');
      const changes = record(a, 'bookmarks:changed');

      link.cutAll();
      await expect.poll(() => statuses.map((s) => s.status)).toEqual(['reconnecting', 'online']);
      // Two round trips later, a fresh session's autojoin round would have read the bookmarks.
      expect(await a.bookmarks.list()).toHaveLength(1);
      const other = roomOn(xmpp.domain, 'other');
      await a.rooms.join(other, { nick: 'anna' });
      expect(joins.map((e) => e.room.jid)).toEqual([other]);
      expect(changes).toEqual([]);
      expect(a.rooms.get(team)).toBeUndefined();
    } finally {
      await link.close();
    }
  });
});

describe('bookmarks after a page reload', () => {
  it('are read by the new client that resumes the session, which joins its rooms again and hears them', async () => {
    const [anna, ben] = await createAccounts(2);
    const { page, resumeStorage, reload, close } = await reloadingPage(client, anna!);
    try {
      const b = client(ben!);
      await Promise.all([page.connect(), b.connect()]);
      const team = roomOn(xmpp.domain, 'team');
      // A room with a password, which keeps it out of the resume state: only the bookmark brings
      // it back.
      const bookmark = { jid: team, name: 'Team', nick: 'anna', password: 'sesam', autojoin: true };
      await page.bookmarks.add(bookmark);
      await expect.poll(() => page.rooms.get(team)?.joined).toBe(true);
      const benRoom = await b.rooms.join(team, { nick: 'ben', password: 'sesam' });
      const sessionId = resumeStorage.state?.id;

      // The page goes away without closing its stream; the next one resumes the session, in which
      // the server still has anna in the room.
      const next = await reload();
      const changes = record(next, 'bookmarks:changed');
      const heard: string[] = [];
      next.on('message', ({ message }) => message.kind === 'groupchat' && heard.push(message.body));
      await next.connect();
      expect(resumeStorage.state?.id).toBe(sessionId); // resumed, not a new session
      await expect.poll(() => next.rooms.get(team)?.joined).toBe(true);
      expect(next.rooms.get(team)?.nick).toBe('anna');
      expect(
        next.rooms
          .get(team)
          ?.occupants.map((o) => o.nick)
          .sort(),
      ).toEqual(['anna', 'ben']);
      expect(changes.at(-1)?.bookmarks).toEqual([bookmark]);
      benRoom.send('Schön, dass du wieder da bist');
      await expect.poll(() => heard).toEqual(['Schön, dass du wieder da bist']);
    } finally {
      await close();
    }
  });
});

describe('bookmarks with XEP-0048 in private storage (no #compat on the server)', () => {
  it('adds, lists and removes bookmarks, and joins autojoin rooms at a fresh session', async () => {
    const ben = legacy.client('ben');
    await ben.connect();
    const team = roomOn(legacy.server.domain, 'team');
    const benRoom = await ben.rooms.join(team, { nick: 'ben', config: { persistent: true } });

    const anna = legacy.client('anna', { resource: 'one' });
    await anna.connect();
    const changes = record(anna, 'bookmarks:changed');
    expect(await anna.bookmarks.list()).toEqual([]);
    await anna.bookmarks.add({ jid: team, name: 'Team', autojoin: true });
    // Joined at once here, with the local part of the JID as nickname.
    await expect.poll(() => anna.rooms.get(team)?.nick).toBe('anna');
    expect(changes.at(-1)?.bookmarks).toEqual([{ jid: team, name: 'Team', autojoin: true }]);
    const other = roomOn(legacy.server.domain, 'other');
    await anna.bookmarks.add({ jid: other, nick: 'anna' });
    await anna.bookmarks.remove(other);
    expect(await anna.bookmarks.list()).toEqual([{ jid: team, name: 'Team', autojoin: true }]);

    const annaAgain = legacy.client('anna', { resource: 'two' });
    const joined = record(annaAgain, 'room:joined');
    await annaAgain.connect();
    await expect.poll(() => joined.map((e) => [e.room.jid, e.rejoined])).toEqual([[team, false]]);
    expect(await annaAgain.bookmarks.list()).toEqual([{ jid: team, name: 'Team', autojoin: true }]);
    expect(annaAgain.rooms.get(team)?.joined).toBe(true);
    await expect.poll(() => benRoom.occupants.map((o) => o.nick).sort()).toEqual(['anna', 'ben']);
  });
});
