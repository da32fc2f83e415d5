import { ChatError, ErrorCodes, type Chat, type Contact, type Jid } from '../../sdk/index.js';

/** A request from someone to see our presence, waiting for an answer. */
export interface ContactRequest {
  readonly jid: Jid;
  readonly nickname?: string;
}

/** The name to show for a contact: our name for it, its own nickname, else the address's local part. */
export function contactName(contact: Pick<Contact, 'jid' | 'name' | 'nickname'>): string {
  if (contact.name) return contact.name;
  if (contact.nickname) return contact.nickname;
  const at = contact.jid.indexOf('@');
  return at > 0 ? contact.jid.slice(0, at) : contact.jid;
}

/** Whether a contact matches a search: by name, nickname or address, case- and accent-insensitive. */
export function matches(contact: Pick<Contact, 'jid' | 'name' | 'nickname'>, query: string): boolean {
  const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLocaleLowerCase();
  const q = fold(query.trim());
  if (!q) return true;
  return [contact.jid, contact.name ?? '', contact.nickname ?? ''].some((text) => fold(text).includes(q));
}

const RANK: Record<string, number> = { chat: 0, online: 0, away: 1, xa: 2, dnd: 1, offline: 3 };

/**
 * One collator for every sort: `localeCompare` builds one per call, which showed in profiles. Made
 * at the first sort, not when the module loads: the first collator of a page costs Chromium 12–18
 * ms, which would delay the page's start; by the first sort the date-format worker (date-formats.ts)
 * has usually made one, and the main thread's then costs well under a millisecond.
 */
let collator: Intl.Collator['compare'] | undefined;
const byName = (a: string, b: string): number => (collator ??= new Intl.Collator().compare)(a, b);

/** Contacts in list order: available first, then by name. Pure. */
export function sortContacts(contacts: readonly Contact[]): Contact[] {
  return [...contacts].sort(
    (a, b) =>
      (RANK[a.presence.show] ?? 3) - (RANK[b.presence.show] ?? 3) || byName(contactName(a), contactName(b)),
  );
}

/**
 * The contacts part of the widget's view model: the roster with presence and avatars, pending
 * subscription requests, and the block list, kept live from the SDK's events. Each field is
 * replaced (never mutated) when it changes, so elements that receive it re-render.
 *
 * The SDK's events only mark the lists stale; they are read again from the session when next
 * asked for. A roster arrives as one event per contact, and presence as one per contact that is
 * online: reading and sorting the whole list at each made signing in quadratic in the roster's
 * size (with 21 contacts already 4–5 ms, in the bench's profiles, before the list could show).
 */
export class ContactsModel {
  #contacts: readonly Contact[] = [];
  #requests: readonly ContactRequest[] = [];
  /** Whether the session's contacts changed since `#contacts` and `#requests` were read. */
  #stale = false;
  /** Blocked addresses (bare JIDs or domains). */
  blocked: readonly Jid[] = [];

  private chat: Chat | undefined;
  private readonly changed: () => void;
  private test: { list: readonly Jid[]; chat: Chat | undefined; fn: (jid: Jid) => boolean } | undefined;

  constructor(changed: () => void) {
    this.changed = changed;
  }

  /** The roster, available contacts first. */
  get contacts(): readonly Contact[] {
    this.read();
    return this.#contacts;
  }

  /** Requests to see our presence that are not answered yet. */
  get requests(): readonly ContactRequest[] {
    this.read();
    return this.#requests;
  }

  /** Follows a session's contacts; returns the functions that stop it. */
  attach(chat: Chat): Array<() => void> {
    this.chat = chat;
    const contacts = () => this.contactsChanged();
    return [
      chat.on('contact:added', contacts),
      chat.on('contact:updated', contacts),
      chat.on('contact:removed', contacts),
      chat.on('presence', contacts),
      chat.on('subscription:request', contacts),
      chat.on('blocking:changed', ({ jids }) => {
        this.blocked = [...jids];
        this.changed();
      }),
    ];
  }

  /** Reads everything again (after sign-in, when the roster has been fetched). */
  refresh(): void {
    if (!this.chat) return;
    this.blocked = this.chat.blocking.list();
    this.contactsChanged();
  }

  /** Forgets the session's contacts (sign-out). */
  clear(): void {
    this.chat = undefined;
    this.#contacts = [];
    this.#requests = [];
    this.#stale = false;
    this.blocked = [];
  }

  /** Whether an address is on the block list (by itself or its domain). */
  isBlocked(jid: Jid): boolean {
    return this.chat?.blocking.isBlocked(jid) ?? this.blocked.includes(jid);
  }

  /**
   * `isBlocked` as a function that stays the same until the block list or the session changes:
   * an element given it as a property re-renders then, and not on every render of its host.
   */
  get blockedTest(): (jid: Jid) => boolean {
    const cached = this.test;
    if (cached && cached.list === this.blocked && cached.chat === this.chat) return cached.fn;
    const fn = (jid: Jid) => this.isBlocked(jid);
    this.test = { list: this.blocked, chat: this.chat, fn };
    return fn;
  }

  /** The session's contacts changed: marks them stale, to be read when next asked for, and says so. */
  private contactsChanged(): void {
    if (!this.chat) return;
    this.#stale = true;
    this.changed();
  }

  private read(): void {
    const chat = this.chat;
    if (!this.#stale || !chat) return;
    this.#stale = false;
    this.#contacts = sortContacts(chat.contacts.list());
    this.#requests = chat.contacts.pendingRequests();
  }

  private get api(): Chat {
    if (!this.chat) throw new ChatError(ErrorCodes.notConnected, 'Not signed in');
    return this.chat;
  }

  /** Adds a contact and asks to see its presence (approving its request in return). */
  async add(jid: Jid, name?: string): Promise<void> {
    await this.api.contacts.add(jid, name ? { name } : {});
    this.contactsChanged();
  }

  /** Removes a contact from the roster. */
  async remove(jid: Jid): Promise<void> {
    await this.api.contacts.remove(jid);
    this.contactsChanged();
  }

  /** Answers a subscription request: accept (and ask for theirs in return) or deny. */
  answer(jid: Jid, accept: boolean): void {
    if (accept) this.api.contacts.approve(jid);
    else this.api.contacts.deny(jid);
    this.contactsChanged();
  }

  /** Blocks or unblocks an address (XEP-0191). */
  async setBlocked(jid: Jid, blocked: boolean): Promise<void> {
    if (blocked) await this.api.blocking.block(jid);
    else await this.api.blocking.unblock(jid);
    this.blocked = this.api.blocking.list();
    this.changed();
  }
}
