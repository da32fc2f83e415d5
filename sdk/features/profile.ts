import { ChatError, ErrorCodes, asChatError } from '../errors.js';
import type { Emit } from '../events.js';
import { bareJid } from '../jid.js';
import {
  avatarHash,
  fetchPepAvatar,
  fetchVCard,
  updateOwnVCard,
  watchAvatars,
  type AvatarAnnouncement,
  type ImageData,
} from '../transport/vcard.js';
import { IMMEDIATE, type Startup } from './startup.js';
import type { Transport } from '../transport/xmpp.js';
import type { Jid, Profile, RequestOptions } from '../types.js';
import { limited } from '../request.js';

/**
 * Our own profile (vcard-temp): `chat.profile`. Contacts see the name, nickname and avatar; the
 * avatar reaches them as a XEP-0153 photo hash and, where the server bridges vCards to PEP
 * (Prosody, ejabberd), as a XEP-0084 avatar.
 *
 * @example
 * ```ts
 * await chat.profile.set({ name: 'Anna Berg', nickname: 'anna', avatar: { data: pngBytes, type: 'image/png' } });
 * const { name, nickname, avatar } = await chat.profile.get();
 * ```
 */
export interface ProfileApi {
  /**
   * Reads our vCard from the server.
   *
   * @throws ChatError `not-connected` when offline; `timeout` or the server's error otherwise.
   */
  get(options?: RequestOptions): Promise<Profile>;
  /**
   * Changes our vCard. Fields left out stay as they are; `avatar: null` removes the avatar.
   *
   * @throws ChatError `not-connected` when offline; `invalid-argument` for an avatar without
   * bytes or type; `timeout` or the server's error otherwise.
   */
  set(
    changes: {
      name?: string;
      nickname?: string;
      avatar?: { data: Uint8Array; type: string } | null;
    },
    options?: RequestOptions,
  ): Promise<void>;
}

/** The profile plus what the contacts feature needs. Internal. */
export interface ProfileFeature extends ProfileApi {
  /** Our nickname as last read or set (sent with subscription requests, XEP-0172). */
  readonly nickname: string | undefined;
  /** The avatar URL of a contact (bare JID), if fetched. */
  avatarOf(jid: Jid): string | undefined;
  /** Called when a contact's avatar URL changed (or went away). */
  onAvatar(listener: (jid: Jid) => void): () => void;
}

function isBrowser(): boolean {
  return (
    (globalThis as { document?: unknown }).document !== undefined &&
    typeof URL.createObjectURL === 'function' &&
    typeof Blob !== 'undefined'
  );
}

/** A URL for image bytes: an object URL in browsers, a `data:` URL elsewhere. */
function toUrl(image: ImageData): string {
  if (isBrowser()) return URL.createObjectURL(new Blob([image.data as BlobPart], { type: image.type }));
  let binary = '';
  for (let i = 0; i < image.data.length; i += 0x8000) {
    binary += String.fromCharCode(...image.data.subarray(i, i + 0x8000));
  }
  return `data:${image.type};base64,${btoa(binary)}`;
}

function release(url: string): void {
  if (url.startsWith('blob:')) URL.revokeObjectURL(url);
}

