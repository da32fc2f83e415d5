// Room bookmarks with autojoin: XEP-0402 (PEP) where the server offers it with `#compat`, else
// XEP-0048 in private storage. Autojoin runs at every fresh session (not after a resume: the
// server kept us in the rooms), and follows changes other devices publish (XEP-0402 only).
import { ChatError, ErrorCodes, isChatError, asChatError } from '../errors.js';
import type { Emit } from '../events.js';
import { bareJid } from '../jid.js';
import {
  bookmarkStore,
  fetchPepBookmarks,
  fetchPrivateBookmarks,
  publishPepBookmark,
  retractPepBookmark,
  storePrivateBookmarks,
  watchBookmarks,
  type BookmarkData,
} from '../transport/bookmarks.js';
import type { Transport } from '../transport/xmpp.js';
import type { Jid } from '../types.js';
import type { Rooms } from './rooms.js';

/**
 * A bookmarked room. Plain, immutable data. `password` is the room's password as stored in the
 * bookmark (readable by the account only), never the account's password.
 */
export interface Bookmark {
  /** The room's bare JID. */
  readonly jid: Jid;
  /** A display name for the room. */
  readonly name?: string;
  /** The nickname to join with (default: the local part of our JID). */
  readonly nick?: string;
  /** The room's password, if it needs one. */
  readonly password?: string;
  /** Join the room on every fresh session (and when another device sets it, with XEP-0402). */
  readonly autojoin: boolean;
}

/** What {@link Bookmarks.add} takes: a room JID plus optional details. */
export interface BookmarkInput {
  jid: Jid;
  name?: string;
  nick?: string;
  password?: string;
  /** Default `false`. */
  autojoin?: boolean;
}

/**
 * Room bookmarks, shared by every device of the account: `chat.bookmarks`.
 *
 * Uses XEP-0402 (one PEP item per room) when the account offers `urn:xmpp:bookmarks:1#compat`
 * (Prosody 0.12 with `mod_bookmarks`), so other devices' changes arrive live as
 * `bookmarks:changed`; else XEP-0048 in private storage (changes made elsewhere are not pushed:
 * `list()` reads the current list). Rooms with `autojoin` are joined at every fresh session (not
 * after a resume, which keeps us in them); failures to join are reported on `error`. With
 * XEP-0402, a room another device bookmarks with `autojoin` is joined here too, and one whose
 * bookmark is removed or loses `autojoin` is left.
 *
 * @example
 * ```ts
 * await chat.bookmarks.add({ jid: 'team@conference.example.com', name: 'Team', nick: 'anna', autojoin: true });
 * chat.on('bookmarks:changed', ({ bookmarks }) => renderSidebar(bookmarks));
 * ```
 */
export interface Bookmarks {
  /**
   * Reads the bookmarks from the server.
   *
   * @example
   * ```ts
   * for (const { jid, name } of await chat.bookmarks.list()) console.log(name ?? jid);
   * ```
   * @throws ChatError `not-connected`, `timeout`, `service-unavailable`.
   */
  list(): Promise<Bookmark[]>;
  /**
   * Adds a bookmark, or replaces the one for the same room; `bookmarks:changed` follows. With
   * `autojoin: true` the room is joined here at once (and, with XEP-0402, on the account's other
   * devices); turning `autojoin` off leaves it.
   *
   * @example
   * ```ts
   * await chat.bookmarks.add({ jid: 'team@conference.example.com', autojoin: true });
   * ```
   * @throws ChatError `invalid-argument` (not a room JID), `not-connected`, `timeout`, `forbidden`.
   */
  add(bookmark: BookmarkInput): Promise<void>;
  /**
   * Removes the bookmark of a room (no error when there is none); `bookmarks:changed` follows.
   * An `autojoin` room is left here (and, with XEP-0402, on the account's other devices).
   *
   * @example
   * ```ts
   * await chat.bookmarks.remove('team@conference.example.com');
   * ```
   * @throws ChatError `not-connected`, `timeout`, `forbidden`.
   */
  remove(jid: Jid): Promise<void>;
}

const same = (a: Bookmark, b: Bookmark): boolean =>
  a.jid === b.jid &&
  a.name === b.name &&
  a.nick === b.nick &&
  a.password === b.password &&
  a.autojoin === b.autojoin;

