import { describe, expect, it } from 'vitest';
import type { Message } from '../../sdk/index.js';
import { ConversationStore } from './conversations.js';

let n = 0;
const incoming = (from: string, body: string, time = (n + 1) * 1000): Message => ({
  id: `in-${++n}`,
  conversation: from,
  from: `${from}/phone`,
  direction: 'in',
  kind: 'chat',
  body,
  time: new Date(time),
});
const outgoing = (to: string, body: string, time = (n + 1) * 1000): Message => ({
  id: `out-${++n}`,
  conversation: to,
  from: 'me@example.com/web',
  direction: 'out',
  kind: 'chat',
  body,
  time: new Date(time),
  state: 'sent',
});

describe('the conversations of a session', () => {
  it('lists the most recent conversation first, with its unread count', () => {
    const store = new ConversationStore();
    store.add(incoming('ben@example.com', 'hi'));
    store.add(incoming('cara@example.com', 'hello'));
    store.add(incoming('ben@example.com', 'there?'));
    expect(store.list().map((c) => [c.jid, c.unread])).toEqual([
      ['ben@example.com', 2],
      ['cara@example.com', 1],
    ]);
    expect(store.calls).toBe(3);
  });

  it('counts as calls for the user the unread room messages that mention them only', () => {
    const store = new ConversationStore();
    const room = (body: string): Message => ({
      ...incoming('team@rooms.example.com', body),
      from: 'team@rooms.example.com/ben',
      kind: 'groupchat',
    });
    store.add(room('lunch anyone?'), false, false);
    store.add(room('anna: are you in?'), false, true);
    store.add(incoming('cara@example.com', 'hello'));
    expect(store.get('team@rooms.example.com')).toMatchObject({ unread: 2, calls: 1 });
    expect(store.calls).toBe(2);
    expect(store.markRead('team@rooms.example.com')?.count).toBe(2);
    expect(store.get('team@rooms.example.com')).toMatchObject({ unread: 0, calls: 0 });
    expect(store.calls).toBe(1);
  });

  it('does not count what the user sees or sends, and ignores a message seen twice', () => {
    const store = new ConversationStore();
    const message = incoming('ben@example.com', 'hi');
    store.add(message, true);
    expect(store.add(message)).toBe(false);
    store.add(outgoing('ben@example.com', 'hey'));
    expect(store.get('ben@example.com')?.messages).toHaveLength(2);
    expect(store.calls).toBe(0);
  });

  it('keeps messages in time order when a delayed one arrives late', () => {
    const store = new ConversationStore();
    store.add(incoming('ben@example.com', 'second', 2000));
    store.add(incoming('ben@example.com', 'first', 1000));
    expect(store.get('ben@example.com')?.messages.map((m) => m.body)).toEqual(['first', 'second']);
  });

  it('applies delivery states to outgoing messages, replacing the conversation object', () => {
    const store = new ConversationStore();
    const message = outgoing('ben@example.com', 'hey');
    store.add(message);
    const before = store.get('ben@example.com');
    expect(store.setState(message.id, 'delivered')).toBe(true);
    expect(store.get('ben@example.com')).not.toBe(before);
    expect(store.get('ben@example.com')?.messages[0]?.state).toBe('delivered');
    expect(store.setState('unknown', 'acked')).toBe(false);
  });

  it('counts our messages waiting to be sent, over all conversations, until they are sent', () => {
    const store = new ConversationStore();
    const first = { ...outgoing('ben@example.com', 'eins'), state: 'queued' as const };
    const second = { ...outgoing('cara@example.com', 'zwei'), state: 'queued' as const };
    store.add(first);
    store.add(second);
    store.add(outgoing('ben@example.com', 'sent already'));
    store.add(incoming('ben@example.com', 'hi'));
    expect(store.waiting).toBe(2);
    store.setState(first.id, 'sent');
    expect(store.waiting).toBe(1);
  });

  it('marks a conversation read and says where the first unread message was', () => {
    const store = new ConversationStore();
    store.add(incoming('ben@example.com', 'old'), true);
    const first = incoming('ben@example.com', 'new 1');
    store.add(first);
    store.add(incoming('ben@example.com', 'new 2'));
    expect(store.markRead('ben@example.com')).toEqual({ jid: 'ben@example.com', id: first.id, count: 2 });
    expect(store.markRead('ben@example.com')).toBeUndefined();
    expect(store.calls).toBe(0);
  });

  it('replaces a corrected message in its place, keeping its delivery state', () => {
    const store = new ConversationStore();
    const mine = outgoing('ben@example.com', 'Helo');
    store.add(mine);
    store.add(incoming('ben@example.com', 'hi'));
    store.setState(mine.id, 'delivered');
    expect(store.lastOwn('ben@example.com')?.id).toBe(mine.id);
    const updated: Message = { ...mine, body: 'Hello', edited: true, correctedFrom: 'Helo', state: 'queued' };
    expect(store.update(updated)).toBe(true);
    const messages = store.get('ben@example.com')!.messages;
    expect(messages.map((m) => m.body)).toEqual(['Hello', 'hi']);
    expect(messages[0]).toMatchObject({ edited: true, state: 'delivered' });
    expect(store.update({ ...updated, id: 'unknown' })).toBe(false);
    expect(store.lastOwn('cara@example.com')).toBeUndefined();
  });

  it('tracks who is typing until they stop or their message arrives', () => {
    const store = new ConversationStore();
    store.ensure('ben@example.com');
    expect(store.setTyping('ben@example.com', 'ben@example.com', true)).toBe(true);
    expect(store.setTyping('ben@example.com', 'ben@example.com', true)).toBe(false);
    expect(store.get('ben@example.com')?.typing).toEqual(['ben@example.com']);
    store.add(incoming('ben@example.com', 'done typing'));
    expect(store.get('ben@example.com')?.typing).toEqual([]);
    store.setTyping('ben@example.com', 'ben@example.com', true);
    expect(store.setTyping('ben@example.com', 'ben@example.com', false)).toBe(true);
    expect(store.get('ben@example.com')?.typing).toEqual([]);
    expect(store.setTyping('nobody@example.com', 'nobody@example.com', true)).toBe(false);
  });
});

