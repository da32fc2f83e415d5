import { describe, expect, it } from 'vitest';
import type { Message } from '../../sdk/index.js';
import { HeightEstimates, covers, flatten, layout, shapeOf, windowFor } from './layout.js';

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

  it('stays within the bounds at both ends and exceeds the maximum only for the rows in view', () => {
    expect(windowFor(offsets, 0, 500, limits)).toEqual({ start: 0, end: 23 + 7 });
    const tail = windowFor(offsets, 40_000 - 500, 500, limits);
    expect(tail.end).toBe(1000);
    // 3600 px in view: 90 items, with the overscan 110, bounded to 100 around them.
    const tall = windowFor(offsets, 4000, 3600, limits);
    expect(tall.end - tall.start).toBe(100);
    expect(tall.start).toBeLessThanOrEqual(100);
    expect(tall.end).toBeGreaterThanOrEqual(190);
    // 20,000 px in view: its 500 items (and the one touching its bottom edge), and no more.
    expect(windowFor(offsets, 4000, 20_000, limits)).toEqual({ start: 100, end: 601 });
    expect(covers({ start: 100, end: 601 }, offsets, 4000, 20_000, limits)).toBe(true);
    expect(covers({ start: 100, end: 600 }, offsets, 4000, 20_000, limits)).toBe(false);
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

  it('keeps a rendered window while it holds the viewport and half the overscan either side', () => {
    const ideal = windowFor(offsets, 4000, 500, limits); // items 90–122
    expect(covers(ideal, offsets, 4000, 500, limits)).toBe(true);
    // Scrolled 120 px down: the ideal window moved by three items, the rendered one still serves.
    expect(windowFor(offsets, 4120, 500, limits)).not.toEqual(ideal);
    expect(covers(ideal, offsets, 4120, 500, limits)).toBe(true);
    // 200 px below the viewport are needed (half the overscan): item 122 ends at 4920, short of 5020.
    expect(covers(ideal, offsets, 4320, 500, limits)).toBe(false);
    expect(covers(ideal, offsets, 3760, 500, limits)).toBe(false);
  });

  it('moves a window that is too small, too large or past the end of the list', () => {
    expect(covers({ start: 100, end: 112 }, offsets, 4000, 500, limits)).toBe(false);
    expect(covers({ start: 0, end: 200 }, offsets, 4000, 500, limits)).toBe(false);
    expect(covers({ start: 90, end: 123 }, offsets.slice(0, 121), 4000, 500, limits)).toBe(false);
    // A short list is rendered whole, and again whole when it grows.
    expect(covers({ start: 0, end: 2 }, [0, 40, 80], 0, 500, limits)).toBe(true);
    expect(covers({ start: 0, end: 2 }, [0, 40, 80, 120], 0, 500, limits)).toBe(false);
  });
});

describe('message height estimates', () => {
  const defaults = { day: 44, divider: 40, head: 46, message: 37 };
  const [day, head, next] = flatten(
    layout([msg('a', 'in', '2024-06-03T09:00:00'), msg('b', 'in', '2024-06-03T09:01:00')]),
  );

  it('tells headings, the first message of a group and the messages after it apart', () => {
    expect([day, head, next].map((item) => shapeOf(item!))).toEqual(['day', 'head', 'message']);
  });

  it('starts from the defaults and follows the heights measured, shape by shape', () => {
    const estimates = new HeightEstimates(defaults);
    expect(estimates.get('message')).toBe(37);
    estimates.note('message', 60);
    estimates.note('message', 40);
    expect(estimates.get('message')).toBe(50);
    expect(estimates.get('head')).toBe(46);
    expect(estimates.get('day')).toBe(44);
  });

  it('follows the latest measurements, not the first ones forever', () => {
    const estimates = new HeightEstimates(defaults);
    for (let i = 0; i < 100; i += 1) estimates.note('message', 80);
    for (let i = 0; i < 100; i += 1) estimates.note('message', 30);
    // A mean of all 200 would be 55.
    expect(estimates.get('message')).toBeGreaterThan(30);
    expect(estimates.get('message')).toBeLessThan(33);
  });
});
