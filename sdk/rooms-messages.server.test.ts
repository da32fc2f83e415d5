// Room messages beyond plain text, against the real Prosody: private messages to an occupant
// (XEP-0045), files shared in a room (HTTP upload + XEP-0066) and chat states in a room
// (XEP-0085), seen by other accounts.
import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { useClients } from '../test/rig/clients.js';
import type { Chat, ChatEvents, Message } from './index.js';

const xmpp = inject('xmpp');
const client = useClients();

function record<K extends keyof ChatEvents>(chat: Chat, event: K): Array<Parameters<ChatEvents[K]>[0]> {
  const seen: Array<Parameters<ChatEvents[K]>[0]> = [];
  chat.on(event, ((payload: Parameters<ChatEvents[K]>[0]) => seen.push(payload)) as ChatEvents[K]);
  return seen;
}

const roomJid = (): string => `room-${randomBytes(4).toString('hex')}@conference.${xmpp.domain}`;

describe('private messages to a room occupant', () => {
  it('reach only that occupant, under the occupant JID as conversation, and answers come back the same way', async () => {
    const [anna, ben, carla] = await createAccounts(3);
    const a = client(anna!);
    const b = client(ben!);
    const c = client(carla!);
    await Promise.all([a.connect(), b.connect(), c.connect()]);
    const jid = roomJid();
    const annaRoom = await a.rooms.join(jid, { nick: 'anna' });
    const benRoom = await b.rooms.join(jid, { nick: 'ben' });
    await c.rooms.join(jid, { nick: 'carla' });
    const atAnna = record(a, 'message');
    const atBen = record(b, 'message');
    const atCarla = record(c, 'message');
    const annaStates = record(a, 'message:state');

    const sent = annaRoom.sendPrivate('ben', 'Hast du kurz Zeit?');
    expect(sent).toMatchObject({ conversation: `${jid}/ben`, kind: 'chat', direction: 'out' });
    // Listed among anna's conversations at once, with it as the last message.
    expect(a.conversations.get(`${jid}/ben`)?.last?.body).toBe('Hast du kurz Zeit?');
    await expect
      .poll(() =>
        atBen.map(({ message }) => [message.conversation, message.kind, message.direction, message.body]),
      )
      .toEqual([[`${jid}/anna`, 'chat', 'in', 'Hast du kurz Zeit?']]);
    expect(atBen[0]!.message.from).toBe(`${jid}/anna`);
    await expect
      .poll(() => annaStates.filter((s) => s.id === sent.id).map((s) => s.state))
      .toEqual(['queued', 'sent', 'acked']);
    // Listed as its own conversation, apart from anna's account (which ben never wrote to).
    expect(b.conversations.get(`${jid}/anna`)?.unread).toBe(1);
    expect(b.conversations.get(anna!.jid)).toBeUndefined();

    benRoom.sendPrivate('anna', 'Ja, gleich.');
    await expect
      .poll(() =>
        atAnna
          .filter(({ message }) => message.direction === 'in')
          .map(({ message }) => [message.conversation, message.kind, message.body]),
      )
      .toEqual([[`${jid}/ben`, 'chat', 'Ja, gleich.']]);
    // The room and carla saw none of it.
    annaRoom.send('Für alle');
    await expect.poll(() => atCarla.map(({ message }) => message.body)).toEqual(['Für alle']);
    expect(atAnna.map(({ message }) => message.conversation)).toEqual([`${jid}/ben`, `${jid}/ben`, jid]);
  });
});

describe('files shared in a room', () => {
  it('uploads, sends the URL with an XEP-0066 link, and others receive it as an attachment', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = client(anna!);
    const b = client(ben!, { files: { expiresAfter: 3_600_000 } });
    await Promise.all([a.connect(), b.connect()]);
    const jid = roomJid();
    const annaRoom = await a.rooms.join(jid, { nick: 'anna' });
    await b.rooms.join(jid, { nick: 'ben' });
    const atBen = record(b, 'message');
    const bytes = new Uint8Array(randomBytes(2048));

    const progress: number[] = [];
    const sent: Message = await annaRoom.send({
      file: bytes,
      name: 'protokoll.pdf',
      onProgress: ({ percent }) => progress.push(percent),
    });
    expect(progress.at(-1)).toBe(100);
    expect(sent.body).toBe(sent.attachment?.url);
    expect(sent.attachment).toMatchObject({ name: 'protokoll.pdf', type: 'application/pdf', size: 2048 });
    expect(sent.kind).toBe('groupchat');

    await expect.poll(() => atBen.length).toBe(1);
    const got = atBen[0]!.message;
    expect(got).toMatchObject({ conversation: jid, kind: 'groupchat', direction: 'in', body: sent.body });
    expect(got.attachment).toMatchObject({
      url: sent.attachment!.url,
      name: 'protokoll.pdf',
      type: 'application/pdf',
    });
    expect(got.attachment?.expiresAt?.getTime()).toBe(got.time.getTime() + 3_600_000);
    const download = new Uint8Array(await (await fetch(got.attachment!.url)).arrayBuffer());
    expect(Buffer.from(download).equals(Buffer.from(bytes))).toBe(true);

    // Plain text still returns the message at once.
    const text = annaRoom.send('Das Protokoll ist oben.');
    expect(text.body).toBe('Das Protokoll ist oben.');
    await expect.poll(() => atBen.map(({ message }) => message.body)).toContain('Das Protokoll ist oben.');
  });
});

describe('chat states in a room', () => {
  it('tell the others who is typing, by occupant, but not the typist; a message ends it', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = client(anna!);
    const b = client(ben!);
    await Promise.all([a.connect(), b.connect()]);
    const jid = roomJid();
    const annaRoom = await a.rooms.join(jid, { nick: 'anna' });
    await b.rooms.join(jid, { nick: 'ben' });
    const atAnna = record(a, 'typing');
    const atBen = record(b, 'typing');
    const states = (): string[] => atAnna.map((t) => `${t.conversation} ${t.from} ${t.state}`);

    b.setTyping(jid, 'composing');
    b.setTyping(jid, 'composing'); // unchanged: not sent again
    await expect.poll(states).toEqual([`${jid} ${jid}/ben composing`]);
    b.setTyping(jid, 'paused');
    await expect.poll(states).toEqual([`${jid} ${jid}/ben composing`, `${jid} ${jid}/ben paused`]);

    // Anna's own state reaches ben, not herself; her message comes as a message, not as typing.
    const atBenMessages = record(b, 'message');
    a.setTyping(jid, 'composing');
    await expect.poll(() => atBen.map((t) => `${t.from} ${t.state}`)).toEqual([`${jid}/anna composing`]);
    annaRoom.send('Fertig.');
    await expect.poll(() => atBenMessages.map(({ message }) => message.body)).toEqual(['Fertig.']);
    // The message said `active`: anna stopped typing.
    expect(atBen.map((t) => t.state)).toEqual(['composing', 'active']);
    expect(atAnna).toHaveLength(2);
    // After the message, composing again is news again.
    a.setTyping(jid, 'composing');
    await expect.poll(() => atBen.map((t) => t.state)).toEqual(['composing', 'active', 'composing']);
  });
});
