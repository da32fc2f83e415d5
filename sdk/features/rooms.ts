// Group chat (XEP-0045): joining with typed errors and a timeout, occupants, room messages with
// delivery states, subject, nickname, configuration (incl. archiving), moderation, invitations,
// room discovery, rejoining every room after a fresh session, XEP-0410 self-ping (rejoin when the
// server silently dropped us), private messages to occupants, and files shared in rooms.
import { ChatError, ErrorCodes, isChatError, asChatError } from '../errors.js';
import type { Emit } from '../events.js';
import { bareJid } from '../jid.js';
import { discoInfo, discoItems, type DiscoInfo } from '../transport/disco.js';
import {
  selfPing,
  sendPrivateMessage,
  destroyRoom,
  getRoomConfig,
  listAffiliation,
  sendDecline,
  sendInvite,
  sendJoin,
  sendLeave,
  sendNickChange,
  sendRoomPresence,
  sendSubject,
  setAffiliation,
  setRole,
  submitRoomConfig,
  watchRooms,
  type ConfigField,
  type MucMessage,
  type MucPresence,
  type RoomPresence,
} from '../transport/muc.js';
import { queryArchive, type ArchivePage } from '../transport/archive.js';
import type { Transport } from '../transport/xmpp.js';
import type { Attachment, Jid, Message, MessageState, PresenceShow, TypingState } from '../types.js';
import { TYPING_STATES, attachmentOf, sharedFile, type SharedFile } from './chats.js';
import type { Discovery } from './discovery.js';
import type { Files, UploadData, UploadOptions } from './files.js';
import { createOutboxLocks, type OutboxLocks } from './outbox-locks.js';

/** An occupant's role in a room: what they may do now. */
export type RoomRole = 'moderator' | 'participant' | 'visitor' | 'none';
/** An occupant's long-lived affiliation with a room (`outcast` = banned). */
export type RoomAffiliation = 'owner' | 'admin' | 'member' | 'outcast' | 'none';

/** Someone in a room. Plain, immutable data: a new object on every change. */
export interface Occupant {
  /** Their nickname in the room. */
  readonly nick: string;
  readonly role: RoomRole;
  readonly affiliation: RoomAffiliation;
  /** Their real bare JID, when the room shows it to us (non-anonymous rooms, or as a moderator). */
  readonly jid?: Jid;
  /** XEP-0421 occupant id: stable across nickname changes, where the room offers it. */
  readonly occupantId?: string;
  /** True for ourselves. */
  readonly self: boolean;
  /** Their availability in the room, as they announce it there (`online` when they say nothing). */
  readonly show: Exclude<PresenceShow, 'offline'>;
  /** Their status message, when they gave one to the room. */
  readonly status?: string;
}

/**
 * A room's configuration, as far as the room's configuration form has each field. Only the
 * fields given are changed by {@link Room.configure}.
 */
export interface RoomConfig {
  /** The room's display name. */
  name?: string;
  description?: string;
  /** Listed in room discovery. */
  public?: boolean;
  /** Kept when the last occupant leaves. */
  persistent?: boolean;
  /** Only members may join. */
  membersOnly?: boolean;
  /** Only occupants with voice may write. */
  moderated?: boolean;
  /** A password to join; `''` removes it. */
  password?: string;
  /** Who may see occupants' real JIDs. */
  whoCanSeeJids?: 'anyone' | 'moderators';
  /** The room keeps a message archive (XEP-0313). Off by default on mailbox. */
  archive?: boolean;
}

/** Options for {@link Rooms.join}. */
export interface JoinOptions {
  /** Our nickname in the room. */
  nick: string;
  /** The room's password, if it has one. */
  password?: string;
  /**
   * Whether to create the room when it does not exist. Default `true`. With `false`, joining a
   * room that does not exist rejects with `item-not-found`.
   */
  create?: boolean;
  /** Configuration for a room this join creates (ignored for existing rooms). Default: an instant room. */
  config?: RoomConfig;
  /** On a nickname conflict, try `nick_2`, `nick_3`, … (up to `nick_9`) instead of rejecting. */
  retryWithSuffix?: boolean;
  /**
   * Room history to receive on join (XEP-0045). Default: none — the archive (`chat.archive`)
   * fills history without duplicates. (A rejoin after a session that could not be resumed asks
   * for the latest messages anyway, to find ours the server never acknowledged, and shows none.)
   */
  history?: { maxStanzas?: number; seconds?: number; since?: Date };
  /** Seconds to wait for the room. Default 15. */
  timeout?: number;
}

/** A file to share in a room with {@link Room.send}: the data plus the upload options. */
export interface RoomFile extends UploadOptions {
  /** A `Blob`/`File` (browsers, Node ≥ 18) or bytes. */
  file: UploadData;
}

/** Options of the rooms feature (`createChat({ rooms })`). */
export interface RoomsOptions {
  /**
   * XEP-0410 self-ping: how often, in seconds, to check that each room we are in still has us,
   * for rooms we heard nothing from in that time. A room that silently dropped us (e.g. its
   * service restarted) is rejoined with the original options and announced again as `room:joined`
   * with `rejoined: true`. Every room is also checked right after a resumed session. Default 300
   * (five minutes); `0` turns self-ping off.
   */
  selfPingInterval?: number;
  /**
   * How many of a room's newest archived messages a join asks for right behind its join
   * presence, so that the room's first `chat.archive.history()` (for up to that many messages)
   * is answered without a round trip of its own: a room opened as it is joined shows its
   * history that much sooner. Default 50 (`history()`'s default page); `0`: none, for bots that
   * never read a room's history.
   */
  prefetch?: number;
}

/** An invitation to a room, received as `room:invite`. */
export interface RoomInvite {
  /** The room's bare JID. */
  readonly room: Jid;
  /**
   * Who invited us: their real bare JID, or their occupant JID (`room@service/nick`) when a
   * semi-anonymous room passes a mediated invitation on without it.
   */
  readonly from: Jid;
  /** `mediated`: sent through the room (XEP-0045); `direct`: sent to us by the inviter (XEP-0249). */
  readonly kind: 'mediated' | 'direct';
  readonly reason?: string;
  /** The room's password, when the inviter passed it on. */
  readonly password?: string;
}

/** Why we are no longer in a room (`room:left`). */
export type RoomLeaveReason =
  'left' | 'kicked' | 'banned' | 'destroyed' | 'affiliation-changed' | 'members-only' | 'shutdown' | 'error';

/** Why an occupant left (`room:occupant` with `change: 'left'`). */
export type OccupantLeaveReason = 'left' | 'kicked' | 'banned' | 'affiliation-changed' | 'members-only';

/** A room as room discovery lists it. */
export interface RoomSummary {
  readonly jid: Jid;
  readonly name?: string;
  /** How many are in it, where the room says. */
  readonly occupants?: number;
}

/** What a room says about itself (disco#info), without joining it. */
export interface RoomInfo extends RoomSummary {
  readonly description?: string;
  readonly subject?: string;
  /** The room keeps a message archive (XEP-0313). */
  readonly archived: boolean;
  readonly membersOnly: boolean;
  readonly passwordProtected: boolean;
  readonly moderated: boolean;
  readonly persistent: boolean;
  readonly public: boolean;
  /** Every feature the room advertised. */
  readonly features: readonly string[];
}

/** A user with an affiliation, as {@link Room.affiliations} lists them. */
export interface AffiliationEntry {
  readonly jid: Jid;
  readonly affiliation: RoomAffiliation;
  readonly nick?: string;
  readonly reason?: string;
}

/**
 * A room we are in. State (`subject`, `nick`, `occupants`) says what is now; `room:*` events say
 * what happened.
 *
 * @example
 * ```ts
 * const room = await chat.rooms.join('team@conference.example.com', { nick: 'anna' });
 * room.send('Guten Morgen!');
 * room.occupants.map((o) => o.nick);
 * ```
 */
