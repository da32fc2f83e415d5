import { describe, expect, it } from 'vitest';
import { answer, command, greeting, helpdeskFile, parseArgs } from './bot.mjs';

describe('the helpdesk bot', () => {
  it('explains its commands, tells the time and echoes everything else', () => {
    expect(answer('Hilfe')).toContain('"!zeit"');
    expect(answer('!help')).toContain('"!datei"');
    expect(answer('zeit', new Date(2026, 0, 1, 9, 5))).toBe('Es ist 09:05 Uhr.');
    expect(answer('!time', new Date(2026, 0, 1, 17, 30))).toBe('Es ist 17:30 Uhr.');
    expect(answer('Guten Morgen')).toBe('Sie schrieben: Guten Morgen');
  });

  it('knows its commands in German and English, with or without "!" one-to-one', () => {
    expect(['!hilfe', 'help', ' !Help ', '! hilfe'].map((b) => command(b))).toEqual([
      'help',
      'help',
      'help',
      'help',
    ]);
    expect(['!zeit', 'TIME'].map((b) => command(b))).toEqual(['time', 'time']);
    expect(['!datei', 'file'].map((b) => command(b))).toEqual(['file', 'file']);
    expect(command('helpful')).toBeUndefined();
  });

  it('takes only "!" commands in rooms, so it stays out of ordinary conversation', () => {
    expect(command('!zeit', { inRoom: true })).toBe('time');
    expect(command('zeit', { inRoom: true })).toBeUndefined();
    expect(command('wie spät ist es?', { inRoom: true })).toBeUndefined();
  });

  it('shares a small text file with its opening hours', () => {
    const file = helpdeskFile(new Date(Date.UTC(2026, 0, 2)));
    expect(file.name).toBe('helpdesk.txt');
    expect(file.type).toBe('text/plain');
    const text = new TextDecoder().decode(file.data);
    expect(text).toContain('Montag bis Freitag');
    expect(text).toContain('Stand: 2026-01-02');
  });

  it('reads the jid, an optional service, CA and session file, and rooms from the command line', () => {
    expect(
      parseArgs([
        'bot@example.com',
        '--service',
        'xmpps://xmpp.example.com:5223',
        'team@conference.example.com',
      ]),
    ).toEqual({
      jid: 'bot@example.com',
      service: 'xmpps://xmpp.example.com:5223',
      ca: undefined,
      session: undefined,
      rooms: ['team@conference.example.com'],
    });
    expect(parseArgs(['bot@example.com', '--ca', 'ca.pem', '--session', 'bot.session', 'a@b'])).toEqual({
      jid: 'bot@example.com',
      service: undefined,
      ca: 'ca.pem',
      session: 'bot.session',
      rooms: ['a@b'],
    });
  });
});

describe('the helpdesk bot in a room', () => {
  it('greets a newcomer by nickname and points to the private help', () => {
    expect(greeting('ben')).toBe(
      'Willkommen im Raum, ben! Schreiben Sie mir privat "hilfe", wenn Sie Unterstützung brauchen.',
    );
  });
});
