import { describe, expect, it } from 'vitest';
import { completions, mentionAt, mentions } from './mention.js';

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

describe('a nickname being typed after @', () => {
  it('is found just before the caret, at the start or after a space', () => {
    expect(mentionAt('@an', 3)).toEqual({ start: 0, query: 'an' });
    expect(mentionAt('Hallo @Be', 9)).toEqual({ start: 6, query: 'Be' });
    expect(mentionAt('Hallo @', 7)).toEqual({ start: 6, query: '' });
    expect(mentionAt('Hallo @Ben und', 9)).toEqual({ start: 6, query: 'Be' }); // caret inside
  });

  it('is not one inside a word, an address, after a space, or behind the caret', () => {
    expect(mentionAt('anna@mailbox', 12)).toBeUndefined();
    expect(mentionAt('@anna ', 6)).toBeUndefined();
    expect(mentionAt('Hallo', 5)).toBeUndefined();
    expect(mentionAt('@anna', 0)).toBeUndefined();
  });

  it('completes to the nicknames it starts, in any case, alphabetically and a few at most', () => {
    const nicks = ['ben', 'Anna Berg', 'anton', 'Bernd', 'cara'];
    expect(completions(nicks, 'an')).toEqual(['Anna Berg', 'anton']);
    expect(completions(nicks, 'BE')).toEqual(['ben', 'Bernd', 'Anna Berg']);
    expect(completions(nicks, '')).toEqual(['Anna Berg', 'anton', 'ben', 'Bernd', 'cara']);
    expect(completions(nicks, '', 2)).toEqual(['Anna Berg', 'anton']);
    expect(completions(nicks, 'x')).toEqual([]);
  });

  it('completes to names with a later word it starts too, after those it starts', () => {
    const nicks = ['Anna Berg', 'ben', 'karl.bergmann', 'Robert', 'maria_b-weiss', 'Weber'];
    expect(completions(nicks, 'ber')).toEqual(['Anna Berg', 'karl.bergmann']);
    expect(completions(nicks, 'b')).toEqual(['ben', 'Anna Berg', 'karl.bergmann', 'maria_b-weiss']);
    expect(completions(nicks, 'wei')).toEqual(['maria_b-weiss']);
    expect(completions(nicks, 'ert')).toEqual([]);
  });
});
