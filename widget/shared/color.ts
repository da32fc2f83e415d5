import { noChange } from 'lit';
import { Directive, directive, type ElementPart } from 'lit/directive.js';

// XEP-0392 (Consistent Color Generation): the same address gets the same color in every client
// that follows it — SHA-1 of the text, its first 16 bits (little endian) as the hue angle, and
// that hue in HSLuv with saturation 100 and lightness 50. A lightness of 50 means the same
// luminance for every hue, so black initials on it have a contrast of 4.68:1 (WCAG AA) always.

/** The first 32 bits of the SHA-1 digest (RFC 3174) of `data`: all the color needs. */
export function sha1Head(data: Uint8Array): number {
  // A first sign-in colors a screenful of avatars before the optimizing compiler has seen this
  // code, so it runs interpreted, where every operation counts: no allocation and no function call
  // per round, and each of the four round functions in a loop of its own rather than chosen per
  // round. Interpreted, 15 addresses took 1.3 ms with an array per round, 0.6 with the choice per
  // round, 0.4 so.
  const words = (((data.length + 8) >> 6) + 1) * 16;
  const w = new Uint32Array(words);
  for (let i = 0; i < data.length; i += 1) w[i >> 2]! |= data[i]! << (24 - (i % 4) * 8);
  w[data.length >> 2]! |= 0x80 << (24 - (data.length % 4) * 8);
  w[words - 1] = data.length * 8;
  let h0 = 0x67452301;
  let h1 = 0xefcdab89;
  let h2 = 0x98badcfe;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0;
  const x = new Int32Array(80);
  for (let block = 0; block < words; block += 16) {
    for (let t = 0; t < 16; t += 1) x[t] = w[block + t]!;
    for (let t = 16; t < 80; t += 1) {
      const v = x[t - 3]! ^ x[t - 8]! ^ x[t - 14]! ^ x[t - 16]!;
      x[t] = (v << 1) | (v >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    let next = 0;
    // Each round: next = rotl(a, 5) + f(b, c, d) + e + k + x[t]; then e = d, d = c,
    // c = rotl(b, 30), b = a, a = next.
    for (let t = 0; t < 20; t += 1) {
      next = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + x[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = next;
    }
    for (let t = 20; t < 40; t += 1) {
      next = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + x[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = next;
    }
    for (let t = 40; t < 60; t += 1) {
      next = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + x[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = next;
    }
    for (let t = 60; t < 80; t += 1) {
      next = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + x[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = next;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  return h0 >>> 0;
}

/** The XEP-0392 hue angle (0 ≤ angle < 360) of a text. */
export function hueAngle(text: string): number {
  const head = sha1Head(new TextEncoder().encode(text));
  return (((head >>> 24) + ((head >>> 16) & 0xff) * 256) / 65536) * 360;
}

// HSLuv (hsluv.org) to sRGB at saturation 100 and lightness 50: CIE LCh(uv) with lightness 50
// and the largest chroma that stays inside sRGB for the hue, then Luv → XYZ → linear RGB → sRGB.
const M = [
  [3.240969941904521, -1.537383177570093, -0.498610760293],
  [-0.96924363628087, 1.87596750150772, 0.041555057407175],
  [0.055630079696993, -0.20397695888897, 1.056971514242878],
] as const;
/** Luminance Y of lightness 50 (also the `sub` term of HSLuv's gamut bounds, as 50 > 8). */
const Y = (66 / 116) ** 3;

/** sRGB (each 0–1) of the HSLuv color with hue `h` (degrees), saturation 100 and lightness 50. */
export function hsluv50(h: number): number[] {
  const rad = (h / 180) * Math.PI;
  const sin = Math.sin(rad);
  const cos = Math.cos(rad);
  let chroma = Infinity;
  for (const [m1, m2, m3] of M) {
    for (const t of [0, 1]) {
      const bottom = (632260 * m3 - 126452 * m2) * Y + 126452 * t;
      const slope = ((284517 * m1 - 94839 * m3) * Y) / bottom;
      const intercept = ((838422 * m3 + 769860 * m2 + 731718 * m1) * 50 * Y - 769860 * t * 50) / bottom;
      const length = intercept / (sin - slope * cos);
      if (length >= 0) chroma = Math.min(chroma, length);
    }
  }
  const u = (chroma * cos) / 650 + 0.19783000664283;
  const v = (chroma * sin) / 650 + 0.46831999493879;
  const x = (9 * Y * u) / (4 * v);
  const z = (9 * Y - 15 * v * Y - v * x) / (3 * v);
  return M.map(([a, b, c]) => {
    const linear = a * x + b * Y + c * z;
    return Math.min(
      1,
      Math.max(0, linear <= 0.0031308 ? 12.92 * linear : 1.055 * linear ** (1 / 2.4) - 0.055),
    );
  });
}

const cache = new Map<string, string>();

/** The XEP-0392 color of a text (a bare JID, or a nickname), as CSS `rgb(…)`. */
export function consistentColor(text: string): string {
  let color = cache.get(text);
  if (!color) {
    const [r, g, b] = hsluv50(hueAngle(text)).map((c) => Math.round(c * 255));
    color = `rgb(${r} ${g} ${b})`;
    cache.set(text, color);
  }
  return color;
}

/**
 * `<span ${tint(jid)}>`: gives the element `--mc-avatar-bg`, the XEP-0392 color of `key`. Set
 * through the CSSOM, which a strict Content-Security-Policy allows (a `style` attribute it would not).
 */
export const tint = directive(
  class extends Directive {
    /** The key the element has the color of: every render of a list passes it again. */
    #key: string | undefined;
    render(_key: string): unknown {
      return noChange;
    }
    override update(part: ElementPart, [key]: [string]): unknown {
      if (key !== this.#key) {
        this.#key = key;
        (part.element as HTMLElement).style.setProperty('--mc-avatar-bg', consistentColor(key));
      }
      return noChange;
    }
  },
);
