import type { Message } from '../../sdk/index.js';

/** One row of the message list: a day heading, the unread divider, or a group of messages. */
export type Row =
  | { readonly kind: 'day'; readonly key: string; readonly date: Date }
  | { readonly kind: 'divider'; readonly key: string; readonly count: number }
  | {
      readonly kind: 'group';
      readonly key: string;
      readonly direction: 'in' | 'out';
      readonly from: string;
      readonly messages: readonly Message[];
    };

/** Messages from one sender closer together than this share a group. */
const GROUP_GAP = 5 * 60_000;

const dayKey = (date: Date): string => `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
/** One-to-one: the sender's bare JID (any device); rooms: the occupant's full JID (the nick). */
const senderOf = (m: Message): string =>
  m.direction === 'out' ? 'self' : m.kind === 'groupchat' ? m.from : m.conversation;

/**
 * Lays messages (oldest first) out in rows: a heading for each day, messages grouped by sender
 * while they follow each other within a few minutes, and the "new messages" divider before
 * the first unread message. Pure, so it is tested without a browser.
 */
export function layout(messages: readonly Message[], divider?: { id: string; count: number }): Row[] {
  const rows: Row[] = [];
  let group: { direction: 'in' | 'out'; from: string; messages: Message[]; key: string } | undefined;
  let day = '';
  let last: Message | undefined;
  for (const message of messages) {
    const thisDay = dayKey(message.time);
    if (thisDay !== day) {
      day = thisDay;
      group = undefined;
      rows.push({ kind: 'day', key: `day:${thisDay}`, date: message.time });
    }
    if (divider && message.id === divider.id && message.direction === 'in') {
      group = undefined;
      rows.push({ kind: 'divider', key: 'divider', count: divider.count });
    }
    const from = senderOf(message);
    if (!group || group.from !== from || !last || message.time.getTime() - last.time.getTime() > GROUP_GAP) {
      group = {
        direction: message.direction,
        from,
        messages: [],
        key: `group:${message.direction}:${message.id}`,
      };
      rows.push({ kind: 'group', ...group });
      // The row holds the same array, so later messages of the group land in it.
    }
    group.messages.push(message);
    last = message;
  }
  return rows;
}

/**
 * One entry of the virtualized list: a day heading, the unread divider, or one message with its
 * place in its group (`first` carries the sender's name for screen readers, `last` the rounded
 * tail). Groups are flattened so that a long run of messages from one sender can be windowed.
 */
export type Item =
  | { readonly kind: 'day'; readonly key: string; readonly date: Date }
  | { readonly kind: 'divider'; readonly key: string; readonly count: number }
  | {
      readonly kind: 'message';
      readonly key: string;
      readonly message: Message;
      readonly direction: 'in' | 'out';
      readonly from: string;
      readonly first: boolean;
      readonly last: boolean;
    };

/** Flattens rows into items with keys that are unique and stable across re-layouts. */
export function flatten(rows: readonly Row[]): Item[] {
  const items: Item[] = [];
  const used = new Set<string>();
  const unique = (key: string): string => {
    let k = key;
    for (let n = 2; used.has(k); n += 1) k = `${key}#${n}`;
    used.add(k);
    return k;
  };
  for (const row of rows) {
    if (row.kind !== 'group') {
      items.push({ ...row, key: unique(row.key) });
      continue;
    }
    const count = row.messages.length;
    row.messages.forEach((message, index) => {
      items.push({
        kind: 'message',
        key: unique(`msg:${message.direction}:${message.id}`),
        message,
        direction: row.direction,
        from: row.from,
        first: index === 0,
        last: index === count - 1,
      });
    });
  }
  return items;
}

/**
 * Lit's `repeat` (3.3) leaves behind the end marker, an empty comment, of every item it removes
 * (lit/lit#5010): in a window that slides over a long list they would pile up without end. This
 * removes them from `parent`'s children; an item's own markers sit right before and after its
 * element (`item`: a selector).
 */
export function dropStrayMarkers(parent: ParentNode, item: string): void {
  const isItem = (node: Node | null) => node instanceof Element && node.matches(item);
  for (const node of [...parent.childNodes]) {
    if (node instanceof Comment && !node.data && !isItem(node.previousSibling) && !isItem(node.nextSibling)) {
      node.remove();
    }
  }
}

/** What an item's height is estimated by: its kind, and for a message whether it heads its group. */
export type Shape = 'day' | 'divider' | 'head' | 'message';

export const shapeOf = (item: Item): Shape =>
  item.kind === 'message' ? (item.first ? 'head' : 'message') : item.kind;

