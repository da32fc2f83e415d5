import { describe, expect, it } from 'vitest';
import { displayName, initials } from './people.js';

describe('how a person is shown', () => {
  it('names an address by its local part, with initials from its parts', () => {
    expect(displayName('anna.berg@example.com')).toBe('anna.berg');
    expect(initials('anna.berg@example.com')).toBe('AB');
    expect(initials('ben@example.com')).toBe('B');
    expect(initials('émile_zola@example.com')).toBe('ÉZ');
    expect(initials('__@example.com')).toBe('?');
  });

  it('takes initials from a contact’s name too, the same each time it is asked', () => {
    expect(initials('Bench Contact 01')).toBe('BC');
    expect(initials('Bench Contact 01')).toBe('BC');
    expect(initials('42')).toBe('4');
    expect(initials('  über-ich')).toBe('ÜI');
  });
});
