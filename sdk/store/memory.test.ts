import { describe, expect, it } from 'vitest';
import type { Message } from '../types.js';
import { createMemoryStore } from './memory.js';

const message = (conversation: string, n: number, extra: Partial<Message> = {}): Message => ({
  id: `${conversation}-${n}`,
  stanzaId: `s-${conversation}-${n}`,
  conversation,
  from: `${conversation}/x`,
  direction: 'in',
  kind: 'chat',
  body: `${conversation} ${n}`,
  time: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
  ...extra,
});

describe('memory store', () => {
  it('keeps at most maxPerConversation messages per conversation, pruning the oldest', async () => {
    const store = createMemoryStore({ maxPerConversation: 3 });
    await store.putMessages([1, 2, 3, 4, 5].map((n) => message('ben@x', n)));
    await store.putMessages([message('carla@x', 1)]);
    expect((await store.messages('ben@x')).map((m) => m.body)).toEqual(['ben@x 3', 'ben@x 4', 'ben@x 5']);
    expect(await store.messages('carla@x')).toHaveLength(1);
    expect(await store.findMessage('ben@x', { id: 'ben@x-1' })).toBeUndefined();
  });

  it('keeps at most maxMessages in total, pruning the oldest across conversations', async () => {
    const store = createMemoryStore({ maxMessages: 4 });
    await store.putMessages([message('ben@x', 1), message('carla@x', 2), message('ben@x', 3)]);
    await store.putMessages([message('carla@x', 4), message('ben@x', 5), message('carla@x', 6)]);
    expect((await store.messages('ben@x')).map((m) => m.body)).toEqual(['ben@x 3', 'ben@x 5']);
    expect((await store.messages('carla@x')).map((m) => m.body)).toEqual(['carla@x 4', 'carla@x 6']);
  });

  it('orders by time whatever the order stored, and replaces a message in its place', async () => {
    const store = createMemoryStore();
    await store.putMessages([message('ben@x', 3), message('ben@x', 1), message('ben@x', 2)]);
    await store.putMessages([message('ben@x', 2, { body: 'corrected', edited: true })]);
    expect((await store.messages('ben@x')).map((m) => m.body)).toEqual(['ben@x 1', 'corrected', 'ben@x 3']);
    expect((await store.findMessage('ben@x', { stanzaId: 's-ben@x-2' }))?.body).toBe('corrected');
  });

  it('pages back with before and limit', async () => {
    const store = createMemoryStore();
    await store.putMessages([1, 2, 3, 4, 5].map((n) => message('ben@x', n)));
    const newest = await store.messages('ben@x', { limit: 2 });
    expect(newest.map((m) => m.body)).toEqual(['ben@x 4', 'ben@x 5']);
    const older = await store.messages('ben@x', { limit: 2, before: newest[0]!.time });
    expect(older.map((m) => m.body)).toEqual(['ben@x 2', 'ben@x 3']);
  });

  it('keeps cursors and conversations, and forgets everything on clear', async () => {
    const store = createMemoryStore();
    await store.setCursor('anna@x', 'abc');
    await store.putConversation({ jid: 'ben@x', kind: 'chat', unread: 2, updated: new Date(0) });
    await store.putMessages([message('ben@x', 1)]);
    expect(await store.cursor('anna@x')).toBe('abc');
    expect(await store.conversations()).toHaveLength(1);
    await store.setCursor('anna@x', undefined);
    expect(await store.cursor('anna@x')).toBeUndefined();
    await store.clear();
    expect(await store.conversations()).toEqual([]);
    expect(await store.messages('ben@x')).toEqual([]);
  });
});

describe('memory store, many at once', () => {
  it('tells for many messages at once whether it holds them, or held them before pruning', async () => {
    const store = createMemoryStore({ maxPerConversation: 2 });
    await store.putMessages([1, 2, 3].map((n) => message('ben@x', n)));
    expect(
      await store.hasMany!([
        { conversation: 'ben@x', stanzaId: 's-ben@x-3' }, // held
        { conversation: 'ben@x', id: 'ben@x-1' }, // pruned: still known
        { conversation: 'ben@x', stanzaId: 'nope', id: 'ben@x-2' }, // either id matches
        { conversation: 'carla@x', stanzaId: 's-ben@x-3' }, // another conversation
        { conversation: 'ben@x', stanzaId: 'nope' },
      ]),
    ).toEqual([true, true, true, false, false]);
    expect(await store.hasMany!([])).toEqual([]);
  });

  it('writes messages, conversations and cursors together; later versions win', async () => {
    const store = createMemoryStore();
    await store.setCursor('team@rooms.x', 'old');
    await store.write!({
      messages: [message('ben@x', 2), message('carla@x', 1), message('ben@x', 1)],
      conversations: [
        { jid: 'ben@x', kind: 'chat', unread: 1, updated: new Date(1) },
        { jid: 'ben@x', kind: 'chat', unread: 2, updated: new Date(2) },
      ],
      cursors: [
        { archive: 'anna@x', cursor: 'a1' },
        { archive: 'anna@x', cursor: 'a2' },
        { archive: 'team@rooms.x', cursor: undefined },
      ],
    });
    expect((await store.messages('ben@x')).map((m) => m.body)).toEqual(['ben@x 1', 'ben@x 2']);
    expect(await store.messages('carla@x')).toHaveLength(1);
    expect(await store.conversations()).toEqual([
      { jid: 'ben@x', kind: 'chat', unread: 2, updated: new Date(2) },
    ]);
    expect(await store.cursor('anna@x')).toBe('a2');
    expect(await store.cursor('team@rooms.x')).toBeUndefined();
  });

  it('forgets the ids of pruned messages on clear too', async () => {
    const store = createMemoryStore({ maxPerConversation: 1 });
    await store.putMessages([message('ben@x', 1), message('ben@x', 2)]);
    expect(await store.has('ben@x', { id: 'ben@x-1' })).toBe(true);
    await store.clear();
    expect(await store.has('ben@x', { id: 'ben@x-1' })).toBe(false);
  });
});
