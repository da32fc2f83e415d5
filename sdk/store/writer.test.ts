import { describe, expect, it } from 'vitest';
import type { Message } from '../types.js';
import { createMemoryStore } from './memory.js';
import { hasMany, type Store, type StoreChanges } from './store.js';
import { createStoreWriter } from './writer.js';

const message = (n: number, extra: Partial<Message> = {}): Message => ({
  id: `m${n}`,
  stanzaId: `s${n}`,
  conversation: 'ben@x',
  from: 'ben@x/phone',
  direction: 'in',
  kind: 'chat',
  body: `#${n}`,
  time: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
  ...extra,
});

/** A memory store that records each batch written to it. */
function recording(): { store: Store; batches: StoreChanges[] } {
  const store = createMemoryStore();
  const batches: StoreChanges[] = [];
  return {
    store: {
      ...store,
      async write(changes) {
        batches.push(changes);
        await store.write!(changes);
      },
    },
    batches,
  };
}

/** What a store written against the original interface offers: no `write`, no `hasMany`. */
function original(store: Store, calls: string[]): Store {
  return {
    putMessages: async (messages) => {
      calls.push(`putMessages ${messages.map((m) => m.id).join(',')}`);
      await store.putMessages(messages);
    },
    messages: (conversation, options) => store.messages(conversation, options),
    findMessage: (conversation, ref) => store.findMessage(conversation, ref),
    has: async (conversation, ref) => {
      calls.push('has');
      return store.has(conversation, ref);
    },
    conversations: () => store.conversations(),
    putConversation: async (conversation) => {
      calls.push(`putConversation ${conversation.jid}`);
      await store.putConversation(conversation);
    },
    cursor: (archive) => store.cursor(archive),
    setCursor: async (archive, cursor) => {
      calls.push(`setCursor ${archive} ${cursor}`);
      await store.setCursor(archive, cursor);
    },
    clear: () => store.clear(),
  };
}

const noErrors = (cause: unknown): never => {
  throw new Error(`unexpected write failure: ${String(cause)}`);
};

describe('the store writer', () => {
  it('writes what comes in one go as one batch, and what comes while the store is busy as the next', async () => {
    const { store, batches } = recording();
    const writes = createStoreWriter(store, noErrors);
    // One catch-up page: its messages, the conversation after each, and the archive's cursor.
    for (const n of [1, 2, 3]) {
      writes.putMessage(message(n));
      writes.putConversation({
        jid: 'ben@x',
        kind: 'chat',
        last: message(n),
        unread: n,
        updated: message(n).time,
      });
    }
    writes.setCursor('anna@x', 's3');
    await Promise.resolve(); // the first batch is with the store now
    writes.putMessage(message(4));
    writes.putMessage(message(3, { body: 'corrected', edited: true }));
    await writes.settled();
    expect(batches).toEqual([
      {
        messages: [message(1), message(2), message(3)],
        conversations: [
          { jid: 'ben@x', kind: 'chat', last: message(3), unread: 3, updated: message(3).time },
        ],
        cursors: [{ archive: 'anna@x', cursor: 's3' }],
      },
      {
        messages: [message(4), message(3, { body: 'corrected', edited: true })],
        conversations: [],
        cursors: [],
      },
    ]);
    expect((await store.messages('ben@x')).map((m) => m.body)).toEqual(['#1', '#2', 'corrected', '#4']);
    expect(await store.cursor('anna@x')).toBe('s3');
  });

  it('changes a message still waiting in the queue, and reads one written already back from the store', async () => {
    const { store, batches } = recording();
    const writes = createStoreWriter(store, noErrors);
    const sent = message(1, { direction: 'out', state: 'queued' });
    writes.putMessage(sent);
    writes.updateMessage('ben@x', 'm1', (m) => ({ ...m, state: 'sent' }));
    await writes.settled();
    expect(batches).toHaveLength(1);
    writes.updateMessage('ben@x', 'm1', (m) => ({ ...m, state: 'acked' }));
    writes.updateMessage('ben@x', 'unknown', (m) => ({ ...m, state: 'acked' })); // not held: nothing
    await writes.settled();
    expect(await store.messages('ben@x')).toEqual([{ ...sent, state: 'acked' }]);
  });

  it('runs a task after the writes queued before it; writes queued later wait for it', async () => {
    const store = createMemoryStore();
    const writes = createStoreWriter(store, noErrors);
    writes.setCursor('anna@x', 'a1');
    const seen = writes.after(() => store.cursor('anna@x'));
    writes.setCursor('anna@x', 'a2');
    expect(await seen).toBe('a1');
    await expect(writes.after(() => Promise.reject(new Error('no')))).rejects.toThrow('no');
    await writes.settled();
    expect(await store.cursor('anna@x')).toBe('a2');
  });

  it('reports a failed batch and goes on with the next', async () => {
    const store = createMemoryStore();
    let fail = true;
    const failing: Store = {
      ...store,
      async write(changes) {
        if (fail) throw new Error('disk full');
        await store.write!(changes);
      },
    };
    const reported: unknown[] = [];
    const writes = createStoreWriter(failing, (cause) => reported.push(cause));
    writes.putMessage(message(1));
    await writes.settled();
    fail = false;
    writes.putMessage(message(2));
    await writes.settled();
    expect(reported).toEqual([new Error('disk full')]);
    expect((await store.messages('ben@x')).map((m) => m.body)).toEqual(['#2']);
  });

  it('works with a store written against the original interface, one call at a time', async () => {
    const inner = createMemoryStore({ maxPerConversation: 1 });
    const calls: string[] = [];
    const store = original(inner, calls);
    const writes = createStoreWriter(store, noErrors);
    writes.putMessage(message(1));
    writes.putMessage(message(2));
    writes.putConversation({ jid: 'ben@x', kind: 'chat', unread: 0, updated: new Date(0) });
    writes.setCursor('anna@x', 's2');
    await writes.settled();
    expect(calls).toEqual(['putMessages m1,m2', 'putConversation ben@x', 'setCursor anna@x s2']);
    calls.length = 0;
    expect(
      await hasMany(store, [
        { conversation: 'ben@x', stanzaId: 's1' }, // pruned
        { conversation: 'ben@x', id: 'm2' },
        { conversation: 'ben@x', stanzaId: 's3' },
      ]),
    ).toEqual([true, true, false]);
    expect(calls).toEqual(['has', 'has', 'has']);
  });
});
