// Group chat (XEP-0045) as plain data over the StanzaJS agent, plus XEP-0249 direct invitations
// and XEP-0421 occupant ids. StanzaJS's own joinRoom() has no timeout and its automatic rejoin
// loses the join options, so joining is done here: send the join presence, wait for our own
// presence (status 110) or an error presence. Invitations, configuration and the owners' and
// admins' requests are sent (and invitations read) here too, so that nothing needs StanzaJS's
// MUC plugin, which the browser build leaves out (scripts/rollup-stanza-subset.mjs).
import { JXT, Namespaces, type Agent, type Stanzas } from 'stanza';
import { ChatError, ErrorCodes } from '../errors.js';
import { bareJid } from '../jid.js';
import { toChatError } from './iq.js';
import { agentOf, type Transport } from './xmpp.js';

const NS_MUC_OWNER_FORM = 'http://jabber.org/protocol/muc#roomconfig';

/** An occupant's role in a room. */
export type MucRole = 'moderator' | 'participant' | 'visitor' | 'none';
/** An occupant's long-lived affiliation with a room. */
export type MucAffiliation = 'owner' | 'admin' | 'member' | 'outcast' | 'none';

/** An occupant's availability in a room (RFC 6121 `show`); none means available. */
export type RoomShow = 'chat' | 'away' | 'xa' | 'dnd';

/** What our presence in a room says besides being there: availability and status message. */
export interface RoomPresence {
  show?: RoomShow;
  status?: string;
}

/** Our availability and status message as presence fields; nothing for plain available. */
const presenceFields = (presence: RoomPresence | undefined): RoomPresence => ({
  ...(presence?.show ? { show: presence.show } : {}),
  ...(presence?.status ? { status: presence.status } : {}),
});

/** A presence from a room occupant (`room@service/nick`), as plain data. */
export interface MucPresence {
  room: string;
  nick: string;
  type: 'available' | 'unavailable' | 'error';
  id?: string;
  /** Status 110: the presence is about us. */
  self: boolean;
  statusCodes: string[];
  role?: MucRole;
  affiliation?: MucAffiliation;
  /** The occupant's real JID, when the room shows it to us. */
  jid?: string;
  /** XEP-0421 occupant id, where the room offers it. */
  occupantId?: string;
  /** The occupant's availability (`show`) and status message, as they sent them to the room. */
  show?: RoomShow;
  status?: string;
  /** Status 303: the occupant's new nickname. */
  newNick?: string;
  reason?: string;
  actor?: string;
  destroy?: { reason?: string; alternative?: string };
  error?: ChatError;
}

/** A message from a room (`room@service` or `room@service/nick`), as plain data. */
export interface MucMessage {
  room: string;
  /** The sender's nickname; empty for messages from the room itself. */
  nick: string;
  type: 'groupchat' | 'error';
  id?: string;
  originId?: string;
  /** XEP-0359 stanza id assigned by the room (by = room JID). */
  stanzaId?: string;
  body?: string;
  /** Set when the message carries a subject (an empty string clears it). */
  subject?: string;
  delay?: Date;
  occupantId?: string;
  /** XEP-0066 out-of-band links (shared files). */
  links?: Array<{ url: string; description?: string }>;
  /** XEP-0085 chat state (`composing` while the occupant types …). */
  chatState?: string;
  error?: ChatError;
}

/** An invitation to a room: mediated (XEP-0045, through the room) or direct (XEP-0249). */
export interface MucInvite {
  room: string;
  /** Who invited us (a real JID for both kinds, as far as the room tells). */
  from: string;
  kind: 'mediated' | 'direct';
  reason?: string;
  password?: string;
}

/** A field of a room configuration form. */
export interface ConfigField {
  name: string;
  type?: string;
  value?: boolean | string | string[];
  options?: string[];
}

