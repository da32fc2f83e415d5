import { describe, expect, it } from 'vitest';
import { answer, greeting } from './bot.mjs';

describe('the helpdesk bot', () => {
  it('explains its commands, tells the time and echoes everything else', () => {
    expect(answer('Hilfe')).toContain('"zeit"');
    expect(answer('zeit', new Date(2026, 0, 1, 9, 5))).toBe('Es ist 09:05 Uhr.');
    expect(answer('Guten Morgen')).toBe('Sie schrieben: Guten Morgen');
  });
});

describe('the helpdesk bot in a room', () => {
  it('greets a newcomer by nickname and points to the private help', () => {
    expect(greeting('ben')).toBe(
      'Willkommen im Raum, ben! Schreiben Sie mir privat "hilfe", wenn Sie Unterstützung brauchen.',
    );
  });
});
