// Rooms across a fresh session: a restart of a private Prosody of this file's own ends every
// session (nothing to resume), so the SDK must rejoin every room with its original options.
import { describe, expect, it } from 'vitest';
import { until, usePrivateServer } from '../test/rig/clients.js';
import type { Chat, ChatEvents } from './index.js';

const rig = usePrivateServer();
const client = (user: string): Chat => rig.client(user);

function record<K extends keyof ChatEvents>(chat: Chat, event: K): Array<Parameters<ChatEvents[K]>[0]> {
  const seen: Array<Parameters<ChatEvents[K]>[0]> = [];
  chat.on(event, ((payload: Parameters<ChatEvents[K]>[0]) => seen.push(payload)) as ChatEvents[K]);
  return seen;
}

describe('rooms after a server restart (a fresh session, not a resume)', () => {
  it('rejoins every room with its original options and delivers what was written meanwhile, once', async () => {
    const anna = client('anna');
    const ben = client('ben');
    await Promise.all([anna.connect(), ben.connect()]);
    const team = `team@conference.${rig.server.domain}`;
    const lobby = `lobby@conference.${rig.server.domain}`;
    // A persistent, password-protected room (survives the restart; a rejoin without the password
    // would fail) and a temporary one (gone after the restart: the rejoin creates it again).
    const annaTeam = await anna.rooms.join(team, {
      nick: 'anna',
      config: { persistent: true, password: 'geheim', name: 'Team' },
    });
    // Ben asks for room history: whichever of them rejoins first, he gets what anna wrote while
    // the server was down, from the history or live, and only once.
    const benTeam = await ben.rooms.join(team, {
      nick: 'ben',
      password: 'geheim',
      history: { maxStanzas: 20 },
    });
    await benTeam.changeNick('benni');
    await anna.rooms.join(lobby, { nick: 'anna' });

    const annaJoins = record(anna, 'room:joined');
    const benJoins = record(ben, 'room:joined');
    const benLeft = record(ben, 'room:left');
    const annaLeft = record(anna, 'room:left');
    const atBen = record(ben, 'message');
    const annaStates = record(anna, 'message:state');
    annaTeam.send('vor dem Neustart');
    await expect.poll(() => atBen.length).toBe(1);

    await rig.server.stop();
    await Promise.all([until(anna, 'reconnecting', 20_000), until(ben, 'reconnecting', 20_000)]);
    const queued = annaTeam.send('während der Server weg war');
    expect(queued.state).toBe('queued');
    await rig.server.restart();
    await Promise.all([until(anna, 'online', 20_000), until(ben, 'online', 20_000)]);

    await expect
      .poll(() => annaJoins.map((e) => [e.room.jid, e.rejoined, e.created]).sort(), { timeout: 10_000 })
      .toEqual([
        [lobby, true, true],
        [team, true, false],
      ]);
    await expect.poll(() => benJoins.map((e) => [e.room.jid, e.rejoined])).toEqual([[team, true]]);
    expect(benLeft).toEqual([]);
    expect(annaLeft).toEqual([]);
    // The rejoin kept the nickname ben had changed to.
    expect(benTeam.nick).toBe('benni');
    await expect.poll(() => annaTeam.occupants.map((o) => o.nick).sort()).toEqual(['anna', 'benni']);

    await expect
      .poll(() => atBen.map(({ message }) => message.body), { timeout: 10_000 })
      .toEqual(['vor dem Neustart', 'während der Server weg war']);
    expect(annaStates.filter((s) => s.id === queued.id).map((s) => s.state)).toEqual([
      'queued',
      'sent',
      'acked',
    ]);
    const atAnna = record(anna, 'message');
    benTeam.send('wieder da');
    await expect
      .poll(() => atAnna.map(({ message }) => [message.body, message.from]))
      .toEqual([['wieder da', `${team}/benni`]]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(atBen.map(({ message }) => [message.body, message.direction])).toEqual([
      ['vor dem Neustart', 'in'],
      ['während der Server weg war', 'in'],
      ['wieder da', 'out'],
    ]);
    expect(
      anna.rooms
        .list()
        .map((r) => r.jid)
        .sort(),
    ).toEqual([lobby, team]);
    expect(annaTeam.joined).toBe(true);
  });
});