/** Join error conditions and our codes for them. */
const JOIN_CODES: Record<string, string> = {
  conflict: ErrorCodes.nicknameConflict,
  'not-authorized': ErrorCodes.passwordRequired,
  forbidden: ErrorCodes.banned,
  'registration-required': ErrorCodes.membersOnly,
  'item-not-found': ErrorCodes.itemNotFound,
  'service-unavailable': ErrorCodes.serviceUnavailable,
  'not-allowed': ErrorCodes.forbidden,
  'not-acceptable': ErrorCodes.invalidArgument,
  'jid-malformed': ErrorCodes.invalidArgument,
};

/** Maps an error presence's condition to a ChatError. Pure. */
export function joinError(condition: string | undefined, text?: string): ChatError {
  const code = (condition && JOIN_CODES[condition]) || ErrorCodes.requestFailed;
  return new ChatError(
    code,
    `Joining the room failed: ${condition ?? 'unknown'}${text ? ` (${text})` : ''}`,
    {
      ...(condition ? { condition } : {}),
    },
  );
}

function resourceOf(jid: string): string {
  const slash = jid.indexOf('/');
  return slash < 0 ? '' : jid.slice(slash + 1);
}

type StanzaPresence = Stanzas.ReceivedPresence & { muc?: Stanzas.MUCInfo | Stanzas.MUCJoin };

/** Converts a StanzaJS presence from a room into {@link MucPresence}; undefined if it is not one. Pure. */
export function toMucPresence(pres: StanzaPresence): MucPresence | undefined {
  // muc#user data; StanzaJS leaves `type` out for it (its default), and sets 'join' for muc.
  const muc = pres.muc && pres.muc.type !== 'join' ? (pres.muc as Stanzas.MUCInfo) : undefined;
  if (!pres.from || (!muc && pres.type !== 'error')) return undefined;
  const statusCodes = (muc?.statusCodes ?? []).map(String);
  // Subscription requests and probes are not room presences.
  if (pres.type && pres.type !== 'error' && pres.type !== 'unavailable') return undefined;
  const type = pres.type === 'error' ? 'error' : pres.type === 'unavailable' ? 'unavailable' : 'available';
  return {
    room: bareJid(pres.from),
    nick: resourceOf(pres.from),
    type,
    ...(pres.id ? { id: pres.id } : {}),
    self: statusCodes.includes('110'),
    statusCodes,
    ...(muc?.role ? { role: muc.role as MucRole } : {}),
    ...(muc?.affiliation ? { affiliation: muc.affiliation as MucAffiliation } : {}),
    ...(muc?.jid ? { jid: String(muc.jid) } : {}),
    ...(pres.occupantId ? { occupantId: pres.occupantId } : {}),
    ...(type === 'available' && pres.show ? { show: pres.show as RoomShow } : {}),
    ...(type === 'available' && pres.status ? { status: pres.status } : {}),
    ...(muc?.nick && statusCodes.includes('303') ? { newNick: muc.nick } : {}),
    ...(muc?.reason ? { reason: muc.reason } : {}),
    ...(muc?.actor?.nick || muc?.actor?.jid ? { actor: String(muc.actor.nick ?? muc.actor.jid) } : {}),
    ...(muc?.destroy
      ? {
          destroy: {
            ...(muc.destroy.reason ? { reason: muc.destroy.reason } : {}),
            ...(muc.destroy.jid ? { alternative: String(muc.destroy.jid) } : {}),
          },
        }
      : {}),
    ...(pres.type === 'error' ? { error: joinError(pres.error?.condition, pres.error?.text) } : {}),
  };
}

