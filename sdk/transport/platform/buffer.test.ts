import { Buffer as NodeBuffer } from 'node:buffer';
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Buffer } from './buffer.js';

const bytes = (value: Uint8Array): number[] => Array.from(value);
const TEXT = 'Grüße, 世界! 🎉 <stream:stream xmlns="jabber:client">';
const BINARY = Uint8Array.from({ length: 256 }, (_, i) => (i * 7 + 3) & 255);

describe('the browser Buffer, against Node', () => {
  it.each([
    ['utf8', TEXT],
    ['utf-8', TEXT],
    ['base64', NodeBuffer.from(BINARY).toString('base64')],
    ['hex', NodeBuffer.from(BINARY).toString('hex')],
  ] as const)('decodes %s text to the same bytes', (encoding, text) => {
    expect(bytes(Buffer.from(text, encoding))).toEqual(bytes(NodeBuffer.from(text, encoding)));
  });

  it('encodes bytes to the same utf8, base64 and hex text', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 255, 256]) {
      const input = BINARY.subarray(0, length);
      for (const encoding of ['base64', 'hex'] as const) {
        expect(Buffer.from(input).toString(encoding)).toBe(NodeBuffer.from(input).toString(encoding));
      }
    }
    expect(Buffer.from(TEXT).toString()).toBe(TEXT);
    expect(Buffer.from('\uFEFFabc').toString()).toBe(NodeBuffer.from('\uFEFFabc').toString()); // keeps a BOM
    expect(`${Buffer.from('c=biws')}`).toBe('c=biws'); // StanzaJS's SCRAM puts Buffers in templates
  });

  it('decodes base64 as leniently as Node: whitespace, missing padding, the URL-safe alphabet', () => {
    for (const text of ['SGVs\nbG8g d29y\tbGQ=', 'SGVsbG8', 'SGVsbG8=', 'a-_b', '=', '', 'QQ==trailing']) {
      expect(bytes(Buffer.from(text, 'base64'))).toEqual(bytes(NodeBuffer.from(text, 'base64')));
    }
  });

  it('stops decoding hex at the first pair that is not hex, as Node does', () => {
    for (const text of ['00ff10', '00fg10', 'abc', 'ABCDEF', '']) {
      expect(bytes(Buffer.from(text, 'hex'))).toEqual(bytes(NodeBuffer.from(text, 'hex')));
    }
  });

  it('turns invalid UTF-8 into replacement characters, as Node does', () => {
    const invalid = Uint8Array.of(0x61, 0xff, 0xc3, 0x28, 0xe2, 0x82);
    expect(Buffer.from(invalid).toString('utf8')).toBe(NodeBuffer.from(invalid).toString('utf8'));
  });

  it('refuses an encoding it does not know instead of guessing', () => {
    expect(() => Buffer.from('abc', 'latin1')).toThrow(/Unknown encoding/);
    expect(() => Buffer.from('abc').toString('ucs2')).toThrow(/Unknown encoding/);
  });

  it('copies bytes and arrays, and views an ArrayBuffer without copying', () => {
    const source = Uint8Array.of(1, 2, 3);
    const copy = Buffer.from(source);
    source[0] = 9;
    expect(bytes(copy)).toEqual([1, 2, 3]);
    expect(bytes(Buffer.from([1, 256, -1]))).toEqual(bytes(NodeBuffer.from([1, 256, -1])));
    const memory = new Uint8Array([4, 5, 6, 7]);
    const view = Buffer.from(memory.buffer, 1, 2);
    memory[1] = 42;
    expect(bytes(view)).toEqual([42, 6]);
    expect(() => Buffer.from(undefined)).toThrow(TypeError);
  });

  it('round-trips through JSON as Node does (stream management stores unacked stanzas as JSON)', () => {
    const json = JSON.stringify({ data: Buffer.from(BINARY.subarray(0, 5)) });
    expect(json).toBe(JSON.stringify({ data: NodeBuffer.from(BINARY.subarray(0, 5)) }));
    const revived = Buffer.from((JSON.parse(json) as { data: unknown }).data);
    expect(bytes(revived)).toEqual(bytes(BINARY.subarray(0, 5)));
  });

  it('concatenates, cut or zero-padded to a total length', () => {
    const parts = [Buffer.from('ab'), Uint8Array.of(1, 2, 3)];
    for (const total of [undefined, 3, 8, 0]) {
      expect(bytes(Buffer.concat(parts, total))).toEqual(bytes(NodeBuffer.concat(parts, total)));
    }
    expect(Buffer.concat([])).toHaveLength(0);
  });

  it('compares byte by byte, the shorter first, as Node does', () => {
    const cases = [
      ['a', 'b'],
      ['b', 'a'],
      ['ab', 'a'],
      ['a', 'ab'],
      ['same', 'same'],
      ['é', 'z'], // octets, not UTF-16 code units
    ];
    for (const [a, b] of cases) {
      const expected = NodeBuffer.compare(NodeBuffer.from(a!), NodeBuffer.from(b!));
      expect(Buffer.compare(Buffer.from(a!), Buffer.from(b!))).toBe(expected);
      expect(Buffer.from(a!).compare(Buffer.from(b!))).toBe(expected);
      expect(Buffer.from(a!).equals(Buffer.from(b!))).toBe(expected === 0);
    }
  });

  it('allocates zeroed or filled memory, and knows its own kind and byte lengths', () => {
    expect(bytes(Buffer.alloc(4))).toEqual([0, 0, 0, 0]);
    expect(bytes(Buffer.alloc(3, 0x36))).toEqual([0x36, 0x36, 0x36]);
    expect(Buffer.allocUnsafe(16)).toHaveLength(16);
    expect(Buffer.isBuffer(Buffer.alloc(1))).toBe(true);
    expect(Buffer.isBuffer(new Uint8Array(1))).toBe(false);
    expect(Buffer.byteLength(TEXT)).toBe(NodeBuffer.byteLength(TEXT));
    expect(Buffer.byteLength('SGVsbG8=', 'base64')).toBe(NodeBuffer.byteLength('SGVsbG8=', 'base64'));
  });

  it('slices as a view on the same memory, as Node does', () => {
    const whole = Buffer.from('abcdef');
    const part = whole.slice(1, 3);
    whole[1] = 0x7a;
    expect(part.toString()).toBe('zc');
    expect(Buffer.isBuffer(part)).toBe(true);
    expect(whole.toString('utf8', 2, 4)).toBe('cd');
  });

  it('reads and writes 32-bit integers as the hash implementations need', () => {
    const ours = Buffer.alloc(16);
    const theirs = NodeBuffer.alloc(16);
    for (const [value, offset] of [
      [0x12345678, 0],
      [-0x12345678, 4],
      [-1, 8],
      [0x7fffffff, 12],
    ] as const) {
      ours.writeInt32BE(value, offset);
      theirs.writeInt32BE(value, offset);
      expect(ours.readInt32BE(offset)).toBe(theirs.readInt32BE(offset));
      expect(ours.readInt32LE(offset)).toBe(theirs.readInt32LE(offset));
    }
    expect(bytes(ours)).toEqual(bytes(theirs));
    ours.writeInt32LE(-0x12345678, 0);
    theirs.writeInt32LE(-0x12345678, 0);
    ours.writeUInt32BE(0xfedcba98, 4);
    theirs.writeUInt32BE(0xfedcba98, 4);
    ours.writeUInt32LE(0xfedcba98, 8);
    theirs.writeUInt32LE(0xfedcba98, 8);
    expect(bytes(ours)).toEqual(bytes(theirs));
  });
});

describe('the browser Buffer under StanzaJS-style crypto', () => {
  // The building blocks of SCRAM as StanzaJS's SASL code writes them, checked against Node's
  // crypto: XOR via Buffer.from(array), concat with a hex literal, base64 of the proof.
  it('computes a SCRAM-style salted password like Node does', () => {
    const salt = Buffer.from('QSXCR+Q6sek8bf92', 'base64');
    const block = Buffer.concat([salt, Buffer.from('00000001', 'hex')]);
    let u = NodeBuffer.from(createHmac('sha1', 'pencil').update(block).digest());
    let result = [...u];
    for (let i = 1; i < 4096; i++) {
      u = createHmac('sha1', 'pencil').update(u).digest();
      result = result.map((byte, j) => byte ^ u[j]!);
    }
    const salted = Buffer.from(result);
    expect(salted.toString('hex')).toBe(pbkdf2Sync('pencil', salt, 4096, 20, 'sha1').toString('hex'));
    expect(Buffer.from(createHash('sha1').update(salted).digest()).toString('base64')).toBe(
      createHash('sha1')
        .update(pbkdf2Sync('pencil', NodeBuffer.from(salt), 4096, 20, 'sha1'))
        .digest('base64'),
    );
  });
});
