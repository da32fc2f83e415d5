// Recent conversations from the archive (`chat.archive.recent()`) against the private Prosody:
// what a conversation list shows on a new client — after a page load, on another device.
import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { connectDiscovered, eventually, useClients } from '../test/rig/clients.js';
import type { Chat, Conversation, MessageState } from './index.js';

const xmpp = inject('xmpp');
const client = useClients();

const online = connectDiscovered;

/** Sends one message and waits until the server has it (so the archive's order is the sending order). */
async function write(from: Chat, to: string, body: string): Promise<void> {
  const states: MessageState[] = [];
  const { id } = from.send(to, body);
  const off = from.on('message:state', (event) => event.id === id && states.push(event.state));
  await eventually(() => states.includes('acked'));
  off();
}

const summary = (list: readonly Conversation[]) =>
  list.map((c) => [c.jid, c.last?.body, c.last?.direction, c.unread]);

describe('recent conversations from the archive', () => {
  it('lists the peers of the newest archived messages on a new client, most recent first, as read', async () => {
    const [anna, ben, clara] = await createAccounts(3);
    const [a, b, c] = await Promise.all([
      online(client(anna!)),
      online(client(ben!)),
      online(client(clara!)),
    ]);
    await write(b, anna!.jid, 'Hallo Anna');
    await write(a, ben!.jid, 'Hallo Ben');
    await write(c, anna!.jid, 'Kaffee um drei?');
    await write(b, anna!.jid, 'Bis später');
    // Neither a room message nor a private message in a room is a conversation with a contact.
    const room = `recent-${randomBytes(4).toString('hex')}@conference.${xmpp.domain}`;
    const annaRoom = await a.rooms.join(room, { nick: 'anna' });
    const benRoom = await b.rooms.join(room, { nick: 'ben' });
    const pm = new Promise<void>((resolve) =>
      a.on('message', ({ message }) => message.conversation === `${room}/ben` && resolve()),
    );
    benRoom.sendPrivate('anna', 'Nur für dich');
    await pm;
    annaRoom.send('Guten Morgen');
    await a.disconnect();

    // A new client of anna's, as after a page load: nothing listed until asked.
    const later = await online(client(anna!));
    expect(later.conversations.list()).toEqual([]);
    const announced: string[] = [];
    later.on('conversation:updated', ({ conversation }) => announced.push(conversation.jid));
    const recent = await later.archive.recent();
    expect(summary(recent)).toEqual([
      [ben!.jid, 'Bis später', 'in', 0],
      [clara!.jid, 'Kaffee um drei?', 'in', 0],
    ]);
    expect(recent[0]!.updated.getTime()).toBe(recent[0]!.last!.time.getTime());
    expect(recent[0]!.updated.getTime()).toBeGreaterThanOrEqual(recent[1]!.updated.getTime());
    expect(summary(later.conversations.list())).toEqual(summary(recent));
    expect(announced.sort()).toEqual([ben!.jid, clara!.jid].sort());

    // Listed like any conversation: the history is there, and a reply continues it.
    const history = await later.archive.history(ben!.jid);
    expect(history.messages.map((m) => [m.direction, m.body])).toEqual([
      ['in', 'Hallo Anna'],
      ['out', 'Hallo Ben'],
      ['in', 'Bis später'],
    ]);
    later.send(ben!.jid, 'Bis dann');
    expect(later.conversations.list()[0]).toMatchObject({ jid: ben!.jid, last: { body: 'Bis dann' } });
    // Asking again changes nothing and announces nothing new.
    const before = announced.length;
    expect(summary(await later.archive.recent())).toEqual([
      [ben!.jid, 'Bis dann', 'out', 0],
      [clara!.jid, 'Kaffee um drei?', 'in', 0],
    ]);
    expect(announced.length).toBe(before);
  });

  it('keeps a conversation that a live message listed first, with its unread count', async () => {
    const [anna, ben] = await createAccounts(2);
    const [a, b] = await Promise.all([online(client(anna!)), online(client(ben!))]);
    await write(b, anna!.jid, 'Erste');
    await a.disconnect();
    const later = await online(client(anna!));
    const arrived = new Promise<void>((resolve) => later.on('message', () => resolve()));
    await write(b, anna!.jid, 'Zweite');
    await arrived;
    expect(summary(await later.archive.recent())).toEqual([[ben!.jid, 'Zweite', 'in', 1]]);
  });

  it('leaves a conversation to a message that came at sign-in: it arrives as new, unread', async () => {
    const [anna, ben] = await createAccounts(2);
    const b = await online(client(ben!));
    await write(b, anna!.jid, 'Während du weg warst'); // anna is offline: the server keeps it for her
    const later = client(anna!);
    const received: string[] = [];
    later.on('message', ({ message }) => received.push(message.body));
    await later.connect();
    // Asked at once: the message delivered at sign-in is still held while the catch-up runs.
    const recent = await later.archive.recent();
    await eventually(() => received.length > 0);
    expect(received).toEqual(['Während du weg warst']);
    expect(summary(later.conversations.list())).toEqual([[ben!.jid, 'Während du weg warst', 'in', 1]]);
    expect(recent.every((c) => c.jid !== ben!.jid || c.unread === 1)).toBe(true);
  });

  it('reads only the newest `limit` messages, across pages', async () => {
    const [anna, ben, clara] = await createAccounts(3);
    const [a, b, c] = await Promise.all([
      online(client(anna!)),
      online(client(ben!)),
      online(client(clara!)),
    ]);
    await write(c, anna!.jid, 'Älter');
    // 30 messages with ben after it, each with ben's receipt: clara's is more than a page back.
    for (let i = 0; i < 30; i += 1) await write(a, ben!.jid, `#${i}`);
    await eventually(() => b.conversations.get(anna!.jid)?.last?.body === '#29');
    await a.disconnect();
    const later = await online(client(anna!));
    const newest = await later.archive.recent({ limit: 20 });
    expect(summary(newest)).toEqual([[ben!.jid, '#29', 'out', 0]]);
    expect(summary(await later.archive.recent({ limit: 200 }))).toEqual([
      [ben!.jid, '#29', 'out', 0],
      [clara!.jid, 'Älter', 'in', 0],
    ]);
    await expect(later.archive.recent({ limit: 0 })).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('fails with not-connected before connecting', async () => {
    const [anna] = await createAccounts(1);
    await expect(client(anna!).archive.recent()).rejects.toMatchObject({ code: 'not-connected' });
  });
});
