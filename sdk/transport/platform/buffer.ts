// A `Buffer` for the browser build, in place of the Node Buffer polyfill StanzaJS ships (feross'
// buffer with ieee754, ≈ 7 KB gzip). A `Uint8Array` with the part of Node's Buffer API that
// StanzaJS's browser code and the SDK use:
//
// - `Buffer.from` a string (`utf8`/`utf-8`, `base64`, `hex`), a byte array or array-like, an
//   `ArrayBuffer` (a view, as in Node) or a `{ type: 'Buffer', data }` object (what `toJSON` gives:
//   stream management keeps unacknowledged stanzas as JSON); `alloc`, `allocUnsafe`, `concat`,
//   `compare`, `isBuffer`, `byteLength`;
// - `toString(encoding)`, `compare`, `equals`, `slice` (a view, as in Node), `toJSON`, and the
//   32-bit reads and writes of StanzaJS's SHA-1/SHA-256/SHA-512/MD5 (`readInt32BE`/`LE`,
//   `writeInt32BE`/`LE`, `writeUInt32BE`/`LE`; values wrap instead of throwing when out of range).
//
// Base64 is decoded as Node does: both alphabets, anything else (whitespace) skipped, up to the
// first `=`. Hex stops at the first pair that is not hex. Other encodings throw `Unknown encoding`.
// Used only by the browser bundles (scripts/rollup-stanza-subset.mjs); Node keeps its own Buffer.

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

type Encoding = 'utf8' | 'base64' | 'hex';

function encodingOf(name: unknown): Encoding {
  const lower = String(name ?? 'utf8').toLowerCase();
  if (lower === 'utf8' || lower === 'utf-8') return 'utf8';
  if (lower === 'base64' || lower === 'hex') return lower;
  throw new TypeError(`Unknown encoding: ${String(name)}`);
}

/** One decoder for every `toString()`: without `stream`, a decode keeps no state between calls. */
let utf8: TextDecoder | undefined;

/** The byte at `index` (0 past the end, as the hash code only reads within bounds). */
const at = (bytes: Uint8Array, index: number): number => bytes[index] ?? 0;

export class Buffer extends Uint8Array {
  /** Bytes from a string (in `encoding`, utf8 by default), bytes, an array-like or an ArrayBuffer. */
  static override from(value: unknown, encodingOrOffset?: unknown, length?: number): Buffer {
    if (typeof value === 'string') return fromString(value, encodingOf(encodingOrOffset));
    if (value instanceof ArrayBuffer) return new Buffer(value, Number(encodingOrOffset ?? 0), length);
    const json = value as { type?: unknown; data?: unknown } | null;
    const source = json?.type === 'Buffer' && Array.isArray(json.data) ? json.data : value;
    if (typeof source !== 'object' || source === null) {
      throw new TypeError('Buffer.from() takes a string, bytes, an array-like or an ArrayBuffer');
    }
    const bytes = new Buffer((source as ArrayLike<number>).length);
    bytes.set(source as ArrayLike<number>);
    return bytes;
  }

  static alloc(size: number, fill = 0): Buffer {
    return new Buffer(size).fill(fill);
  }

  static allocUnsafe(size: number): Buffer {
    return new Buffer(size);
  }

  /** The bytes of `list` one after the other, cut or zero-padded to `totalLength` when given. */
  static concat(list: readonly Uint8Array[], totalLength?: number): Buffer {
    const bytes = new Buffer(totalLength ?? list.reduce((sum, item) => sum + item.length, 0));
    let offset = 0;
    for (const item of list) {
      if (offset >= bytes.length) break;
      bytes.set(item.subarray(0, bytes.length - offset), offset);
      offset += item.length;
    }
    return bytes;
  }

  /** Orders byte sequences as Node does: byte by byte, then the shorter first. */
  static compare(a: Uint8Array, b: Uint8Array): -1 | 0 | 1 {
    const length = Math.min(a.length, b.length);
    for (let i = 0; i < length; i++) {
      if (a[i] !== b[i]) return at(a, i) < at(b, i) ? -1 : 1;
    }
    return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
  }

