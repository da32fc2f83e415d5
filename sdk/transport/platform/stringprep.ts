// Stringprep (RFC 3454) for the browser build, in place of StanzaJS's `lib/stringprep`, with the
// same profiles and results: nodeprep and resourceprep (RFC 6122) and nameprep (RFC 3491) for
// JIDs, saslprep (RFC 4013) for SCRAM. StanzaJS's module parses all seventeen of its tables into
// sets and maps as it is loaded: 4–7 ms of a page load's main thread, and heap kept for the page's
// life (190 KB in Node), although addresses and passwords are nearly always ASCII. Here a table is
// read from StanzaJS's own table data the first time a string needs it, and a string of printable
// ASCII needs none (see `ascii`). Same results as StanzaJS's module, errors included
// (stringprep.test.ts compares both over every code point of the Basic Multilingual Plane).
// Used only by the browser bundles (scripts/rollup-stanza-subset.mjs) and by sdk/transport/scram.ts.
import { TABLE_DATA } from 'stanza/lib/stringprep/Tables.js';

type TableName = keyof typeof TABLE_DATA;

const fromBase32 = (text: string): number => parseInt(text, 32);

/** One table of RFC 3454's appendices, read from its data when first asked. */
class Table {
  private singles: Set<number> | undefined;
  /** Ranges as [first, last, first, last, …], ascending. */
  private ranges: number[] = [];
  private mappings = new Map<number, number[]>();

  constructor(
    private readonly name: TableName | undefined,
    private readonly points: readonly number[] = [],
  ) {}

  private read(): Set<number> {
    if (this.singles) return this.singles;
    const data: { s?: string; r?: string; m?: string } | undefined = this.name
      ? TABLE_DATA[this.name]
      : undefined;
    this.singles = new Set(data ? (data.s ? data.s.split('|').map(fromBase32) : []) : this.points);
    this.ranges = data?.r ? data.r.split('|').flatMap((range) => range.split(':').map(fromBase32)) : [];
    for (const entry of data?.m ? data.m.split('|') : []) {
      const [point, mapped] = entry.split(':') as [string, string];
      this.mappings.set(fromBase32(point), mapped.split(';').map(fromBase32));
    }
    return this.singles;
  }

  contains(point: number): boolean {
    if (this.read().has(point)) return true;
    let low = 0;
    let high = this.ranges.length / 2 - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (point < this.ranges[2 * mid]!) high = mid - 1;
      else if (point > this.ranges[2 * mid + 1]!) low = mid + 1;
      else return true;
    }
    return false;
  }

  /**
   * What the table maps `point` to: undefined if it does not map it. A point that is in the table
   * without a mapping of its own maps to its lower case (a single code point, as in StanzaJS).
   */
  mapping(point: number): readonly number[] | undefined {
    this.read();
    const mapped = this.mappings.get(point);
    if (mapped) return mapped;
    return this.contains(point) ? [String.fromCodePoint(point).toLowerCase().codePointAt(0)!] : undefined;
  }
}

const A1 = new Table('A.1');
const C12 = new Table('C.1.2');
const C21 = new Table('C.2.1');
const C22 = new Table('C.2.2');
const D1 = new Table('D.1');
const D2 = new Table('D.2');
/** C.3 to C.9, prohibited by every profile. */
const C3_C9 = (['C.3', 'C.4', 'C.5', 'C.6', 'C.7', 'C.8', 'C.9'] as const).map((name) => new Table(name));
const B1 = new Table('B.1');
const B2 = new Table('B.2');
const NODE_PROHIBITED = new Table(undefined, [0x22, 0x26, 0x27, 0x2f, 0x3a, 0x3c, 0x3e, 0x40]);

/** A mapping step: what a code point maps to (`[]`: to nothing), undefined where it maps nothing. */
type Mapping = (point: number) => readonly number[] | undefined;

