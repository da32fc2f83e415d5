// The IndexedDB store in a real browser: after a reload the last messages show at once from the
// store, while the server is unreachable; the store keeps only the newest messages it may.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { startFaultProxy, type FaultProxy } from '../test/rig/fault-proxy.js';
import { emulateNetwork, watchPage } from '../test/rig/browser.js';
import { useSdkPage, waitReady } from '../test/rig/sdk-page.js';
import {
  createChat,
  type Chat,
  type createIndexedDbStore,
  type Message,
  type StoredConversation,
} from './index.js';

const xmpp = inject('xmpp');

// The page script: a client with an IndexedDB store keeping 3 messages per conversation. Before
// connecting it reads what the store holds (`window.ready` resolves with that); the connection
// then goes on in the background.
const PAGE_SCRIPT = `
import { createChat, createIndexedDbStore } from './mailbox-chat.js';
const params = new URLSearchParams(location.hash.slice(1));
const jid = params.get('jid');
const chat = createChat({
  jid,
  password: params.get('password'),
  service: params.get('service'),
  store: createIndexedDbStore({ jid, maxPerConversation: 3 }),
  // A test can ask the next load for a fresh session (no resume).
  ...(localStorage.getItem('test:fresh') ? { resumeStorage: false } : {}),
  reconnect: { initialDelay: 100, maxDelay: 500 },
});
window.chat = chat;
window.createIndexedDbStore = createIndexedDbStore;
window.received = [];
window.failures = [];
chat.on('error', ({ error }) => window.failures.push(error.code + ': ' + error.message + ' ' + String(error.cause)));
chat.on('message', ({ message }) => window.received.push(message.body));
window.ready = (async () => {
  await chat.conversations.restored;
  const shown = [];
  for (const c of chat.conversations.list()) {
    const stored = await chat.archive.stored(c.jid);
    shown.push({ jid: c.jid, last: c.last?.body, unread: c.unread, stored: stored.map((m) => m.body) });
  }
  const status = chat.status;
  chat.connect().catch(() => undefined); // the server may be unreachable: it keeps retrying
  return { shown, status };
})();
`;

const sdkPage = useSdkPage(PAGE_SCRIPT);
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type Shown = {
  shown: Array<{ jid: string; last?: string; unread: number; stored: string[] }>;
  status: string;
};

