// XEP-0410 self-ping against a private Prosody of this file's own: the group chat service is
// restarted through Prosody's admin shell and loses its live state, so it forgets every occupant
// while our sessions stay up (no stream error, no unavailable presence: we are silently dropped).
// The SDK must notice and rejoin with the original options.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { usePrivateServer } from '../test/rig/clients.js';
import { adminShell } from '../test/rig/prosody.mjs';
import type { Chat, ChatEvents } from './index.js';

const rig = usePrivateServer(['anna', 'ben'], { modules: { enable: ['admin_shell'] } });

function record<K extends keyof ChatEvents>(chat: Chat, event: K): Array<Parameters<ChatEvents[K]>[0]> {
  const seen: Array<Parameters<ChatEvents[K]>[0]> = [];
  chat.on(event, ((payload: Parameters<ChatEvents[K]>[0]) => seen.push(payload)) as ChatEvents[K]);
  return seen;
}

/**
 * Restarts the group chat service and makes it lose its live state (as after a crash): rooms come
 * back from their stored configuration, without occupants. Our sessions are not told. (A plain
 * `module:reload` would not do: Prosody keeps the occupants across it.)
 */
async function dropEveryone(): Promise<void> {
  const host = `conference.${rig.server.domain}`;
  await adminShell(rig.server.configPath, 'module', 'unload', 'muc', host);
  // Prosody's file storage: data/<host with '.' as %2e>/state/<room>.dat holds the occupants.
  rmSync(join(rig.server.dir, 'data', host.replaceAll('.', '%2e'), 'state'), {
    recursive: true,
    force: true,
  });
  await adminShell(rig.server.configPath, 'module', 'load', 'muc', host);
}

describe('rooms: XEP-0410 self-ping', () => {
  it('notices that the service silently lost us and rejoins with the original options', async () => {
    const anna = rig.client('anna', { rooms: { selfPingInterval: 1 } });
    const ben = rig.client('ben', { rooms: { selfPingInterval: 1 } });
    await Promise.all([anna.connect(), ben.connect()]);
    const team = `selfping@conference.${rig.server.domain}`;
    const annaTeam = await anna.rooms.join(team, {
      nick: 'anna',
      config: { persistent: true, password: 'geheim' },
    });
    const benTeam = await ben.rooms.join(team, { nick: 'ben', password: 'geheim' });
    await expect.poll(() => annaTeam.occupants.map((o) => o.nick).sort()).toEqual(['anna', 'ben']);

    const annaJoins = record(anna, 'room:joined');
    const benJoins = record(ben, 'room:joined');
    const annaLeft = record(anna, 'room:left');
    const benLeft = record(ben, 'room:left');
    await dropEveryone();

    // Both notice within a few pings and rejoin (with the password they joined with).
    await expect
      .poll(() => annaJoins.map((e) => [e.room.jid, e.rejoined, e.created]), { timeout: 10_000 })
      .toEqual([[team, true, false]]);
    await expect
      .poll(() => benJoins.map((e) => [e.room.jid, e.rejoined]), { timeout: 10_000 })
      .toEqual([[team, true]]);
    expect(annaLeft).toEqual([]);
    expect(benLeft).toEqual([]);
    // Each is visible to the other again, and messages flow both ways.
    await expect.poll(() => annaTeam.occupants.map((o) => o.nick).sort()).toEqual(['anna', 'ben']);
    await expect.poll(() => benTeam.occupants.map((o) => o.nick).sort()).toEqual(['anna', 'ben']);
    const atAnna = record(anna, 'message');
    const atBen = record(ben, 'message');
    benTeam.send('wieder da?');
    annaTeam.send('ja!');
    await expect
      .poll(() => atAnna.filter((e) => e.message.direction === 'in').map((e) => e.message.body))
      .toEqual(['wieder da?']);
    await expect
      .poll(() => atBen.filter((e) => e.message.direction === 'in').map((e) => e.message.body))
      .toEqual(['ja!']);
    expect(annaTeam.joined).toBe(true);
  });

  it('a message the room refused because it lost us is sent again after the rejoin, once', async () => {
    // Self-ping rounds are off for anna: only the room's "you are not in this room" answer to
    // her message makes her check and rejoin.
    const anna = rig.client('anna', { rooms: { selfPingInterval: 0 } });
    const ben = rig.client('ben', { rooms: { selfPingInterval: 1 } });
    await Promise.all([anna.connect(), ben.connect()]);
    const room = `refused@conference.${rig.server.domain}`;
    const annaRoom = await anna.rooms.join(room, { nick: 'anna', config: { persistent: true } });
    const benRoom = await ben.rooms.join(room, { nick: 'ben' });
    await expect.poll(() => annaRoom.occupants.length).toBe(2);

    const annaJoins = record(anna, 'room:joined');
    const benJoins = record(ben, 'room:joined');
    await dropEveryone();
    await expect.poll(() => benJoins.length, { timeout: 10_000 }).toBe(1);
    expect(annaJoins).toEqual([]);

    const states = record(anna, 'message:state');
    const atBen = record(ben, 'message');
    const sent = annaRoom.send('bin ich noch da?');
    await expect.poll(() => annaJoins.map((e) => e.rejoined), { timeout: 10_000 }).toEqual([true]);
    await expect.poll(() => atBen.map((e) => e.message.body)).toEqual(['bin ich noch da?']);
    await expect.poll(() => states.filter((s) => s.id === sent.id).map((s) => s.state)).toContain('acked');
    expect(states.filter((s) => s.id === sent.id).map((s) => s.state)).not.toContain('failed');
    await expect.poll(() => benRoom.occupants.map((o) => o.nick).sort()).toEqual(['anna', 'ben']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(atBen.map((e) => e.message.body)).toEqual(['bin ich noch da?']);
  });
});
