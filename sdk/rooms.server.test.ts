// Group chat (XEP-0045) against the real Prosody: joining, occupants, messages, subject, nicknames,
// every join error, moderation, invitations, configuration (archiving), rejoin after a fresh
// session and nothing redone after a resume.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createAccounts, type TestAccount } from '../test/rig/accounts.js';
import { startFaultProxy } from '../test/rig/fault-proxy.js';
import { eventually, until } from '../test/rig/clients.js';
import { connectRawAgent } from '../test/rig/raw-agent.js';
import {
  createChat,
  isChatError,
  type Chat,
  type ChatEvents,
  type ChatOptions,
  type Message,
  type MessageState,
  type Room,
} from './index.js';
import { transportOf } from './client.js';
import { agentOf } from './transport/xmpp.js';

const xmpp = inject('xmpp');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function client(account: TestAccount, options: Partial<ChatOptions> = {}): Chat {
  const chat = createChat({
    jid: account.jid,
    password: account.password,
    service: xmpp.websocketUrl,
    resumeStorage: false,
    ...options,
  });
  cleanups.push(() => chat.disconnect());
  return chat;
}

async function online(count: number): Promise<Array<{ account: TestAccount; chat: Chat }>> {
  const accounts = await createAccounts(count);
  const users = accounts.map((account) => ({ account, chat: client(account) }));
  await Promise.all(users.map((u) => u.chat.connect()));
  return users;
}

const roomJid = (name = 'room'): string =>
  `${name}-${randomBytes(4).toString('hex')}@conference.${xmpp.domain}`;

type Payload<K extends keyof ChatEvents> = Parameters<ChatEvents[K]>[0];

