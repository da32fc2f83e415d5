import { describe, expect, it } from 'vitest';
import { blockedBy } from './blocking.js';
import { rankResources } from './contacts.js';

describe('rankResources', () => {
  it('puts the highest priority first, then the most available show', () => {
    const ranked = rankResources([
      { show: 'dnd', priority: 0, resource: 'a' },
      { show: 'away', priority: 5, resource: 'b' },
      { show: 'chat', priority: 0, resource: 'c' },
      { show: 'online', priority: 0, resource: 'd' },
    ]);
    expect(ranked.map((p) => p.resource)).toEqual(['b', 'c', 'd', 'a']);
  });
});

describe('blockedBy', () => {
  const list = new Set(['spam@example.com', 'evil.example', 'bob@example.com/phone']);
  it('matches bare JIDs, whole domains and single resources as XEP-0191 says', () => {
    expect(blockedBy(list, 'Spam@Example.com/x')).toBe(true);
    expect(blockedBy(list, 'anyone@evil.example/y')).toBe(true);
    expect(blockedBy(list, 'bob@example.com/phone')).toBe(true);
    expect(blockedBy(list, 'bob@example.com/laptop')).toBe(false);
    expect(blockedBy(list, 'friend@example.com')).toBe(false);
  });
});