/** How many of the latest measurements of a shape its estimate follows (a running mean). */
const LEARNED = 32;

/**
 * Heights for items not measured yet, learned from the items that were: for each shape, the mean
 * of its latest measurements, else a default. A list that starts from the heights its items will
 * have renders the right window at once, instead of measuring, finding more (or fewer) items fit
 * and rendering again.
 */
export class HeightEstimates {
  private readonly learned = new Map<Shape, { mean: number; count: number }>();

  constructor(private readonly defaults: Readonly<Record<Shape, number>>) {}

  /** Takes in an item's measured height. */
  note(shape: Shape, height: number): void {
    const learned = this.learned.get(shape);
    if (!learned) {
      this.learned.set(shape, { mean: height, count: 1 });
      return;
    }
    learned.count = Math.min(learned.count + 1, LEARNED);
    learned.mean += (height - learned.mean) / learned.count;
  }

  /** The height to assume for an item of this shape that has not been measured. */
  get(shape: Shape): number {
    return this.learned.get(shape)?.mean ?? this.defaults[shape];
  }
}

/** The index of the first entry of `offsets` (ascending) that is greater than `value`. */
export function firstAbove(offsets: readonly number[], value: number): number {
  let low = 0;
  let high = offsets.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (offsets[mid]! > value) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** Which items to render: `start` inclusive, `end` exclusive. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

/**
 * How many items a window holds at least (short lists render whole) and at most (more only when
 * the viewport itself holds more: the rows in view are always rendered).
 */
export interface WindowLimits {
  /** Extra pixels rendered above and below the viewport. */
  readonly overscan: number;
  readonly min: number;
  readonly max: number;
}

/** The items in a viewport from `top`, `height` high. */
function inView(offsets: readonly number[], top: number, height: number): Span {
  const count = offsets.length - 1;
  const start = Math.min(count, Math.max(0, firstAbove(offsets, top) - 1));
  return { start, end: Math.min(count, Math.max(start, firstAbove(offsets, top + height))) };
}

/**
 * The items to render for a viewport from `top` to `top + height` (in list coordinates), given
 * each item's top in `offsets` (one more entry than items: the last is the total height). Pure.
 */
export function windowFor(
  offsets: readonly number[],
  top: number,
  height: number,
  limits: WindowLimits,
): Span {
  const count = offsets.length - 1;
  if (count <= limits.min) return { start: 0, end: Math.max(0, count) };
  let start = Math.max(0, firstAbove(offsets, top - limits.overscan) - 1);
  let end = Math.min(count, Math.max(start + 1, firstAbove(offsets, top + height + limits.overscan)));
  if (start >= count) start = count - 1;
  const missing = limits.min - (end - start);
  if (missing > 0) {
    start = Math.max(0, start - Math.ceil(missing / 2));
    end = Math.min(count, start + limits.min);
    start = Math.max(0, end - limits.min);
  }
  if (end - start > limits.max) {
    const view = inView(offsets, top, height);
    // The rows in view are rendered whatever their number (a very tall view): the maximum
    // bounds what is rendered around them.
    if (view.end - view.start >= limits.max) return view;
    const centre = Math.max(0, firstAbove(offsets, top + height / 2) - 1);
    start = Math.max(0, Math.min(count - limits.max, centre - Math.floor(limits.max / 2)));
    end = start + limits.max;
  }
  return { start, end };
}

/**
 * Whether the rendered `span` still serves a viewport from `top`, `height` high: it holds the
 * viewport and at least half the overscan on either side (or reaches the list's end there), and
 * between `limits.min` and `limits.max` items. Moving the window only when it does not saves a
 * render each time the ideal window shifts by an item or two: a scroll of a few pixels, or
 * heights measured a little off the estimate.
 */
export function covers(
  span: Span,
  offsets: readonly number[],
  top: number,
  height: number,
  limits: WindowLimits,
): boolean {
  const count = offsets.length - 1;
  if (count <= limits.min) return span.start === 0 && span.end === Math.max(0, count);
  // A view of the maximum or more: its own rows, as `windowFor` gives them.
  const view = inView(offsets, top, height);
  if (view.end - view.start >= limits.max) return span.start === view.start && span.end === view.end;
  const size = span.end - span.start;
  if (span.end > count || size > limits.max || size < limits.min) return false;
  const margin = limits.overscan / 2;
  const first = Math.max(0, firstAbove(offsets, top - margin) - 1);
  const last = Math.min(count, firstAbove(offsets, top + height + margin));
  return span.start <= first && span.end >= last;
}
