import { describe, expect, it } from 'vitest';
import type { Message } from '../../sdk/index.js';
import { expiryOf } from './expiry.js';

const url = 'https://share.example.com/abc/photo.png';
const message = (overrides: Partial<Message>): Message => ({
  id: 'm1',
  conversation: 'ben@example.com',
  from: 'ben@example.com/phone',
  direction: 'in',
  kind: 'chat',
  body: url,
  time: new Date('2024-06-03T09:00:00Z'),
  attachment: { url, name: 'photo.png', type: 'image/png' },
  ...overrides,
});

describe('attachment expiry', () => {
  it('takes the SDK’s expiresAt when there is one', () => {
    const at = new Date('2024-06-03T09:30:00Z');
    expect(expiryOf(message({ attachment: { url, expiresAt: at } }), 3_600_000)).toBe(at.getTime());
  });

  it('judges a shared file (body = URL) by its time plus the expiry, e.g. one from the archive', () => {
    expect(expiryOf(message({}), 3_600_000)).toBe(Date.parse('2024-06-03T10:00:00Z'));
    expect(expiryOf(message({}), undefined)).toBeUndefined();
  });

  it('leaves links in text and messages without attachments alone', () => {
    expect(expiryOf(message({ body: `Look: ${url}` }), 3_600_000)).toBeUndefined();
    expect(expiryOf(message({ body: 'hi', attachment: undefined as never }), 3_600_000)).toBeUndefined();
  });
});