/** Converts a StanzaJS groupchat (or error) message into {@link MucMessage}; undefined otherwise. Pure. */
export function toMucMessage(msg: Stanzas.ReceivedMessage): MucMessage | undefined {
  if (!msg.from || (msg.type !== 'groupchat' && msg.type !== 'error')) return undefined;
  const room = bareJid(msg.from);
  const stanzaId = msg.stanzaIds?.find((s) => s.by === room)?.id;
  const error = msg.type === 'error' ? toChatError({ error: msg.error }, 'Sending to the room') : undefined;
  const links = (msg.links ?? [])
    .filter((l): l is { url: string; description?: string } => typeof l.url === 'string' && l.url !== '')
    .map((l) => ({ url: l.url, ...(l.description ? { description: l.description } : {}) }));
  return {
    room,
    nick: resourceOf(msg.from),
    type: msg.type,
    ...(msg.id ? { id: msg.id } : {}),
    ...(msg.originId ? { originId: msg.originId } : {}),
    ...(stanzaId ? { stanzaId } : {}),
    ...(msg.body !== undefined ? { body: msg.body } : {}),
    ...(msg.hasSubject || msg.subject !== undefined ? { subject: msg.subject ?? '' } : {}),
    ...(msg.delay?.timestamp ? { delay: new Date(msg.delay.timestamp) } : {}),
    ...(msg.occupantId ? { occupantId: msg.occupantId } : {}),
    ...(links.length > 0 ? { links } : {}),
    ...(msg.chatState ? { chatState: msg.chatState } : {}),
    ...(error ? { error } : {}),
  };
}

/**
 * StanzaJS maps a mediated decline to `<decline/>` directly under `<message/>` instead of inside
 * `<x xmlns='…muc#user'>`, so declines it sends are empty and declines it receives are never
 * seen. These fields add the decline where XEP-0045 has it, to the `muc#user` element's
 * definition (`message.muc.declineTo` …); StanzaJS's own `decline` is left alone.
 */
function declinePlugin(_agent: Agent, registry: JXT.Registry): void {
  registry.define(DECLINE_DEFINITION);
}

/** {@link declinePlugin}'s definition (one object: registries may be shared). */
const DECLINE_DEFINITION: JXT.DefinitionOptions = {
  element: 'x',
  namespace: Namespaces.NS_MUC_USER,
  type: 'info',
  fields: {
    declineFrom: JXT.childAttribute(null, 'decline', 'from'),
    declineTo: JXT.childAttribute(null, 'decline', 'to'),
    declineReason: JXT.deepChildText([
      { namespace: null, element: 'decline' },
      { namespace: null, element: 'reason' },
    ]),
  },
};

/** The decline fields {@link declinePlugin} adds. */
interface DeclineFields {
  declineFrom?: string;
  declineTo?: string;
  declineReason?: string;
}

/** What {@link watchRooms} reports. */
export interface MucHandlers {
  presence(presence: MucPresence): void;
  message(message: MucMessage): void;
  invite(invite: MucInvite): void;
  declined(decline: { room: string; from: string; reason?: string }): void;
}

/**
 * An invitation in `msg`, as StanzaJS's MUC plugin reads one: direct (XEP-0249, or its legacy
 * form) or mediated by the room (XEP-0045). Pure.
 */
function inviteOf(msg: Stanzas.ReceivedMessage): MucInvite | undefined {
  const muc = msg.muc;
  if (!muc || !msg.from) return undefined;
  // StanzaJS leaves `type` out of a parsed muc#user element: anything but a direct invitation.
  const mediated = muc.type !== 'direct-invite' ? muc.invite?.[0] : undefined;
  const direct = muc.type === 'direct-invite' ? muc : !mediated ? msg.legacyMUC : undefined;
  const from = direct ? msg.from : mediated?.from;
  const room = direct ? direct.jid : mediated ? msg.from : undefined;
  if (!room || !from) return undefined;
  const reason = direct ? direct.reason : mediated?.reason;
  const password = direct ? direct.password : (muc as Stanzas.MUCInfo).password;
  const bare = bareJid(room);
  return {
    room: bare,
    // A semi-anonymous room names the inviter by occupant JID (room/nick), not real JID.
    from: bareJid(from) === bare ? from : bareJid(from),
    kind: direct ? 'direct' : 'mediated',
    ...(reason ? { reason } : {}),
    ...(password ? { password } : {}),
  };
}

