import { ChatError, ErrorCodes } from '../errors.js';
import { sendOwnPresence } from '../transport/roster.js';
import type { Transport } from '../transport/xmpp.js';
import type { OwnPresence } from '../types.js';

/**
 * Our own presence: `chat.presence`. What we set is kept and sent again at every fresh session.
 *
 * @example
 * ```ts
 * chat.presence.set({ show: 'away', status: 'In a meeting until 3' });
 * chat.presence.set({}); // back to plain online
 * ```
 */
export interface PresenceApi {
  /** Our presence as set (default: plain `online`). */
  readonly current: OwnPresence;
  /**
   * Sets our presence and status message, shown to every contact who sees our presence and in
   * every room we are in. Works offline too: it is sent once online (a resumed session included).
   *
   * @throws ChatError `invalid-argument` for an unknown `show` or a priority outside -128…127.
   */
  set(presence: OwnPresence): void;
}

const SHOWS = new Set(['online', 'chat', 'away', 'xa', 'dnd']);

/** Creates the own-presence feature; `setPhotoHash` is for the profile feature (internal). */
export function createPresence({ transport }: { transport: Transport }): PresenceApi & {
  setPhotoHash(hash: string | undefined): void;
} {
  let current: OwnPresence = {};
  let photoHash: string | undefined;

  const send = (): void => {
    const { show, status, priority } = current;
    sendOwnPresence(transport, {
      ...(show && show !== 'online' ? { show } : {}),
      ...(status ? { status } : {}),
      ...(priority !== undefined ? { priority } : {}),
      ...(photoHash !== undefined ? { photoHash } : {}),
    });
  };

  // A fresh session is announced with ours (status, priority, entity capabilities) as its first
  // presence; a resumed session keeps the presence it had, unless it was changed meanwhile.
  let changedOffline = false;
  transport.announceWith(() => {
    changedOffline = false;
    send();
  });
  transport.on('online', ({ resumed }) => {
    if (resumed && changedOffline) send();
    changedOffline = false;
  });

  return {
    get current() {
      return { ...current };
    },
    set(presence) {
      if (presence.show !== undefined && !SHOWS.has(presence.show)) {
        throw new ChatError(ErrorCodes.invalidArgument, `Unknown presence show: ${String(presence.show)}`);
      }
      const { priority } = presence;
      if (priority !== undefined && (!Number.isInteger(priority) || priority < -128 || priority > 127)) {
        throw new ChatError(ErrorCodes.invalidArgument, 'Presence priority must be an integer in -128…127');
      }
      current = { ...presence };
      if (transport.online) send();
      else changedOffline = true;
    },
    setPhotoHash(hash) {
      if (hash === photoHash) return;
      photoHash = hash;
      if (transport.online) send();
      else changedOffline = true;
    },
  };
}
