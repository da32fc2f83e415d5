import type { Stanzas } from 'stanza';
import { describe, expect, it } from 'vitest';
import { joinError, selfPingResult, toMucMessage, toMucPresence } from './muc.js';

const room = 'team@conference.example.com';

describe('room presences as plain data', () => {
  it('reads our own presence: status codes, role, affiliation, real JID and occupant id', () => {
    const presence = toMucPresence({
      from: `${room}/anna`,
      to: 'anna@example.com/web',
      occupantId: 'abc=',
      muc: {
        affiliation: 'owner',
        role: 'moderator',
        jid: 'anna@example.com/web',
        statusCodes: ['201', '110'],
      },
    } as unknown as Stanzas.ReceivedPresence);
    expect(presence).toEqual({
      room,
      nick: 'anna',
      type: 'available',
      self: true,
      statusCodes: ['201', '110'],
      role: 'moderator',
      affiliation: 'owner',
      jid: 'anna@example.com/web',
      occupantId: 'abc=',
    });
  });

  it('reads a nickname change, a kick with actor and reason, and a destroyed room', () => {
    const renamed = toMucPresence({
      from: `${room}/ben`,
      to: 'anna@example.com/web',
      type: 'unavailable',
      muc: { nick: 'benni', role: 'participant', affiliation: 'none', statusCodes: ['303'] },
    } as unknown as Stanzas.ReceivedPresence);
    expect(renamed).toMatchObject({ type: 'unavailable', nick: 'ben', newNick: 'benni', self: false });
    const kicked = toMucPresence({
      from: `${room}/ben`,
      to: 'ben@example.com/web',
      type: 'unavailable',
      muc: { role: 'none', reason: 'Spam', actor: { nick: 'anna' }, statusCodes: ['307', '110'] },
    } as unknown as Stanzas.ReceivedPresence);
    expect(kicked).toMatchObject({ self: true, reason: 'Spam', actor: 'anna', statusCodes: ['307', '110'] });
    const destroyed = toMucPresence({
      from: `${room}/ben`,
      to: 'ben@example.com/web',
      type: 'unavailable',
      muc: { statusCodes: ['110'], destroy: { reason: 'Ende', jid: 'neu@conference.example.com' } },
    } as unknown as Stanzas.ReceivedPresence);
    expect(destroyed?.destroy).toEqual({ reason: 'Ende', alternative: 'neu@conference.example.com' });
  });

  it('maps join errors to stable codes and ignores presences that are not from rooms', () => {
    const error = toMucPresence({
      from: `${room}/anna`,
      to: 'anna@example.com/web',
      type: 'error',
      error: { condition: 'conflict', type: 'cancel' },
    } as unknown as Stanzas.ReceivedPresence);
    expect(error?.error?.code).toBe('nickname-conflict');
    expect(joinError('not-authorized').code).toBe('password-required');
    expect(joinError('forbidden').code).toBe('banned');
    expect(joinError('registration-required').code).toBe('members-only');
    expect(joinError('item-not-found').code).toBe('item-not-found');
    expect(joinError('service-unavailable').code).toBe('service-unavailable');
    expect(joinError('undefined-condition').code).toBe('request-failed');
    expect(
      toMucPresence({ from: 'ben@example.com/phone', to: 'anna@example.com' } as Stanzas.ReceivedPresence),
    ).toBeUndefined();
    expect(
      toMucPresence({
        from: 'ben@example.com',
        to: 'anna@example.com',
        type: 'subscribe',
      } as Stanzas.ReceivedPresence),
    ).toBeUndefined();
  });
});

describe('room messages as plain data', () => {
  it("keeps only the room's own stanza id, and reads subjects", () => {
    const message = toMucMessage({
      from: `${room}/ben`,
      to: 'anna@example.com/web',
      type: 'groupchat',
      id: 'm1',
      originId: 'o1',
      body: 'Hallo',
      stanzaIds: [
        { by: 'anna@example.com', id: 'personal' },
        { by: room, id: 'room-id' },
      ],
    } as Stanzas.ReceivedMessage);
    expect(message).toEqual({
      room,
      nick: 'ben',
      type: 'groupchat',
      id: 'm1',
      originId: 'o1',
      stanzaId: 'room-id',
      body: 'Hallo',
    });
    const subject = toMucMessage({
      from: `${room}/anna`,
      to: 'ben@example.com/web',
      type: 'groupchat',
      hasSubject: true,
      subject: '',
    } as Stanzas.ReceivedMessage);
    expect(subject).toMatchObject({ subject: '', nick: 'anna' });
    expect(subject?.body).toBeUndefined();
    expect(
      toMucMessage({
        from: 'ben@example.com/x',
        to: 'anna@example.com',
        type: 'chat',
        body: 'hi',
      } as Stanzas.ReceivedMessage),
    ).toBeUndefined();
  });
});

describe('XEP-0410 self-ping outcomes', () => {
  it('still joined: a result, or a room that passed the ping on without answering it', () => {
    expect(selfPingResult(undefined)).toBe('joined');
    expect(selfPingResult('service-unavailable')).toBe('joined');
    expect(selfPingResult('feature-not-implemented')).toBe('joined');
  });

  it('not joined any more: "not in this room", no such occupant, or any other error', () => {
    expect(selfPingResult('not-acceptable')).toBe('gone');
    expect(selfPingResult('item-not-found')).toBe('gone');
    expect(selfPingResult('internal-server-error')).toBe('gone');
  });

  it('unknown (ask again later): a timeout or a service out of reach', () => {
    expect(selfPingResult('timeout')).toBe('unknown');
    expect(selfPingResult('remote-server-not-found')).toBe('unknown');
    expect(selfPingResult('remote-server-timeout')).toBe('unknown');
  });
});

describe('room messages with shared files', () => {
  it('keeps http(s) XEP-0066 links', () => {
    const message = toMucMessage({
      from: `${room}/anna`,
      to: 'ben@example.com/web',
      type: 'groupchat',
      body: 'https://share.example.com/a/b.pdf',
      links: [{ url: 'https://share.example.com/a/b.pdf' }, { url: '' }],
    } as unknown as Stanzas.ReceivedMessage);
    expect(message?.links).toEqual([{ url: 'https://share.example.com/a/b.pdf' }]);
  });
});