/** Resolves with the first `event` payload that matches `predicate`. */
function next<K extends keyof ChatEvents>(
  chat: Chat,
  event: K,
  predicate: (payload: Payload<K>) => boolean = () => true,
  ms = 10_000,
): Promise<Payload<K>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching ${String(event)} within ${ms} ms`));
    }, ms);
    const off = chat.on(event, ((payload: Payload<K>) => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    }) as ChatEvents[K]);
  });
}

/** Collects every `event` payload from now on. */
function record<K extends keyof ChatEvents>(chat: Chat, event: K): Array<Payload<K>> {
  const seen: Array<Payload<K>> = [];
  chat.on(event, ((payload: Payload<K>) => seen.push(payload)) as ChatEvents[K]);
  return seen;
}

async function errorOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return isChatError(error) ? error.code : `not a ChatError: ${String(error)}`;
  }
}

describe('joining a room and talking in it', () => {
  it('lets three accounts join; each sees the others with role, affiliation and (as owner) real JIDs', async () => {
    const [anna, ben, carla] = await online(3);
    const jid = roomJid();
    const annaJoins = record(anna!.chat, 'room:occupant');
    const joined = next(anna!.chat, 'room:joined');
    const annaRoom = await anna!.chat.rooms.join(jid, { nick: 'anna' });
    expect((await joined).created).toBe(true);
    expect(annaRoom.occupants).toMatchObject([
      { nick: 'anna', role: 'moderator', affiliation: 'owner', self: true },
    ]);

    const benRoom = await ben!.chat.rooms.join(jid, { nick: 'ben' });
    const carlaRoom = await carla!.chat.rooms.join(jid, { nick: 'carla' });
    expect(carlaRoom.occupants.map((o) => o.nick).sort()).toEqual(['anna', 'ben', 'carla']);
    const annaSeenByBen = benRoom.occupants.find((o) => o.nick === 'anna');
    expect(annaSeenByBen).toMatchObject({ role: 'moderator', affiliation: 'owner', self: false });
    expect(annaSeenByBen?.jid).toBeUndefined(); // semi-anonymous: only moderators see real JIDs

    await expect.poll(() => annaRoom.occupants.length).toBe(3);
    const benSeenByAnna = annaRoom.occupants.find((o) => o.nick === 'ben');
    expect(benSeenByAnna).toMatchObject({ role: 'participant', affiliation: 'none', jid: ben!.account.jid });
    expect(benSeenByAnna?.occupantId).toEqual(expect.any(String)); // XEP-0421, offered by Prosody
    expect(annaJoins.map((e) => [e.change, e.occupant.nick])).toEqual([
      ['joined', 'ben'],
      ['joined', 'carla'],
    ]);
    expect(anna!.chat.rooms.list().map((r) => r.jid)).toEqual([jid]);
    expect(anna!.chat.rooms.get(jid)).toBe(annaRoom);
  });

  it('delivers every message once to everyone; our own is announced once and reaches acked', async () => {
    const users = await online(3);
    const jid = roomJid();
    const rooms: Room[] = [];
    for (const [i, u] of users.entries()) rooms.push(await u.chat.rooms.join(jid, { nick: `user${i}` }));
    const inboxes = users.map((u) => record(u.chat, 'message'));
    const states = new Map<string, MessageState[]>();
    for (const u of users) {
      u.chat.on('message:state', ({ id, state }) => states.set(id, [...(states.get(id) ?? []), state]));
    }

    const sent = rooms.map((room, i) => room.send(`Hallo von user${i} <b>!</b>`));
    expect(sent.map((m) => m.kind)).toEqual(['groupchat', 'groupchat', 'groupchat']);
    await expect.poll(() => inboxes.map((inbox) => inbox.length)).toEqual([3, 3, 3]);
    await expect.poll(() => sent.map((m) => states.get(m.id)?.at(-1))).toEqual(['acked', 'acked', 'acked']);
    expect(states.get(sent[0]!.id)).toEqual(['queued', 'sent', 'acked']);

    for (const [i, inbox] of inboxes.entries()) {
      const incoming = inbox.filter(({ message }) => message.direction === 'in');
      expect(incoming.map(({ message }) => message.body).sort()).toEqual(
        ['0', '1', '2'].filter((n) => Number(n) !== i).map((n) => `Hallo von user${n} <b>!</b>`),
      );
      // Our own message: announced by send() itself, once, as outgoing.
      const own = inbox.filter(({ message }) => message.direction === 'out');
      expect(own.map(({ message }) => [message.id, message.from])).toEqual([
        [sent[i]!.id, `${jid}/user${i}`],
      ]);
      for (const { message } of inbox) {
        expect(message).toMatchObject({ conversation: jid, kind: 'groupchat' });
        expect(message.from.startsWith(`${jid}/user`)).toBe(true);
      }
    }
    // A moment later still nothing more: the room's copies of our own messages are not repeated.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(inboxes.map((inbox) => inbox.length)).toEqual([3, 3, 3]);
  });

  it('shows a subject change to everyone; a participant may not change it', async () => {
    const [anna, ben] = await online(2);
    const jid = roomJid();
    const annaRoom = await anna!.chat.rooms.join(jid, { nick: 'anna' });
    const benRoom = await ben!.chat.rooms.join(jid, { nick: 'ben' });
    const seen = next(ben!.chat, 'room:subject');
    await annaRoom.setSubject('Sprint 42: Umzug');
    expect(await seen).toEqual({ room: jid, subject: 'Sprint 42: Umzug', by: 'anna' });
    expect(benRoom.subject).toBe('Sprint 42: Umzug');
    expect(annaRoom.subject).toBe('Sprint 42: Umzug');
    expect(await errorOf(benRoom.setSubject('Meins!'))).toBe('forbidden');

    // Someone joining later gets the subject with the join.
    const [carla] = await online(1);
    const carlaRoom = await carla!.chat.rooms.join(jid, { nick: 'carla' });
    expect(carlaRoom.subject).toBe('Sprint 42: Umzug');
  });

  it('changes a nickname (others see the change) and refuses one that is taken', async () => {
    const [anna, ben] = await online(2);
    const jid = roomJid();
    const annaRoom = await anna!.chat.rooms.join(jid, { nick: 'anna' });
    const benRoom = await ben!.chat.rooms.join(jid, { nick: 'ben' });
    const change = next(anna!.chat, 'room:occupant', (e) => e.change === 'changed');
    await benRoom.changeNick('benni');
    expect(benRoom.nick).toBe('benni');
    const seen = await change;
    expect(seen.occupant.nick).toBe('benni');
    expect(seen.previousNick).toBe('ben');
    expect(annaRoom.occupants.map((o) => o.nick).sort()).toEqual(['anna', 'benni']);
    expect(await errorOf(benRoom.changeNick('anna'))).toBe('nickname-conflict');
    expect(benRoom.nick).toBe('benni');

    // Messages after the change come from the new nickname.
    const arriving = next(anna!.chat, 'message');
    benRoom.send('Ich heiße jetzt Benni');
    expect((await arriving).message.from).toBe(`${jid}/benni`);
  });

  it("tells the room our availability and status message, and shows the occupants' own", async () => {
    const [anna, ben] = await online(2);
    const jid = roomJid();
    // Set before the join: the join itself carries it.
    anna!.chat.presence.set({ show: 'dnd', status: 'Konzentriert' });
    const annaRoom = await anna!.chat.rooms.join(jid, { nick: 'anna' });
    const benRoom = await ben!.chat.rooms.join(jid, { nick: 'ben' });
    const occupant = (room: Room, nick: string) => {
      const o = room.occupants.find((x) => x.nick === nick);
      return o && { show: o.show, status: o.status };
    };
    expect(occupant(benRoom, 'anna')).toEqual({ show: 'dnd', status: 'Konzentriert' });
    expect(await eventually(() => occupant(annaRoom, 'ben'))).toEqual({ show: 'online', status: undefined });

    // Changed while in the room: the room is told, and its occupants see it.
    const seen = next(
      anna!.chat,
      'room:occupant',
      (e) => e.occupant.nick === 'ben' && e.change === 'changed',
    );
    ben!.chat.presence.set({ show: 'away', status: 'Mittagspause' });
    expect((await seen).occupant).toMatchObject({ show: 'away', status: 'Mittagspause' });
    expect(occupant(annaRoom, 'ben')).toEqual({ show: 'away', status: 'Mittagspause' });

    // A new nickname keeps it (a presence without it would say "available").
    await benRoom.changeNick('benni');
    await eventually(() => occupant(annaRoom, 'benni')?.show === 'away');
    expect(occupant(annaRoom, 'benni')).toEqual({ show: 'away', status: 'Mittagspause' });

    ben!.chat.presence.set({});
    await eventually(() => occupant(annaRoom, 'benni')?.show === 'online');
    expect(occupant(annaRoom, 'benni')).toEqual({ show: 'online', status: undefined });
  });

  it('a presence set while the link is down reaches contacts and rooms once the session resumes', async () => {
    const [annaAccount, benAccount] = await createAccounts(2);
    const link = await startFaultProxy({ target: { host: xmpp.host, port: xmpp.ports.http } });
    cleanups.push(() => link.close());
    const anna = client(annaAccount!, {
      service: link.url('ws', '/xmpp-websocket'),
      reconnect: { initialDelay: 20, maxDelay: 200 },
    });
    const ben = client(benAccount!);
    await Promise.all([anna.connect(), ben.connect()]);
    ben.on('subscription:request', ({ jid }) => ben.contacts.approve(jid));
    await anna.contacts.add(benAccount!.jid);
    await eventually(() => ben.contacts.get(annaAccount!.jid)?.subscription === 'both');
    const jid = roomJid();
    await anna.rooms.join(jid, { nick: 'anna' });
    const benRoom = await ben.rooms.join(jid, { nick: 'ben' });
    const seenByBen = () => {
      const contact = ben.contacts.get(annaAccount!.jid)?.presence;
      const occupant = benRoom.occupants.find((o) => o.nick === 'anna');
      return {
        contact: contact && { show: contact.show, status: contact.status },
        room: occupant && { show: occupant.show, status: occupant.status },
      };
    };
    await eventually(() => seenByBen().contact?.show === 'online');

    const sessions: boolean[] = [];
    transportOf(anna)!.on('online', ({ resumed }) => sessions.push(resumed));
    link.refuse(true);
    link.cutAll();
    await until(anna, 'reconnecting');
    anna.presence.set({ show: 'away', status: 'Im Aufzug' });
    link.refuse(false);
    await until(anna, 'online');
    expect(sessions).toEqual([true]); // resumed: no fresh presence or rejoin would carry it
    const away = { show: 'away', status: 'Im Aufzug' };
    await eventually(() => seenByBen().contact?.show === 'away' && seenByBen().room?.show === 'away');
    expect(seenByBen()).toEqual({ contact: away, room: away });
  });

  it('a presence set while a join is under way reaches the room once joined', async () => {
    const [annaAccount, benAccount] = await createAccounts(2);
    const link = await startFaultProxy({ target: { host: xmpp.host, port: xmpp.ports.http } });
    cleanups.push(() => link.close());
    const anna = client(annaAccount!, { service: link.url('ws', '/xmpp-websocket') });
    const ben = client(benAccount!);
    await Promise.all([anna.connect(), ben.connect()]);
    const jid = roomJid();
    const benRoom = await ben.rooms.join(jid, { nick: 'ben' });
    // The room has Anna's join (Ben sees her come), but its answer waits in the proxy.
    link.pause('to-client');
    const joining = anna.rooms.join(jid, { nick: 'anna' });
    await eventually(() => benRoom.occupants.some((o) => o.nick === 'anna'));
    anna.presence.set({ show: 'dnd', status: 'Gleich zurück' });
    link.resume();
    await joining;
    await eventually(() => benRoom.occupants.find((o) => o.nick === 'anna')?.show === 'dnd');
    expect(benRoom.occupants.find((o) => o.nick === 'anna')?.status).toBe('Gleich zurück');
  });

  it('leaves: the others see it, and the room is gone from the list', async () => {
    const [anna, ben] = await online(2);
    const jid = roomJid();
    const annaRoom = await anna!.chat.rooms.join(jid, { nick: 'anna' });
    const benRoom = await ben!.chat.rooms.join(jid, { nick: 'ben' });
    const seen = next(anna!.chat, 'room:occupant', (e) => e.change === 'left');
    const left = next(ben!.chat, 'room:left');
    await benRoom.leave();
    expect(await left).toEqual({ room: jid, reason: 'left' });
    expect((await seen).occupant.nick).toBe('ben');
    expect((await seen).reason).toBe('left');
    expect(ben!.chat.rooms.list()).toEqual([]);
    expect(benRoom.joined).toBe(false);
    expect(annaRoom.occupants.map((o) => o.nick)).toEqual(['anna']);
    expect(() => benRoom.send('noch da?')).toThrow(expect.objectContaining({ code: 'not-connected' }));
  });
  it('sends a join asked for as the session comes up ahead of our presence, which follows in the same burst', async () => {
    const [anna, ben] = await createAccounts(2);
    const room = roomJid();
    const b = client(ben!);
    await b.connect();
    await b.rooms.join(room, { nick: 'ben' });
    const a = client(anna!);
    const sent: string[] = [];
    agentOf(transportOf(a)!).on('raw:outgoing', (data: string) => {
      if (data.startsWith('<presence')) sent.push(data);
    });
    // What a page does when it hears that the session is up.
    let joining: Promise<Room> | undefined;
    a.on('status', ({ status }) => {
      if (status === 'online') joining ??= a.rooms.join(room, { nick: 'anna' });
    });
    await a.connect();
    const joined = await joining!;
    expect(joined.occupants.map((o) => o.nick).sort()).toEqual(['anna', 'ben']);
    const join = sent.findIndex((p) => p.includes(`to="${room}/anna"`));
    const ours = sent.findIndex((p) => !p.includes(' to='));
    expect(join).toBe(0);
    expect(ours).toBe(1);
  });
});

describe('join errors', () => {
  it('reports a nickname conflict, or retries with a suffix when asked', async () => {
    const [anna, ben, carla] = await online(3);
    const jid = roomJid();
    await anna!.chat.rooms.join(jid, { nick: 'anna' });
    expect(await errorOf(ben!.chat.rooms.join(jid, { nick: 'anna' }))).toBe('nickname-conflict');
    expect(ben!.chat.rooms.list()).toEqual([]);
    const benRoom = await ben!.chat.rooms.join(jid, { nick: 'anna', retryWithSuffix: true });
    expect(benRoom.nick).toBe('anna_2');
    const carlaRoom = await carla!.chat.rooms.join(jid, { nick: 'anna', retryWithSuffix: true });
    expect(carlaRoom.nick).toBe('anna_3');
  });

  it('needs the right password for a password-protected room', async () => {
    const [anna, ben] = await online(2);
    const jid = roomJid();
    await anna!.chat.rooms.join(jid, { nick: 'anna', config: { password: 'geheim' } });
    expect(await errorOf(ben!.chat.rooms.join(jid, { nick: 'ben' }))).toBe('password-required');
    expect(await errorOf(ben!.chat.rooms.join(jid, { nick: 'ben', password: 'falsch' }))).toBe(
      'password-required',
    );
    const room = await ben!.chat.rooms.join(jid, { nick: 'ben', password: 'geheim' });
    expect(room.joined).toBe(true);
  });

  it('refuses a banned user', async () => {
    const [anna, ben] = await online(2);
    const jid = roomJid();
    const annaRoom = await anna!.chat.rooms.join(jid, { nick: 'anna' });
    await annaRoom.ban(ben!.account.jid, 'Spam');
    expect(await errorOf(ben!.chat.rooms.join(jid, { nick: 'ben' }))).toBe('banned');
    expect((await annaRoom.affiliations('outcast')).map((a) => a.jid)).toEqual([ben!.account.jid]);
  });

  it('refuses a non-member in a members-only room until made a member', async () => {
    const [anna, carla] = await online(2);
    const jid = roomJid();
    const annaRoom = await anna!.chat.rooms.join(jid, { nick: 'anna', config: { membersOnly: true } });
    expect(await errorOf(carla!.chat.rooms.join(jid, { nick: 'carla' }))).toBe('members-only');
    await annaRoom.setAffiliation(carla!.account.jid, 'member');
    const carlaRoom = await carla!.chat.rooms.join(jid, { nick: 'carla' });
    expect(carlaRoom.occupants.find((o) => o.self)?.affiliation).toBe('member');
    expect((await annaRoom.affiliations('member')).map((a) => a.jid)).toEqual([carla!.account.jid]);
  });

  it('does not create a room with create: false (item-not-found), and the room stays absent', async () => {
    const [anna] = await online(1);
    const jid = roomJid('missing');
    expect(await errorOf(anna!.chat.rooms.join(jid, { nick: 'anna', create: false }))).toBe('item-not-found');
    expect(await errorOf(anna!.chat.rooms.info(jid))).toBe('item-not-found');
    // An existing room joins fine with create: false.
    const [ben] = await online(1);
    await ben!.chat.rooms.join(jid, { nick: 'ben' });
    const room = await anna!.chat.rooms.join(jid, { nick: 'anna', create: false });
    expect(room.occupants.map((o) => o.nick).sort()).toEqual(['anna', 'ben']);
  });

  it('reports service-unavailable where there is no group chat, and times out as asked', async () => {
    const [anna] = await online(1);
    // The upload component answers a join with service-unavailable.
    expect(await errorOf(anna!.chat.rooms.join(`room@share.${xmpp.domain}`, { nick: 'anna' }))).toBe(
      'service-unavailable',
    );
    // A presence to an account that does not exist is dropped silently: nobody ever answers.
    const started = Date.now();
    expect(await errorOf(anna!.chat.rooms.join(`nobody@${xmpp.domain}`, { nick: 'anna', timeout: 1 }))).toBe(
      'timeout',
    );
    expect(Date.now() - started).toBeLessThan(3000);
    expect(anna!.chat.rooms.list()).toEqual([]);
    expect(await errorOf(anna!.chat.rooms.join('not-a-room', { nick: 'anna' }))).toBe('invalid-argument');
  });
});

describe('moderation', () => {
  it('kicks and bans: the victim gets room:left with the reason, the others see them leave', async () => {
    const [anna, ben, carla] = await online(3);
    const jid = roomJid();
    const annaRoom = await anna!.chat.rooms.join(jid, { nick: 'anna' });
    await ben!.chat.rooms.join(jid, { nick: 'ben' });
    await carla!.chat.rooms.join(jid, { nick: 'carla' });

    const benLeft = next(ben!.chat, 'room:left');
    const carlaSaw = next(carla!.chat, 'room:occupant', (e) => e.change === 'left');
    await annaRoom.kick('ben', 'Bitte sachlich bleiben');
    expect(await benLeft).toMatchObject({ room: jid, reason: 'kicked', text: 'Bitte sachlich bleiben' });
    expect(await carlaSaw).toMatchObject({ room: jid, reason: 'kicked', occupant: { nick: 'ben' } });
    expect(ben!.chat.rooms.list()).toEqual([]);

    // A kicked user may come back; a banned one may not.
    await ben!.chat.rooms.join(jid, { nick: 'ben' });
    const carlaLeft = next(carla!.chat, 'room:left');
    const benSaw = next(ben!.chat, 'room:occupant', (e) => e.change === 'left');
    await annaRoom.ban('carla', 'Spam');
    expect(await carlaLeft).toMatchObject({ room: jid, reason: 'banned', text: 'Spam' });
    expect(await benSaw).toMatchObject({ reason: 'banned', occupant: { nick: 'carla' } });
    expect(await errorOf(carla!.chat.rooms.join(jid, { nick: 'carla' }))).toBe('banned');
  });

  it('takes and gives voice in a moderated room, and a participant cannot kick', async () => {
    const [anna, ben] = await online(2);
    const jid = roomJid();
    const annaRoom = await anna!.chat.rooms.join(jid, { nick: 'anna', config: { moderated: true } });
    const benRoom = await ben!.chat.rooms.join(jid, { nick: 'ben' });
    const muted = next(
      anna!.chat,
      'room:occupant',
      (e) => e.occupant.nick === 'ben' && e.occupant.role === 'visitor',
    );
    await annaRoom.revokeVoice('ben');
    await muted;
    const failed = next(ben!.chat, 'message:state', (e) => e.state === 'failed');
    const message = benRoom.send('Darf ich?');
    const failure = await failed;
    expect(failure.id).toBe(message.id);
    expect(failure.error?.code).toBe('forbidden');
    await annaRoom.grantVoice('ben');
    await expect.poll(() => benRoom.occupants.find((o) => o.self)?.role).toBe('participant');
    expect(await errorOf(benRoom.kick('anna'))).toBe('forbidden');
  });

  it('destroys a room: everyone in it gets room:left with the reason', async () => {
    const [anna, ben] = await online(2);
    const jid = roomJid();
    const annaRoom = await anna!.chat.rooms.join(jid, { nick: 'anna' });
    await ben!.chat.rooms.join(jid, { nick: 'ben' });
    const benLeft = next(ben!.chat, 'room:left');
    const annaLeft = next(anna!.chat, 'room:left');
    await annaRoom.destroy('Projekt beendet');
    expect(await benLeft).toMatchObject({ room: jid, reason: 'destroyed', text: 'Projekt beendet' });
    expect((await annaLeft).reason).toBe('destroyed');
    expect(await errorOf(anna!.chat.rooms.info(jid))).toBe('item-not-found');
  });
});

describe('invitations', () => {
  it('delivers mediated and direct invitations as room:invite, and a declined one back to the inviter', async () => {
    const [anna, ben] = await online(2);
    // An invitation is not a chat message, though servers give it a text body.
    const chatMessages: string[] = [];
    ben!.chat.on('message', ({ message }) => chatMessages.push(message.body));
    anna!.chat.on('message', ({ message }) => message.kind === 'chat' && chatMessages.push(message.body));
    const jid = roomJid();
    const annaRoom = await anna!.chat.rooms.join(jid, { nick: 'anna', config: { password: 'geheim' } });
    const benRoom = await anna!.chat.rooms.join(roomJid('other'), { nick: 'anna' });
    expect(benRoom.joined).toBe(true);

    const mediated = next(ben!.chat, 'room:invite');
    annaRoom.invite(ben!.account.jid, 'Komm dazu!');
    const { invite } = await mediated;
    // The room is semi-anonymous: it names the inviter by occupant JID, not real JID.
    expect(invite).toMatchObject({ room: jid, from: `${jid}/anna`, kind: 'mediated', reason: 'Komm dazu!' });
    expect(invite.password).toBe('geheim');

    const declined = next(anna!.chat, 'room:declined');
    ben!.chat.rooms.decline(invite, 'Keine Zeit');
    expect(await declined).toMatchObject({ room: jid, from: ben!.account.jid, reason: 'Keine Zeit' });

    const direct = next(ben!.chat, 'room:invite');
    annaRoom.invite(ben!.account.jid, 'Direkt!', { direct: true });
    expect((await direct).invite).toEqual({
      room: jid,
      from: anna!.account.jid,
      kind: 'direct',
      reason: 'Direkt!',
      password: 'geheim',
    });
    // The invitation is enough to get in.
    const room = await ben!.chat.rooms.join(invite.room, {
      nick: 'ben',
      ...(invite.password ? { password: invite.password } : {}),
    });
    expect(room.joined).toBe(true);
    expect(chatMessages).toEqual([]);
  });
});

describe('room configuration', () => {
  it('creates a configured room, reads the config back, and switches archiving on and off', async () => {
    const [anna, ben] = await online(2);
    const jid = roomJid('team');
    const room = await anna!.chat.rooms.join(jid, {
      nick: 'anna',
      config: {
        name: 'Team Nordlicht',
        description: 'Alles rund ums Team',
        persistent: true,
        public: true,
        archive: true,
      },
    });
    expect(await room.config()).toMatchObject({
      name: 'Team Nordlicht',
      description: 'Alles rund ums Team',
      persistent: true,
      public: true,
      archive: true,
      membersOnly: false,
      password: '',
    });
    const archived = await ben!.chat.rooms.info(jid);
    expect(archived).toMatchObject({
      name: 'Team Nordlicht',
      archived: true,
      persistent: true,
      public: true,
      occupants: 1,
    });
    expect(archived.features).toContain('urn:xmpp:mam:2');

    await room.configure({ archive: false, whoCanSeeJids: 'anyone' });
    const notArchived = await ben!.chat.rooms.info(jid);
    expect(notArchived.archived).toBe(false);
    expect(notArchived.features).not.toContain('urn:xmpp:mam:2');
    expect(await room.config()).toMatchObject({
      archive: false,
      whoCanSeeJids: 'anyone',
      name: 'Team Nordlicht',
    });

    // Public rooms are listed by discovery with their name and occupant count.
    const listed = await ben!.chat.rooms.discover();
    expect(listed).toContainEqual({ jid, name: 'Team Nordlicht', occupants: 1 });
    // Settings are for owners only.
    const benRoom = await ben!.chat.rooms.join(jid, { nick: 'ben' });
    expect(await errorOf(benRoom.configure({ name: 'Meins' }))).toBe('forbidden');
    // A non-owner can see real JIDs now ('anyone').
    expect(benRoom.occupants.find((o) => o.nick === 'anna')?.jid).toBe(anna!.account.jid);
  });

  it('an instant room is usable by others at once (no lock left behind)', async () => {
    const [anna, ben] = await online(2);
    const jid = roomJid();
    await anna!.chat.rooms.join(jid, { nick: 'anna' });
    const room = await ben!.chat.rooms.join(jid, { nick: 'ben', create: false });
    expect(room.occupants).toHaveLength(2);
  });
});

/**
 * Anna through a fault proxy (reconnecting quickly) and Ben directly, both in a new room.
 */
async function annaThroughLinkAndBen() {
  const [anna, ben] = await createAccounts(2);
  const link = await startFaultProxy({ target: { host: xmpp.host, port: xmpp.ports.http } });
  cleanups.push(() => link.close());
  const a = client(anna!, {
    service: link.url('ws', '/xmpp-websocket'),
    reconnect: { initialDelay: 50, maxDelay: 200 },
  });
  const b = client(ben!);
  await Promise.all([a.connect(), b.connect()]);
  const jid = roomJid();
  const annaRoom = await a.rooms.join(jid, { nick: 'anna' });
  await b.rooms.join(jid, { nick: 'ben' });
  return { anna: anna!, link, a, b, jid, annaRoom };
}

describe('sessions', () => {
  it('after a resume does nothing again: no rejoin, and the room keeps working', async () => {
    const { link, a, b, jid, annaRoom } = await annaThroughLinkAndBen();
    const joins = record(a, 'room:joined');
    const statuses = record(a, 'status');
    const atAnna = record(a, 'message');

    link.cutAll();
    await expect.poll(() => statuses.map((s) => s.status)).toEqual(['reconnecting', 'online']);
    b.rooms.get(jid)!.send('nach dem Abbruch');
    await expect.poll(() => atAnna.map(({ message }) => message.body)).toEqual(['nach dem Abbruch']);
    expect(joins).toEqual([]);
    expect(annaRoom.joined).toBe(true);
  });
});

describe('rooms after a session that could not be resumed', () => {
  it('look for our message in the room before writing it again: the room has it once', async () => {
    const { anna, link, a, b, annaRoom } = await annaThroughLinkAndBen();
    // What reaches Ben's connection, before his client drops repeats by id: what a client that
    // does not would show.
    let copies = 0;
    agentOf(transportOf(b)!).on('raw:incoming', (xml: string) => {
      if (xml.startsWith('<message') && xml.includes('<body>angekommen?</body>')) copies += 1;
    });
    const atBen = record(b, 'message');
    const states = record(a, 'message:state');
    const joins = record(a, 'room:joined');

    // The message reaches the room; the room's copy and the server's ack never reach anna.
    link.pause('to-client');
    const sent = annaRoom.send('angekommen?');
    await expect.poll(() => atBen.map(({ message }) => message.body)).toEqual(['angekommen?']);
    // The link drops, and the server ends the session anna would resume (another client took
    // its resource), so she starts a new one.
    link.refuse(true);
    link.cutAll();
    await until(a, 'reconnecting');
    const [, resource] = a.jid!.split('/');
    const usurper = await connectRawAgent(anna, xmpp.websocketUrl, resource);
    await usurper.close();
    link.resume();
    link.refuse(false);

    await expect.poll(() => joins.map((j) => j.rejoined), { timeout: 10_000 }).toEqual([true]);
    await expect.poll(() => states.filter((s) => s.id === sent.id).map((s) => s.state)).toContain('acked');
    await new Promise((resolve) => setTimeout(resolve, 300)); // a second copy would show here
    expect(copies).toBe(1);
    expect(atBen.map(({ message }) => message.body)).toEqual(['angekommen?']);
    // The room works on: the next message goes out once.
    annaRoom.send('und weiter');
    await expect.poll(() => atBen.map(({ message }) => message.body)).toEqual(['angekommen?', 'und weiter']);
  });
});

describe('history on join', () => {
  it('asks for no history by default, and for some when told', async () => {
    const [anna, ben, carla] = await online(3);
    const jid = roomJid();
    const annaRoom = await anna!.chat.rooms.join(jid, { nick: 'anna' });
    const states = record(anna!.chat, 'message:state');
    const first = annaRoom.send('eins');
    const second = annaRoom.send('zwei');
    await expect
      .poll(() => states.filter((s) => s.state === 'acked').map((s) => s.id))
      .toEqual([first.id, second.id]);
    const atBen = record(ben!.chat, 'message');
    await ben!.chat.rooms.join(jid, { nick: 'ben' });
    const atCarla = record(carla!.chat, 'message');
    await carla!.chat.rooms.join(jid, { nick: 'carla', history: { maxStanzas: 10 } });
    expect(atBen).toEqual([]);
    expect(atCarla.map(({ message }) => [message.body, message.direction])).toEqual([
      ['eins', 'in'],
      ['zwei', 'in'],
    ]);
    const history: Message[] = atCarla.map(({ message }) => message);
    expect(history[0]!.from).toBe(`${jid}/anna`);
  });
});
