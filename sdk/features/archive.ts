import { ChatError, ErrorCodes } from '../errors.js';
import { bareJid } from '../jid.js';
import {
  getArchivePrefs,
  queryArchive,
  setArchivePrefs,
  type ArchivedMessage,
  type ArchivePrefs,
} from '../transport/archive.js';
import type { Transport } from '../transport/xmpp.js';
import type { Jid, Message } from '../types.js';
import { attachmentOf } from './chats.js';
import type { Discovery } from './discovery.js';
import type { Rooms } from './rooms.js';

/** Options for {@link Archive.history}. */
export interface HistoryOptions {
  /**
   * Page backwards: the `before` cursor of the previous (newer) page. `''` or omitted (and no
   * `after`): the newest page.
   */
  before?: string;
  /** Page forwards: the `after` cursor of the previous (older) page. Takes precedence over `before`. */
  after?: string;
  /** Messages per page; servers cap this (50 on Prosody and ejabberd). Default 50. */
  limit?: number;
  /** Only messages from this time on. */
  start?: Date;
  /** Only messages up to this time. */
  end?: Date;
  /** Aborts the query (rejects with `aborted`). */
  signal?: AbortSignal;
  /** Seconds to wait for the archive. Default: the client's `timeout` (15). */
  timeout?: number;
}

/** One page of history from {@link Archive.history}. */
export interface HistoryPage {
  /**
   * The page's messages, oldest first (`kind` `chat` or `groupchat`; `direction` `out` for
   * messages we sent from any device). Corrections whose original is on the same page are folded
   * into it (`edited`, `correctedFrom`). Messages without a body (receipts, markers, typing) are
   * left out, so a page can hold fewer than `limit` messages.
   */
  messages: Message[];
  /** Pass as `before` to get the next older page; absent when the page was empty. */
  before?: string;
  /** Pass as `after` to get the next newer page; absent when the page was empty. */
  after?: string;
  /**
   * Nothing is left in the direction of paging: paging backwards (`before`), the archive holds
   * nothing older — show "older history is not available"; paging forwards (`after`), nothing
   * newer.
   */
  complete: boolean;
  /**
   * With `complete` while paging backwards: the time of the oldest message the server still has.
   * Archives expire (mailbox keeps 7 days), so history before this is gone for good.
   */
  horizon?: Date;
}

/** Archive preferences (XEP-0313): which messages the server archives for us. */
export interface ArchivePreferences {
  /** `always`: archive everything; `never`: nothing; `roster`: only messages with contacts. */
  default: 'always' | 'never' | 'roster';
  /** Always archive messages with these JIDs. */
  always: Jid[];
  /** Never archive messages with these JIDs. */
  never: Jid[];
}

/**
 * The message archive (XEP-0313): `chat.archive`. Results are returned, never emitted as
 * `message` events.
 *
 * @example
 * ```ts
 * let page = await chat.archive.history('ben@example.com'); // the newest page
 * render(page.messages);
 * while (!page.complete) {
 *   page = await chat.archive.history('ben@example.com', { before: page.before });
 *   prepend(page.messages);
 * }
 * if (page.horizon) showNotice('Older history is not available', page.horizon);
 * ```
 */
export interface Archive {
  /**
   * One page of history of a conversation: a one-to-one conversation (our own archive, filtered
   * by the peer) or a room (the room's archive) — a room is a JID on the server's group chat
   * service, or one we are in. Without `before`/`after` this is the newest page; then page
   * backwards with `before: page.before` until `complete`, where `horizon` says how far back the
   * server keeps messages (mailbox: 7 days; older history is not available). Page forwards with
   * `after: page.after`. Cursors are opaque strings.
   *
   * @example
   * ```ts
   * const newest = await chat.archive.history('team@conference.example.com', { limit: 50 });
   * const older = await chat.archive.history('team@conference.example.com', { before: newest.before });
   * ```
   * @throws ChatError `service-unavailable` (the server or the room keeps no archive),
   * `item-not-found` (unknown cursor), `timeout`, `aborted`, `not-connected`, `invalid-argument`.
   */
  history(conversation: Jid, options?: HistoryOptions): Promise<HistoryPage>;
  /**
   * Reads our archive preferences.
   *
   * @example
   * ```ts
   * const { default: policy } = await chat.archive.preferences();
   * ```
   * @throws ChatError `service-unavailable`, `timeout`, `not-connected`.
   */
  preferences(): Promise<ArchivePreferences>;
  /**
   * Writes our archive preferences; resolves with what the server stored.
   *
   * @example
   * ```ts
   * await chat.archive.setPreferences({ default: 'roster', always: ['ben@example.com'], never: [] });
   * ```
   * @throws ChatError `invalid-argument`, `service-unavailable`, `timeout`, `not-connected`.
   */
  setPreferences(preferences: ArchivePreferences): Promise<ArchivePreferences>;
}

const POLICIES: ReadonlySet<string> = new Set(['always', 'never', 'roster']);

/**
 * Turns one archive page into public messages, oldest first; pure. `room` is the room's JID
 * and our nickname in it (for `direction`), or undefined for a one-to-one archive.
 */
