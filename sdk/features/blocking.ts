import { ChatError, ErrorCodes, asChatError } from '../errors.js';
import type { Emit } from '../events.js';
import { bareJid } from '../jid.js';
import { fetchBlocked, setBlocked, watchBlocking } from '../transport/blocking.js';
import { IMMEDIATE, type Startup } from './startup.js';
import type { Transport } from '../transport/xmpp.js';
import type { Jid, RequestOptions } from '../types.js';
import type { Discovery } from './discovery.js';
import { limited } from '../request.js';

/**
 * Blocking (XEP-0191): `chat.blocking`. Messages and presence from blocked JIDs never surface, and
 * the block list stays in sync with changes made on the account's other devices.
 *
 * @example
 * ```ts
 * await chat.blocking.block('spam@example.com');
 * chat.blocking.isBlocked('spam@example.com/bot'); // true
 * chat.on('blocking:changed', ({ jids }) => render(jids));
 * await chat.blocking.unblock('spam@example.com');
 * ```
 */
export interface Blocking {
  /**
   * Blocks a JID: a bare JID (`spam@example.com`), a full JID, or a whole domain (`example.net`).
   * Resolves once the server confirmed it.
   *
   * @throws ChatError `not-connected` when offline; `service-unavailable` when the server has no
   * XEP-0191 (`chat.server.blocking` is false); `timeout` or the server's error otherwise.
   */
  block(jid: Jid, options?: RequestOptions): Promise<void>;
  /**
   * Unblocks a JID blocked before.
   *
   * @throws ChatError `not-connected`, `service-unavailable`, `timeout`, as for {@link Blocking.block}.
   */
  unblock(jid: Jid, options?: RequestOptions): Promise<void>;
  /** The block list as last known (fetched at every fresh session, then kept up to date). */
  list(): Jid[];
  /** Whether messages and presence from `jid` (a full or bare JID) are blocked. */
  isBlocked(jid: Jid): boolean;
}

/** Blocking plus what other features need. Internal. */
export interface BlockingFeature extends Blocking {
  /** Called after every change of the list. */
  onChange(listener: () => void): () => void;
}

/** Normalizes a JID for the block list: lower-cased local part and domain, resource kept. */
function normalize(jid: Jid): Jid {
  const slash = jid.indexOf('/');
  return slash === -1 ? jid.toLowerCase() : `${jid.slice(0, slash).toLowerCase()}${jid.slice(slash)}`;
}

/** Whether a block-list entry covers `jid` (XEP-0191 §3.4: full JID, bare JID or domain). Pure. */
export function blockedBy(list: ReadonlySet<Jid>, jid: Jid): boolean {
  const full = normalize(jid);
  const bare = bareJid(jid);
  const domain = bare.includes('@') ? bare.slice(bare.indexOf('@') + 1) : bare;
  return list.has(full) || list.has(bare) || list.has(domain);
}

/** Creates the blocking feature. */
export function createBlocking({
  transport,
  emit,
  discovery,
  startup = IMMEDIATE,
}: {
  transport: Transport;
  emit: Emit;
  discovery: Discovery;
  /** Orders the fetch after the first screen's requests (see {@link Startup}). */
  startup?: Startup;
}): BlockingFeature {
  let blocked = new Set<Jid>();
  const listeners = new Set<() => void>();

  const changed = (): void => {
    for (const listener of [...listeners]) listener();
    emit('blocking:changed', { jids: [...blocked] });
  };
  const replace = (jids: Jid[]): void => {
    const next = new Set(jids.map(normalize));
    if (next.size === blocked.size && [...next].every((j) => blocked.has(j))) return;
    blocked = next;
    changed();
  };

  watchBlocking(transport, ({ action, jids }) => {
    if (action === 'block') {
      const fresh = jids.map(normalize).filter((j) => !blocked.has(j));
      if (fresh.length === 0) return;
      fresh.forEach((j) => blocked.add(j));
      changed();
    } else if (jids.length === 0) {
      replace([]);
    } else {
      const gone = jids.map(normalize).filter((j) => blocked.has(j));
      if (gone.length === 0) return;
      gone.forEach((j) => blocked.delete(j));
      changed();
    }
  });

  // The server sends block-list pushes only to resources that fetched the list: fetch it at every
  // fresh session (a resumed one keeps its pushes).
  const fetchList = (): void => {
    discovery
      .ready()
      .then(
        async (server) => (server.blocking ? replace(await fetchBlocked(transport)) : undefined),
        () => undefined, // discovery failures are reported by discovery itself
      )
      .catch((error: unknown) =>
        emit('error', {
          error: asChatError(error, ErrorCodes.requestFailed, 'Fetching the block list failed'),
        }),
      );
  };
  // The server itself keeps blocked contacts' stanzas from us: the list can wait for the first screen.
  transport.on('online', ({ resumed }) => {
    if (resumed) return;
    startup.later(fetchList);
  });

  const change = async (jid: Jid, block: boolean, options?: RequestOptions): Promise<void> => {
    if (!transport.online) throw new ChatError(ErrorCodes.notConnected, 'Not connected');
    await limited(
      async () => {
        const server = await discovery.ready();
        if (!server.blocking) {
          throw new ChatError(
            ErrorCodes.serviceUnavailable,
            'The server does not support blocking (XEP-0191)',
          );
        }
        await setBlocked(transport, jid, block);
      },
      options,
      block ? 'Blocking' : 'Unblocking',
    );
    // The server's push (to this resource too) says the same; apply it now so that the caller
    // sees the new list as soon as the promise resolves.
    const key = normalize(jid);
    if (block === blocked.has(key)) return;
    if (block) blocked.add(key);
    else blocked.delete(key);
    changed();
  };

  return {
    block: (jid, options) => change(jid, true, options),
    unblock: (jid, options) => change(jid, false, options),
    list: () => [...blocked],
    isBlocked: (jid) => blockedBy(blocked, jid),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