/**
 * Subscribes to everything room-related on the agent. Invitations are read here, not by
 * StanzaJS's MUC plugin (which the browser build leaves out: the SDK does its own joins). In
 * Node, where the plugin is loaded, its room bookkeeping is kept empty, so that its automatic
 * rejoin (which loses passwords and history options, and does not run after a resume anyway)
 * never fires: rooms are rejoined by the rooms feature.
 */
export function watchRooms(transport: Transport, handlers: MucHandlers): () => void {
  const agent = agentOf(transport);
  agent.use(declinePlugin);
  agent.disco.addFeature(Namespaces.NS_MUC);
  agent.disco.addFeature(Namespaces.NS_MUC_DIRECT_INVITE);
  const plugin = agent as Partial<Pick<Agent, 'joinedRooms' | 'joiningRooms'>>;
  const forget = (): void => {
    plugin.joinedRooms?.clear();
    plugin.joiningRooms?.clear();
  };
  const onPresence = (pres: Stanzas.ReceivedPresence): void => {
    const converted = toMucPresence(pres as StanzaPresence);
    if (converted) handlers.presence(converted);
  };
  const onMessage = (msg: Stanzas.ReceivedMessage): void => {
    const decline = msg.muc as (Stanzas.MUCInfo & DeclineFields) | undefined;
    if (msg.from && decline?.declineFrom !== undefined && msg.type !== 'groupchat') {
      handlers.declined({
        room: bareJid(msg.from),
        from: bareJid(decline.declineFrom),
        ...(decline.declineReason ? { reason: decline.declineReason } : {}),
      });
      return;
    }
    const invite = inviteOf(msg);
    if (invite) {
      handlers.invite(invite);
      return;
    }
    const converted = toMucMessage(msg);
    if (converted) handlers.message(converted);
  };
  agent.on('features', forget);
  agent.on('presence', onPresence);
  agent.on('message', onMessage);
  return () => {
    agent.off('features', forget);
    agent.off('presence', onPresence);
    agent.off('message', onMessage);
  };
}

/** Options for {@link sendJoin}. */
export interface JoinRequest {
  room: string;
  nick: string;
  password?: string;
  /** XEP-0045 history to ask for; `{ maxStanzas: 0 }` asks for none. */
  history?: { maxStanzas?: number; seconds?: number; since?: Date };
  /** Seconds to wait for the room's answer. */
  timeout: number;
  /** Our availability and status message, for the room's occupants to see from the start. */
  presence?: RoomPresence;
}

/**
 * Sends a join presence and waits for our own presence (status 110) or an error. Resolves with
 * our own presence (status 201 in `statusCodes` when the room was created by this join).
 * Rejects with a ChatError: `nickname-conflict`, `password-required`, `banned`, `members-only`,
 * `item-not-found`, `service-unavailable`, `timeout`.
 */
export function sendJoin(transport: Transport, request: JoinRequest): Promise<MucPresence> {
  const agent = agentOf(transport);
  const room = bareJid(request.room);
  return new Promise((resolve, reject) => {
    const finish = (): void => {
      clearTimeout(timer);
      agent.off('presence', onPresence);
    };
    const timer = setTimeout(() => {
      finish();
      reject(new ChatError(ErrorCodes.timeout, `The room ${room} did not answer in time`));
    }, request.timeout * 1000);
    const onPresence = (pres: Stanzas.ReceivedPresence): void => {
      if (!pres.from || bareJid(pres.from) !== room) return;
      const converted = toMucPresence(pres as StanzaPresence);
      if (!converted) return;
      if (converted.type === 'error' && resourceOf(pres.from) === request.nick) {
        finish();
        reject(converted.error);
      } else if (converted.type === 'error' && !resourceOf(pres.from)) {
        finish();
        reject(converted.error);
      } else if (converted.self && converted.type === 'available') {
        finish();
        resolve(converted);
      }
    };
    agent.on('presence', onPresence);
    const history = request.history ?? { maxStanzas: 0 };
    agent.sendPresence({
      to: `${room}/${request.nick}`,
      ...presenceFields(request.presence),
      muc: {
        type: 'join',
        ...(request.password ? { password: request.password } : {}),
        history,
      },
    });
  });
}

