// `punycode` for the browser build, in place of the `punycode` package (≈ 1.3 KB gzip). StanzaJS's
// browser code uses three of its functions: `ucs2.decode`/`ucs2.encode` (string ⇄ code points, in
// stringprep) and `toUnicode` (a JID's domain labels, `xn--…` to Unicode). Same results as the
// package, including its `RangeError`s for invalid Punycode; the encoding direction (`toASCII`,
// `encode`) is not needed and left out.
// Used only by the browser bundles (scripts/rollup-stanza-subset.mjs); Node keeps the package.

const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const MAX_INT = 0x7fffffff;
const OVERFLOW = 'Overflow: input needs wider integers to process';

/** The code points of `text`; a lone surrogate stays one code point, as in the package. */
function decodeUcs2(text: string): number[] {
  return Array.from(text, (char) => char.codePointAt(0) ?? 0);
}

function encodeUcs2(codePoints: readonly number[]): string {
  return String.fromCodePoint(...codePoints);
}

/** RFC 3492 section 3.4. */
function adapt(delta: number, points: number, first: boolean): number {
  let k = 0;
  delta = first ? Math.floor(delta / 700) : delta >> 1;
  delta += Math.floor(delta / points);
  for (; delta > ((BASE - T_MIN) * T_MAX) >> 1; k += BASE) delta = Math.floor(delta / (BASE - T_MIN));
  return Math.floor(k + ((BASE - T_MIN + 1) * delta) / (delta + 38));
}

function digitOf(code: number): number {
  if (code >= 0x30 && code < 0x3a) return code - 22; // 0-9 → 26-35
  if (code >= 0x41 && code < 0x5b) return code - 0x41;
  if (code >= 0x61 && code < 0x7b) return code - 0x61;
  return BASE;
}

/** Decodes one Punycode label (without its `xn--`): RFC 3492 section 6.2. */
function decode(input: string): string {
  const output: number[] = [];
  const basic = Math.max(input.lastIndexOf('-'), 0);
  for (let j = 0; j < basic; j++) {
    if (input.charCodeAt(j) >= 0x80) throw new RangeError('Illegal input >= 0x80 (not a basic code point)');
    output.push(input.charCodeAt(j));
  }
  let n = 0x80;
  let bias = 72;
  let i = 0;
  for (let index = basic > 0 ? basic + 1 : 0; index < input.length;) {
    const before = i;
    for (let w = 1, k = BASE; ; k += BASE) {
      if (index >= input.length) throw new RangeError('Invalid input');
      const digit = digitOf(input.charCodeAt(index++));
      if (digit >= BASE) throw new RangeError('Invalid input');
      if (digit > Math.floor((MAX_INT - i) / w)) throw new RangeError(OVERFLOW);
      i += digit * w;
      const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
      if (digit < t) break;
      if (w > Math.floor(MAX_INT / (BASE - t))) throw new RangeError(OVERFLOW);
      w *= BASE - t;
    }
    const length = output.length + 1;
    bias = adapt(i - before, length, before === 0);
    if (Math.floor(i / length) > MAX_INT - n) throw new RangeError(OVERFLOW);
    n += Math.floor(i / length);
    i %= length;
    output.splice(i++, 0, n);
  }
  return String.fromCodePoint(...output);
}

/** A domain with its `xn--` labels in Unicode; the other labels as they are. */
function toUnicode(domain: string): string {
  return domain
    .split(/[.\u3002\uFF0E\uFF61]/)
    .map((label) => (/^xn--/.test(label) ? decode(label.slice(4).toLowerCase()) : label))
    .join('.');
}

const punycode = { ucs2: { decode: decodeUcs2, encode: encodeUcs2 }, toUnicode };

export default punycode;
// StanzaJS imports this module with TypeScript's CommonJS interop, which reads `default` when set.
export const __esModule = true;
