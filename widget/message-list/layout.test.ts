import { describe, expect, it } from 'vitest';
import type { Message } from '../../sdk/index.js';
import { flatten, layout, windowFor } from './layout.js';

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

describe('message list window', () => {
  const offsets = Array.from({ length: 1001 }, (_, i) => i * 40); // 1000 items of 40 px
  const limits = { overscan: 400, min: 30, max: 100 };

  it('renders short lists whole', () => {
    expect(windowFor([0, 40, 80], 0, 500, limits)).toEqual({ start: 0, end: 2 });
  });

  it('covers the viewport plus the overscan, and no more', () => {
    // Viewport 4000–4500 px: items 100–112; overscan 400 px: from 3600 (item 90) to 4900 (item 122).
    expect(windowFor(offsets, 4000, 500, limits)).toEqual({ start: 90, end: 123 });
  });

  it('stays within the bounds at both ends and never exceeds the maximum', () => {
    expect(windowFor(offsets, 0, 500, limits)).toEqual({ start: 0, end: 23 + 7 });
    const tail = windowFor(offsets, 40_000 - 500, 500, limits);
    expect(tail.end).toBe(1000);
    const huge = windowFor(offsets, 4000, 20_000, limits);
    expect(huge.end - huge.start).toBe(100);
  });

  it('flattens groups into items with unique keys and the group edges marked', () => {
    const items = flatten(
      layout([
        msg('a', 'in', '2024-06-03T09:00:00'),
        msg('b', 'in', '2024-06-03T09:01:00'),
        msg('b', 'in', '2024-06-03T09:02:00'),
      ]),
    );
    expect(items.map((i) => i.key)).toEqual(['day:2024-5-3', 'msg:in:a', 'msg:in:b', 'msg:in:b#2']);
    expect(items.map((i) => (i.kind === 'message' ? `${i.first}/${i.last}` : i.kind))).toEqual([
      'day',
      'true/false',
      'false/false',
      'false/true',
    ]);
  });
});
