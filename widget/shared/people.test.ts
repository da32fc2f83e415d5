import { describe, expect, it } from 'vitest';
import { displayName, hue, initials } from './people.js';

describe('how a person is shown', () => {
  it('names an address by its local part, with initials from its parts', () => {
    expect(displayName('anna.berg@example.com')).toBe('anna.berg');
    expect(initials('anna.berg@example.com')).toBe('AB');
    expect(initials('ben@example.com')).toBe('B');
    expect(initials('émile_zola@example.com')).toBe('ÉZ');
    expect(initials('__@example.com')).toBe('?');
  });

  it('gives an address the same of eight colors every time', () => {
    expect(hue('anna@example.com')).toBe(hue('anna@example.com'));
    const slots = new Set(Array.from({ length: 200 }, (_, i) => hue(`user${i}@example.com`)));
    expect([...slots].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
