import { describe, expect, it } from 'vitest';
import type { Contact } from '../../sdk/index.js';
import { badgeTitle } from '../notifications/notifier.js';
import { contactName, matches, sortContacts } from './model.js';

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
