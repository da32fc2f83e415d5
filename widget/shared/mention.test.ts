import { describe, expect, it } from 'vitest';
import { mentions } from './mention.js';

describe('a nickname mentioned in a room message', () => {
  it('counts as a word of its own, in any case and with punctuation around it', () => {
    for (const body of ['Anna, kommst du?', '@anna', 'danke anna!', 'ANNA', '(anna)', 'Frag anna.']) {
      expect(mentions(body, 'anna'), body).toBe(true);
    }
    expect(mentions('Jörg Müller: bitte', 'jörg müller')).toBe(true);
  });

  it('does not count inside another word, or with no nickname', () => {
    for (const body of ['Annabelle kommt', 'Susanna', 'anna_b', 'anna2', 'Hallo zusammen']) {
      expect(mentions(body, 'anna'), body).toBe(false);
    }
    expect(mentions('Annabelle, anna?', 'anna')).toBe(true); // the second one
    expect(mentions('anything', '')).toBe(false);
  });
});