/** Creates the profile feature with the avatar cache (by hash) for contacts. */
export function createProfile({
  transport,
  emit,
  onOwnPhoto,
  startup = IMMEDIATE,
}: {
  transport: Transport;
  emit: Emit;
  /** Orders the vCard fetch after the first screen's requests (see {@link Startup}). */
  startup?: Startup;
  /** Told the SHA-1 of our new vCard photo ('' when removed), for our presence (XEP-0153). */
  onOwnPhoto?: (hash: string) => void;
}): ProfileFeature {
  let nickname: string | undefined;
  /** Avatar URLs by hash: several contacts with the same picture share one URL. */
  const byHash = new Map<string, string>();
  /** Current avatar hash by bare JID. */
  const hashOf = new Map<Jid, string>();
  const listeners = new Set<(jid: Jid) => void>();
  /** Latest announcement per JID, so that a slow fetch for an older one does not win. */
  const latest = new Map<Jid, string | undefined>();

  const ownJid = (): Jid => bareJid(transport.jid ?? '');
  /** The URL handed out for our own avatar by the last `get()`, released on the next. */
  let ownAvatar: string | undefined;

  const notify = (jid: Jid): void => {
    for (const listener of [...listeners]) listener(jid);
  };
  const assign = (jid: Jid, hash: string | undefined): void => {
    const previous = hashOf.get(jid);
    if (previous === hash) return;
    if (hash === undefined) hashOf.delete(jid);
    else hashOf.set(jid, hash);
    if (previous !== undefined && ![...hashOf.values()].includes(previous)) {
      const url = byHash.get(previous);
      byHash.delete(previous);
      if (url) release(url);
    }
    notify(jid);
  };

  const fetchAvatar = async ({ jid, source, id, type }: AvatarAnnouncement): Promise<void> => {
    if (!id) return assign(jid, undefined);
    if (byHash.has(id)) return assign(jid, id);
    let image: ImageData | undefined;
    if (source === 'pep') {
      image = { data: await fetchPepAvatar(transport, jid, id), type: type ?? 'image/png' };
    } else {
      image = (await fetchVCard(transport, jid)).photo;
      // The vCard may have changed again since the hash was announced; store it under its own hash.
    }
    if (latest.get(jid) !== id || !image) return;
    const hash = source === 'vcard' ? avatarHash(image.data) : id;
    if (!byHash.has(hash)) byHash.set(hash, toUrl(image));
    assign(jid, hash);
  };

  watchAvatars(transport, (announcement) => {
    const { jid, id } = announcement;
    if (jid === ownJid()) return;
    // The same avatar announced again (every presence carries its hash): nothing to do.
    if (id !== undefined && (hashOf.get(jid) === id || latest.get(jid) === id)) return;
    latest.set(jid, id);
    fetchAvatar(announcement).catch((error: unknown) =>
      emit('error', {
        error: asChatError(error, ErrorCodes.requestFailed, `Fetching the avatar of ${jid} failed`),
      }),
    );
  });

  // Our nickname goes with subscription requests (XEP-0172): read it at every fresh session.
  const fetchOwn = (): void => {
    fetchVCard(transport).then(
      (vcard) => {
        nickname = vcard.nickname;
      },
      (error: unknown) =>
        emit('error', {
          error: asChatError(error, ErrorCodes.requestFailed, 'Reading our vCard failed'),
        }),
    );
  };
  transport.on('online', ({ resumed }) => {
    if (resumed) return;
    startup.later(fetchOwn);
  });

  const requireOnline = (): void => {
    if (!transport.online) throw new ChatError(ErrorCodes.notConnected, 'Not connected');
  };

  return {
    get nickname() {
      return nickname;
    },
    async get(options) {
      requireOnline();
      const vcard = await limited(() => fetchVCard(transport), options, 'Reading our profile');
      nickname = vcard.nickname;
      if (ownAvatar) release(ownAvatar);
      ownAvatar = vcard.photo ? toUrl(vcard.photo) : undefined;
      return {
        ...(vcard.fullName ? { name: vcard.fullName } : {}),
        ...(vcard.nickname ? { nickname: vcard.nickname } : {}),
        ...(ownAvatar ? { avatar: ownAvatar } : {}),
      };
    },
    async set(changes, options) {
      requireOnline();
      const { avatar } = changes;
      if (avatar && (!(avatar.data instanceof Uint8Array) || avatar.data.length === 0 || !avatar.type)) {
        throw new ChatError(ErrorCodes.invalidArgument, 'avatar needs `data` (bytes) and `type`');
      }
      await limited(
        () =>
          updateOwnVCard(transport, {
            ...(changes.name !== undefined ? { fullName: changes.name } : {}),
            ...(changes.nickname !== undefined ? { nickname: changes.nickname } : {}),
            ...(avatar !== undefined ? { photo: avatar } : {}),
          }),
        options,
        'Changing our profile',
      );
      if (changes.nickname !== undefined) nickname = changes.nickname || undefined;
      // XEP-0153: contacts learn of the new photo from the hash in our presence.
      if (avatar !== undefined) onOwnPhoto?.(avatar ? avatarHash(avatar.data) : '');
    },
    avatarOf(jid) {
      const hash = hashOf.get(bareJid(jid));
      return hash === undefined ? undefined : byHash.get(hash);
    },
    onAvatar(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