describe('the IndexedDB store', () => {
  it('writes messages, conversations and cursors together, all or nothing, and answers for many messages at once', async () => {
    const [anna] = await createAccounts(1);
    const { page, errors } = await sdkPage.open(anna!, xmpp.websocketUrl);
    const result = await page.evaluate(async () => {
      const create = (window as unknown as { createIndexedDbStore: typeof createIndexedDbStore })
        .createIndexedDbStore;
      const name = `batch-${crypto.randomUUID()}`;
      const store = create({ jid: 'anna@x', name, maxPerConversation: 2 });
      const m = (c: string, n: number, extra: Record<string, unknown> = {}): Message =>
        ({
          id: `${c}-${n}`,
          stanzaId: `s-${c}-${n}`,
          conversation: c,
          from: `${c}/x`,
          direction: 'in',
          kind: 'chat',
          body: `${c} ${n}`,
          time: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
          ...extra,
        }) as Message;
      const conversation = (jid: string, unread: number): StoredConversation => ({
        jid,
        kind: 'chat',
        unread,
        updated: new Date(unread),
      });
      await store.setCursor('team@x', 'old');
      await store.write!({
        messages: [m('ben@x', 1), m('ben@x', 3), m('carla@x', 1), m('ben@x', 2)],
        conversations: [conversation('ben@x', 1), conversation('ben@x', 2)],
        cursors: [
          { archive: 'anna@x', cursor: 'a1' },
          { archive: 'anna@x', cursor: 'a2' },
          { archive: 'team@x', cursor: undefined },
        ],
      });
      const written = {
        ben: (await store.messages('ben@x')).map((x) => x.body),
        carla: (await store.messages('carla@x')).map((x) => x.body),
        conversations: (await store.conversations()).map((c) => [c.jid, c.unread]),
        cursors: [await store.cursor('anna@x'), await store.cursor('team@x')],
      };
      const known = await store.hasMany!([
        { conversation: 'ben@x', id: 'ben@x-1' }, // pruned: still known
        { conversation: 'ben@x', stanzaId: 's-ben@x-3' },
        { conversation: 'carla@x', stanzaId: 's-ben@x-3' }, // another conversation's
        { conversation: 'carla@x', id: 'nope', stanzaId: 's-carla@x-1' }, // either id matches
        { conversation: 'ben@x', stanzaId: 'nope' },
      ]);
      // A message that cannot be stored (a function in it): nothing of the batch is written.
      let failure = '';
      try {
        await store.write!({
          messages: [m('dora@x', 1), m('dora@x', 2, { body: () => 'not storable' })],
          conversations: [conversation('dora@x', 3)],
          cursors: [{ archive: 'anna@x', cursor: 'a3' }],
        });
      } catch (error) {
        failure = (error as Error).name;
      }
      const afterFailure = {
        dora: (await store.messages('dora@x')).length,
        known: await store.has('dora@x', { id: 'dora@x-1' }),
        conversations: (await store.conversations()).length,
        cursor: await store.cursor('anna@x'),
      };
      await store.close!();
      indexedDB.deleteDatabase(name);
      return { written, known, failure, afterFailure };
    });
    expect(result).toEqual({
      written: {
        ben: ['ben@x 2', 'ben@x 3'],
        carla: ['carla@x 1'],
        conversations: [['ben@x', 2]],
        cursors: ['a2', undefined],
      },
      known: [true, true, false, true, false],
      failure: 'DataCloneError',
      afterFailure: { dora: 0, known: false, conversations: 1, cursor: 'a2' },
    });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the last messages after a reload before the network answers, and keeps only the newest', async () => {
    const { anna, ben, link, peer } = await annaBenAndLink();

    const { page, errors, ready } = await sdkPage.open(anna!, link.url('ws', '/xmpp-websocket'));
    expect((ready as Shown).shown).toEqual([]);
    const evaluate = <T>(fn: () => T | Promise<T>): Promise<T> => page.evaluate(fn);
    await expect.poll(() => evaluate(() => (window as unknown as { chat: Chat }).chat.status)).toBe('online');

    for (const body of ['eins', 'zwei', 'drei', 'vier', 'fünf']) peer.send(anna!.jid, body);
    await expect
      .poll(() => evaluate(() => (window as unknown as { received: string[] }).received), { timeout: 15_000 })
      .toEqual(['eins', 'zwei', 'drei', 'vier', 'fünf']);
    // Written to IndexedDB (pruned to the newest 3).
    const storedNow = (): Promise<string[]> =>
      page.evaluate(async (jid) => {
        const { chat } = window as unknown as { chat: Chat };
        return (await chat.archive.stored(jid)).map((m) => m.body);
      }, ben!.jid);
    await expect.poll(storedNow).toEqual(['drei', 'vier', 'fünf']);

    // The server becomes unreachable, and the page is reloaded.
    link.refuse(true);
    link.cutAll();
    await page.reload({ waitUntil: 'commit' });
    const after = (await waitReady(page)) as Shown;
    expect(after.status).not.toBe('online');
    expect(after.shown).toEqual([
      { jid: ben!.jid, last: 'fünf', unread: 5, stored: ['drei', 'vier', 'fünf'] },
    ]);

    // The first connection attempt failed (nothing to resume from: a fresh start that failed).
    const status = (): Promise<string> => evaluate(() => (window as unknown as { chat: Chat }).chat.status);
    await expect.poll(status).toBe('disconnected');

    // Back online: a message sent meanwhile arrives once; the stored ones are not repeated.
    peer.send(anna!.jid, 'sechs');
    link.refuse(false);
    await evaluate(() => (window as unknown as { chat: Chat }).chat.connect());
    await expect
      .poll(() => evaluate(() => (window as unknown as { chat: Chat }).chat.status), { timeout: 15_000 })
      .toBe('online');
    await expect
      .poll(() => evaluate(() => (window as unknown as { received: string[] }).received), { timeout: 15_000 })
      .toEqual(['sechs']);
    // 'sechs' came back with a whole-second delay stamp: it still counts as the newest.
    await expect.poll(storedNow).toEqual(['vier', 'fünf', 'sechs']);
    expect(await evaluate(() => (window as unknown as { failures: string[] }).failures)).toEqual([]);
    // The browser reports the refused connections; nothing else went wrong.
    expect(errors.filter((e) => !/WebSocket connection to .* failed/.test(e))).toEqual([]);
    await page.close();
  });

  it('catches up after a reload into a fresh session: what came meanwhile arrives once, after the stored', async () => {
    const { anna, ben, link, peer } = await annaBenAndLink();
    const { page, errors } = await sdkPage.open(anna!, link.url('ws', '/xmpp-websocket'));
    const evaluate = <T>(fn: () => T | Promise<T>): Promise<T> => page.evaluate(fn);
    const status = (): Promise<string> => evaluate(() => (window as unknown as { chat: Chat }).chat.status);
    const received = (): Promise<string[]> =>
      evaluate(() => (window as unknown as { received: string[] }).received);
    await expect.poll(status).toBe('online');
    peer.send(anna!.jid, 'a1');
    peer.send(anna!.jid, 'a2');
    await expect.poll(received).toEqual(['a1', 'a2']);

    // The link goes; the next load starts a fresh session. Meanwhile ben writes three more.
    await evaluate(() => localStorage.setItem('test:fresh', '1'));
    link.refuse(true);
    link.cutAll();
    for (const body of ['b1', 'b2', 'b3']) peer.send(anna!.jid, body);
    await new Promise((resolve) => setTimeout(resolve, 300));
    link.refuse(false);
    await page.reload({ waitUntil: 'commit' });
    const after = (await waitReady(page)) as Shown;
    expect(after.shown).toEqual([{ jid: ben!.jid, last: 'a2', unread: 2, stored: ['a1', 'a2'] }]);
    await expect.poll(status, { timeout: 15_000 }).toBe('online');
    await expect.poll(received, { timeout: 15_000 }).toEqual(['b1', 'b2', 'b3']);
    await new Promise((resolve) => setTimeout(resolve, 500)); // a late duplicate would show here
    expect(await received()).toEqual(['b1', 'b2', 'b3']);
    expect(errors.filter((e) => !/WebSocket connection to .* failed/.test(e))).toEqual([]);
    await page.close();
  });

  it('sends what a tab closed while offline left waiting, from another tab’s next page, not while that tab is open', async () => {
    await closedWhileOffline('chat');
  });

  it('does so for a room message too, once the room is joined again', async () => {
    await closedWhileOffline('room');
  });
});