export interface Room {
  /** The room's bare JID. */
  readonly jid: Jid;
  /** Our current nickname. */
  readonly nick: string;
  /** The current subject (`''` when none). */
  readonly subject: string;
  /** Everyone in the room now, ourselves included. */
  readonly occupants: readonly Occupant[];
  /** False while rejoining after a fresh session, and after leaving. */
  readonly joined: boolean;
  /**
   * Sends a message to the room. Works while reconnecting: the message is queued and sent once
   * the room is joined again — also by the tab's next page, if this one goes first (it is kept
   * with the resume state, like one-to-one messages, see `Chat.send`). Its state moves
   * `queued → sent → acked`, or `failed` (e.g. no voice). The message is announced on the
   * `message` event once, here (`direction: 'out'`); the room's copy of it is not announced again.
   * A body that is just an http(s) URL gets an `attachment`. If the room answers that it no longer
   * has us (it lost us silently), the room is rejoined and the message written again instead of
   * failing.
   *
   * @example
   * ```ts
   * const msg = room.send('Hallo zusammen');
   * chat.on('message:state', ({ id, state }) => id === msg.id && console.log(state));
   * ```
   * @throws ChatError `not-connected` when we left the room.
   */
  send(body: string): Message;
  /**
   * Shares a file in the room: uploads it (XEP-0363, see `chat.files.upload`), then sends a
   * message with the download URL as body plus an XEP-0066 link, so Conversations, Gajim and
   * Converse.js show it inline. Resolves with the message once the upload is done (its state then
   * moves on as for text); the message's `attachment` has `url`, `name`, `type`, `size` and, with
   * `files.expiresAfter`, `expiresAt`. The file is stored **unencrypted** on the server, readable
   * by anyone with the URL, and deleted after its expiry (1 hour on mailbox). Others in the room
   * receive the message with the same `attachment`.
   *
   * @example
   * ```ts
   * const msg = await room.send({ file: input.files[0], onProgress: ({ percent }) => show(percent) });
   * ```
   * @throws ChatError like `chat.files.upload` (`file-too-large`, `upload-failed`, `aborted`, …);
   * `not-connected` when we left the room. Nothing is sent when the upload fails.
   */
  send(content: RoomFile): Promise<Message>;
  /**
   * Sends a private message to one occupant, by nickname (XEP-0045: `type='chat'` to
   * `room@service/nick`). It is a one-to-one message in the room's context: its `conversation`
   * is the occupant JID `room@service/nick`, never a bare JID, and `kind` is `chat`. The
   * occupant's answers arrive as `message` events with the same `conversation`. Queued while
   * rejoining, like {@link Room.send}; states `queued → sent → acked`, or `failed`.
   *
   * @example
   * ```ts
   * const msg = room.sendPrivate('ben', 'Hast du kurz Zeit?');
   * chat.on('message', ({ message }) => message.conversation === `${room.jid}/ben` && show(message));
   * ```
   * @throws ChatError `not-connected` when we left the room; `invalid-argument` without a nickname.
   */
  sendPrivate(nick: string, body: string): Message;
  /**
   * Changes the subject; resolves when the room confirms it.
   *
   * @example
   * ```ts
   * await room.setSubject('Sprint 42');
   * ```
   * @throws ChatError `forbidden` (not allowed to change it), `timeout`, `not-connected`.
   */
  setSubject(subject: string): Promise<void>;
  /**
   * Changes our nickname; resolves when the room confirms it.
   *
   * @example
   * ```ts
   * await room.changeNick('anna-mobil');
   * ```
   * @throws ChatError `nickname-conflict`, `forbidden`, `timeout`, `not-connected`.
   */
  changeNick(nick: string): Promise<void>;
  /**
   * Leaves the room (`room:left` with reason `left`). It is not rejoined after a reconnect.
   *
   * @example
   * ```ts
   * await room.leave();
   * ```
   */
  leave(): Promise<void>;
  /**
   * Reads the room's configuration (owners only).
   *
   * @example
   * ```ts
   * const { archive } = await room.config();
   * ```
   * @throws ChatError `forbidden`, `timeout`, `not-connected`.
   */
  config(): Promise<RoomConfig>;
  /**
   * Changes the given settings (owners only); leaves the others as they are. Reads the room's
   * configuration form first and sets whichever field the server uses (e.g. archiving is
   * `muc#roomconfig_enablearchiving` on Prosody and `mam` on ejabberd).
   *
   * @example
   * ```ts
   * await room.configure({ name: 'Team Nordlicht', persistent: true, archive: true });
   * ```
   * @throws ChatError `service-unavailable` (the server has no such setting), `forbidden`,
   * `invalid-argument`, `timeout`, `not-connected`.
   */
  configure(config: RoomConfig): Promise<void>;
  /**
   * Removes an occupant from the room for now (moderators).
   *
   * @example
   * ```ts
   * await room.kick('troll', 'Bitte sachlich bleiben');
   * ```
   * @throws ChatError `forbidden`, `item-not-found`, `timeout`.
   */
  kick(nick: string, reason?: string): Promise<void>;
  /**
   * Bans a user for good (admins): by real JID, or by the nickname of an occupant whose JID we see.
   *
   * @example
   * ```ts
   * await room.ban('spam@example.com', 'Spam');
   * ```
   * @throws ChatError `forbidden`, `invalid-argument` (nickname without a visible JID), `timeout`.
   */
  ban(jidOrNick: string, reason?: string): Promise<void>;
  /**
   * Gives an occupant voice (moderators; matters in moderated rooms).
   *
   * @example
   * ```ts
   * await room.grantVoice('ben');
   * ```
   * @throws ChatError `forbidden`, `item-not-found`, `timeout`.
   */
  grantVoice(nick: string): Promise<void>;
  /**
   * Takes an occupant's voice (moderators): they become a visitor.
   *
   * @example
   * ```ts
   * await room.revokeVoice('ben');
   * ```
   * @throws ChatError `forbidden`, `item-not-found`, `timeout`.
   */
  revokeVoice(nick: string): Promise<void>;
  /**
   * Sets a user's affiliation by real JID (admins/owners).
   *
   * @example
   * ```ts
   * await room.setAffiliation('ben@example.com', 'member');
   * ```
   * @throws ChatError `forbidden`, `timeout`.
   */
  setAffiliation(
    jid: Jid,
    affiliation: 'member' | 'admin' | 'owner' | 'none',
    reason?: string,
  ): Promise<void>;
  /**
   * Lists the users with one affiliation (`outcast` = the ban list).
   *
   * @example
   * ```ts
   * const members = await room.affiliations('member');
   * ```
   * @throws ChatError `forbidden`, `timeout`.
   */
  affiliations(kind: 'member' | 'admin' | 'owner' | 'outcast'): Promise<AffiliationEntry[]>;
  /**
   * Destroys the room (owners). Everyone gets `room:left` with reason `destroyed`.
   *
   * @example
   * ```ts
   * await room.destroy('Projekt beendet', 'archiv@conference.example.com');
   * ```
   * @throws ChatError `forbidden`, `timeout`.
   */
  destroy(reason?: string, alternative?: Jid): Promise<void>;
  /**
   * Invites someone: through the room (XEP-0045, the default; the room may make them a member)
   * or directly (XEP-0249, `{ direct: true }`, carrying the room's password if we joined with one).
   *
   * @example
   * ```ts
   * room.invite('carla@example.com', 'Komm dazu!');
   * ```
   * @throws ChatError `not-connected`.
   */
  invite(jid: Jid, reason?: string, options?: { direct?: boolean }): void;
}

/**
 * Group chat: `chat.rooms`.
 *
 * @example
 * ```ts
 * chat.on('room:invite', ({ invite }) => chat.rooms.join(invite.room, { nick: 'anna', password: invite.password }));
 * const room = await chat.rooms.join('team@conference.example.com', { nick: 'anna' });
 * ```
 */
export interface Rooms {
  /**
   * Joins a room (creating it unless `create: false`). A room this join creates is configured
   * at once: as an instant room, or with `options.config`. Joining a room we are in returns it;
   * joining one whose join is under way gets that join's result. The rooms joined are kept with
   * the resume state, so a client that resumes the session after a page load joins them again by
   * itself (not rooms joined with a password: bookmark those, see {@link Bookmarks}).
   *
   * @example
   * ```ts
   * const room = await chat.rooms.join('team@conference.example.com', {
   *   nick: 'anna',
   *   retryWithSuffix: true,
   *   config: { name: 'Team', persistent: true, archive: true },
   * });
   * ```
   * @throws ChatError `nickname-conflict`, `password-required` (missing or wrong), `banned`,
   * `members-only`, `item-not-found` (no such room and `create: false`, or a new room another
   * user has not configured yet), `service-unavailable` (e.g. the room is full), `timeout`,
   * `not-connected`, `invalid-argument`.
   */
  join(jid: Jid, options: JoinOptions): Promise<Room>;
  /**
   * The rooms we are in (or rejoining).
   *
   * @example
   * ```ts
   * chat.rooms.list().map((room) => room.jid);
   * ```
   */
  list(): Room[];
  /**
   * The room with this JID, if we are in it.
   *
   * @example
   * ```ts
   * chat.rooms.get('team@conference.example.com')?.subject;
   * ```
   */
  get(jid: Jid): Room | undefined;
  /**
   * Lists the public rooms on a group chat service (default: the server's own, from discovery),
   * with their names and occupant counts where the rooms say.
   *
   * @example
   * ```ts
   * for (const { jid, name, occupants } of await chat.rooms.discover()) console.log(jid, name, occupants);
   * ```
   * @throws ChatError `service-unavailable` (no group chat service), `timeout`, `not-connected`.
   */
  discover(service?: Jid): Promise<RoomSummary[]>;
  /**
   * What a room says about itself, without joining: name, occupants, whether it is archived,
   * members-only, password-protected, …
   *
   * @example
   * ```ts
   * const { archived } = await chat.rooms.info('team@conference.example.com');
   * ```
   * @throws ChatError `item-not-found`, `timeout`, `not-connected`.
   */
  info(jid: Jid): Promise<RoomInfo>;
  /**
   * Declines an invitation. For a mediated invitation the inviter is told (through the room);
   * XEP-0249 has no decline, so a direct invitation is simply not answered.
   *
   * @example
   * ```ts
   * chat.on('room:invite', ({ invite }) => chat.rooms.decline(invite, 'Keine Zeit'));
   * ```
   */
  decline(invite: RoomInvite, reason?: string): void;
}

