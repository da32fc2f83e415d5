import { describe, expect, it } from 'vitest';
import { arrivalTime, attachmentOf, createSeenSet } from './chats.js';

describe('incoming de-duplication', () => {
  const base = {
    from: 'ben@example.com/phone',
    to: 'anna@example.com/web',
    type: 'chat' as const,
    body: 'hi',
  };

  it('recognizes a re-delivery by the server stanza id', () => {
    const seen = createSeenSet();
    expect(seen.check({ ...base, stanzaId: 's1' })).toBe(false);
    expect(seen.check({ ...base, stanzaId: 's1' })).toBe(true);
  });

  it('recognizes a resend that got a new stanza id by its origin id, from the same sender only', () => {
    const seen = createSeenSet();
    expect(seen.check({ ...base, stanzaId: 's1', originId: 'o1', id: 'o1' })).toBe(false);
    expect(
      seen.check({ ...base, from: 'ben@example.com/laptop', stanzaId: 's2', originId: 'o1', id: 'o1' }),
    ).toBe(true);
    expect(seen.check({ ...base, from: 'eve@example.com/x', stanzaId: 's3', originId: 'o1', id: 'o1' })).toBe(
      false,
    );
  });

  it('forgets the oldest ids beyond its bound', () => {
    const seen = createSeenSet(2);
    seen.check({ ...base, stanzaId: 'a' });
    seen.check({ ...base, stanzaId: 'b' });
    seen.check({ ...base, stanzaId: 'c' });
    expect(seen.check({ ...base, stanzaId: 'c' })).toBe(true);
    expect(seen.check({ ...base, stanzaId: 'a' })).toBe(false);
  });
});

describe('attachments', () => {
  it('takes the first OOB link, with a name and a type from the file name', () => {
    expect(
      attachmentOf('see the plan', [
        { url: 'https://share.example.com/a1/Plan%20Q3.pdf', description: 'Q3' },
      ]),
    ).toEqual({
      url: 'https://share.example.com/a1/Plan%20Q3.pdf',
      name: 'Plan Q3.pdf',
      type: 'application/pdf',
      description: 'Q3',
    });
  });

  it('treats a body that is only an http(s) URL as an attachment, and text with a URL as text', () => {
    expect(attachmentOf(' https://example.com/cat.JPG ')).toEqual({
      url: 'https://example.com/cat.JPG',
      name: 'cat.JPG',
      type: 'image/jpeg',
    });
    expect(attachmentOf('look: https://example.com/cat.jpg')).toBeUndefined();
    expect(attachmentOf('javascript:alert(1)')).toBeUndefined();
    expect(attachmentOf('hi', [{ url: 'javascript:alert(1)' }])).toBeUndefined();
  });
});

describe('the time of a live message', () => {
  const newest = new Date('2026-12-06T04:01:50.729Z');

  it('keeps a whole-second delay stamp from the same second after the newest message', () => {
    expect(arrivalTime(new Date('2026-12-06T04:01:50Z'), newest).toISOString()).toBe(
      '2026-12-06T04:01:50.730Z',
    );
  });

  it('keeps precise stamps, older seconds and stamps after the newest as they are', () => {
    const precise = new Date('2026-12-06T04:01:50.500Z');
    expect(arrivalTime(precise, newest)).toBe(precise);
    const older = new Date('2026-12-06T04:01:49Z');
    expect(arrivalTime(older, newest)).toBe(older);
    const later = new Date('2026-12-06T04:01:51Z');
    expect(arrivalTime(later, newest)).toBe(later);
    expect(arrivalTime(later, undefined)).toBe(later);
  });
});
