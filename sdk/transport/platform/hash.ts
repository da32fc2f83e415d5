// `createHash` and `Hmac` for the browser build, in place of StanzaJS's browser crypto
// (stanza/platform/browser/crypto: MD5, SHA-1, SHA-256, SHA-512 and HMAC in JavaScript, ≈ 3 KB
// gzip). Its SCRAM used HMAC, SHA-256 and SHA-512 and its DIGEST-MD5 used MD5; the SDK logs in with
// SCRAM on WebCrypto instead (../scram.ts) and never uses DIGEST-MD5. What is still hashed
// synchronously is SHA-1: XEP-0115 capabilities (StanzaJS) and XEP-0084/0153 avatar ids (the SDK).
// So this module has SHA-1 only, with the `update(…).digest(encoding)` API of StanzaJS's; another
// algorithm throws, as StanzaJS's does for one it does not know, and so does creating an HMAC.
// Used only by the browser bundles (scripts/rollup-stanza-subset.mjs); Node keeps its crypto.
import { Buffer } from './buffer.js';

/** FIPS 180-4 SHA-1 of `message`. */
function sha1(message: Uint8Array): Uint8Array {
  const padded = new Uint8Array(Math.ceil((message.length + 9) / 64) * 64);
  padded.set(message);
  padded[message.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(message.length / 2 ** 29));
  view.setUint32(padded.length - 4, message.length * 8);
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
  const w = new Uint32Array(80);
  for (let offset = 0; offset < padded.length; offset += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(offset + i * 4);
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
      w[i] = (x << 1) | (x >>> 31);
    }
    let [a, b, c, d, e] = h as [number, number, number, number, number];
    for (let i = 0; i < 80; i++) {
      const f =
        i < 20 ? (b & c) | (~b & d) : i < 40 ? b ^ c ^ d : i < 60 ? (b & c) | (b & d) | (c & d) : b ^ c ^ d;
      const k = i < 20 ? 0x5a827999 : i < 40 ? 0x6ed9eba1 : i < 60 ? 0x8f1bbcdc : 0xca62c1d6;
      const t = (((a << 5) | (a >>> 27)) + f + e + k + w[i]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h[0] = (h[0]! + a) | 0;
    h[1] = (h[1]! + b) | 0;
    h[2] = (h[2]! + c) | 0;
    h[3] = (h[3]! + d) | 0;
    h[4] = (h[4]! + e) | 0;
  }
  const digest = new Uint8Array(20);
  const out = new DataView(digest.buffer);
  h.forEach((word, i) => out.setUint32(i * 4, word));
  return digest;
}

/** A SHA-1 computation: `update()` as often as needed, then `digest()` once. */
export class Hash {
  private readonly parts: Uint8Array[] = [];

  update(data: string | Uint8Array, encoding?: string): this {
    this.parts.push(typeof data === 'string' ? Buffer.from(data, encoding) : data);
    return this;
  }

  /** The digest as a Buffer, or as a string in `encoding` (`hex`, `base64`). */
  digest(): Buffer;
  digest(encoding: string): string;
  digest(encoding?: string): Buffer | string {
    const digest = Buffer.from(sha1(Buffer.concat(this.parts)));
    return encoding ? digest.toString(encoding) : digest;
  }
}

/** `createHash('sha-1')` (also `sha1`); any other algorithm throws. */
export default function createHash(algorithm: string): Hash {
  if (!/^sha-?1$/i.test(algorithm)) throw new Error(`Unsupported hash algorithm: ${algorithm}`);
  return new Hash();
}

/** StanzaJS's `Hmac` (stanza/platform/browser/crypto/Hmac) in the browser build: only its SCRAM used it. */
export class Hmac {
  constructor() {
    throw new Error('HMAC is not in the browser build');
  }
}

// StanzaJS imports this module with TypeScript's CommonJS interop, which reads `default` when set.
export const __esModule = true;