  static isBuffer(value: unknown): value is Buffer {
    return value instanceof Buffer;
  }

  static byteLength(value: string | Uint8Array | ArrayBuffer, encoding?: string): number {
    return typeof value === 'string' ? Buffer.from(value, encoding).length : value.byteLength;
  }

  override toString(encoding?: string, start?: number, end?: number): string {
    const bytes = start === undefined && end === undefined ? this : this.subarray(start, end);
    const kind = encodingOf(encoding);
    if (kind === 'utf8') return (utf8 ??= new TextDecoder('utf-8', { ignoreBOM: true })).decode(bytes);
    if (kind === 'hex') return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
    let text = '';
    for (let i = 0; i < bytes.length; i += 3) {
      const n = (at(bytes, i) << 16) | (at(bytes, i + 1) << 8) | at(bytes, i + 2);
      text +=
        BASE64.charAt(n >> 18) +
        BASE64.charAt((n >> 12) & 63) +
        (i + 1 < bytes.length ? BASE64.charAt((n >> 6) & 63) : '=') +
        (i + 2 < bytes.length ? BASE64.charAt(n & 63) : '=');
    }
    return text;
  }

  compare(other: Uint8Array): -1 | 0 | 1 {
    return Buffer.compare(this, other);
  }

  equals(other: Uint8Array): boolean {
    return Buffer.compare(this, other) === 0;
  }

  /** A view on the same memory, as Node's `slice` (a `Uint8Array`'s `slice` copies). */
  override slice(start?: number, end?: number): Buffer {
    return this.subarray(start, end) as Buffer;
  }

  toJSON(): { type: 'Buffer'; data: number[] } {
    return { type: 'Buffer', data: Array.from(this) };
  }

  readInt32BE(offset = 0): number {
    return (
      (at(this, offset) << 24) |
      (at(this, offset + 1) << 16) |
      (at(this, offset + 2) << 8) |
      at(this, offset + 3)
    );
  }

  readInt32LE(offset = 0): number {
    return (
      (at(this, offset + 3) << 24) |
      (at(this, offset + 2) << 16) |
      (at(this, offset + 1) << 8) |
      at(this, offset)
    );
  }

  writeInt32BE(value: number, offset = 0): number {
    this[offset] = value >>> 24;
    this[offset + 1] = value >>> 16;
    this[offset + 2] = value >>> 8;
    this[offset + 3] = value;
    return offset + 4;
  }

  writeInt32LE(value: number, offset = 0): number {
    this[offset] = value;
    this[offset + 1] = value >>> 8;
    this[offset + 2] = value >>> 16;
    this[offset + 3] = value >>> 24;
    return offset + 4;
  }

  writeUInt32BE(value: number, offset = 0): number {
    return this.writeInt32BE(value, offset);
  }

  writeUInt32LE(value: number, offset = 0): number {
    return this.writeInt32LE(value, offset);
  }
}

function fromString(text: string, encoding: Encoding): Buffer {
  if (encoding === 'utf8') {
    const bytes = new TextEncoder().encode(text);
    return new Buffer(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  const bytes = new Buffer(text.length);
  let length = 0;
  if (encoding === 'hex') {
    while (length < text.length >> 1) {
      const pair = text.slice(length * 2, length * 2 + 2);
      if (!/^[\da-f]{2}$/i.test(pair)) break;
      bytes[length++] = parseInt(pair, 16);
    }
  } else {
    let bits = 0;
    let value = 0;
    for (const char of text) {
      if (char === '=') break;
      const digit = BASE64.indexOf(char === '-' ? '+' : char === '_' ? '/' : char);
      if (digit < 0) continue;
      value = ((value << 6) | digit) & 0xffff;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        bytes[length++] = value >> bits;
      }
    }
  }
  return bytes.subarray(0, length) as Buffer;
}
