import type { Jid, Message, MessageState } from '../../sdk/index.js';

/** One conversation as the views show it. Replaced (never mutated) when anything in it changes. */
export interface Conversation {
  /** Bare JID of the peer. */
  readonly jid: Jid;
  /** Oldest first. */
  readonly messages: readonly Message[];
  /** Incoming messages not seen yet. */
  readonly unread: number;
  /**
   * Of the unread messages, those that call for the user: all of a one-to-one chat's, and in a
   * room those that mention the user. The launcher's badge and `mc-unread` count these: a busy
   * room's chatter shows in its own row, as in Slack and Converse.js, not as a call on the page.
   */
  readonly calls: number;
  /** When the conversation last changed: its newest message, or when it was started. */
  readonly updated: number;
  /** Who is typing now (bare JIDs), from the peers' chat states (XEP-0085). */
  readonly typing: readonly Jid[];
}

/** Where the "new messages" divider goes when a conversation with unread messages is opened. */
export interface Divider {
  readonly jid: Jid;
  /** The first unread message. */
  readonly id: string;
  readonly count: number;
}

const key = (message: Message): string => `${message.direction}:${message.stanzaId ?? message.id}`;

/** How the views tell a message apart: by its direction and our id for it (see `brought`). */
export const messageKey = (m: Message): string => `${m.direction}:${m.id}`;

/**
 * The conversations seen in this session, derived from messages: recent first, with unread
 * counts. Plain data and pure bookkeeping (no SDK, no DOM), so it is tested on its own.
 */
export class ConversationStore {
  private items = new Map<Jid, Conversation>();
  /** Message id → conversation, to apply delivery states. */
  private owners = new Map<string, Jid>();
  private seen = new Set<string>();

  /** The conversation for `jid`, if there is one. */
  get(jid: Jid): Conversation | undefined {
    return this.items.get(jid);
  }

  /** All conversations, most recent first. */
  list(): Conversation[] {
    return [...this.items.values()].sort((a, b) => b.updated - a.updated);
  }

  /** Unread messages that call for the user (see `Conversation.calls`), over all conversations. */
  get calls(): number {
    let total = 0;
    for (const item of this.items.values()) total += item.calls;
    return total;
  }

  /** Makes sure a conversation exists (a new one, started by the user). */
  ensure(jid: Jid, now: number = Date.now()): Conversation {
    let item = this.items.get(jid);
    if (!item) {
      item = { jid, messages: [], unread: 0, calls: 0, updated: now, typing: [] };
      this.items.set(jid, item);
    }
    return item;
  }

  /**
   * Adds a message to its conversation, in time order. Returns false for a message already seen.
   * Incoming messages count as unread unless `seen` (the user is looking at that conversation),
   * and as calls for the user too unless not `calling` (a room message that does not mention them).
   */
  add(message: Message, seen = false, calling = true): boolean {
    const k = key(message);
    if (this.seen.has(k)) return false;
    this.seen.add(k);
    this.owners.set(message.id, message.conversation);
    const item = this.ensure(message.conversation, message.time.getTime());
    const messages = [...item.messages];
    let at = messages.length;
    while (at > 0 && messages[at - 1]!.time.getTime() > message.time.getTime()) at -= 1;
    messages.splice(at, 0, message);
    // A message from someone ends their typing.
    const sender = message.kind === 'groupchat' ? message.from : message.conversation;
    this.items.set(item.jid, {
      ...item,
      messages,
      typing: message.direction === 'in' ? item.typing.filter((jid) => jid !== sender) : item.typing,
      unread: item.unread + (message.direction === 'in' && !seen ? 1 : 0),
      calls: item.calls + (message.direction === 'in' && !seen && calling ? 1 : 0),
      updated: Math.max(item.updated, message.time.getTime()),
    });
    return true;
  }

  /** Applies a delivery state to an outgoing message. Returns false when the message is unknown. */
  setState(id: string, state: MessageState): boolean {
    const jid = this.owners.get(id);
    const item = jid ? this.items.get(jid) : undefined;
    if (!item) return false;
    let index = item.messages.length - 1;
    while (index >= 0 && !(item.messages[index]!.id === id && item.messages[index]!.direction === 'out')) {
      index -= 1;
    }
    if (index === -1 || item.messages[index]!.state === state) return false;
    const messages = [...item.messages];
    messages[index] = { ...messages[index]!, state };
    this.items.set(item.jid, { ...item, messages });
    return true;
  }

  /**
   * Replaces a message by its new value (a correction), in its place; the delivery state we
   * track for it stays. Returns false when the message is unknown.
   */
  update(message: Message): boolean {
    const item = this.items.get(message.conversation);
    if (!item) return false;
    const index = item.messages.findIndex((m) => m.id === message.id && m.direction === message.direction);
    if (index === -1) return false;
    const old = item.messages[index]!;
    const messages = [...item.messages];
    messages[index] = old.state ? { ...message, state: old.state } : message;
    this.items.set(item.jid, { ...item, messages });
    return true;
  }

  /** Takes one of our messages out of its conversation (a failed one, sent again as a new one). */
  remove(jid: Jid, id: string): Message | undefined {
    const item = this.items.get(jid);
    const message = item?.messages.find((m) => m.id === id && m.direction === 'out');
    if (!item || !message) return undefined;
    this.items.set(jid, { ...item, messages: item.messages.filter((m) => m !== message) });
    return message;
  }

