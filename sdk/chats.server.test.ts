// One-to-one chat against the private Prosody: delivery states from receipts and markers, typing,
// corrections, carbons (and forged ones), OOB attachments, the conversation list.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createAccounts, type TestAccount } from '../test/rig/accounts.js';
import { connectRawAgent, type RawAgent } from '../test/rig/raw-agent.js';
import { createEmitter } from './emitter.js';
import type { ChatEvents } from './events.js';
import { createChats } from './features/chats.js';
import { createDiscovery } from './features/discovery.js';
import { createChat, createMemoryStore, type Chat, type Message, type MessageState } from './index.js';
import { agentOf, createTransport } from './transport/xmpp.js';

const xmpp = inject('xmpp');
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function online(account: TestAccount, resource?: string): Promise<Chat> {
  const chat = createChat({
    jid: account.jid,
    password: account.password,
    service: xmpp.websocketUrl,
    resumeStorage: false,
    ...(resource ? { resource } : {}),
  });
  cleanups.push(() => chat.disconnect());
  const discovered = new Promise<void>((resolve) => chat.on('server', () => resolve()));
  await chat.connect();
  await discovered;
  return chat;
}

/** Every event of one kind a client emits, in order. */
function record<K extends 'message' | 'message:updated' | 'typing' | 'conversation:updated'>(
  chat: Chat,
  event: K,
): Array<Parameters<ChatEvents[K]>[0]> {
  const seen: Array<Parameters<ChatEvents[K]>[0]> = [];
  chat.on(event, ((payload: Parameters<ChatEvents[K]>[0]) => seen.push(payload)) as ChatEvents[K]);
  return seen;
}

function statesOf(chat: Chat): Map<string, MessageState[]> {
  const states = new Map<string, MessageState[]>();
  chat.on('message:state', ({ id, state }) => states.set(id, [...(states.get(id) ?? []), state]));
  return states;
}

/** A bare StanzaJS client, to send what the SDK never would. */
async function rawAgent(account: TestAccount): Promise<RawAgent> {
  const agent = await connectRawAgent(account, xmpp.websocketUrl);
  cleanups.push(() => agent.close());
  return agent;
}

const bodies = (messages: Array<{ message: Message }>) => messages.map((m) => m.message.body);

