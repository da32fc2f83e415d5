import { describe, expect, it } from 'vitest';
import { configFields, leaveReason, nickCandidates, readConfig, roomInfo } from './rooms.js';

// The relevant part of a Prosody 0.12 room configuration form.
const prosodyForm = [
  { name: 'muc#roomconfig_roomname', type: 'text-single', value: '' },
  { name: 'muc#roomconfig_roomdesc', type: 'text-single', value: '' },
  { name: 'muc#roomconfig_persistentroom', type: 'boolean', value: false },
  { name: 'muc#roomconfig_publicroom', type: 'boolean', value: true },
  { name: 'muc#roomconfig_roomsecret', type: 'text-private', value: '' },
  { name: 'muc#roomconfig_membersonly', type: 'boolean', value: false },
  { name: 'muc#roomconfig_moderatedroom', type: 'boolean', value: false },
  {
    name: 'muc#roomconfig_whois',
    type: 'list-single',
    value: 'moderators',
    options: ['moderators', 'anyone'],
  },
  { name: 'muc#roomconfig_enablearchiving', type: 'boolean', value: false },
];
// ejabberd calls the archiving switch `mam` and has a password-protection switch.
const ejabberdForm = [
  { name: 'muc#roomconfig_roomname', type: 'text-single', value: 'Team' },
  { name: 'muc#roomconfig_passwordprotectedroom', type: 'boolean', value: '0' as const },
  { name: 'muc#roomconfig_roomsecret', type: 'text-private', value: '' },
  { name: 'mam', type: 'boolean', value: '1' as const },
];

describe('room configuration forms', () => {
  it('sets archiving through whichever field the server has, and only fields the form has', () => {
    expect(configFields(prosodyForm, { archive: true, name: 'Team Nordlicht' })).toEqual([
      { name: 'muc#roomconfig_enablearchiving', type: 'boolean', value: true },
      { name: 'muc#roomconfig_roomname', type: 'text-single', value: 'Team Nordlicht' },
    ]);
    expect(configFields(ejabberdForm, { archive: false })).toEqual([
      { name: 'mam', type: 'boolean', value: false },
    ]);
  });

  it('turns password protection on and off with the password where the form has that switch', () => {
    expect(configFields(ejabberdForm, { password: 'geheim' })).toEqual([
      { name: 'muc#roomconfig_roomsecret', type: 'text-private', value: 'geheim' },
      { name: 'muc#roomconfig_passwordprotectedroom', type: 'boolean', value: true },
    ]);
    expect(configFields(ejabberdForm, { password: '' })[1]).toMatchObject({ value: false });
  });

  it('refuses a setting the server does not have (service-unavailable) instead of a bad-request', () => {
    expect(() => configFields(ejabberdForm, { moderated: true })).toThrow(
      expect.objectContaining({ code: 'service-unavailable' }),
    );
  });

  it('reads a config back from either server', () => {
    expect(readConfig(prosodyForm)).toEqual({
      name: '',
      description: '',
      password: '',
      public: true,
      persistent: false,
      membersOnly: false,
      moderated: false,
      archive: false,
      whoCanSeeJids: 'moderators',
    });
    expect(readConfig(ejabberdForm)).toEqual({ name: 'Team', password: '', archive: true });
  });
});

describe('room facts', () => {
  it('reads name, occupant count and archiving from disco#info', () => {
    const info = roomInfo('team@conference.example.com', {
      identities: [{ category: 'conference', type: 'text', name: 'Team' }],
      features: ['http://jabber.org/protocol/muc', 'urn:xmpp:mam:2', 'muc_persistent', 'muc_membersonly'],
      forms: { 'http://jabber.org/protocol/muc#roominfo': { 'muc#roominfo_occupants': ['3'] } },
    });
    expect(info).toMatchObject({
      jid: 'team@conference.example.com',
      name: 'Team',
      occupants: 3,
      archived: true,
      persistent: true,
      membersOnly: true,
      passwordProtected: false,
      public: false,
    });
    const bare = roomInfo('x@c.example.com', { identities: [], features: [], forms: {} });
    expect(bare.occupants).toBeUndefined();
    expect(bare.archived).toBe(false);
  });

  it('says why we left from the status codes', () => {
    expect(leaveReason({ statusCodes: ['110', '307'] })).toBe('kicked');
    expect(leaveReason({ statusCodes: ['301', '110'] })).toBe('banned');
    expect(leaveReason({ statusCodes: ['110'], destroy: { reason: 'weg' } })).toBe('destroyed');
    expect(leaveReason({ statusCodes: ['110', '321'] })).toBe('affiliation-changed');
    expect(leaveReason({ statusCodes: ['110', '322'] })).toBe('members-only');
    expect(leaveReason({ statusCodes: ['110'] })).toBe('left');
  });

  it('tries nick, nick_2 … nick_9 only when asked', () => {
    expect(nickCandidates('anna')).toEqual(['anna']);
    expect(nickCandidates('anna', true)).toEqual([
      'anna',
      'anna_2',
      'anna_3',
      'anna_4',
      'anna_5',
      'anna_6',
      'anna_7',
      'anna_8',
      'anna_9',
    ]);
  });
});