/**
 * Changes our nickname in a room (the presence carries our availability, which it would else
 * reset to available) and waits for the room to confirm. Rejects with
 * `nickname-conflict`, `forbidden` or `timeout`.
 */
export function sendNickChange(
  transport: Transport,
  room: string,
  nick: string,
  timeout: number,
  presence?: RoomPresence,
): Promise<MucPresence> {
  const agent = agentOf(transport);
  const id = globalThis.crypto.randomUUID();
  return new Promise((resolve, reject) => {
    const finish = (): void => {
      clearTimeout(timer);
      agent.off('presence', onPresence);
    };
    const timer = setTimeout(() => {
      finish();
      reject(new ChatError(ErrorCodes.timeout, `The room ${room} did not answer in time`));
    }, timeout * 1000);
    const onPresence = (pres: Stanzas.ReceivedPresence): void => {
      if (!pres.from || bareJid(pres.from) !== room) return;
      const converted = toMucPresence(pres as StanzaPresence);
      if (!converted) return;
      if (converted.type === 'error' && (pres.id === id || converted.nick === nick)) {
        finish();
        reject(converted.error);
      } else if (converted.self && converted.type === 'available' && converted.nick === nick) {
        finish();
        resolve(converted);
      }
    };
    agent.on('presence', onPresence);
    agent.sendPresence({ id, to: `${room}/${nick}`, ...presenceFields(presence) });
  });
}

/** Tells a room's occupants our availability and status message (a presence to our occupant JID). */
export function sendRoomPresence(
  transport: Transport,
  room: string,
  nick: string,
  presence: RoomPresence,
): void {
  agentOf(transport).sendPresence({ to: `${room}/${nick}`, ...presenceFields(presence) });
}

/** Leaves a room; resolves when the room confirms, or after `timeout` seconds regardless. */
export function sendLeave(transport: Transport, room: string, nick: string, timeout: number): Promise<void> {
  const agent = agentOf(transport);
  return new Promise((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      agent.off('presence', onPresence);
      resolve();
    };
    // Not confirmed in time: we consider ourselves gone anyway (the server drops us at the latest
    // when the session ends).
    const timer = setTimeout(finish, timeout * 1000);
    const onPresence = (pres: Stanzas.ReceivedPresence): void => {
      if (!pres.from || bareJid(pres.from) !== room) return;
      const converted = toMucPresence(pres as StanzaPresence);
      if (converted?.self && converted.type === 'unavailable') finish();
    };
    agent.on('presence', onPresence);
    agent.sendPresence({ to: `${room}/${nick}`, type: 'unavailable' });
  });
}

/** Sends a subject change (the room reflects it to everyone, or answers with an error). */
export function sendSubject(transport: Transport, room: string, subject: string, id: string): void {
  agentOf(transport).sendMessage({ id, to: room, type: 'groupchat', subject });
}

/**
 * An owner's or admin's request to a room (XEP-0045 §9–10), as StanzaJS's MUC plugin would send
 * it (the browser build leaves that plugin out; see `watchRooms`).
 */
function askRoom(
  transport: Transport,
  type: 'get' | 'set',
  room: string,
  muc: Stanzas.MUCConfigure | Stanzas.MUCUserList,
): Promise<{ muc: { form?: Stanzas.DataForm; users?: Stanzas.MUCUserItem[] } }> {
  return agentOf(transport).sendIQ({ type, to: room, muc } as Stanzas.IQ) as never;
}

