import { ChatError, ErrorCodes, asChatError } from '../errors.js';
import type { Emit } from '../events.js';
import { bareJid } from '../jid.js';
import {
  fetchRoster,
  removeRosterItem,
  sendSubscription,
  setRosterItem,
  watchRoster,
  type InboundPresence,
  type RosterEntry,
} from '../transport/roster.js';
import type { Transport } from '../transport/xmpp.js';
import type { Contact, Jid, Presence, PresenceShow, RequestOptions } from '../types.js';
import type { BlockingFeature } from './blocking.js';
import type { ProfileFeature } from './profile.js';
import type { Startup } from './startup.js';
import { limited } from '../request.js';

/**
 * Contacts (the roster, RFC 6121) with their presence: `chat.contacts`. State is in `list()` and
 * `get()`; changes come as `contact:added`, `contact:updated`, `contact:removed` and `presence`
 * events; requests to see our presence come as `subscription:request`.
 *
 * @example
 * ```ts
 * chat.on('subscription:request', ({ jid }) => chat.contacts.approve(jid));
 * await chat.contacts.add('ben@example.com', { name: 'Ben', groups: ['Team'] });
 * for (const contact of chat.contacts.list()) console.log(contact.name, contact.presence.show);
 * ```
 */
export interface Contacts {
  /** Every contact in the roster, with presence (fetched at every fresh session, then kept live). */
  list(): Contact[];
  /** One contact by JID (full or bare), or undefined when not in the roster. */
  get(jid: Jid): Contact | undefined;
  /**
   * Adds a contact (or updates its name and groups) and asks to see its presence, sending our
   * nickname (XEP-0172). Unless `mutual: false`, its request to see ours is approved too: in
   * advance (pre-approval) and when it arrives.
   *
   * @throws ChatError `not-connected` when offline; `invalid-argument` for an invalid JID;
   * `timeout` or the server's error (`forbidden`, …) otherwise.
   */
  add(
    jid: Jid,
    options?: { name?: string; groups?: string[]; mutual?: boolean } & RequestOptions,
  ): Promise<void>;
  /**
   * Renames a contact in our roster (`''` clears the name).
   *
   * @throws ChatError `item-not-found` when the JID is not a contact; `not-connected`; `timeout`.
   */
  rename(jid: Jid, name: string, options?: RequestOptions): Promise<void>;
  /**
   * Moves a contact into exactly these roster groups.
   *
   * @throws ChatError `item-not-found` when the JID is not a contact; `not-connected`; `timeout`.
   */
  setGroups(jid: Jid, groups: string[], options?: RequestOptions): Promise<void>;
  /**
   * Removes a contact; subscriptions both ways end with it.
   *
   * @throws ChatError `not-connected`; `timeout` or the server's error otherwise.
   */
  remove(jid: Jid, options?: RequestOptions): Promise<void>;
  /** Requests to see our presence that are not answered yet. */
  pendingRequests(): Array<{ jid: Jid; nickname?: string }>;
  /**
   * Lets `jid` see our presence (answers its request). Unless `mutual: false`, also asks to see
   * theirs when we do not yet, so that both sides end with subscription `both`.
   *
   * @throws ChatError `not-connected` when offline.
   */
  approve(jid: Jid, options?: { mutual?: boolean }): void;
  /**
   * Refuses `jid`'s request to see our presence, or stops it seeing our presence.
   *
   * @throws ChatError `not-connected` when offline.
   */
  deny(jid: Jid): void;
  /**
   * Stops seeing `jid`'s presence (withdraws our subscription or our pending request).
   *
   * @throws ChatError `not-connected` when offline.
   */
  cancel(jid: Jid): void;
  /**
   * Approves `jid`'s request to see our presence before it is made (RFC 6121 pre-approval).
   *
   * @throws ChatError `not-connected` when offline.
   */
  preApprove(jid: Jid): void;
}

