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
