import { describe, expect, it } from 'vitest';
import type { Message } from '../../sdk/index.js';
import { layout } from './layout.js';

const at = (iso: string) => new Date(iso);
const msg = (id: string, direction: 'in' | 'out', time: string): Message => ({
  id,
  conversation: 'ben@example.com',
  from: direction === 'in' ? 'ben@example.com/phone' : 'me@example.com/web',
  direction,
  kind: 'chat',
  body: id,
  time: at(time),
});

const shape = (rows: ReturnType<typeof layout>) =>
  rows.map((r) => (r.kind === 'group' ? `${r.direction}:${r.messages.map((m) => m.id).join(',')}` : r.kind));

describe('message list layout', () => {
  it('groups consecutive messages by sender, and starts a new group after a pause or a new day', () => {
    const rows = layout([
      msg('a', 'in', '2024-06-03T09:00:00'),
      msg('b', 'in', '2024-06-03T09:01:00'),
      msg('c', 'out', '2024-06-03T09:02:00'),
      msg('d', 'out', '2024-06-03T09:03:00'),
      msg('e', 'out', '2024-06-03T09:30:00'),
      msg('f', 'out', '2024-06-04T08:00:00'),
    ]);
    expect(shape(rows)).toEqual(['day', 'in:a,b', 'out:c,d', 'out:e', 'day', 'out:f']);
  });

  it('puts the unread divider before the first unread message, splitting its group', () => {
    const rows = layout(
      [
        msg('a', 'in', '2024-06-03T09:00:00'),
        msg('b', 'in', '2024-06-03T09:01:00'),
        msg('c', 'in', '2024-06-03T09:02:00'),
      ],
      { id: 'b', count: 2 },
    );
    expect(shape(rows)).toEqual(['day', 'in:a', 'divider', 'in:b,c']);
  });
});
