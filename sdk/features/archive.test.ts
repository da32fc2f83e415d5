import { describe, expect, it } from 'vitest';
import type { ArchivedMessage } from '../transport/archive.js';
import { toHistoryMessages } from './archive.js';

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
