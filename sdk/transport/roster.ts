// Roster, subscriptions and presence (RFC 6121, XEP-0172 nicknames, XEP-0153 photo hashes) as
// plain data over the StanzaJS agent.
import { toChatError } from './iq.js';
import { agentOf, type Transport } from './xmpp.js';

/** One roster item as plain data. */
export interface RosterEntry {
  jid: string;
  name?: string;
  groups: string[];
  subscription: 'none' | 'to' | 'from' | 'both';
  /** An outgoing subscription request is pending. */
  ask: boolean;
}

/** An incoming presence stanza (not from a room) as plain data. */
export interface InboundPresence {
  from: string;
  type: 'available' | 'unavailable' | 'subscribe' | 'subscribed' | 'unsubscribe' | 'unsubscribed' | 'error';
  show?: 'chat' | 'away' | 'xa' | 'dnd';
  status?: string;
  priority: number;
  /** XEP-0172 nickname. */
  nick?: string;
  /** XEP-0153 photo hash: a hash, `''` for "no photo", absent when the sender says nothing. */
  photoHash?: string;
}

/** Our own presence as plain data. */
export interface OutboundPresence {
  show?: 'chat' | 'away' | 'xa' | 'dnd';
  status?: string;
  priority?: number;
  nick?: string;
  /** XEP-0153 SHA-1 of our vCard photo, '' for none. */
  photoHash?: string;
}

function toEntry(item: {
  jid: unknown;
  name?: string;
  groups?: string[];
  subscription?: string;
  ask?: boolean;
  pending?: string;
}): RosterEntry {
  const subscription = ['none', 'to', 'from', 'both'].includes(String(item.subscription))
    ? (item.subscription as RosterEntry['subscription'])
    : 'none';
  return {
    jid: String(item.jid).toLowerCase(),
    ...(item.name ? { name: item.name } : {}),
    groups: [...(item.groups ?? [])],
    subscription,
    ask: Boolean(item.ask) || item.pending === 'subscribe',
  };
}

/** Whether the server offered roster versioning in the last stream features, per agent. */
const rosterVersioning = new WeakMap<object, boolean>();

/** Fetches the roster (with versioning when the server supports it). Rejects with a ChatError. */
export async function fetchRoster(
  transport: Transport,
): Promise<{ items: RosterEntry[]; unchanged: boolean }> {
  const agent = agentOf(transport);
  const versioned = rosterVersioning.get(agent) === true;
  if (!versioned) delete agent.config.rosterVer;
  const sentVersion = agent.config.rosterVer;
  try {
    const result = await agent.getRoster();
    // An empty answer to a versioned request means "nothing changed since that version".
    const unchanged = sentVersion !== undefined && result.items.length === 0 && !result.version;
    return { items: result.items.map(toEntry), unchanged };
  } catch (cause) {
    throw toChatError(cause, 'Fetching the roster');
  }
}

/** Adds or updates a roster item. Rejects with a ChatError. */
export async function setRosterItem(
  transport: Transport,
  item: { jid: string; name?: string; groups: string[] },
): Promise<void> {
  try {
    await agentOf(transport).updateRosterItem({
      jid: item.jid,
      ...(item.name ? { name: item.name } : {}),
      groups: item.groups,
      subscription: 'none',
    });
  } catch (cause) {
    throw toChatError(cause, `Updating roster item ${item.jid}`);
  }
}

/** Removes a roster item (which also cancels subscriptions both ways). Rejects with a ChatError. */
export async function removeRosterItem(transport: Transport, jid: string): Promise<void> {
  try {
    await agentOf(transport).removeRosterItem(jid);
  } catch (cause) {
    throw toChatError(cause, `Removing roster item ${jid}`);
  }
}

/** Sends a subscription presence (`subscribe` may carry our XEP-0172 nickname). */
export function sendSubscription(
  transport: Transport,
  to: string,
  type: 'subscribe' | 'subscribed' | 'unsubscribe' | 'unsubscribed',
  nick?: string,
): void {
  agentOf(transport).sendPresence({ to, type, ...(nick && type === 'subscribe' ? { nick } : {}) });
}

/**
 * Sends our broadcast presence; the transport adds our entity capabilities to every broadcast
 * presence (so PEP notifications reach us).
 */
export function sendOwnPresence(transport: Transport, presence: OutboundPresence): void {
  agentOf(transport).sendPresence({
    ...(presence.show ? { show: presence.show } : {}),
    ...(presence.status ? { status: presence.status } : {}),
    ...(presence.priority !== undefined ? { priority: presence.priority } : {}),
    ...(presence.nick ? { nick: presence.nick } : {}),
    // XEP-0153: the hash of our vCard photo ('' = no photo); omitted while we do not know it.
    ...(presence.photoHash !== undefined ? { vcardAvatar: presence.photoHash } : {}),
  });
}

/** Subscribes to roster pushes and presence; returns nothing (the agent lives as long as the transport). */
export function watchRoster(
  transport: Transport,
  handlers: {
    onRosterPush(entry: RosterEntry | { jid: string; removed: true }): void;
    onPresence(presence: InboundPresence): void;
  },
): void {
  const agent = agentOf(transport);
  // StanzaJS parses the offer but does not count it as negotiated: remember it ourselves. The
  // features after authentication (the last ones of a connection) are the ones that count.
  agent.on('features', (features) => {
    rosterVersioning.set(agent, Boolean(features.rosterVersioning));
  });
  agent.on('roster:update', (iq) => {
    // A push carries the roster version it leads to (RFC 6121 §2.6.3): the next fresh session
    // then asks only for what changed after it.
    if (iq.roster.version) agent.config.rosterVer = iq.roster.version;
    for (const item of iq.roster.items ?? []) {
      if (item.subscription === 'remove')
        handlers.onRosterPush({ jid: String(item.jid).toLowerCase(), removed: true });
      else handlers.onRosterPush(toEntry(item));
    }
  });
  agent.on('presence', (pres) => {
    if (pres.muc || !pres.from) return;
    const type = (pres.type ?? 'available') as InboundPresence['type'] | 'probe';
    if (type === 'probe') return;
    const photo = pres.vcardAvatar;
    handlers.onPresence({
      from: pres.from,
      type,
      ...(pres.show ? { show: pres.show } : {}),
      ...(pres.status ? { status: pres.status } : {}),
      priority: typeof pres.priority === 'number' ? pres.priority : 0,
      ...(pres.nick ? { nick: pres.nick } : {}),
      // `true` is an update element without <photo/>: the sender says nothing about its photo.
      ...(typeof photo === 'string' ? { photoHash: photo } : {}),
    });
  });
}