const toNothing: Mapping = (point) => (B1.contains(point) ? [] : undefined);
const caseFold: Mapping = (point) => B2.mapping(point);
const spaceToSpace: Mapping = (point) => (C12.contains(point) ? [0x20] : undefined);

interface Profile {
  readonly mappings: readonly Mapping[];
  readonly prohibited: readonly { contains(point: number): boolean }[];
  /** What a string of printable ASCII comes out as, or undefined if it needs the tables. */
  readonly ascii: (text: string) => string | undefined;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

// Of the tables, only these hold printable ASCII: B.2 maps A–Z to a–z, C.1.1 is the space, and
// nodeprep prohibits " & ' / : < > @. (D.2 holds the letters too, which matters only beside
// right-to-left characters.) So a printable ASCII string comes out as below, or is refused.
const nodeprepProfile: Profile = {
  mappings: [toNothing, caseFold],
  prohibited: [{ contains: (point) => point === 0x20 }, C12, C21, C22, ...C3_C9, NODE_PROHIBITED],
  ascii: (text) => (/[ "&'/:<>@]/.test(text) ? undefined : text.toLowerCase()),
};
const nameprepProfile: Profile = {
  mappings: [toNothing, caseFold],
  prohibited: [C12, C22, ...C3_C9],
  ascii: (text) => text.toLowerCase(),
};
const resourceprepProfile: Profile = {
  mappings: [toNothing],
  prohibited: [C12, C21, C22, ...C3_C9],
  ascii: (text) => text,
};
const saslprepProfile: Profile = {
  mappings: [spaceToSpace, toNothing],
  prohibited: [C12, C21, C22, ...C3_C9],
  ascii: (text) => text,
};

const hex = (point: number): string => point.toString(16);

/** RFC 3454 section 3 to 6: map, normalize (NFKC), refuse what is prohibited, check bidi. */
function prepare(profile: Profile, allowUnassigned: boolean, input: string): string {
  if (PRINTABLE_ASCII.test(input)) {
    const done = profile.ascii(input);
    if (done !== undefined) return done;
  }
  const mapped: number[] = [];
  for (const char of input) {
    const point = char.codePointAt(0)!;
    if (!allowUnassigned && A1.contains(point)) throw new Error(`Unassigned code point: x${hex(point)}`);
    let any = false;
    for (const mapping of profile.mappings) {
      const to = mapping(point);
      if (!to) continue;
      any = true;
      mapped.push(...to);
    }
    if (!any) mapped.push(point);
  }
  const normalized = mapped
    .map((point) => String.fromCodePoint(point))
    .join('')
    .normalize('NFKC');
  const points = Array.from(normalized, (char) => char.codePointAt(0)!);
  let rightToLeft = false;
  let leftToRight = false;
  for (const point of points) {
    if (profile.prohibited.some((table) => table.contains(point))) {
      throw new Error(`Prohibited code point: x${hex(point)}`);
    }
    if (!allowUnassigned && A1.contains(point)) throw new Error(`Prohibited code point: x${hex(point)}`);
    rightToLeft ||= D1.contains(point);
    leftToRight ||= D2.contains(point);
  }
  if (rightToLeft && leftToRight) throw new Error('String contained both LCat and RandALCat code points');
  if (rightToLeft && (!D1.contains(points[0]!) || !D1.contains(points[points.length - 1]!))) {
    throw new Error('String containing RandALCat code points must start and end with RandALCat code points');
  }
  return normalized;
}

export const nodeprep = (text: string, allowUnassigned = true): string =>
  prepare(nodeprepProfile, allowUnassigned, text);
export const nameprep = (text: string, allowUnassigned = true): string =>
  prepare(nameprepProfile, allowUnassigned, text);
export const resourceprep = (text: string, allowUnassigned = true): string =>
  prepare(resourceprepProfile, allowUnassigned, text);
export const saslprep = (text: string, allowUnassigned = false): string =>
  prepare(saslprepProfile, allowUnassigned, text);

// StanzaJS imports this module with TypeScript's CommonJS interop.
export const __esModule = true;
