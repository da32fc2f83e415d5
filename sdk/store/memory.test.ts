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