/**
 * A tab writes offline (one-to-one to Ben, or in a room Ben is in) and stays offline while
 * another tab of the browser signs in: the message is the first tab's, not sent. The first tab
 * is closed, and the other tab's next page sends it, once.
 */
async function closedWhileOffline(where: 'chat' | 'room'): Promise<void> {
  const { anna, ben, link, peer } = await annaBenAndLink();
  const room = `offline-${Math.random().toString(36).slice(2, 8)}@conference.${xmpp.domain}`;
  const target = where === 'room' ? room : ben!.jid;
  const got: string[] = [];
  if (where === 'room') {
    const benRoom = await peer.rooms.join(room, { nick: 'ben', config: { persistent: true } });
    peer.on('message', ({ message }) => {
      if (message.conversation === room && message.from !== `${room}/${benRoom.nick}`) got.push(message.body);
    });
  } else {
    peer.on('message', ({ message }) => {
      if (message.direction === 'in') got.push(message.body);
    });
  }
  const { page: first } = await sdkPage.open(anna!, link.url('ws', '/xmpp-websocket'));
  type Page = typeof first;
  const status = (page: Page): Promise<string> =>
    page.evaluate(() => (window as unknown as { chat: Chat }).chat.status);
  const stored = (page: Page): Promise<string[]> =>
    page.evaluate(async (jid) => {
      const { chat } = window as unknown as { chat: Chat };
      return (await chat.archive.stored(jid))
        .filter((m) => m.direction === 'out')
        .map((m) => `${m.body} (${m.state ?? '?'})`);
    }, target);
  const join = (page: Page): Promise<unknown> =>
    page.evaluate(
      (jid) => (window as unknown as { chat: Chat }).chat.rooms.join(jid, { nick: 'anna' }),
      room,
    );
  await expect.poll(() => status(first)).toBe('online');
  if (where === 'room') await join(first);

  // The first tab loses the server and the user writes; the message waits, in the store too.
  link.refuse(true);
  link.cutAll();
  await expect.poll(() => status(first)).not.toBe('online');
  await first.evaluate(
    ([to, inRoom]) => {
      const { chat } = window as unknown as { chat: Chat };
      if (inRoom) chat.rooms.get(to)!.send('offline geschrieben');
      else chat.send(to, 'offline geschrieben');
    },
    [target, where === 'room'] as const,
  );
  await expect.poll(() => stored(first)).toEqual(['offline geschrieben (queued)']);
  // Its own network stays down; the server is reachable again for other tabs.
  await emulateNetwork(first, { offline: true });
  link.refuse(false);

  // Another tab of the browser, online while the first is still open: the message is not its own.
  const second = await first.context().newPage();
  const { errors } = watchPage(second);
  await second.goto(first.url());
  await waitReady(second);
  await expect.poll(() => status(second), { timeout: 15_000 }).toBe('online');
  if (where === 'room') await join(second);
  await new Promise((resolve) => setTimeout(resolve, 1000)); // a copy it sent would arrive here
  expect(got).toEqual([]);
  expect(await stored(second)).toEqual(['offline geschrieben (queued)']);

  // The first tab is closed: the other tab's next page sends what it left (in a room, once the
  // page is in the room again: the tab's resumed session rejoins it), once.
  await first.close();
  await second.reload({ waitUntil: 'commit' });
  await waitReady(second);
  await expect.poll(() => got, { timeout: 15_000 }).toEqual(['offline geschrieben']);
  await expect.poll(() => stored(second)).not.toEqual(['offline geschrieben (queued)']);
  await new Promise((resolve) => setTimeout(resolve, 500)); // a second copy would arrive here
  expect(got).toEqual(['offline geschrieben']);
  expect(errors).toEqual([]);
  await second.close();
}

/**
 * Anna, whose page reaches the server through a fault proxy (`link`), and Ben, online on his own
 * connection (`peer`); both torn down after the test.
 */
async function annaBenAndLink() {
  const [anna, ben] = await createAccounts(2);
  const link: FaultProxy = await startFaultProxy({ target: { host: xmpp.host, port: xmpp.ports.http } });
  cleanups.push(() => link.close());
  const peer: Chat = createChat({
    jid: ben!.jid,
    password: ben!.password,
    service: xmpp.websocketUrl,
    resumeStorage: false,
  });
  cleanups.push(() => peer.disconnect());
  await peer.connect();
  return { anna: anna!, ben: ben!, link, peer };
}