/** Room configuration keys and the form fields that carry them (first match wins). */
const CONFIG_FIELDS: Record<keyof RoomConfig, readonly string[]> = {
  name: ['muc#roomconfig_roomname'],
  description: ['muc#roomconfig_roomdesc'],
  public: ['muc#roomconfig_publicroom'],
  persistent: ['muc#roomconfig_persistentroom'],
  membersOnly: ['muc#roomconfig_membersonly'],
  moderated: ['muc#roomconfig_moderatedroom'],
  password: ['muc#roomconfig_roomsecret'],
  whoCanSeeJids: ['muc#roomconfig_whois'],
  archive: ['muc#roomconfig_enablearchiving', 'mam'],
};

const truthy = (value: ConfigField['value']): boolean =>
  value === true || value === '1' || value === 'true' || (Array.isArray(value) && truthy(value[0]));

const text = (value: ConfigField['value']): string =>
  Array.isArray(value) ? value.join('\n') : typeof value === 'string' ? value : '';

/**
 * The form fields to submit for `config`, given the room's form: only fields the form has, with
 * the form's field types. Pure.
 *
 * @throws ChatError `service-unavailable` when the form has no field for a requested setting.
 */
export function configFields(form: readonly ConfigField[], config: RoomConfig): ConfigField[] {
  const byName = new Map(form.map((f) => [f.name, f]));
  const out: ConfigField[] = [];
  for (const key of Object.keys(config) as Array<keyof RoomConfig>) {
    const value = config[key];
    if (value === undefined) continue;
    const field = CONFIG_FIELDS[key].map((name) => byName.get(name)).find((f) => f !== undefined);
    if (!field) {
      throw new ChatError(ErrorCodes.serviceUnavailable, `The room has no setting for "${key}"`);
    }
    const typed = (v: boolean | string): ConfigField => ({
      name: field.name,
      ...(field.type ? { type: field.type } : {}),
      value:
        field.type === 'boolean' || typeof v === 'boolean' ? (field.type === 'boolean' ? Boolean(v) : v) : v,
    });
    out.push(typed(value));
    if (key === 'password') {
      const guard = byName.get('muc#roomconfig_passwordprotectedroom');
      if (guard) out.push({ name: guard.name, type: 'boolean', value: value !== '' });
    }
  }
  return out;
}

/** Reads a {@link RoomConfig} from a room's configuration form. Pure. */
export function readConfig(form: readonly ConfigField[]): RoomConfig {
  const byName = new Map(form.map((f) => [f.name, f]));
  const field = (key: keyof RoomConfig): ConfigField | undefined =>
    CONFIG_FIELDS[key].map((name) => byName.get(name)).find((f) => f !== undefined);
  const config: RoomConfig = {};
  const str = (key: 'name' | 'description' | 'password'): void => {
    const f = field(key);
    if (f) config[key] = text(f.value);
  };
  const bool = (key: 'public' | 'persistent' | 'membersOnly' | 'moderated' | 'archive'): void => {
    const f = field(key);
    if (f) config[key] = truthy(f.value);
  };
  str('name');
  str('description');
  str('password');
  bool('public');
  bool('persistent');
  bool('membersOnly');
  bool('moderated');
  bool('archive');
  const whois = field('whoCanSeeJids');
  if (whois) config.whoCanSeeJids = text(whois.value) === 'anyone' ? 'anyone' : 'moderators';
  return config;
}

/** Builds {@link RoomInfo} from a room's disco#info. Pure. */
export function roomInfo(jid: Jid, info: DiscoInfo): RoomInfo {
  const form = info.forms['http://jabber.org/protocol/muc#roominfo'] ?? {};
  const has = (feature: string): boolean => info.features.includes(feature);
  const first = (name: string): string | undefined => form[name]?.[0];
  const name =
    info.identities.find((i) => i.category === 'conference')?.name ?? first('muc#roomconfig_roomname');
  const occupants = Number(first('muc#roominfo_occupants'));
  const description = first('muc#roominfo_description');
  const subject = first('muc#roominfo_subject');
  return {
    jid,
    ...(name ? { name } : {}),
    ...(first('muc#roominfo_occupants') !== undefined && Number.isFinite(occupants) ? { occupants } : {}),
    ...(description ? { description } : {}),
    ...(subject ? { subject } : {}),
    archived: has('urn:xmpp:mam:2'),
    membersOnly: has('muc_membersonly'),
    passwordProtected: has('muc_passwordprotected'),
    moderated: has('muc_moderated'),
    persistent: has('muc_persistent'),
    public: has('muc_public'),
    features: [...info.features].sort(),
  };
}

/** Why a self-presence of type unavailable ended our stay. Pure. */
export function leaveReason(presence: Pick<MucPresence, 'statusCodes' | 'destroy'>): RoomLeaveReason {
  const codes = presence.statusCodes;
  if (presence.destroy) return 'destroyed';
  if (codes.includes('301')) return 'banned';
  if (codes.includes('307')) return 'kicked';
  if (codes.includes('321')) return 'affiliation-changed';
  if (codes.includes('322')) return 'members-only';
  if (codes.includes('332')) return 'shutdown';
  if (codes.includes('333')) return 'error';
  return 'left';
}

/** The nicknames to try for a join: `nick`, then `nick_2` … `nick_9` with `retryWithSuffix`. Pure. */
export function nickCandidates(nick: string, retryWithSuffix = false): string[] {
  return retryWithSuffix ? [nick, ...Array.from({ length: 8 }, (_, i) => `${nick}_${i + 2}`)] : [nick];
}

/** How far a state is along the delivery path; a message never moves backwards. */
const ORDER: Record<MessageState, number> = {
  queued: 0,
  sent: 1,
  acked: 2,
  delivered: 3,
  displayed: 4,
  failed: 5,
};

/** A room message an earlier client wrote, to be written again once its room is joined. */
interface Orphan {
  id: string;
  body: string;
  link?: { url: string };
  file?: SharedFile;
  /** Written on a session that ended before the server's ack: the room may have it (see `probe`). */
  unsure?: boolean;
  /** Found in the room's history at the join: it reached the room, and is not written again. */
  arrived?: boolean;
}

interface OutboxEntry {
  message: Message;
  written: boolean;
  /** XEP-0066 link of a shared file. */
  link?: { url: string };
  /** The shared file, as `Room.send` was given it (kept for a next page, see `keepOutbox`). */
  file?: SharedFile;
  /** A private message to this occupant (nickname), instead of a groupchat message. */
  privateTo?: string;
  /** Written again once already after the room said we were not in it. */
  retried?: boolean;
  /** Written on a session that ended before the server's ack: the room may have it (see `probe`). */
  unsure?: boolean;
}

interface RoomState {
  jid: Jid;
  nick: string;
  subject: string;
  occupants: Map<string, Occupant>;
  options: JoinOptions;
  /** The room's password as far as we know it (joined with it, or set it). */
  password: string | undefined;
  /** Our own presence confirmed in the current session. */
  joined: boolean;
  /** Removed from the room list (left, kicked, …): the object is dead. */
  gone: boolean;
  /** Ids of messages we sent to this room (to recognize their reflections). */
  sent: Set<string>;
  outbox: Map<string, OutboxEntry>;
  /** Room messages the server acknowledged (XEP-0198) that the room has not reflected yet. */
  echoes: Map<string, OutboxEntry>;
  /** Nicknames that left with status 303, by their new nickname. */
  renames: Map<string, string>;
  /** Resolves when the room sent its subject (the end of the join sequence). */
  subjectSeen: (() => void) | undefined;
  /**
   * While a join looks for our messages that may have reached the room before a session ended
   * (see `probe`): their ids. The room history the join asked for is searched for them only.
   */
  probing: Set<string> | undefined;
  /**
   * Waiting `setSubject` calls by stanza id. The room's reflection of a subject does not keep our
   * id (Prosody), so a confirmation is matched by nickname and text; an error keeps the id.
   */
  subjectWaiters: Map<string, { subject: string; resolve: () => void; reject: (error: ChatError) => void }>;
  /** When we last heard anything from the room (ms since epoch): self-ping skips busy rooms. */
  lastHeard: number;
  /** A self-ping is under way. */
  pinging: boolean;
  /** The chat state we last sent to the room. */
  typingSent?: TypingState;
  api: Room;
}

