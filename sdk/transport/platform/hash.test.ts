// The browser build's SHA-1 (XEP-0115 caps, avatar ids) against Node's, at every padding boundary.
import { createHash as nodeHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Buffer } from './buffer.js';
import createHash from './hash.js';

describe('SHA-1 for the browser build', () => {
  it('matches Node for every length up to three blocks, and for 1 MB', () => {
    const inputs = [...Array.from({ length: 193 }, (_, n) => randomBytes(n)), randomBytes(1 << 20)];
    for (const input of inputs) {
      expect(createHash('sha-1').update(new Uint8Array(input)).digest('hex')).toBe(
        nodeHash('sha1').update(input).digest('hex'),
      );
    }
  });

  it('hashes several updates (strings in an encoding, and bytes) as one message', () => {
    const ours = createHash('sha1')
      .update('caps<')
      .update('aGVsbG8=', 'base64')
      .update(Buffer.from([0, 255, 7]))
      .digest('base64');
    const node = nodeHash('sha1')
      .update('caps<')
      .update(Buffer.from('hello'))
      .update(new Uint8Array([0, 255, 7]))
      .digest('base64');
    expect(ours).toBe(node);
  });
});