describe('one-to-one chat', () => {
  it('moves a message to delivered (receipt/marker) and to displayed when the peer reads it', async () => {
    const [anna, ben] = await createAccounts(2);
    const [a, b] = await Promise.all([online(anna!), online(ben!)]);
    const states = statesOf(a);
    const atBen = record(b, 'message');
    const sent = a.send(ben!.jid, 'Did you get this?');
    await expect.poll(() => states.get(sent.id)).toContain('delivered');
    expect(states.get(sent.id)).not.toContain('displayed');
    expect(bodies(atBen)).toEqual(['Did you get this?']);
    expect(b.conversations.get(anna!.jid)?.unread).toBe(1);

    b.markRead(anna!.jid);
    expect(b.conversations.get(anna!.jid)?.unread).toBe(0);
    await expect.poll(() => states.get(sent.id)?.at(-1)).toBe('displayed');
    expect(states.get(sent.id)).toEqual(['queued', 'sent', 'acked', 'delivered', 'displayed']);
  });

  it('a message sent on the last page moves on to displayed on the next one, and in the store', async () => {
    const [anna, ben] = await createAccounts(2);
    const store = createMemoryStore(); // as the browser's IndexedDB store outlives a page
    const page = (): Chat => {
      const chat = createChat({
        jid: anna!.jid,
        password: anna!.password,
        service: xmpp.websocketUrl,
        resumeStorage: false,
        store,
      });
      cleanups.push(() => chat.disconnect());
      return chat;
    };
    const first = page();
    const [, b] = await Promise.all([first.connect(), online(ben!)]);
    const sent = first.send(ben!.jid, 'Liest du das nachher?');
    const stored = async () => (await store.messages(ben!.jid)).find((m) => m.id === sent.id)?.state;
    await expect.poll(stored).toBe('delivered');
    await first.disconnect();

    // The next page; Ben reads the message meanwhile.
    const next = page();
    const states = statesOf(next);
    await next.connect();
    await next.conversations.restored;
    b.markRead(anna!.jid);
    await expect.poll(() => states.get(sent.id)).toEqual(['displayed']);
    await expect.poll(stored).toBe('displayed');
  });

  it('asks for no receipt or marker when told so (a bot): the message stops at acked', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = createChat({
      jid: anna!.jid,
      password: anna!.password,
      service: xmpp.websocketUrl,
      resumeStorage: false,
      receipts: false,
    });
    cleanups.push(() => a.disconnect());
    const [, b] = await Promise.all([a.connect(), online(ben!)]);
    const states = statesOf(a);
    const atAnna = record(a, 'message');
    const atBen = record(b, 'message');
    const sent = a.send(ben!.jid, 'No ticks needed');
    await expect.poll(() => bodies(atBen)).toEqual(['No ticks needed']);
    b.markRead(anna!.jid);
    // Ben's stanzas reach Anna in order: an answer to a request would come before his reply.
    b.send(anna!.jid, 'Noted');
    await expect.poll(() => bodies(atAnna)).toEqual(['No ticks needed', 'Noted']);
    await expect.poll(() => states.get(sent.id)).toContain('acked');
    expect(states.get(sent.id)).not.toContain('delivered');
    expect(states.get(sent.id)).not.toContain('displayed');
  });

  it('reports a message to an account that does not exist as failed, with the reason', async () => {
    const [anna] = await createAccounts(1);
    const a = await online(anna!);
    const failed = new Promise<{ state: MessageState; code?: string }>((resolve) =>
      a.on('message:state', ({ state, error }) => {
        if (state === 'failed') resolve({ state, ...(error ? { code: error.code } : {}) });
      }),
    );
    a.send(`nobody-${Date.now()}@${xmpp.domain}`, 'anyone there?');
    expect(await failed).toEqual({ state: 'failed', code: 'service-unavailable' });
  });

  it('emits our own sent message once, as outgoing, before send returns', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = await online(anna!);
    const atAnna = record(a, 'message');
    const sent = a.send(ben!.jid, 'one stream for everything');
    expect(atAnna).toHaveLength(1);
    expect(atAnna[0]!.message).toMatchObject({ id: sent.id, direction: 'out', conversation: ben!.jid });
    await sleep(300);
    expect(atAnna).toHaveLength(1);
  });

  it('shows the peer typing, pausing and going back to active with the message', async () => {
    const [anna, ben] = await createAccounts(2);
    const [a, b] = await Promise.all([online(anna!), online(ben!)]);
    const typing = record(b, 'typing');
    a.setTyping(ben!.jid, 'composing');
    a.setTyping(ben!.jid, 'composing'); // a repeat is not sent again
    await expect.poll(() => typing.map((t) => t.state)).toEqual(['composing']);
    expect(typing[0]).toMatchObject({ conversation: anna!.jid, state: 'composing' });
    expect(typing[0]!.from.startsWith(`${anna!.jid}/`)).toBe(true);
    a.setTyping(ben!.jid, 'paused');
    a.send(ben!.jid, 'done typing');
    await expect.poll(() => typing.map((t) => t.state)).toEqual(['composing', 'paused', 'active']);
    expect(() => a.setTyping(ben!.jid, 'sleeping' as 'paused')).toThrow(
      expect.objectContaining({ code: 'invalid-argument' }),
    );
  });

  it('corrects our last message: the same message changes on both sides', async () => {
    const [anna, ben] = await createAccounts(2);
    const [a, b] = await Promise.all([online(anna!), online(ben!)]);
    const atBen = record(b, 'message');
    const updatedAtBen = record(b, 'message:updated');
    const updatedAtAnna = record(a, 'message:updated');
    const first = a.send(ben!.jid, 'See you at 5');
    const sent = a.send(ben!.jid, 'Helo Ben');
    await expect.poll(() => atBen.length).toBe(2);

    await expect(a.correct(first.id, 'See you at 6')).rejects.toMatchObject({ code: 'invalid-argument' });
    const corrected = await a.correct(sent.id, 'Hello Ben');
    expect(corrected).toMatchObject({
      id: sent.id,
      body: 'Hello Ben',
      edited: true,
      correctedFrom: 'Helo Ben',
    });
    expect(updatedAtAnna.map((u) => u.message)).toEqual([corrected]);
    expect(a.conversations.get(ben!.jid)?.last?.body).toBe('Hello Ben');

    await expect.poll(() => updatedAtBen.length).toBe(1);
    const original = atBen[1]!.message;
    expect(updatedAtBen[0]!.message).toMatchObject({
      id: original.id,
      body: 'Hello Ben',
      edited: true,
      correctedFrom: 'Helo Ben',
    });
    expect(bodies(atBen)).toEqual(['See you at 5', 'Helo Ben']); // no third message
    expect(b.conversations.get(anna!.jid)?.last?.body).toBe('Hello Ben');
  });

  it('accepts a correction only from the original sender', async () => {
    const [anna, ben, eve] = await createAccounts(3);
    const a = await online(anna!);
    const [peer, mallory] = await Promise.all([rawAgent(ben!), rawAgent(eve!)]);
    const updated = record(a, 'message:updated');
    const atAnna = record(a, 'message');
    const sent = a.send(ben!.jid, 'Meet at the station');
    // Ben tries to rewrite what Anna said; Eve tries it from outside the conversation.
    peer.send({ to: anna!.jid, type: 'chat', body: 'Meet at the harbour', replace: sent.id });
    mallory.send({ to: anna!.jid, type: 'chat', body: 'Meet at the airport', replace: sent.id });
    peer.send({ to: anna!.jid, type: 'chat', body: 'after' });
    await expect.poll(() => bodies(atAnna)).toContain('after');
    expect(updated).toEqual([]);
    expect(atAnna.filter((m) => m.message.conversation === ben!.jid).map((m) => m.message.body)).toEqual([
      'Meet at the station',
      'after',
    ]);
    expect(a.conversations.list().find((c) => c.jid === ben!.jid)?.last?.body).toBe('after');
  });

  it('shows messages sent from our other device as outgoing (carbons)', async () => {
    const [anna, ben] = await createAccounts(2);
    const [web, phone, b] = await Promise.all([online(anna!, 'web'), online(anna!, 'phone'), online(ben!)]);
    await sleep(300); // carbons are enabled right after discovery: let the IQ land
    const atWeb = record(web, 'message');
    const atPhone = record(phone, 'message');
    phone.send(ben!.jid, 'from the phone');
    await expect.poll(() => atWeb.map((m) => m.message.body)).toEqual(['from the phone']);
    expect(atWeb[0]!.message).toMatchObject({ direction: 'out', conversation: ben!.jid });
    expect(atWeb[0]!.message.from).toBe(phone.jid);

    web.send(ben!.jid, 'from the browser');
    await expect.poll(() => bodies(atPhone)).toEqual(['from the phone', 'from the browser']);
    expect(atPhone[1]!.message).toMatchObject({ direction: 'out', conversation: ben!.jid });

    // A reply from Ben reaches both devices, once each.
    b.send(anna!.jid, 'hi both');
    await expect.poll(() => bodies(atWeb)).toEqual(['from the phone', 'from the browser', 'hi both']);
    await expect.poll(() => bodies(atPhone)).toEqual(['from the phone', 'from the browser', 'hi both']);
    await sleep(300);
    expect(atWeb).toHaveLength(3);
    expect(atPhone).toHaveLength(3);
  });

  it('ignores a forged carbon sent by another account', async () => {
    const [anna, ben, eve] = await createAccounts(3);
    // The SDK's parts, composed here so the test can also watch the raw stream.
    const events = createEmitter<ChatEvents>(() => undefined);
    const transport = createTransport({
      jid: anna!.jid,
      credentials: async () => ({ password: anna!.password }),
      service: xmpp.websocketUrl,
    });
    const discovery = createDiscovery({ transport, emit: events.emit });
    createChats({ transport, emit: events.emit, discovery });
    cleanups.push(() => transport.disconnect());
    const surfaced: Message[] = [];
    events.on('message', ({ message }) => surfaced.push(message));
    const onTheWire: string[] = [];
    agentOf(transport).on('message', (msg) => {
      if (msg.carbon) onTheWire.push('carbon');
    });
    expect(await transport.connect()).toMatchObject({ ok: true });

    const mallory = await rawAgent(eve!);
    const forged = {
      to: transport.jid!,
      type: 'chat',
      carbon: {
        type: 'sent',
        forward: {
          message: { from: `${anna!.jid}/phone`, to: ben!.jid, type: 'chat', body: 'I owe Eve 1000 EUR' },
        },
      },
    };
    mallory.send(forged);
    mallory.send({ to: transport.jid!, type: 'chat', body: 'hello from eve' });
    await expect.poll(() => surfaced.map((m) => m.body)).toEqual(['hello from eve']);
    expect(onTheWire).toEqual(['carbon']); // it did arrive, and was dropped
    expect(surfaced[0]).toMatchObject({ direction: 'in', conversation: eve!.jid });
  });

  it('turns an OOB link into an attachment, and flags /me', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = await online(anna!);
    const atAnna = record(a, 'message');
    const peer = await rawAgent(ben!);
    const url = 'https://share.example.com/abc/holiday%20photo.jpg';
    peer.send({ to: anna!.jid, type: 'chat', body: url, links: [{ url, description: 'Beach' }] });
    peer.send({ to: anna!.jid, type: 'chat', body: '/me waves' });
    await expect.poll(() => atAnna.length).toBe(2);
    expect(atAnna[0]!.message.attachment).toEqual({
      url,
      name: 'holiday photo.jpg',
      type: 'image/jpeg',
      description: 'Beach',
    });
    expect(atAnna[1]!.message).toMatchObject({ body: '/me waves', action: true });
    expect(atAnna[1]!.message.attachment).toBeUndefined();
  });

  it('lists conversations recent first with unread counts, live', async () => {
    const [anna, ben, carol] = await createAccounts(3);
    const [a, b, c] = await Promise.all([online(anna!), online(ben!), online(carol!)]);
    const updates = record(a, 'conversation:updated');
    const list = () => a.conversations.list().map((conv) => [conv.jid, conv.unread, conv.last?.body]);

    b.send(anna!.jid, 'ben 1');
    await expect.poll(list).toEqual([[ben!.jid, 1, 'ben 1']]);
    c.send(anna!.jid, 'carol 1');
    await expect.poll(list).toEqual([
      [carol!.jid, 1, 'carol 1'],
      [ben!.jid, 1, 'ben 1'],
    ]);
    b.send(anna!.jid, 'ben 2');
    await expect.poll(list).toEqual([
      [ben!.jid, 2, 'ben 2'],
      [carol!.jid, 1, 'carol 1'],
    ]);

    a.markRead(ben!.jid);
    expect(list()).toEqual([
      [ben!.jid, 0, 'ben 2'],
      [carol!.jid, 1, 'carol 1'],
    ]);
    a.send(carol!.jid, 'hi carol'); // replying reads the conversation
    expect(list()).toEqual([
      [carol!.jid, 0, 'hi carol'],
      [ben!.jid, 0, 'ben 2'],
    ]);
    expect(updates.at(-1)!.conversation).toMatchObject({ jid: carol!.jid, unread: 0 });
    expect(updates.length).toBeGreaterThanOrEqual(5);
  });
});