/** Creates the bookmarks feature. */
export function createBookmarks({
  transport,
  emit,
  rooms,
}: {
  transport: Transport;
  emit: Emit;
  rooms: Pick<Rooms, 'join' | 'get'>;
}): Bookmarks {
  /** The store the server offers, learned once per fresh session. */
  let store: Promise<'pep' | 'private'> | undefined;
  /** The bookmarks as last read or told (XEP-0402 notifications keep it current). */
  let known = new Map<Jid, Bookmark>();
  let sessionReady = false;

  const requireOnline = (): void => {
    if (!transport.online) throw new ChatError(ErrorCodes.notConnected, 'Not connected');
  };
  const storeOf = (): Promise<'pep' | 'private'> => {
    store ??= bookmarkStore(transport).catch((error: unknown) => {
      store = undefined;
      throw error;
    });
    return store;
  };
  const snapshot = (): Bookmark[] => [...known.values()];
  const changed = (): void => emit('bookmarks:changed', { bookmarks: snapshot() });
  const report = (error: unknown, what: string): void =>
    emit('error', {
      error: asChatError(error, ErrorCodes.requestFailed, what),
    });

  /** Notifications that arrived while a fetch was under way: applied again after it. */
  let arrivedDuringFetch: Array<() => void> | undefined;

  const fetchAll = async (): Promise<Bookmark[]> => {
    const arrived: Array<() => void> = [];
    arrivedDuringFetch = arrived;
    try {
      const list =
        (await storeOf()) === 'pep'
          ? await fetchPepBookmarks(transport)
          : await fetchPrivateBookmarks(transport);
      known = new Map(list.map((b) => [b.jid, Object.freeze({ ...b })]));
      // The answer may predate a change told meanwhile: the change is newer.
      for (const apply of arrived) apply();
      return snapshot();
    } finally {
      if (arrivedDuringFetch === arrived) arrivedDuringFetch = undefined;
    }
  };

  /** Joins a bookmarked room unless we are in it; failures are reported on `error`. */
  const autojoin = (bookmark: Bookmark): void => {
    if (!bookmark.autojoin || rooms.get(bookmark.jid) || !transport.online) return;
    const nick = bookmark.nick || bareJid(transport.jid ?? '').split('@')[0] || 'guest';
    rooms
      .join(bookmark.jid, { nick, ...(bookmark.password ? { password: bookmark.password } : {}) })
      .catch((error: unknown) => report(error, `Joining the bookmarked room ${bookmark.jid} failed`));
  };

  const leave = (jid: Jid): void => {
    rooms
      .get(jid)
      ?.leave()
      .catch((error: unknown) => report(error, `Leaving the room ${jid} failed`));
  };

  /** A bookmark was added or changed (here or on another device): announce it, follow autojoin. */
  const applyPublished = (data: BookmarkData): void => {
    const bookmark = Object.freeze({ ...data });
    const before = known.get(bookmark.jid);
    if (before && same(before, bookmark)) return; // our own change, told back to us
    known.set(bookmark.jid, bookmark);
    changed();
    if (!sessionReady) return; // the session's own autojoin round handles it
    if (bookmark.autojoin) autojoin(bookmark);
    else if (before?.autojoin) leave(bookmark.jid);
  };
  /** A bookmark was removed (here or on another device): announce it, leave an autojoin room. */
  const applyRetracted = (jid: Jid): void => {
    const before = known.get(jid);
    if (!before) return;
    known.delete(jid);
    changed();
    if (sessionReady && before.autojoin) leave(jid);
  };

  watchBookmarks(transport, {
    published(bookmark) {
      arrivedDuringFetch?.push(() => known.set(bookmark.jid, Object.freeze({ ...bookmark })));
      applyPublished(bookmark);
    },
    retracted(jid) {
      arrivedDuringFetch?.push(() => known.delete(jid));
      applyRetracted(jid);
    },
  });

  let sessions = 0;
  transport.on('online', ({ resumed }) => {
    sessions += 1;
    // After a resume the server kept us in every room, and nothing is redone — unless this client
    // resumed an earlier one's session (a page reload): it knows no room yet. Joining a room the
    // server still has us in gives its state again.
    if (resumed && sessions > 1) return;
    store = undefined;
    sessionReady = false;
    fetchAll().then(
      (list) => {
        sessionReady = true;
        changed();
        for (const bookmark of list) autojoin(bookmark);
      },
      (error: unknown) => {
        sessionReady = true;
        // A server without any bookmark storage has nothing to join; anything else is reported.
        if (isChatError(error) && error.code === ErrorCodes.serviceUnavailable) return;
        report(error, 'Reading the bookmarks failed');
      },
    );
  });

  return {
    async list() {
      requireOnline();
      return fetchAll();
    },
    async add(input) {
      const jid = bareJid(input?.jid ?? '');
      if (!jid.includes('@')) throw new ChatError(ErrorCodes.invalidArgument, 'A bookmark needs a room JID');
      requireOnline();
      const bookmark: BookmarkData = {
        jid,
        ...(input.name ? { name: input.name } : {}),
        ...(input.nick ? { nick: input.nick } : {}),
        ...(input.password ? { password: input.password } : {}),
        autojoin: Boolean(input.autojoin),
      };
      if ((await storeOf()) === 'pep') {
        await publishPepBookmark(transport, bookmark);
      } else {
        const list = (await fetchPrivateBookmarks(transport)).filter((b) => b.jid !== jid);
        await storePrivateBookmarks(transport, [...list, bookmark]);
      }
      applyPublished(bookmark);
    },
    async remove(target) {
      const jid = bareJid(target);
      requireOnline();
      if ((await storeOf()) === 'pep') {
        try {
          await retractPepBookmark(transport, jid);
        } catch (error) {
          // Nothing to remove is what was asked for.
          if (!(isChatError(error) && error.code === ErrorCodes.itemNotFound)) throw error;
        }
      } else {
        const list = await fetchPrivateBookmarks(transport);
        const rest = list.filter((b) => b.jid !== jid);
        if (rest.length < list.length) await storePrivateBookmarks(transport, rest);
      }
      applyRetracted(jid);
    },
  };
}
