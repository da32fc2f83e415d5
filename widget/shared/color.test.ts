import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { consistentColor, hsluv50, hueAngle, sha1Head } from './color.js';

/** WCAG relative luminance of an sRGB color (each 0–1). */
const luminance = (rgb: readonly number[]) => {
  const [r, g, b] = rgb.map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
};

describe('XEP-0392 consistent colors', () => {
  it('hashes with SHA-1', () => {
    for (const text of ['', 'a', 'abc', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(64), 'ä😺'.repeat(40)]) {
      const bytes = new TextEncoder().encode(text);
      expect(sha1Head(bytes), text).toBe(createHash('sha1').update(bytes).digest().readUInt32BE(0));
    }
  });

  it('matches the XEP’s test vectors (no color vision deficiency correction)', () => {
    const vectors: Array<[string, number, [number, number, number]]> = [
      ['Romeo', 327.255249, [0.865, 0.0, 0.686]],
      ['juliet@capulet.lit', 209.4104, [0.0, 0.515, 0.573]],
      ['😺', 331.199341, [0.872, 0.0, 0.659]],
      ['council', 359.994507, [0.918, 0.0, 0.394]],
      ['Board', 171.430664, [0.0, 0.527, 0.457]],
    ];
    for (const [text, angle, rgb] of vectors) {
      expect(hueAngle(text), text).toBeCloseTo(angle, 5);
      const got = hsluv50(angle);
      got.forEach((c, i) => expect(Math.abs(c - rgb[i]!), `${text} channel ${i}`).toBeLessThan(0.0015));
    }
    expect(consistentColor('juliet@capulet.lit')).toBe('rgb(0 131 146)');
  });

  it('gives black initials AA contrast on every hue', () => {
    for (let h = 0; h < 360; h += 0.5) {
      const contrast = (luminance(hsluv50(h)) + 0.05) / 0.05;
      expect(contrast, `hue ${h}`).toBeGreaterThanOrEqual(4.5);
    }
  });
});
