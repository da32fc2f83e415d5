import { describe, expect, it } from 'vitest';
import type { Occupant } from '../../sdk/index.js';
import { roomAddress, sortOccupants } from './model.js';

describe('rooms as the widget shows them', () => {
  it('turns a room name into an address on the group chat service', () => {
    expect(roomAddress('Team Nordlicht', 'conference.example.com')).toBe(
      'team-nordlicht@conference.example.com',
    );
    expect(roomAddress('  Größe & Maße! ', 'conference.example.com')).toBe(
      'grosse-masse@conference.example.com',
    );
    expect(roomAddress('Team@Conference.Example.com', undefined)).toBe('team@conference.example.com');
    expect(roomAddress('team', undefined)).toBeUndefined();
    expect(roomAddress('!!!', 'conference.example.com')).toBeUndefined();
  });

  it('lists owners, admins and members first, moderators before others, then by nickname', () => {
    const o = (nick: string, affiliation: Occupant['affiliation'], role: Occupant['role']): Occupant => ({
      nick,
      affiliation,
      role,
      self: false,
      show: 'online',
    });
    const sorted = sortOccupants([
      o('zed', 'none', 'participant'),
      o('mod', 'none', 'moderator'),
      o('boss', 'owner', 'moderator'),
      o('amy', 'member', 'participant'),
      o('adm', 'admin', 'moderator'),
    ]);
    expect(sorted.map((x) => x.nick)).toEqual(['boss', 'adm', 'amy', 'mod', 'zed']);
  });
});
