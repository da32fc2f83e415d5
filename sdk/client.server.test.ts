import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { transportOf } from './client.js';
import { createChat, isChatError, type Chat, type Message, type Status } from './index.js';
import { agentOf } from './transport/xmpp.js';

const xmpp = inject('xmpp');
const open: Chat[] = [];

function client(jid: string, password: string): Chat {
  const chat = createChat({ jid, password, service: xmpp.websocketUrl });
  open.push(chat);
  return chat;
}

function nextMessage(chat: Chat): Promise<Message> {
  return new Promise((resolve) => {
    const off = chat.on('message', ({ message }) => {
      off();
      resolve(message);
    });
  });
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((chat) => chat.disconnect()));
});

describe('a session over WebSocket', () => {
  it('goes connecting → online → offline and reports each status', async () => {
    const [anna] = await createAccounts(1);
    const chat = client(anna!.jid, anna!.password);
    const seen: Status[] = [];
    chat.on('status', ({ status }) => seen.push(status));
    expect(chat.status).toBe('offline');
    await chat.connect();
    expect(chat.status).toBe('online');
    await chat.disconnect();
    expect(chat.status).toBe('offline');
    expect(seen).toEqual(['connecting', 'online', 'offline']);
  });

  it('rejects a wrong password with auth-failed and ends disconnected', async () => {
    const [anna] = await createAccounts(1);
    const chat = client(anna!.jid, 'not-the-password');
    const statuses: Array<{ status: Status; code?: string }> = [];
    chat.on('status', ({ status, error }) =>
      statuses.push({ status, ...(error ? { code: error.code } : {}) }),
    );
    const error = await chat.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isChatError(error) && error.code).toBe('auth-failed');
    expect(chat.status).toBe('disconnected');
    expect(statuses).toEqual([{ status: 'connecting' }, { status: 'disconnected', code: 'auth-failed' }]);
  });

  it('delivers a message from one account to another', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = client(anna!.jid, anna!.password);
    const b = client(ben!.jid, ben!.password);
    await Promise.all([a.connect(), b.connect()]);
    const arriving = nextMessage(b);
    const sent = a.send(ben!.jid, 'Hallo Ben <script>alert(1)</script>');
    expect(sent.state).toBe('sent');
    const received = await arriving;
    expect(received).toMatchObject({
      conversation: anna!.jid,
      direction: 'in',
      kind: 'chat',
      body: 'Hallo Ben <script>alert(1)</script>',
    });
    expect(received.from.startsWith(`${anna!.jid}/`)).toBe(true);
  });

  it('tells when what was asked for is written: written() resolves after it, in the same task', async () => {
    const [anna, ben] = await createAccounts(2);
    const chat = client(anna!.jid, anna!.password);
    await chat.connect();
    const out: string[] = [];
    agentOf(transportOf(chat)!).on('raw:outgoing', (data: string) => out.push(data));
    const bodies = ['one', 'two', 'three'];
    const written = () => out.filter((d) => bodies.some((b) => d.includes(`<body>${b}</body>`)));
    for (const body of bodies) chat.send(ben!.jid, body);
    let taskPassed = false;
    setTimeout(() => (taskPassed = true));
    expect(written()).toHaveLength(0);
    await chat.written();
    expect(written()).toHaveLength(3);
    expect(taskPassed).toBe(false);

    // Offline, nothing can be written: it resolves at once, and the message waits for a session.
    await chat.disconnect();
    chat.send(ben!.jid, 'later');
    await chat.written();
    expect(out.some((d) => d.includes('<body>later</body>'))).toBe(false);
  });

  it('counts a history page asked for as written only once its query is, though checks come first', async () => {
    const [anna, ben] = await createAccounts(2);
    const chat = client(anna!.jid, anna!.password);
    await chat.connect();
    await vi.waitFor(() => expect(chat.server?.archive).toBe(true));
    const out: string[] = [];
    agentOf(transportOf(chat)!).on('raw:outgoing', (data: string) => out.push(data));
    // The page's query goes out after a few promise callbacks (is it a room? does the server
    // keep an archive?): a view drawn once written() resolved would still have been in its way.
    const page = chat.archive.history(ben!.jid);
    let taskPassed = false;
    setTimeout(() => (taskPassed = true));
    await chat.written();
    expect(out.filter((d) => d.includes('urn:xmpp:mam:2'))).toHaveLength(1);
    expect(taskPassed).toBe(false);
    expect((await page).messages).toEqual([]);
  });

  it('queues a message written before connect and sends it once online', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = client(anna!.jid, anna!.password);
    const b = client(ben!.jid, ben!.password);
    await b.connect();
    const states: string[] = [];
    const acked = new Promise<void>((resolve) =>
      a.on('message:state', ({ state }) => {
        states.push(state);
        if (state === 'acked') resolve();
      }),
    );
    const queued = a.send(ben!.jid, 'written while offline');
    expect(queued.state).toBe('queued');
    const arriving = nextMessage(b);
    await a.connect();
    expect((await arriving).body).toBe('written while offline');
    await acked;
    // (The receiver's receipt may follow at once: `delivered` next.)
    expect(states.slice(0, 3)).toEqual(['queued', 'sent', 'acked']);
  });
});