/** Reads a room's configuration form. Rejects with a ChatError (`forbidden` if not an owner). */
export async function getRoomConfig(transport: Transport, room: string): Promise<ConfigField[]> {
  try {
    const { form } = (await askRoom(transport, 'get', room, { type: 'configure' })).muc;
    if (!form) throw new Error('No configuration form returned');
    return (form.fields ?? [])
      .filter((f) => f.name && f.name !== 'FORM_TYPE')
      .map((f) => {
        const value = f.value as unknown;
        const options = (f as { options?: Array<{ value: unknown }> }).options;
        return {
          name: f.name as string,
          ...(f.type ? { type: f.type } : {}),
          ...(typeof value === 'boolean' || typeof value === 'string'
            ? { value }
            : Array.isArray(value)
              ? { value: value.map(String) }
              : value !== undefined && value !== null
                ? { value: String(value) }
                : {}),
          ...(options ? { options: options.map((o) => String(o.value)) } : {}),
        };
      });
  } catch (cause) {
    throw toChatError(cause, `Reading the configuration of ${room}`);
  }
}

/** Submits a room configuration: only the given fields (empty = accept the defaults, an instant room). */
export async function submitRoomConfig(
  transport: Transport,
  room: string,
  fields: ConfigField[],
): Promise<void> {
  try {
    await askRoom(transport, 'set', room, {
      type: 'configure',
      form: {
        type: 'submit',
        fields: [
          { name: 'FORM_TYPE', type: 'hidden', value: NS_MUC_OWNER_FORM },
          ...fields.map((f) => ({ name: f.name, ...(f.type ? { type: f.type } : {}), value: f.value })),
        ] as Stanzas.DataFormField[],
      },
    });
  } catch (cause) {
    throw toChatError(cause, `Configuring ${room}`);
  }
}

/** Sets an occupant's role by nickname (kick = `none`, voice = `participant`, mute = `visitor`). */
export async function setRole(
  transport: Transport,
  room: string,
  nick: string,
  role: MucRole,
  reason?: string,
): Promise<void> {
  try {
    await askRoom(transport, 'set', room, {
      type: 'user-list',
      users: [{ nick, role, ...(reason ? { reason } : {}) }],
    });
  } catch (cause) {
    throw toChatError(cause, `Setting the role of ${nick} in ${room}`);
  }
}

/** Sets a user's affiliation by real JID (ban = `outcast`). */
export async function setAffiliation(
  transport: Transport,
  room: string,
  jid: string,
  affiliation: MucAffiliation,
  reason?: string,
): Promise<void> {
  try {
    await askRoom(transport, 'set', room, {
      type: 'user-list',
      users: [{ jid, affiliation, ...(reason ? { reason } : {}) }],
    });
  } catch (cause) {
    throw toChatError(cause, `Setting the affiliation of ${jid} in ${room}`);
  }
}

/** Lists the users with one affiliation. */
export async function listAffiliation(
  transport: Transport,
  room: string,
  affiliation: MucAffiliation,
): Promise<Array<{ jid: string; affiliation: MucAffiliation; nick?: string; reason?: string }>> {
  try {
    const result = await askRoom(transport, 'get', room, { type: 'user-list', users: [{ affiliation }] });
    return (result.muc.users ?? [])
      .filter((u) => u.jid)
      .map((u) => ({
        jid: String(u.jid),
        affiliation: (u.affiliation ?? affiliation) as MucAffiliation,
        ...(u.nick ? { nick: u.nick } : {}),
        ...(u.reason ? { reason: u.reason } : {}),
      }));
  } catch (cause) {
    throw toChatError(cause, `Listing the ${affiliation}s of ${room}`);
  }
}

/** Destroys a room (owners only). */
export async function destroyRoom(
  transport: Transport,
  room: string,
  options: { reason?: string; alternative?: string },
): Promise<void> {
  try {
    await askRoom(transport, 'set', room, {
      type: 'configure',
      destroy: {
        ...(options.reason ? { reason: options.reason } : {}),
        ...(options.alternative ? { jid: options.alternative } : {}),
      },
    });
  } catch (cause) {
    throw toChatError(cause, `Destroying ${room}`);
  }
}