const RANK: Record<PresenceShow, number> = { chat: 5, online: 4, away: 3, xa: 2, dnd: 1, offline: 0 };

const OFFLINE: Presence = Object.freeze({ show: 'offline', priority: 0 });

/** Orders available resources best first: by priority, then by show. Pure. */
export function rankResources(resources: Iterable<Presence>): Presence[] {
  return [...resources].sort((a, b) => b.priority - a.priority || RANK[b.show] - RANK[a.show]);
}

/** A contact's state held by the feature. */
interface Entry {
  roster?: RosterEntry;
  nickname?: string;
  resources: Map<string, Presence>;
}

/** Creates the contacts feature. */
export function createContacts({
  transport,
  emit,
  blocking,
  profile,
  startup,
}: {
  transport: Transport;
  emit: Emit;
  blocking: BlockingFeature;
  profile: ProfileFeature;
  startup?: Startup;
}): Contacts {
  const entries = new Map<Jid, Entry>();
  const pending = new Map<Jid, { jid: Jid; nickname?: string }>();
  /** Contacts whose request to see our presence we approve when it arrives (mutual add). */
  const approveOnRequest = new Set<Jid>();

  const entry = (jid: Jid): Entry => {
    let e = entries.get(jid);
    if (!e) {
      e = { resources: new Map() };
      entries.set(jid, e);
    }
    return e;
  };

  const toContact = (jid: Jid, e: Entry & { roster: RosterEntry }): Contact => {
    const resources = rankResources(e.resources.values());
    const avatar = profile.avatarOf(jid);
    return Object.freeze({
      jid,
      ...(e.roster.name ? { name: e.roster.name } : {}),
      ...(e.nickname ? { nickname: e.nickname } : {}),
      groups: Object.freeze([...e.roster.groups]),
      subscription: e.roster.subscription,
      ask: e.roster.ask,
      presence: resources[0] ?? OFFLINE,
      resources: Object.freeze(resources),
      ...(avatar ? { avatar } : {}),
    });
  };
  const contactOf = (jid: Jid): Contact | undefined => {
    const e = entries.get(jid);
    return e?.roster ? toContact(jid, e as Entry & { roster: RosterEntry }) : undefined;
  };
  /** What a contact's presence handling can change, as a string to compare. */
  const seen = (e: Entry): string => `${e.nickname ?? ''}\n${JSON.stringify([...e.resources])}`;
  const updated = (jid: Jid): void => {
    const contact = contactOf(jid);
    if (contact) emit('contact:updated', { contact });
  };

  const applyRoster = (item: RosterEntry): void => {
    const e = entry(item.jid);
    const had = e.roster;
    e.roster = item;
    // Without a subscription to theirs we no longer see their presence (the server's unavailable
    // presence may come later or not at all).
    const seesPresence = item.subscription === 'to' || item.subscription === 'both';
    if (!seesPresence && e.resources.size > 0) {
      e.resources.clear();
      emit('presence', { jid: item.jid, presence: OFFLINE });
    }
    const contact = toContact(item.jid, e as Entry & { roster: RosterEntry });
    if (!had) emit('contact:added', { contact });
    else if (JSON.stringify(had) !== JSON.stringify(item)) emit('contact:updated', { contact });
    // Once they see our presence, their request is answered.
    if (item.subscription === 'from' || item.subscription === 'both') pending.delete(item.jid);
  };
  const removeRoster = (jid: Jid): void => {
    const e = entries.get(jid);
    if (!e?.roster) return;
    entries.delete(jid);
    approveOnRequest.delete(jid);
    emit('contact:removed', { jid });
  };

  const onPresence = (presence: InboundPresence): void => {
    const jid = bareJid(presence.from);
    if (jid === bareJid(transport.jid ?? '') || blocking.isBlocked(presence.from)) return;
    const slash = presence.from.indexOf('/');
    const resource = slash === -1 ? '' : presence.from.slice(slash + 1);
    const e = entries.get(jid);
    switch (presence.type) {
      case 'available':
      case 'unavailable':
      case 'error': {
        const target = e ?? (presence.type === 'available' ? entry(jid) : undefined);
        if (!target) return;
        // The server answers its probes at every sign-in, with `unavailable` for each contact
        // that is offline: nothing a listener could see changes then, and nothing is emitted.
        const before = seen(target);
        if (presence.nick) target.nickname = presence.nick;
        if (presence.type === 'available') {
          target.resources.set(
            resource,
            Object.freeze({
              show: presence.show ?? 'online',
              ...(presence.status ? { status: presence.status } : {}),
              priority: presence.priority,
              ...(resource ? { resource } : {}),
            }),
          );
        } else if (presence.type === 'error' || resource === '') {
          target.resources.clear();
        } else {
          target.resources.delete(resource);
        }
        if (seen(target) === before) return;
        const contact = contactOf(jid);
        if (contact) {
          emit('presence', { jid, presence: contact.presence });
          emit('contact:updated', { contact });
        }
        return;
      }
      case 'subscribe': {
        if (presence.nick) entry(jid).nickname = presence.nick;
        const roster = e?.roster;
        if (roster && (roster.subscription === 'from' || roster.subscription === 'both')) {
          sendSubscription(transport, jid, 'subscribed'); // already approved: confirm again
          return;
        }
        if (approveOnRequest.has(jid)) {
          sendSubscription(transport, jid, 'subscribed');
          return;
        }
        const request = { jid, ...(presence.nick ? { nickname: presence.nick } : {}) };
        pending.set(jid, request);
        emit('subscription:request', request);
        return;
      }
      case 'unsubscribe':
        // They withdrew their request (or stopped seeing our presence).
        pending.delete(jid);
        return;
      default:
        // 'subscribed' / 'unsubscribed': the roster push that follows carries the new state.
        return;
    }
  };

  watchRoster(transport, {
    onRosterPush(push) {
      if ('removed' in push) removeRoster(push.jid);
      else applyRoster(push);
    },
    onPresence,
  });

  profile.onAvatar((jid) => updated(jid));
  blocking.onChange(() => {
    // Presence from a contact blocked now must not linger.
    for (const [jid, e] of entries) {
      if (e.resources.size > 0 && blocking.isBlocked(jid)) {
        e.resources.clear();
        const contact = contactOf(jid);
        if (contact) emit('presence', { jid, presence: contact.presence });
      }
    }
    for (const jid of [...pending.keys()]) if (blocking.isBlocked(jid)) pending.delete(jid);
  });

  // The roster request of each fresh session, and whether the link is down now. A request whose
  // session ended unanswered is not the host's concern: after a fresh login the new session asks
  // for itself; after a resume (the request may have timed out meanwhile) it is asked again.
  // Either way no error is reported for it, and it must not open a later session's start-up gate.
  let session = 0;
  let down = false;
  transport.on('offline', () => (down = true));
  transport.on('online', () => (down = false));
  const askRoster = (mine: number): void => {
    void fetchRoster(transport)
      .then(
        ({ items, unchanged }) => {
          if (unchanged || mine !== session) return;
          const now = new Set(items.map((i) => i.jid));
          for (const [jid, e] of entries) if (e.roster && !now.has(jid)) removeRoster(jid);
          items.forEach(applyRoster);
        },
        (error: unknown) => {
          if (mine !== session) return;
          if (down) {
            const off = transport.on('online', ({ resumed }) => {
              off();
              if (resumed && mine === session) askRoster(mine);
            });
            return;
          }
          emit('error', {
            error: asChatError(error, ErrorCodes.requestFailed, 'Fetching the roster failed'),
          });
        },
      )
      .finally(() => {
        if (mine === session) startup?.rosterIn();
      });
  };

  // A fresh session, before our presence goes out (so the roster answer comes first, not behind
  // every contact's presence): presence of the last session is stale (the server sends current
  // presence after our initial one), and unanswered requests are delivered again by the server.
  transport.on('bound', () => {
    session += 1;
    down = false;
    for (const [jid, e] of entries) {
      if (e.resources.size === 0) continue;
      e.resources.clear();
      const contact = contactOf(jid);
      if (contact) emit('presence', { jid, presence: contact.presence });
    }
    pending.clear();
    askRoster(session);
  });

  const requireOnline = (): void => {
    if (!transport.online) throw new ChatError(ErrorCodes.notConnected, 'Not connected');
  };
  const validJid = (jid: Jid): Jid => {
    const bare = bareJid(jid.trim());
    if (!bare || bare.startsWith('@') || bare.endsWith('@') || /\s/.test(bare)) {
      throw new ChatError(ErrorCodes.invalidArgument, `Not a valid JID: ${jid}`);
    }
    return bare;
  };
  const existing = (jid: Jid): RosterEntry => {
    const roster = entries.get(bareJid(jid))?.roster;
    if (!roster) throw new ChatError(ErrorCodes.itemNotFound, `${jid} is not a contact`);
    return roster;
  };

  return {
    list() {
      return [...entries.keys()].map(contactOf).filter((c): c is Contact => c !== undefined);
    },
    get(jid) {
      return contactOf(bareJid(jid));
    },
    async add(jid, options = {}) {
      requireOnline();
      const bare = validJid(jid);
      const current = entries.get(bare)?.roster;
      const name = options.name ?? current?.name;
      await limited(
        () =>
          setRosterItem(transport, {
            jid: bare,
            ...(name ? { name } : {}),
            groups: options.groups ?? current?.groups ?? [],
          }),
        options,
        'Adding the contact',
      );
      if (options.mutual !== false) {
        // Answers their pending request, or approves it in advance where the server supports it.
        approveOnRequest.add(bare);
        pending.delete(bare);
        sendSubscription(transport, bare, 'subscribed');
      }
      if (current?.subscription !== 'to' && current?.subscription !== 'both') {
        sendSubscription(transport, bare, 'subscribe', profile.nickname);
      }
    },
    async rename(jid, name, options) {
      requireOnline();
      const roster = existing(jid);
      await limited(
        () => setRosterItem(transport, { jid: roster.jid, ...(name ? { name } : {}), groups: roster.groups }),
        options,
        'Renaming the contact',
      );
    },
    async setGroups(jid, groups, options) {
      requireOnline();
      const roster = existing(jid);
      await limited(
        () =>
          setRosterItem(transport, {
            jid: roster.jid,
            ...(roster.name ? { name: roster.name } : {}),
            groups: [...new Set(groups)],
          }),
        options,
        'Moving the contact',
      );
    },
    async remove(jid, options) {
      requireOnline();
      await limited(() => removeRosterItem(transport, validJid(jid)), options, 'Removing the contact');
    },
    pendingRequests() {
      return [...pending.values()].map((r) => ({ ...r }));
    },
    approve(jid, options = {}) {
      requireOnline();
      const bare = validJid(jid);
      pending.delete(bare);
      sendSubscription(transport, bare, 'subscribed');
      const roster = entries.get(bare)?.roster;
      const seesTheirs = roster?.subscription === 'to' || roster?.subscription === 'both' || roster?.ask;
      if (options.mutual !== false && !seesTheirs) {
        sendSubscription(transport, bare, 'subscribe', profile.nickname);
      }
    },
    deny(jid) {
      requireOnline();
      const bare = validJid(jid);
      pending.delete(bare);
      approveOnRequest.delete(bare);
      sendSubscription(transport, bare, 'unsubscribed');
    },
    cancel(jid) {
      requireOnline();
      sendSubscription(transport, validJid(jid), 'unsubscribe');
    },
    preApprove(jid) {
      requireOnline();
      const bare = validJid(jid);
      approveOnRequest.add(bare);
      sendSubscription(transport, bare, 'subscribed');
    },
  };
}