  /** How many of our messages wait to be sent (`queued`), over all conversations. */
  get waiting(): number {
    let count = 0;
    for (const item of this.items.values()) {
      for (const m of item.messages) if (m.direction === 'out' && m.state === 'queued') count += 1;
    }
    return count;
  }

  /** Our newest message in a conversation: the one a correction may change. */
  lastOwn(jid: Jid): Message | undefined {
    const messages = this.items.get(jid)?.messages ?? [];
    for (let index = messages.length - 1; index >= 0; index -= 1) {
      if (messages[index]!.direction === 'out') return messages[index];
    }
    return undefined;
  }

  /** Whether someone is typing in a conversation. Returns false when nothing changed. */
  setTyping(jid: Jid, who: Jid, typing: boolean): boolean {
    const item = this.items.get(jid);
    if (!item || item.typing.includes(who) === typing) return false;
    this.items.set(jid, {
      ...item,
      typing: typing ? [...item.typing, who] : item.typing.filter((j) => j !== who),
    });
    return true;
  }

  /** Marks a conversation read; returns the divider to show, if it had unread messages. */
  markRead(jid: Jid): Divider | undefined {
    const item = this.items.get(jid);
    if (!item || item.unread === 0) return undefined;
    const incoming = item.messages.filter((m) => m.direction === 'in');
    const first = incoming[incoming.length - item.unread];
    this.items.set(jid, { ...item, unread: 0, calls: 0 });
    return first ? { jid, id: first.id, count: item.unread } : undefined;
  }

  /**
   * Adds a page of messages from the archive (oldest first) to a conversation, as read, leaving
   * out those already there: matched by stanza id, or by message id in the same direction (our
   * own messages carry their origin id). The page's order is the archive's: messages of the same
   * second (the archive's precision) keep it, including ones already shown (say, from the
   * catch-up after login), which move to their place in the page. Returns how many were new.
   */
  addHistory(jid: Jid, history: readonly Message[]): number {
    const item = this.ensure(jid, 0);
    const shown = new Map<string, Message>();
    for (const m of item.messages) {
      shown.set(messageKey(m), m);
      if (m.stanzaId) shown.set(`id:${m.stanzaId}`, m);
    }
    const page: Message[] = [];
    const inPage = new Set<Message>();
    let added = 0;
    for (const m of history) {
      const there = shown.get(messageKey(m)) ?? (m.stanzaId ? shown.get(`id:${m.stanzaId}`) : undefined);
      if (there) {
        if (!inPage.has(there)) page.push(there);
        inPage.add(there);
        continue;
      }
      const k = key(m);
      if (this.seen.has(k)) continue;
      // Both keys: the same message may come live later with only one of its ids.
      this.seen.add(k);
      this.seen.add(messageKey(m));
      shown.set(messageKey(m), m);
      if (m.stanzaId) shown.set(`id:${m.stanzaId}`, m);
      this.owners.set(m.id, jid);
      page.push(m);
      inPage.add(m);
      added += 1;
    }
    if (!added) return 0;
    // Stable sort, the page first: within a second, the page keeps the archive's order and comes
    // before what was there (newer pages, live messages).
    const rest = item.messages.filter((m) => !inPage.has(m));
    const messages = [...page, ...rest].sort((a, b) => a.time.getTime() - b.time.getTime());
    const newest = messages[messages.length - 1]!.time.getTime();
    this.items.set(jid, { ...item, messages, updated: Math.max(item.updated, newest) });
    return added;
  }

  /**
   * Marks a room's messages from `occupant` — our own occupant JID, known once we are in the
   * room — as ours: a history page asked for before the join (a page load reopening the room)
   * could not tell them apart. Returns whether any changed.
   */
  claim(jid: Jid, occupant: Jid): boolean {
    const item = this.items.get(jid);
    if (!item) return false;
    let changed = false;
    const messages = item.messages.map((m) => {
      if (m.kind !== 'groupchat' || m.direction !== 'in' || m.from !== occupant) return m;
      changed = true;
      return { ...m, direction: 'out' as const, state: m.state ?? ('acked' as const) };
    });
    if (changed) this.items.set(jid, { ...item, messages });
    return changed;
  }

  /** Forgets everything (sign-out). */
  clear(): void {
    this.items.clear();
    this.owners.clear();
    this.seen.clear();
  }
}

/** How far back a conversation's history has been loaded from the archive. */
export interface HistoryState {
  /** A page is being fetched. */
  readonly loading: boolean;
  /** The archive holds nothing older (or there is no archive): the start of the history. */
  readonly complete: boolean;
  /** With `complete`: the time of the oldest message the server still keeps. */
  readonly horizon?: Date;
  /** Code of the last failure (`timeout`, `not-connected`, …); a retry clears it. */
  readonly error?: string;
  /** The archive held nothing at all for this conversation: a new one, nothing to say about its start. */
  readonly empty?: boolean;
  /** The messages the latest page brought (`direction:id`): old ones, not news when they show. */
  readonly brought?: ReadonlySet<string>;
}