export function toHistoryMessages(
  archived: readonly ArchivedMessage[],
  ownBareJid: Jid,
  conversation: Jid,
  room?: { nick?: string },
): Message[] {
  const out: Message[] = [];
  const byId = new Map<string, number>();
  for (const { archiveId, message: m } of archived) {
    if (m.body === undefined || m.type === 'error') continue;
    const kind = room ? 'groupchat' : 'chat';
    const direction = room
      ? room.nick !== undefined && m.from.split('/').slice(1).join('/') === room.nick
        ? 'out'
        : 'in'
      : bareJid(m.from) === ownBareJid
        ? 'out'
        : 'in';
    if (m.replace) {
      const index = byId.get(`${m.from}\n${m.replace}`);
      const original = index === undefined ? undefined : out[index];
      if (index !== undefined && original) {
        const attachment = attachmentOf(m.body, m.links);
        const rest: Message = { ...original };
        delete (rest as { attachment?: unknown }).attachment;
        delete (rest as { action?: unknown }).action;
        out[index] = {
          ...rest,
          body: m.body,
          edited: true,
          correctedFrom: original.correctedFrom ?? original.body,
          ...(attachment ? { attachment } : {}),
          ...(m.action ? { action: true } : {}),
        };
        continue;
      }
    }
    const attachment = attachmentOf(m.body, m.links);
    const message: Message = {
      id: m.originId ?? m.id ?? archiveId,
      stanzaId: archiveId,
      conversation,
      from: m.from,
      direction,
      kind,
      body: m.body,
      time: m.delay ?? new Date(0),
      ...(direction === 'out' ? { state: 'acked' as const } : {}),
      ...(attachment ? { attachment } : {}),
      ...(m.replace ? { edited: true } : {}),
      ...(m.action ? { action: true } : {}),
    };
    for (const id of [m.id, m.originId]) if (id) byId.set(`${m.from}\n${id}`, out.length);
    out.push(message);
  }
  return out;
}

/** Creates the archive feature (`chat.archive`). */
export function createArchive({
  transport,
  discovery,
  rooms,
  timeout = 15,
}: {
  transport: Transport;
  discovery: Discovery;
  rooms: Pick<Rooms, 'get' | 'info'>;
  timeout?: number;
}): Archive {
  const requireOnline = (): void => {
    if (!transport.online) throw new ChatError(ErrorCodes.notConnected, 'Not connected');
  };
  const requirePersonalArchive = async (): Promise<void> => {
    const server = await discovery.ready();
    if (!server.archive) {
      throw new ChatError(ErrorCodes.serviceUnavailable, 'The server keeps no message archive');
    }
  };

  return {
    async history(conversation, options = {}) {
      requireOnline();
      const jid = bareJid(conversation);
      const limit = options.limit ?? 50;
      if (!jid.includes('@') || !Number.isInteger(limit) || limit < 1) {
        throw new ChatError(ErrorCodes.invalidArgument, 'history needs a bare JID and a positive limit');
      }
      const server = await discovery.ready();
      const domain = jid.split('@')[1];
      const joined = rooms.get(jid);
      const isRoom =
        joined !== undefined || (server.mucService !== undefined && domain === server.mucService);
      if (isRoom) {
        const info = await rooms.info(jid);
        if (!info.archived) {
          throw new ChatError(ErrorCodes.serviceUnavailable, `The room ${jid} keeps no message archive`);
        }
      } else {
        await requirePersonalArchive();
      }
      const after = options.after !== undefined && options.after !== '' ? options.after : undefined;
      const forwards = after !== undefined;
      const page = await queryArchive(
        transport,
        {
          ...(isRoom ? { archive: jid } : { with: jid }),
          ...(after !== undefined ? { after } : { before: options.before ?? '' }),
          max: limit,
          ...(options.start ? { start: options.start } : {}),
          ...(options.end ? { end: options.end } : {}),
        },
        { timeout: options.timeout ?? timeout, ...(options.signal ? { signal: options.signal } : {}) },
      );
      const own = bareJid(transport.jid ?? '');
      const messages = toHistoryMessages(
        page.messages,
        own,
        jid,
        isRoom ? (joined ? { nick: joined.nick } : {}) : undefined,
      );
      const oldest = page.messages[0]?.message.delay;
      return {
        messages,
        ...(page.first !== undefined ? { before: page.first } : {}),
        ...(page.last !== undefined ? { after: page.last } : {}),
        complete: page.complete,
        ...(page.complete && !forwards && oldest ? { horizon: oldest } : {}),
      };
    },

    async preferences() {
      requireOnline();
      await requirePersonalArchive();
      return toPublic(await getArchivePrefs(transport, timeout));
    },

    async setPreferences(preferences) {
      requireOnline();
      if (
        !preferences ||
        !POLICIES.has(preferences.default) ||
        !Array.isArray(preferences.always) ||
        !Array.isArray(preferences.never)
      ) {
        throw new ChatError(
          ErrorCodes.invalidArgument,
          'Archive preferences need default (always, never or roster), always and never',
        );
      }
      await requirePersonalArchive();
      const prefs: ArchivePrefs = {
        default: preferences.default,
        always: preferences.always.map(bareJid),
        never: preferences.never.map(bareJid),
      };
      return toPublic(await setArchivePrefs(transport, prefs, timeout));
    },
  };
}

const toPublic = (prefs: ArchivePrefs): ArchivePreferences => ({
  default: prefs.default,
  always: [...prefs.always],
  never: [...prefs.never],
});