/** Sends an invitation: mediated through the room (XEP-0045) or direct (XEP-0249). */
export function sendInvite(
  transport: Transport,
  room: string,
  to: string,
  options: { reason?: string; password?: string; direct?: boolean },
): void {
  const agent = agentOf(transport);
  const reason = options.reason ? { reason: options.reason } : {};
  agent.sendMessage(
    options.direct
      ? {
          to,
          muc: {
            type: 'direct-invite',
            jid: room,
            ...reason,
            ...(options.password ? { password: options.password } : {}),
          },
        }
      : { to: room, muc: { type: 'info', invite: [{ to, ...reason }] } },
  );
}

/** Declines a mediated invitation (the room passes it on to the inviter). */
export function sendDecline(transport: Transport, room: string, to: string, reason?: string): void {
  // Not StanzaJS's declineInvite(): it sends an empty element (see declinePlugin).
  agentOf(transport).sendMessage({
    to: room,
    muc: { type: 'info', declineTo: to, ...(reason ? { declineReason: reason } : {}) } as Stanzas.MUCInfo,
  });
}

/** What a XEP-0410 self-ping says about our presence in a room. */
export type SelfPingResult = 'joined' | 'gone' | 'unknown';

/**
 * Reads a self-ping's outcome from the error condition of the answer (undefined = a result).
 * Pure. XEP-0410: a result, `service-unavailable` or `feature-not-implemented` (the room does
 * not answer pings itself, but passed ours on to us) mean we are still in; a timeout or a
 * service we cannot reach say nothing; any other error (`not-acceptable`, `item-not-found`, …)
 * means the room no longer has us.
 */
export function selfPingResult(condition: string | undefined): SelfPingResult {
  if (condition === undefined) return 'joined';
  if (condition === 'service-unavailable' || condition === 'feature-not-implemented') return 'joined';
  if (
    condition === 'timeout' ||
    condition === 'remote-server-not-found' ||
    condition === 'remote-server-timeout'
  ) {
    return 'unknown';
  }
  return 'gone';
}

/**
 * XEP-0410 MUC self-ping: pings our own occupant JID (`room@service/nick`) and says whether the
 * room still has us. Never rejects.
 */
export async function selfPing(
  transport: Transport,
  room: string,
  nick: string,
  timeout: number,
): Promise<SelfPingResult> {
  const agent = agentOf(transport);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<SelfPingResult>((resolve) => {
    timer = setTimeout(() => resolve('unknown'), timeout * 1000);
    // A ping still out when the client disconnects must not keep a Node process alive.
    (timer as { unref?: () => void }).unref?.();
  });
  const asked = agent.sendIQ({ to: `${bareJid(room)}/${nick}`, type: 'get', ping: true }).then(
    () => selfPingResult(undefined),
    (cause: unknown) =>
      selfPingResult(
        (cause as { error?: { condition?: string } } | undefined)?.error?.condition ?? 'timeout',
      ),
  );
  try {
    return await Promise.race([asked, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** A private message to a room occupant, as plain data. */
export interface PrivateMessage {
  id: string;
  room: string;
  nick: string;
  body: string;
}

/**
 * Sends a private message to an occupant (`type='chat'` to `room@service/nick`, marked with an
 * empty `<x xmlns='http://jabber.org/protocol/muc#user'/>` as XEP-0045 asks, so that servers and
 * clients treat it as a room private message, e.g. for carbons).
 */
export function sendPrivateMessage(transport: Transport, message: PrivateMessage): void {
  if (!transport.online) throw new ChatError(ErrorCodes.notConnected, 'Not connected');
  agentOf(transport).sendMessage({
    id: message.id,
    originId: message.id,
    to: `${bareJid(message.room)}/${message.nick}`,
    type: 'chat',
    body: message.body,
    muc: { type: 'info' } as Stanzas.MUCInfo,
  });
}
