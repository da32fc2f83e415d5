import { describe, expect, it } from 'vitest';
import type { ArchivedMessage } from '../transport/archive.js';
import type { ChatEvents } from '../events.js';
import { createMemoryStore } from '../store/memory.js';
import type { Message } from '../types.js';
import { createTimeline, toHistoryMessages } from './archive.js';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));

describe('toHistoryMessages', () => {
  it('maps one-to-one results, decides direction by our bare JID, skips body-less stanzas', () => {
    const archived: ArchivedMessage[] = [
      {
        archiveId: 'a1',
        message: { id: 'm1', from: 'ben@x/phone', to: 'anna@x', type: 'chat', body: 'Hi', delay: at(1) },
      },
      {
        archiveId: 'a2',
        message: { from: 'anna@x/web', to: 'ben@x', type: 'chat', receiptFor: 'm1', delay: at(2) },
      },
      {
        archiveId: 'a3',
        message: {
          id: 'm3',
          originId: 'o3',
          from: 'anna@x/web',
          to: 'ben@x',
          type: 'chat',
          body: 'Hallo',
          delay: at(3),
        },
      },
    ];
    const messages = toHistoryMessages(archived, 'anna@x', 'ben@x');
    expect(messages).toEqual([
      {
        id: 'm1',
        stanzaId: 'a1',
        conversation: 'ben@x',
        from: 'ben@x/phone',
        direction: 'in',
        kind: 'chat',
        body: 'Hi',
        time: at(1),
      },
      {
        id: 'o3',
        stanzaId: 'a3',
        conversation: 'ben@x',
        from: 'anna@x/web',
        direction: 'out',
        kind: 'chat',
        body: 'Hallo',
        time: at(3),
        state: 'acked',
      },
    ]);
  });

  it('folds a correction into its original on the same page; room direction by our nickname', () => {
    const archived: ArchivedMessage[] = [
      {
        archiveId: 'r1',
        message: {
          id: 'm1',
          from: 'team@c/anna',
          to: 'anna@x',
          type: 'groupchat',
          body: 'Helo',
          delay: at(1),
        },
      },
      {
        archiveId: 'r2',
        message: { id: 'm2', from: 'team@c/ben', to: 'anna@x', type: 'groupchat', body: 'Hi', delay: at(2) },
      },
      {
        archiveId: 'r3',
        message: {
          id: 'm3',
          from: 'team@c/anna',
          to: 'anna@x',
          type: 'groupchat',
          body: 'Hello',
          replace: 'm1',
          delay: at(3),
        },
      },
    ];
    const messages = toHistoryMessages(archived, 'anna@x', 'team@c', { nick: 'anna' });
    expect(messages.map((m) => [m.body, m.direction, m.kind, m.edited, m.correctedFrom])).toEqual([
      ['Hello', 'out', 'groupchat', true, 'Helo'],
      ['Hi', 'in', 'groupchat', undefined, undefined],
    ]);
  });
});