describe('history from the archive', () => {
  it('adds older messages in time order, as read, each once whatever ids the live copy carries', () => {
    const store = new ConversationStore();
    const live = incoming('dora@example.com', 'live one', 50_000);
    store.add({ ...live, stanzaId: 'arch-9' });
    const mine = outgoing('dora@example.com', 'my own', 60_000);
    store.add(mine);
    const older = [
      { ...incoming('dora@example.com', 'first', 10_000), stanzaId: 'arch-1' },
      { ...outgoing('dora@example.com', 'second', 20_000), stanzaId: 'arch-2' },
      // The archive's copies of what is already there: by stanza id, and our own by origin id.
      { ...live, id: 'other-id', stanzaId: 'arch-9' },
      { ...mine, stanzaId: 'arch-10', state: 'acked' as const },
    ];
    expect(store.addHistory('dora@example.com', older)).toBe(2);
    const conversation = store.get('dora@example.com')!;
    expect(conversation.messages.map((m) => m.body)).toEqual(['first', 'second', 'live one', 'my own']);
    expect(conversation.unread).toBe(1);
    // The same page again adds nothing, nor does a live copy of an archived message.
    expect(store.addHistory('dora@example.com', older)).toBe(0);
    expect(store.add({ ...older[0]!, stanzaId: undefined as never })).toBe(false);
    expect(store.get('dora@example.com')!.messages).toHaveLength(4);
  });

  it("keeps the archive's order within a second, also for messages already shown", () => {
    // The archive stamps whole seconds: a quick exchange shares one time. Ben's two messages came
    // first (the catch-up after login); the page then brings the whole exchange in its order.
    const store = new ConversationStore();
    const at = 30_000;
    const b1 = { ...incoming('ben@example.com', 'b1', at), stanzaId: 's1' };
    const b3 = { ...incoming('ben@example.com', 'b3', at), stanzaId: 's3' };
    store.add(b1);
    store.add(b3);
    const page = [
      { ...outgoing('ben@example.com', 'a0', at), stanzaId: 's0' },
      b1,
      { ...outgoing('ben@example.com', 'a2', at), stanzaId: 's2' },
      b3,
      { ...outgoing('ben@example.com', 'a4', at), stanzaId: 's4' },
    ];
    expect(store.addHistory('ben@example.com', page)).toBe(3);
    expect(store.get('ben@example.com')!.messages.map((m) => m.body)).toEqual(['a0', 'b1', 'a2', 'b3', 'a4']);
    // An older page of the same second goes before it.
    const older = [{ ...incoming('ben@example.com', 'older', at), stanzaId: 's-1' }];
    expect(store.addHistory('ben@example.com', older)).toBe(1);
    expect(store.get('ben@example.com')!.messages[0]!.body).toBe('older');
  });

  it('takes a failed message of ours out, leaving the others', () => {
    const store = new ConversationStore();
    const failed = outgoing('ben@example.com', 'lost');
    store.add(incoming('ben@example.com', 'hi'));
    store.add(failed);
    store.setState(failed.id, 'failed');
    store.add(outgoing('ben@example.com', 'next'));
    expect(store.remove('ben@example.com', failed.id)?.body).toBe('lost');
    expect(store.get('ben@example.com')?.messages.map((m) => m.body)).toEqual(['hi', 'next']);
    expect(store.remove('ben@example.com', failed.id)).toBeUndefined();
    expect(store.remove('cara@example.com', 'nothing')).toBeUndefined();
  });

  it('takes a room’s messages from our own occupant as ours once the join tells our nickname', () => {
    const store = new ConversationStore();
    const room = 'team@conference.example.com';
    const inRoom = (from: string, body: string): Message => ({
      id: `r-${++n}`,
      stanzaId: `s-${n}`,
      conversation: room,
      from: `${room}/${from}`,
      direction: 'in',
      kind: 'groupchat',
      body,
      time: new Date(n * 1000),
    });
    // A history page asked for before the join: no nickname to tell ours apart yet.
    store.addHistory(room, [inRoom('ben', 'Moin'), inRoom('anna', 'Hallo'), inRoom('cara', 'Hi')]);
    expect(store.claim(room, `${room}/anna`)).toBe(true);
    expect(store.get(room)!.messages.map((m) => [m.body, m.direction, m.state])).toEqual([
      ['Moin', 'in', undefined],
      ['Hallo', 'out', 'acked'],
      ['Hi', 'in', undefined],
    ]);
    expect(store.claim(room, `${room}/anna`)).toBe(false);
    expect(store.claim('nobody@conference.example.com', `${room}/anna`)).toBe(false);
    expect(store.calls).toBe(0);
  });
});
