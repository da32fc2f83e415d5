import { describe, expect, it } from 'vitest';
import type { Chat, Contact } from '../../sdk/index.js';
import { badgeTitle } from '../notifications/notifier.js';
import { ContactsModel, contactName, matches, sortContacts } from './model.js';

const contact = (jid: string, show: Contact['presence']['show'], extra: Partial<Contact> = {}): Contact => ({
  jid,
  groups: [],
  subscription: 'both',
  ask: false,
  presence: { show, priority: 0 },
  resources: [],
  ...extra,
});

describe('contacts as the widget shows them', () => {
  it('names a contact by our name for it, then its nickname, then the address', () => {
    expect(contactName({ jid: 'anna@example.com', name: 'Anna Berg', nickname: 'anna' })).toBe('Anna Berg');
    expect(contactName({ jid: 'anna@example.com', nickname: 'Anni' })).toBe('Anni');
    expect(contactName({ jid: 'anna.berg@example.com' })).toBe('anna.berg');
  });

  it('finds contacts by name or address, ignoring case and accents', () => {
    const jose = contact('jose@example.com', 'online', { name: 'José Müller' });
    expect(matches(jose, 'mull')).toBe(true);
    expect(matches(jose, 'MÜLL')).toBe(true);
    expect(matches(jose, 'jose m')).toBe(true);
    expect(matches(jose, 'example.com')).toBe(true);
    expect(matches(jose, '  ')).toBe(true);
    expect(matches(jose, 'ben')).toBe(false);
  });

  it('lists available contacts first, then away, then offline, each by name', () => {
    const list = sortContacts([
      contact('zoe@example.com', 'offline'),
      contact('carl@example.com', 'away'),
      contact('bert@example.com', 'online'),
      contact('anna@example.com', 'offline'),
      contact('dora@example.com', 'chat'),
    ]);
    expect(list.map((c) => c.jid.split('@')[0])).toEqual(['bert', 'dora', 'carl', 'anna', 'zoe']);
  });

  it('puts the unread count in front of the page title', () => {
    expect(badgeTitle('Intranet', 3)).toBe('(3) Intranet');
    expect(badgeTitle('Intranet', 0)).toBe('Intranet');
    expect(badgeTitle('Intranet', 250)).toBe('(99+) Intranet');
  });
});

describe('the contacts model', () => {
  /** A session with `count` contacts, its events fired by hand, counting reads of the roster. */
  const session = (count: number) => {
    const handlers = new Map<string, Array<(payload: unknown) => void>>();
    let roster: Contact[] = [];
    const reads = { list: 0 };
    const chat = {
      on: (name: string, fn: (payload: unknown) => void) => {
        handlers.set(name, [...(handlers.get(name) ?? []), fn]);
        return () => undefined;
      },
      contacts: {
        list: () => {
          reads.list += 1;
          return roster;
        },
        pendingRequests: () => [],
      },
      blocking: { list: () => [], isBlocked: () => false },
    } as unknown as Chat;
    const fire = (name: string, payload: unknown) => handlers.get(name)?.forEach((fn) => fn(payload));
    const arrive = () => {
      for (let n = 0; n < count; n += 1) {
        const c = contact(`user${String(n).padStart(3, '0')}@example.com`, 'offline');
        roster = [...roster, c];
        fire('contact:added', { contact: c });
      }
    };
    return { chat, fire, arrive, reads, setRoster: (list: Contact[]) => (roster = list) };
  };

  it('reads a roster that arrives one contact at a time once, when it is shown, not once per contact', () => {
    const s = session(500);
    let changes = 0;
    const model = new ContactsModel(() => (changes += 1));
    model.attach(s.chat);
    s.arrive();
    expect(changes).toBe(500);
    expect(s.reads.list).toBe(0);
    expect(model.contacts).toHaveLength(500);
    expect(model.contacts[0]!.jid).toBe('user000@example.com');
    expect(s.reads.list).toBe(1);
    // Unchanged since: the same list, not read again (an element given it does not re-render).
    const shown = model.contacts;
    expect(model.contacts).toBe(shown);
    expect(s.reads.list).toBe(1);
  });

  it('shows what changed since the last read: presence moves a contact up', () => {
    const s = session(3);
    const model = new ContactsModel(() => undefined);
    model.attach(s.chat);
    s.arrive();
    expect(model.contacts.map((c) => c.jid)).toEqual([
      'user000@example.com',
      'user001@example.com',
      'user002@example.com',
    ]);
    const [a, b, c] = model.contacts;
    s.setRoster([a!, b!, { ...c!, presence: { show: 'online', priority: 0 } }]);
    s.fire('presence', { jid: c!.jid, presence: { show: 'online', priority: 0 } });
    expect(model.contacts[0]!.jid).toBe('user002@example.com');
    model.clear();
    expect(model.contacts).toEqual([]);
  });
});