describe('the timeline in front of the listeners', () => {
  const roomMessage = (n: number, extra: Partial<Message> = {}): Message => ({
    id: `m${n}`,
    stanzaId: `s${n}`,
    conversation: 'team@rooms.x',
    from: 'team@rooms.x/ben',
    direction: 'in',
    kind: 'groupchat',
    body: `#${n}`,
    time: at(n),
    ...extra,
  });
  /** A message we sent in the room from here: no stanza id yet, a delivery state. */
  const ownMessage = (n: number): Message => {
    const { stanzaId: _none, ...rest } = roomMessage(n);
    return { ...rest, direction: 'out', state: 'queued', body: 'mine' };
  };
  const setUp = () => {
    const store = createMemoryStore();
    const emitted: Array<{ event: keyof ChatEvents; payload: unknown }> = [];
    const timeline = createTimeline({
      store,
      emit: (event, payload) => emitted.push({ event, payload }),
      ownJid: () => 'anna@x',
    });
    const bodies = () =>
      emitted
        .filter((e) => e.event === 'message')
        .map((e) => (e.payload as { message: Message }).message.body);
    return { store, timeline, bodies };
  };

  it('holds a rejoined room until it is caught up, then releases only what the archive did not bring', () => {
    const { timeline, bodies } = setUp();
    timeline.holdRooms(['team@rooms.x']);
    timeline.emit('message', { message: roomMessage(3) }); // live, during catch-up
    timeline.emit('message', { message: roomMessage(4) });
    expect(bodies()).toEqual([]);
    for (const n of [1, 2, 3]) timeline.deliverRoom(roomMessage(n)); // the archive had #3 already
    timeline.releaseRoom('team@rooms.x');
    expect(bodies()).toEqual(['#1', '#2', '#3', '#4']);
    timeline.emit('message', { message: roomMessage(4) }); // a repeat
    timeline.emit('message', { message: roomMessage(5) }); // live from now on
    expect(bodies()).toEqual(['#1', '#2', '#3', '#4', '#5']);
  });

  it('lets a room new to us, and our own sends, pass at once', () => {
    const { timeline, bodies } = setUp();
    timeline.emit('message', { message: roomMessage(1) });
    timeline.holdRooms(['team@rooms.x']);
    timeline.emit('message', { message: ownMessage(2) });
    expect(bodies()).toEqual(['#1', 'mine']);
  });

  it('writes messages, their states and corrections, and room cursors from live messages, to the store', async () => {
    const { store, timeline } = setUp();
    timeline.emit('message', { message: roomMessage(1) });
    const mine = ownMessage(2);
    timeline.emit('message', { message: mine });
    timeline.emit('message:state', { id: mine.id, state: 'acked' });
    timeline.emit('message:updated', { message: { ...roomMessage(1), body: 'fixed', edited: true } });
    await expect
      .poll(() => store.messages('team@rooms.x'))
      .toEqual([
        { ...roomMessage(1), body: 'fixed', edited: true },
        { ...mine, state: 'acked' },
      ]);
    expect(await store.cursor('team@rooms.x')).toBe('s1');
    expect((await store.conversations())[0]).toMatchObject({ jid: 'team@rooms.x', kind: 'groupchat' });
  });

  it('writes a caught-up page with what came live meanwhile to the store, each once, the newest last', async () => {
    const { store, timeline, bodies } = setUp();
    timeline.holdRooms(['team@rooms.x']);
    timeline.emit('message', { message: roomMessage(4) }); // live, held during the catch-up
    // A page from the archive, with our own message sent from here in the middle of taking it.
    timeline.deliverRoom(roomMessage(1));
    const mine = ownMessage(5);
    timeline.emit('message', { message: mine });
    timeline.emit('message:state', { id: mine.id, state: 'sent' });
    for (const n of [2, 3, 4]) timeline.deliverRoom(roomMessage(n)); // the archive had #4 too
    timeline.writes.setCursor('team@rooms.x', 's4');
    timeline.releaseRoom('team@rooms.x');
    await timeline.writes.settled();
    timeline.emit('message:state', { id: mine.id, state: 'acked' }); // after the page is written
    await timeline.writes.settled();
    expect(bodies()).toEqual(['#1', 'mine', '#2', '#3', '#4']);
    expect((await store.messages('team@rooms.x')).map((m) => [m.body, m.state])).toEqual([
      ['#1', undefined],
      ['#2', undefined],
      ['#3', undefined],
      ['#4', undefined],
      ['mine', 'acked'],
    ]);
    expect(await store.cursor('team@rooms.x')).toBe('s4');
    expect(await store.conversations()).toEqual([
      {
        jid: 'team@rooms.x',
        kind: 'groupchat',
        last: mine,
        unread: 0,
        updated: mine.time,
      },
    ]);
  });
});