/** What the client (not the app) needs from the rooms feature. Internal. */
export interface RoomsControl {
  /**
   * True for an occupant JID (`room@service/nick`) of a room we were in during this client's
   * life, or of any room on the server's group chat service: a one-to-one message from or to it
   * is a room private message.
   */
  isOccupantJid(jid: Jid): boolean;
  /** Stops background work (self-ping) for a deliberate disconnect. */
  stop(): void;
  /**
   * Sends our chat state to a room we are in (not again when unchanged; best effort). False when
   * `jid` is not such a room: then it is a one-to-one conversation.
   */
  setTyping(jid: Jid, state: TypingState): boolean;
  /**
   * The room's disco#info as asked for together with its latest join (so the catch-up and the
   * first history page need not wait for another round trip); undefined when there is none (we
   * created the room, or are not in it).
   */
  joinInfo(jid: Jid): Promise<RoomInfo | undefined> | undefined;
  /**
   * The newest page of the room's archive as asked for right behind its latest join (see
   * `RoomsOptions.prefetch`), while it is still the newest: undefined (or a promise of undefined)
   * when there is none, it failed, or a message came from the room since that it lacks. `take`
   * hands it over for good (to the room's first history page).
   */
  joinPage(jid: Jid, take: boolean): Promise<ArchivePage | undefined> | undefined;
  /**
   * Our room messages the local store held at start (read by the catch-up; called once, with
   * none when the store could not be read): those still waiting may be a closed tab's to send.
   */
  restoreWaiting(messages: readonly Message[]): void;
  /** Our presence changed (`chat.presence.set`): the rooms we are in are told (best effort). */
  presenceChanged(): void;
}

const controls = new WeakMap<Rooms, RoomsControl>();

/** The internal control of a rooms feature made by {@link createRooms}. */
export function roomsControl(rooms: Rooms): RoomsControl {
  const control = controls.get(rooms);
  if (!control) throw new Error('not a rooms feature made by createRooms');
  return control;
}

function newId(): string {
  return globalThis.crypto.randomUUID();
}

/** How many of a room's latest messages a join looks through for ours (see `probe`). */
const PROBED_HISTORY = 20;

/** Whether a join asks for room history by its options (none is asked for by default). */
function historyAsked(options: JoinOptions): boolean {
  return options.history !== undefined && options.history.maxStanzas !== 0;
}

/** Whether a room message is ours: by our nickname, or by our XEP-0421 occupant id. */
function isSelf(state: RoomState, m: MucMessage): boolean {
  const self = state.occupants.get(state.nick);
  return m.nick === state.nick || (m.occupantId !== undefined && m.occupantId === self?.occupantId);
}

/** Creates the group chat feature. */
export function createRooms({
  transport,
  emit,
  discovery,
  files,
  expiresAfter,
  options = {},
  privateSent,
  storedState,
  locks = createOutboxLocks(),
  ownPresence = () => ({}),
}: {
  transport: Transport;
  emit: Emit;
  discovery: Discovery;
  /** Files a private message we sent in its conversation (and announces it); else it is emitted. */
  privateSent?: (message: Message) => void;
  /** For files shared with `room.send({ file })`. */
  files?: Files;
  /** Milliseconds after which shared files are expected to be deleted (`attachment.expiresAt`). */
  expiresAfter?: number;
  options?: RoomsOptions;
  /** The state the local store has for one of our messages now (see `adoptLeft`). */
  storedState?: (conversation: Jid, id: string) => Promise<MessageState | undefined>;
  /** Which client answers for a message written offline (see `outbox-locks.ts`). */
  locks?: OutboxLocks;
  /** Our availability and status message (`chat.presence`), for rooms' occupants to see. */
  ownPresence?: () => RoomPresence;
}): Rooms {
  /** Rooms we are in (or rejoining), by bare JID. */
  const rooms = new Map<Jid, RoomState>();
  /** Each room's disco#info asked for with its (re)join, until the catch-up takes it. */
  const joinInfo = new Map<Jid, Promise<RoomInfo | undefined>>();
  /**
   * Each room's newest archive page asked for with its latest join (see `RoomsOptions.prefetch`),
   * and the stanza ids of the room's messages that came after the query went out. The server
   * answers the query in the order it got it, right behind the join: what the room says later
   * comes live, after the page. While the page has every such message (said between the join
   * and the query, or the join's own history), it is still the newest; once one is missing, it
   * is stale. Kept until `history()` takes it, the room is left, or the link goes down.
   */
  const joinPages = new Map<Jid, { page: Promise<ArchivePage | undefined>; later: string[] }>();
  const prefetch = Math.max(0, Math.floor(options.prefetch ?? 50)) || 0;
  /** Rooms a `join()` is under way for, by bare JID. */
  const joining = new Map<Jid, RoomState>();
  /** Outgoing room messages by id, for acks from the transport. */
  const pending = new Map<string, RoomState>();
  const states = new Map<string, MessageState>();
  const seen = new Set<string>();
  /** Rooms we were in during this client's life, for recognizing private messages from them. */
  const known = new Set<Jid>();
  let sessions = 0;
  /**
   * The rooms we are in, kept with the resume state: the client of the next page load (which
   * resumes this session, or starts a new one when it cannot) joins them again. Not rooms with a
   * password, which would be kept in the page's storage: those come back through a bookmark.
   */
  const keepRooms = (): void =>
    transport.keep(
      'rooms',
      [...rooms.values()].filter((s) => !s.gone && !s.password).map((s) => ({ jid: s.jid, nick: s.nick })),
    );
  /** Joins under way, so that a second join of the same room gets the first one's result. */
  const pendingJoins = new Map<Jid, Promise<Room>>();
  const selfPingMs = Math.max(0, options.selfPingInterval ?? 300) * 1000;
  let ticker: ReturnType<typeof setInterval> | undefined;
  /** When a shared file sent or received at `time` is expected to be gone, if configured. */
  const expiry = (time: Date): { expiresAt?: Date } =>
    expiresAfter !== undefined ? { expiresAt: new Date(time.getTime() + expiresAfter) } : {};

  const remember = (key: string): void => {
    seen.add(key);
    if (seen.size > 10_000) seen.delete(seen.values().next().value as string);
  };

  const setState = (id: string, state: MessageState, error?: ChatError): void => {
    const current = states.get(id);
    if (current !== undefined && ORDER[current] >= ORDER[state]) return;
    states.set(id, state);
    if (states.size > 10_000) states.delete(states.keys().next().value as string);
    emit('message:state', { id, state, ...(error ? { error } : {}) });
  };

  const requireOnline = (): void => {
    if (!transport.online) throw new ChatError(ErrorCodes.notConnected, 'Not connected');
  };
  const requireJoined = (state: RoomState): void => {
    if (state.gone) throw new ChatError(ErrorCodes.notConnected, `Not in the room ${state.jid}`);
    requireOnline();
  };
  const timeoutOf = (state: RoomState): number => state.options.timeout ?? 15;

  const flush = (state: RoomState): void => {
    for (const entry of state.outbox.values()) {
      if (entry.written) continue;
      if (!transport.online || !state.joined) break;
      if (entry.privateTo !== undefined) {
        sendPrivateMessage(transport, {
          id: entry.message.id,
          room: state.jid,
          nick: entry.privateTo,
          body: entry.message.body,
        });
      } else {
        transport.sendMessage({
          id: entry.message.id,
          to: state.jid,
          type: 'groupchat',
          body: entry.message.body,
          chatState: 'active',
          ...(entry.link ? { link: entry.link } : {}),
        });
        state.typingSent = 'active';
      }
      entry.written = true;
      setState(entry.message.id, 'sent');
    }
    keepOutbox();
  };

  const removeRoom = (
    state: RoomState,
    reason: RoomLeaveReason,
    extra: { actor?: string; text?: string; alternative?: Jid; error?: ChatError } = {},
  ): void => {
    if (state.gone) return;
    state.gone = true;
    state.joined = false;
    rooms.delete(state.jid);
    joinInfo.delete(state.jid);
    joinPages.delete(state.jid);
    keepRooms();
    // Whatever is still in the outbox never reached the room (acked messages left it).
    for (const id of state.outbox.keys()) {
      pending.delete(id);
      setState(id, 'failed', new ChatError(ErrorCodes.notConnected, `Not in the room ${state.jid}`));
    }
    state.outbox.clear();
    state.echoes.clear();
    if (rooms.size === 0) stopSelfPing();
    emit('room:left', { room: state.jid, reason, ...extra });
  };

  const occupantOf = (state: RoomState, p: MucPresence): Occupant => ({
    nick: p.nick,
    role: p.role ?? 'none',
    affiliation: p.affiliation ?? 'none',
    ...(p.jid ? { jid: bareJid(p.jid) } : {}),
    ...(p.occupantId ? { occupantId: p.occupantId } : {}),
    self: p.self || p.nick === state.nick,
    show: p.show ?? 'online',
    ...(p.status ? { status: p.status } : {}),
  });

  const onPresence = (p: MucPresence): void => {
    const state = rooms.get(p.room) ?? joining.get(p.room);
    if (!state || state.gone || p.type === 'error') return;
    state.lastHeard = Date.now();
    if (p.type === 'available') {
      if (p.self && state.nick !== p.nick) {
        state.nick = p.nick;
        if (rooms.has(state.jid)) keepRooms();
      }
      const occupant = occupantOf(state, p);
      const previousNick = state.renames.get(p.nick);
      state.renames.delete(p.nick);
      const existed = state.occupants.has(p.nick);
      state.occupants.set(p.nick, occupant);
      if (!state.joined) return;
      emit('room:occupant', {
        room: state.jid,
        occupant,
        change: existed || previousNick !== undefined ? 'changed' : 'joined',
        ...(previousNick !== undefined ? { previousNick } : {}),
      });
      return;
    }
    // unavailable
    const before = state.occupants.get(p.nick);
    state.occupants.delete(p.nick);
    if (p.statusCodes.includes('303') && p.newNick) {
      state.renames.set(p.newNick, p.nick);
      if (p.self) {
        state.nick = p.newNick;
        keepRooms();
      }
      return;
    }
    if (p.self) {
      if (!state.joined && joining.has(state.jid)) return; // the join's own error handling reports it
      if ((p.statusCodes.includes('332') || p.statusCodes.includes('333')) && !p.destroy) {
        // The service is shutting down (332), or dropped us after a delivery error (333; Prosody
        // does that while our session ends with a server restart): the room is not gone for
        // good. Keep it and rejoin with the next fresh session, or soon if our session survives.
        state.joined = false;
        state.occupants.clear();
        setTimeout(() => {
          if (!state.gone && !state.joined && transport.online && !joining.has(state.jid)) rejoin(state);
        }, 5000);
        return;
      }
      const text = p.reason ?? p.destroy?.reason;
      removeRoom(state, leaveReason(p), {
        ...(p.actor ? { actor: p.actor } : {}),
        ...(text ? { text } : {}),
        ...(p.destroy?.alternative ? { alternative: bareJid(p.destroy.alternative) } : {}),
      });
      return;
    }
    if (!state.joined) return;
    const reason = leaveReason(p);
    emit('room:occupant', {
      room: state.jid,
      occupant: before ?? occupantOf(state, p),
      change: 'left',
      reason: reason === 'destroyed' || reason === 'shutdown' || reason === 'error' ? 'left' : reason,
    });
  };

  /**
   * Room messages that came before this client knew their room. A client that resumes an earlier
   * one's session (a page reload, an element shown again, a bot's next process) is handed what was
   * said while that client was away right after the resume, before it has joined its rooms again
   * (the kept rooms, the bookmarks). Held for the first session's first 30 seconds, per room, and
   * passed on once the room is joined (after `room:joined`, so that `rooms.get` has it); messages
   * of rooms it does not join are dropped. What a room says while it is being joined (the
   * messages the server hands over after a resume may come only then, and any history the join
   * asked for) is held the same way, behind them.
   */
  const early = new Map<Jid, MucMessage[]>();
  let holding = true;
  let heldCount = 0;
  const stopHolding = (): void => {
    holding = false;
    for (const room of early.keys()) if (!joining.has(room)) early.delete(room);
  };
  const hold = (m: MucMessage): void => {
    if (!holding || m.type !== 'groupchat' || heldCount >= 500) return;
    heldCount += 1;
    const held = early.get(m.room);
    if (held) held.push(m);
    else early.set(m.room, [m]);
  };
  /** Passes on what was held for `room`, now that it is joined (see `early`). */
  const release = (room: Jid): void => {
    const held = early.get(room);
    if (!held) return;
    early.delete(room);
    for (const m of held) onMessage(m);
  };

  const onMessage = (m: MucMessage): void => {
    const page = m.type === 'groupchat' && m.stanzaId ? joinPages.get(m.room) : undefined;
    // More than a page's worth since: it cannot hold them all.
    if (page && page.later.push(m.stanzaId!) > prefetch) joinPages.delete(m.room);
    const state = rooms.get(m.room) ?? joining.get(m.room);
    if (!state) hold(m);
    if (!state || state.gone) return;
    if (!state.joined && m.type === 'groupchat' && m.body !== undefined && m.subject === undefined) {
      if (state.probing && m.delay) {
        // Room history at a join that looks for our messages (see `probe`).
        const id = [m.originId, m.id].find((i) => i !== undefined && state.probing?.has(i));
        if (id) {
          arrived(state, id);
          return;
        }
        // Asked for only to look: the rest is not shown (the archive's catch-up is what shows
        // what was said meanwhile, as after any rejoin).
        if (!historyAsked(state.options)) return;
      }
      // Said while the room is being joined: passed on once it is (see `early`), behind what
      // was held before.
      const held = early.get(m.room);
      if (held) held.push(m);
      else early.set(m.room, [m]);
      return;
    }
    if (m.type === 'error') {
      const id = m.id ?? '';
      const entry = state.outbox.get(id) ?? state.echoes.get(id);
      if (entry && !entry.retried && m.error?.condition === 'not-acceptable' && state.joined) {
        // "You are not in this room": the room lost us. Check with a self-ping (which rejoins)
        // and write the message again once we are back in, instead of failing it.
        state.echoes.delete(id);
        state.outbox.delete(id);
        state.outbox.set(id, { ...entry, written: false, retried: true });
        pending.set(id, state);
        void check(state);
        return;
      }
      if (state.echoes.delete(id)) {
        // The server had it (XEP-0198), but the room refused it (e.g. no voice).
        setState(id, 'failed', m.error);
        return;
      }
      const waiter = state.subjectWaiters.get(id);
      if (waiter) {
        state.subjectWaiters.delete(id);
        waiter.reject(m.error ?? new ChatError(ErrorCodes.requestFailed, 'The room refused'));
      }
      if (state.outbox.has(id)) {
        state.outbox.delete(id);
        pending.delete(id);
        setState(id, 'failed', m.error);
      }
      return;
    }
    if (m.subject !== undefined && m.body === undefined) {
      state.subject = m.subject;
      if (m.nick === state.nick) {
        const waiting = [...state.subjectWaiters].find(([id, w]) => id === m.id || w.subject === m.subject);
        if (waiting) {
          state.subjectWaiters.delete(waiting[0]);
          waiting[1].resolve();
        }
      }
      if (state.subjectSeen) {
        state.subjectSeen();
        return;
      }
      if (state.joined) {
        emit('room:subject', { room: state.jid, subject: m.subject, ...(m.nick ? { by: m.nick } : {}) });
      }
      return;
    }
    state.lastHeard = Date.now();
    // A chat state (XEP-0085), alone or with a message: someone else is typing, paused, done …
    if (
      m.chatState &&
      TYPING_STATES.has(m.chatState) &&
      m.nick &&
      !m.delay &&
      state.joined &&
      !isSelf(state, m)
    ) {
      emit('typing', {
        conversation: state.jid,
        from: `${state.jid}/${m.nick}`,
        state: m.chatState as TypingState,
      });
    }
    if (m.body === undefined) return;
    const ownId = [m.originId, m.id].find((id) => id !== undefined && state.sent.has(id));
    const keys = [
      m.stanzaId ? `s:${state.jid}:${m.stanzaId}` : undefined,
      m.originId ? `o:${state.jid}:${m.originId}` : undefined,
      m.id ? `o:${state.jid}:${m.id}` : undefined,
    ].filter((k): k is string => k !== undefined);
    const duplicate = keys.some((k) => seen.has(k));
    keys.forEach(remember);
    if (ownId) {
      // Our own message, reflected by the room: it got there. Not a new message.
      state.echoes.delete(ownId);
      if (state.outbox.delete(ownId)) {
        pending.delete(ownId);
        setState(ownId, 'acked');
      }
      return;
    }
    if (duplicate) return;
    const mine = isSelf(state, m);
    const time = m.delay ?? new Date();
    const linked = attachmentOf(m.body, m.links);
    // A shared (uploaded) file: an XEP-0066 link equal to the body, as XMPP clients send them.
    const sharedFile = Boolean(m.links?.some((l) => l.url === m.body?.trim()));
    const attachment = linked && sharedFile ? { ...linked, ...expiry(time) } : linked;
    const message: Message = {
      id: m.originId ?? m.id ?? m.stanzaId ?? newId(),
      ...(m.stanzaId ? { stanzaId: m.stanzaId } : {}),
      conversation: state.jid,
      from: m.nick ? `${state.jid}/${m.nick}` : state.jid,
      direction: mine ? 'out' : 'in',
      kind: 'groupchat',
      body: m.body,
      time,
      ...(attachment ? { attachment } : {}),
      ...(m.body.startsWith('/me ') ? { action: true } : {}),
    };
    emit('message', { message });
  };

  watchRooms(transport, {
    presence: onPresence,
    message: onMessage,
    invite: (invite) => emit('room:invite', { invite }),
    declined: (decline) => emit('room:declined', decline),
  });

  transport.on('message:acked', ({ id }) => {
    const state = pending.get(id);
    if (!state) return;
    const entry = state.outbox.get(id);
    // An ack for a copy the room refused, which waits to be written again: not for the next one.
    if (entry && !entry.written) return;
    pending.delete(id);
    state.outbox.delete(id);
    if (entry && entry.privateTo === undefined) {
      // The server has it; the room may still refuse it. Kept until the room reflects it.
      state.echoes.set(id, entry);
      if (state.echoes.size > 200) state.echoes.delete(state.echoes.keys().next().value as string);
    }
    setState(id, 'acked');
  });
  /**
   * Room messages an earlier client wrote that the server never acknowledged, by room, when this
   * client could not resume that client's session (it had expired, or it was over BOSH): the last
   * page's last words in a room. Not this client's, so not in an outbox; written again with their
   * ids once their room is joined (the kept rooms are, right after the session is up). A copy
   * that did reach the room is dropped by receivers that know the id (XEP-0359 origin id).
   */
  const orphans = new Map<Jid, Orphan[]>();
  let orphanCount = 0;
  const adoptOrphans = (state: RoomState): void => {
    const list = orphans.get(state.jid);
    if (!list || state.gone) return;
    orphans.delete(state.jid);
    for (const { id, body, link, file, arrived: there } of list) {
      queue(state, body, {
        orphan: { id, ...(link ? { link } : {}), ...(there ? { arrived: true } : {}) },
        ...(file ? { file } : {}),
      });
    }
    keepOutbox();
  };
  const addOrphan = (room: Jid, orphan: Orphan): void => {
    if (orphanCount >= 100) return;
    orphanCount += 1;
    locks.hold(orphan.id);
    const list = orphans.get(room) ?? [];
    orphans.set(room, list);
    list.push(orphan);
    const state = rooms.get(room);
    if (state?.joined) adoptOrphans(state);
  };

  /**
   * Room messages not written to the server yet (written while offline or while their room was
   * being joined again, and an earlier client's not adopted yet) are kept with the resume state
   * (`transport.keep`): a page left or reloaded before they went out hands them to the next
   * client of the tab, which writes them once their room is joined (as `orphans`). Private
   * messages are not kept.
   */
  const keepOutbox = (): void => {
    const waiting: Array<Orphan & { room: Jid }> = [];
    for (const state of rooms.values()) {
      for (const { message, written, privateTo, link, file, unsure } of state.outbox.values()) {
        if (written || privateTo !== undefined) continue;
        waiting.push({
          room: state.jid,
          id: message.id,
          body: message.body,
          ...(link ? { link } : {}),
          ...(file ? { file } : {}),
          ...(unsure ? { unsure } : {}),
        });
      }
    }
    for (const [room, list] of orphans) for (const orphan of list) waiting.push({ room, ...orphan });
    transport.keep('roomOutbox', waiting);
  };
  // The last page's waiting room messages are this tab's to send from the start.
  void transport.kept('roomOutbox').then(locks.holdKept);
  /**
   * Our room messages the local store shows as waiting, from other pages of this browser: taken
   * over (as `orphans`) by `adoptLeft` when the tab that wrote them is gone.
   */
  let leftWaiting: readonly Message[] = [];
  let markLeftRestored = (): void => undefined;
  const leftRestored = new Promise<void>((resolve) => {
    markLeftRestored = resolve;
  });
  /**
   * The room messages a closed tab wrote offline and left waiting: each one that no live client
   * answers for (`locks`), and that the store still has as waiting, is written again with its id
   * once its room is joined. Once, after the tab's own kept ones.
   */
  const adoptLeft = async (): Promise<void> => {
    await leftRestored;
    const list = leftWaiting;
    leftWaiting = [];
    await locks.takeOver(
      list,
      (id) => pending.has(id) || states.has(id),
      storedState,
      (m) => {
        const file = sharedFile(m.attachment);
        addOrphan(m.conversation, {
          id: m.id,
          body: m.body,
          ...(file ? { file, link: { url: file.url } } : {}),
        });
      },
    );
    keepOutbox();
  };
  let adoptedKept = false;
  transport.on('online', () => {
    if (adoptedKept) return;
    adoptedKept = true;
    void transport.kept('roomOutbox').then((list) => {
      for (const item of Array.isArray(list) ? (list as unknown[]) : []) {
        const { room, id, body, link, file, unsure } = (item ?? {}) as Record<string, unknown>;
        if (typeof room !== 'string' || typeof id !== 'string' || typeof body !== 'string') continue;
        if (pending.has(id) || states.has(id)) continue;
        const url = (link as { url?: unknown } | undefined)?.url;
        const shared = sharedFile(file);
        addOrphan(room, {
          id,
          body,
          ...(typeof url === 'string' ? { link: { url } } : {}),
          ...(shared ? { file: shared } : {}),
          ...(unsure === true ? { unsure } : {}),
        });
      }
      keepOutbox();
      return adoptLeft();
    });
  });
  transport.on('message:unacked', ({ id, room }) => {
    // The session it went out on ended before an ack: write it again once the room is rejoined.
    const entry = pending.get(id)?.outbox.get(id);
    if (entry) {
      entry.written = false;
      if (entry.privateTo === undefined) entry.unsure = true;
      locks.hold(id);
      return;
    }
    if (room) {
      addOrphan(room.jid, { id, body: room.body, unsure: true, ...(room.link ? { link: room.link } : {}) });
    }
  });

  /** Configures a room this join created: an instant room, or the given configuration. */
  const configureNew = async (jid: Jid, config: RoomConfig | undefined): Promise<void> => {
    if (!config || Object.keys(config).length === 0) {
      await submitRoomConfig(transport, jid, []);
      return;
    }
    const form = await getRoomConfig(transport, jid);
    await submitRoomConfig(transport, jid, configFields(form, config));
  };

  /** One join sequence for a room state: presence, configuration of a new room, subject. */
  const enter = async (state: RoomState, rejoin: boolean): Promise<{ created: boolean }> => {
    const { options } = state;
    const timeout = options.timeout ?? 15;
    const candidates = rejoin ? [state.nick] : nickCandidates(options.nick, options.retryWithSuffix);
    let lastError: unknown;
    for (const [index, nick] of candidates.entries()) {
      state.nick = nick;
      state.occupants.clear();
      state.renames.clear();
      const subject = new Promise<void>((resolve) => {
        state.subjectSeen = resolve;
      });
      joining.set(state.jid, state);
      state.probing = probe(state);
      // The room's recent history, to look for our messages in, when not asked for anyway.
      const history = historyAsked(options)
        ? options.history
        : state.probing
          ? { maxStanzas: PROBED_HISTORY }
          : options.history;
      const presence = ownPresence();
      try {
        const joined = sendJoin(transport, {
          room: state.jid,
          nick,
          timeout,
          // The password we joined with, or the one we set since (owners need it too).
          ...(state.password ? { password: state.password } : {}),
          ...(history ? { history } : {}),
          presence,
        });
        // The newest history page, right behind the join presence (see `joinPages`). Not for a
        // second nickname: messages said between the two joins would be in neither.
        if (!rejoin && index === 0 && prefetch > 0) {
          const query = { archive: state.jid, before: '', max: prefetch };
          joinPages.set(state.jid, {
            page: queryArchive(transport, query, { timeout }).catch(() => undefined),
            later: [],
          });
        }
        const self = await joined;
        const created = self.statusCodes.includes('201');
        if (created && options.create === false) {
          // We created it by joining, which was not wanted: undo that.
          await destroyRoom(transport, state.jid, {}).catch(() => undefined); // best effort: it is locked anyway
          throw new ChatError(ErrorCodes.itemNotFound, `The room ${state.jid} does not exist`, {
            condition: 'item-not-found',
          });
        }
        if (created) {
          try {
            await configureNew(state.jid, options.config);
          } catch (error) {
            await destroyRoom(transport, state.jid, {}).catch(() => undefined); // best effort: unusable anyway
            throw error;
          }
        }
        // The room ends the join sequence with its subject; do not wait forever for it.
        await Promise.race([subject, new Promise((resolve) => setTimeout(resolve, 2000))]);
        state.subjectSeen = undefined;
        state.joined = true;
        state.lastHeard = Date.now();
        known.add(state.jid);
        // Our presence changed while the join was under way: the room has the old one.
        const now = ownPresence();
        if (now.show !== presence.show || now.status !== presence.status) {
          sendRoomPresence(transport, state.jid, state.nick, now);
        }
        return { created };
      } catch (error) {
        lastError = error;
        state.subjectSeen = undefined;
        joinPages.delete(state.jid);
        if (isChatError(error) && error.code === ErrorCodes.nicknameConflict) continue;
        throw error;
      } finally {
        joining.delete(state.jid);
        state.probing = undefined;
      }
    }
    throw lastError;
  };

  /**
   * Puts a message in the room's outbox (sent at once when joined, else after the rejoin) and
   * announces it once on `message`; the room's reflection of it is not announced again.
   */
  const queue = (
    state: RoomState,
    body: string,
    extra: {
      privateTo?: string;
      file?: SharedFile;
      /**
       * An earlier client's message written again (see `orphans`): its id and link; `arrived`
       * when the room has it already (see `probe`): then it is only announced.
       */
      orphan?: { id: string; link?: { url: string }; arrived?: boolean };
    } = {},
  ): Message => {
    if (state.gone) throw new ChatError(ErrorCodes.notConnected, `Not in the room ${state.jid}`);
    const now = new Date();
    const { file, privateTo, orphan } = extra;
    const link = file ? { url: file.url } : orphan?.link;
    const attachment: Attachment | undefined = file
      ? { url: file.url, name: file.name, type: file.type, size: file.size, ...expiry(now) }
      : attachmentOf(body);
    const message: Message = {
      id: orphan?.id ?? newId(),
      // A private message's conversation is the occupant JID: never a bare JID, so it cannot be
      // taken for a contact's (or the room's) conversation.
      conversation: privateTo !== undefined ? `${state.jid}/${privateTo}` : state.jid,
      from: `${state.jid}/${state.nick}`,
      direction: 'out',
      kind: privateTo !== undefined ? 'chat' : 'groupchat',
      body,
      time: now,
      state: 'queued',
      ...(attachment ? { attachment } : {}),
      ...(body.startsWith('/me ') ? { action: true } : {}),
    };
    state.sent.add(message.id);
    if (orphan?.arrived) {
      emit('message', { message: { ...message, state: 'acked' } });
      setState(message.id, 'acked');
      return { ...message, state: 'acked' };
    }
    state.outbox.set(message.id, {
      message,
      written: false,
      ...(link ? { link } : {}),
      ...(file ? { file } : {}),
      ...(privateTo !== undefined ? { privateTo } : {}),
    });
    pending.set(message.id, state);
    setState(message.id, 'queued');
    flush(state);
    // Waiting: this client answers for it (see `outbox-locks.ts`).
    if (!state.outbox.get(message.id)?.written) locks.hold(message.id);
    const current = { ...message, state: states.get(message.id) ?? 'queued' };
    // Like one-to-one sends: announced once here; the room's reflection is not a second message.
    // A private message belongs with the one-to-one conversations (listed, with its last message).
    if (privateTo !== undefined && privateSent) privateSent(current);
    else emit('message', { message: current });
    return current;
  };

  /** Uploads a file, then shares it in the room. */
  const shareFile = async (state: RoomState, content: RoomFile): Promise<Message> => {
    if (state.gone) throw new ChatError(ErrorCodes.notConnected, `Not in the room ${state.jid}`);
    if (!files) throw new ChatError(ErrorCodes.serviceUnavailable, 'File sharing is not available');
    const { file: data, ...uploadOptions } = content;
    const file = await files.upload(data, uploadOptions);
    return queue(state, file.url, { file });
  };

  const makeRoom = (state: RoomState): Room => ({
    get jid() {
      return state.jid;
    },
    get nick() {
      return state.nick;
    },
    get subject() {
      return state.subject;
    },
    get occupants() {
      return [...state.occupants.values()];
    },
    get joined() {
      return state.joined && !state.gone;
    },
    send: ((content: string | RoomFile): Message | Promise<Message> =>
      typeof content === 'string' ? queue(state, content) : shareFile(state, content)) as Room['send'],
    sendPrivate(nick, body) {
      if (!nick) throw new ChatError(ErrorCodes.invalidArgument, 'A nickname is needed');
      return queue(state, body, { privateTo: nick });
    },
    setSubject(subject) {
      requireJoined(state);
      const id = newId();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => {
            state.subjectWaiters.delete(id);
            reject(new ChatError(ErrorCodes.timeout, `The room ${state.jid} did not answer in time`));
          },
          timeoutOf(state) * 1000,
        );
        state.subjectWaiters.set(id, {
          subject,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        sendSubject(transport, state.jid, subject, id);
      });
    },
    async changeNick(nick) {
      requireJoined(state);
      if (!nick) throw new ChatError(ErrorCodes.invalidArgument, 'A nickname is needed');
      if (nick === state.nick) return;
      await sendNickChange(transport, state.jid, nick, timeoutOf(state), ownPresence());
      state.nick = nick;
    },
    async leave() {
      if (state.gone) return;
      if (transport.online) await sendLeave(transport, state.jid, state.nick, timeoutOf(state));
      removeRoom(state, 'left');
    },
    async config() {
      requireJoined(state);
      return readConfig(await getRoomConfig(transport, state.jid));
    },
    async configure(config) {
      requireJoined(state);
      const form = await getRoomConfig(transport, state.jid);
      await submitRoomConfig(transport, state.jid, configFields(form, config));
      joinInfo.delete(state.jid); // it may say otherwise now (archiving, for one)
      if (config.password !== undefined) state.password = config.password || undefined;
    },
    async kick(nick, reason) {
      requireJoined(state);
      await setRole(transport, state.jid, nick, 'none', reason);
    },
    async ban(jidOrNick, reason) {
      requireJoined(state);
      const jid = jidOrNick.includes('@') ? jidOrNick : state.occupants.get(jidOrNick)?.jid;
      if (!jid) {
        throw new ChatError(ErrorCodes.invalidArgument, `No visible JID for the occupant ${jidOrNick}`);
      }
      await setAffiliation(transport, state.jid, bareJid(jid), 'outcast', reason);
    },
    async grantVoice(nick) {
      requireJoined(state);
      await setRole(transport, state.jid, nick, 'participant');
    },
    async revokeVoice(nick) {
      requireJoined(state);
      await setRole(transport, state.jid, nick, 'visitor');
    },
    async setAffiliation(jid, affiliation, reason) {
      requireJoined(state);
      await setAffiliation(transport, state.jid, bareJid(jid), affiliation, reason);
    },
    async affiliations(kind) {
      requireJoined(state);
      return listAffiliation(transport, state.jid, kind);
    },
    async destroy(reason, alternative) {
      requireJoined(state);
      await destroyRoom(transport, state.jid, {
        ...(reason ? { reason } : {}),
        ...(alternative ? { alternative } : {}),
      });
    },
    invite(jid, reason, options = {}) {
      requireJoined(state);
      sendInvite(transport, state.jid, bareJid(jid), {
        ...(reason ? { reason } : {}),
        ...(options.direct && state.password ? { password: state.password } : {}),
        ...(options.direct ? { direct: true } : {}),
      });
    },
  });

  /**
   * Our messages a join of `state`'s room looks for in the room's history: written on a session
   * that ended before the server acknowledged them (XEP-0198), so the room may have them. Written
   * again without looking, they would be in the room twice for everyone whose client does not
   * drop repeats by id. Those found are not written again (`arrived`).
   */
  const probe = (state: RoomState): Set<string> | undefined => {
    const ids = new Set<string>();
    for (const [id, entry] of state.outbox) if (entry.unsure && !entry.written) ids.add(id);
    for (const orphan of orphans.get(state.jid) ?? []) if (orphan.unsure) ids.add(orphan.id);
    return ids.size > 0 ? ids : undefined;
  };

  /** Our message `id` was in the room's history at the join (see `probe`): it reached the room. */
  const arrived = (state: RoomState, id: string): void => {
    state.probing?.delete(id);
    const entry = state.outbox.get(id);
    if (entry) {
      state.outbox.delete(id);
      pending.delete(id);
      setState(id, 'acked');
      keepOutbox();
      return;
    }
    const orphan = orphans.get(state.jid)?.find((o) => o.id === id);
    if (orphan) orphan.arrived = true;
  };

  /** Joins a room we were in again, with its original options (and our current nickname). */
  function rejoin(state: RoomState): void {
    state.joined = false;
    const asked = info(state.jid).catch(() => undefined);
    enter(state, true).then(
      ({ created }) => {
        if (state.gone) return;
        if (created) joinInfo.delete(state.jid);
        else joinInfo.set(state.jid, asked);
        emit('room:joined', { room: state.api, created, rejoined: true });
        release(state.jid);
        flush(state);
        adoptOrphans(state);
      },
      (error: unknown) => {
        early.delete(state.jid);
        removeRoom(state, 'error', {
          error: asChatError(error, ErrorCodes.requestFailed, `Rejoining ${state.jid} failed`),
        });
      },
    );
  }

  /**
   * XEP-0410: asks the room whether it still has us; rejoins (with the original options) when
   * it does not. A timeout or an unreachable service says nothing: the next round asks again.
   */
  async function check(state: RoomState): Promise<void> {
    if (state.pinging || !state.joined || state.gone || !transport.online) return;
    state.pinging = true;
    const nick = state.nick;
    const result = await selfPing(transport, state.jid, nick, timeoutOf(state));
    state.pinging = false;
    // Things changed meanwhile (left, nickname changed, session lost): this answer is stale.
    if (state.gone || !state.joined || state.nick !== nick || !transport.online) return;
    if (result === 'joined') {
      state.lastHeard = Date.now();
      flush(state);
    } else if (result === 'gone' && !joining.has(state.jid)) {
      state.occupants.clear();
      rejoin(state);
    }
  }

  function stopSelfPing(): void {
    clearInterval(ticker);
    ticker = undefined;
  }

  function startSelfPing(): void {
    if (ticker !== undefined || selfPingMs === 0 || rooms.size === 0) return;
    ticker = setInterval(() => {
      if (!transport.online || rooms.size === 0) {
        stopSelfPing();
        return;
      }
      const quietSince = Date.now() - selfPingMs;
      for (const state of rooms.values()) if (state.lastHeard <= quietSince) void check(state);
    }, selfPingMs);
    // In Node, a ticker alone never keeps the process alive (the connection does while it lasts).
    (ticker as { unref?: () => void }).unref?.();
  }

  transport.on('offline', () => {
    stopSelfPing();
    joinPages.clear();
  });

  transport.on('online', ({ resumed }) => {
    sessions += 1;
    if (sessions === 1) {
      // Long enough for the first session's rooms to be joined again (see `early`).
      const timer = setTimeout(stopHolding, 30_000);
      (timer as { unref?: () => void }).unref?.();
    } else stopHolding();
    startSelfPing();
    if (resumed) {
      // The server kept our session, and so every room should still have us: send what was
      // queued meanwhile, and check each room (it may have dropped us while we were away).
      for (const state of rooms.values()) {
        flush(state);
        void check(state);
      }
      return;
    }
    if (sessions === 1) return;
    // A fresh session: the server dropped us from every room. Rejoin with the original options.
    for (const state of [...rooms.values()]) rejoin(state);
  });
  // The first session of this client: the rooms an earlier page load was in (see `keepRooms`).
  // Resumed, the server still has us there and answers the join with the room's state.
  transport.on('online', () => {
    if (sessions !== 1) return;
    void transport.kept('rooms').then(async (list) => {
      if (!Array.isArray(list)) return;
      const joins: Array<Promise<unknown>> = [];
      for (const item of list as unknown[]) {
        const { jid, nick } = (item ?? {}) as { jid?: unknown; nick?: unknown };
        if (typeof jid !== 'string' || typeof nick !== 'string' || !transport.online) continue;
        const join = api.join(jid, { nick }).catch((error: unknown) =>
          emit('error', {
            error: asChatError(error, ErrorCodes.requestFailed, `Joining ${jid} again failed`),
          }),
        );
        joins.push(join);
      }
      // A room that could not be joined again (we were banned meanwhile, say) is not kept: the
      // next page does not try it again.
      await Promise.all(joins);
      if (transport.online) keepRooms();
    });
  });

  const info = async (jid: Jid): Promise<RoomInfo> => {
    requireOnline();
    const room = bareJid(jid);
    return roomInfo(room, await discoInfo(transport, room));
  };

  /** A join of a room we are not in, nor joining yet (see `join`). */
  const joinNew = async (room: Jid, options: JoinOptions): Promise<Room> => {
    if (options.create === false) {
      // Ask first, so that a missing room is not created (and locked) by our join.
      const exists = await discoInfo(transport, room).then(
        () => true,
        (error: unknown) => !(isChatError(error) && error.code === ErrorCodes.itemNotFound),
      );
      if (!exists) {
        throw new ChatError(ErrorCodes.itemNotFound, `The room ${room} does not exist`, {
          condition: 'item-not-found',
        });
      }
    }
    const state: RoomState = {
      jid: room,
      nick: options.nick,
      subject: '',
      occupants: new Map(),
      options: { ...options },
      password: options.password ?? (options.config?.password || undefined),
      joined: false,
      gone: false,
      sent: new Set(),
      outbox: new Map(),
      echoes: new Map(),
      renames: new Map(),
      subjectWaiters: new Map(),
      subjectSeen: undefined,
      probing: undefined,
      lastHeard: Date.now(),
      pinging: false,
      api: undefined as unknown as Room,
    };
    state.api = makeRoom(state);
    const asked = info(room).catch(() => undefined);
    const { created } = await enter(state, false).catch((error: unknown) => {
      early.delete(room);
      throw error;
    });
    // A room we just created was configured after that answer: it says nothing then.
    if (created) joinInfo.delete(room);
    else joinInfo.set(room, asked);
    rooms.set(room, state);
    keepRooms();
    startSelfPing();
    emit('room:joined', { room: state.api, created, rejoined: false });
    release(room);
    adoptOrphans(state);
    return state.api;
  };

  const api: Rooms = {
    async join(jid, options) {
      const room = bareJid(jid);
      if (!room.includes('@') || !options?.nick) {
        throw new ChatError(ErrorCodes.invalidArgument, 'join needs a room JID (name@service) and a nick');
      }
      const existing = rooms.get(room);
      if (existing) return existing.api;
      const pending = pendingJoins.get(room);
      if (pending) return pending;
      requireOnline();
      const joined = joinNew(room, options);
      pendingJoins.set(room, joined);
      try {
        return await joined;
      } finally {
        pendingJoins.delete(room);
      }
    },
    list() {
      return [...rooms.values()].map((s) => s.api);
    },
    get(jid) {
      return rooms.get(bareJid(jid))?.api;
    },
    async discover(service) {
      requireOnline();
      const host = service ?? (await discovery.ready()).mucService;
      if (!host) throw new ChatError(ErrorCodes.serviceUnavailable, 'The server has no group chat service');
      const items = await discoItems(transport, host);
      return Promise.all(
        items.map(async (item): Promise<RoomSummary> => {
          const details = await info(item.jid).catch(() => undefined); // a room may vanish meanwhile
          const name = details?.name ?? item.name;
          return {
            jid: bareJid(item.jid),
            ...(name ? { name } : {}),
            ...(details?.occupants !== undefined ? { occupants: details.occupants } : {}),
          };
        }),
      );
    },
    info,
    decline(invite, reason) {
      if (invite.kind !== 'mediated') return; // XEP-0249 has no decline message
      requireOnline();
      sendDecline(transport, invite.room, invite.from, reason);
    },
  };
  /** Our presence changed while offline: a resumed session tells the rooms (fresh ones rejoin). */
  let presenceUnsent = false;
  const tellRoomsPresence = (): void => {
    presenceUnsent = false;
    const presence = ownPresence();
    for (const state of rooms.values()) {
      if (state.joined && !state.gone) sendRoomPresence(transport, state.jid, state.nick, presence);
    }
  };
  transport.on('online', ({ resumed }) => {
    if (resumed && presenceUnsent) tellRoomsPresence();
    presenceUnsent = false;
  });

  controls.set(api, {
    restoreWaiting(messages) {
      leftWaiting = messages.filter(
        (m) => m.direction === 'out' && m.state === 'queued' && m.kind === 'groupchat',
      );
      markLeftRestored();
    },
    isOccupantJid(jid) {
      const slash = jid.indexOf('/');
      if (slash < 0 || !jid.slice(0, slash).includes('@')) return false;
      const room = bareJid(jid);
      // A room we were in, or any room on the server's own group chat service (e.g. a private
      // message found in the archive before we rejoined its room).
      return known.has(room) || room.split('@')[1] === discovery.server?.mucService;
    },
    stop: stopSelfPing,
    joinInfo: (jid) => joinInfo.get(bareJid(jid)),
    joinPage(jid, take) {
      const room = bareJid(jid);
      const entry = joinPages.get(room);
      return entry?.page.then((page) => {
        if (joinPages.get(room) !== entry) return undefined;
        if (take) joinPages.delete(room);
        const ids = new Set(page?.messages.map((m) => m.archiveId));
        return entry.later.every((id) => ids.has(id)) ? page : undefined;
      });
    },
    presenceChanged() {
      // Offline: a fresh session's joins carry it; a resumed one tells the rooms (below).
      if (transport.online) tellRoomsPresence();
      else presenceUnsent = true;
    },
    setTyping(jid, typing) {
      const state = rooms.get(bareJid(jid));
      if (!state || jid.includes('/')) return false;
      if (!TYPING_STATES.has(typing)) {
        throw new ChatError(ErrorCodes.invalidArgument, `Unknown chat state: ${String(typing)}`);
      }
      if (state.typingSent === typing || state.gone || !state.joined || !transport.online) return true;
      try {
        transport.sendMessage({ to: state.jid, type: 'groupchat', chatState: typing });
        state.typingSent = typing;
      } catch (error) {
        void error; // the link went down meanwhile: a hint, not a message
      }
      return true;
    },
  });
  return api;
}
