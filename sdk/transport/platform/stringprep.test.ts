import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as stringprep from './stringprep.js';

// StanzaJS's own stringprep, as the reference (in Node, StanzaJS keeps it).
const reference = createRequire(import.meta.url)('stanza/lib/stringprep') as typeof stringprep;

const PROFILES = ['nodeprep', 'nameprep', 'resourceprep', 'saslprep'] as const;

/** The result, or the error's message: both must be the same. */
function outcome(prep: (text: string, allowUnassigned?: boolean) => string, text: string, allow?: boolean) {
  try {
    return { ok: prep(text, allow) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Every input of `texts` that comes out differently, with both outcomes (empty when none does). */
function differences(
  texts: Iterable<string>,
  allows: readonly (boolean | undefined)[] = [undefined, true, false],
) {
  const found: unknown[] = [];
  for (const text of texts) {
    for (const profile of PROFILES) {
      for (const allow of allows) {
        const ours = outcome(stringprep[profile], text, allow);
        const theirs = outcome(reference[profile], text, allow);
        if (ours.ok !== theirs.ok || ours.error !== theirs.error)
          found.push({ profile, allow, text, ours, theirs });
        if (found.length > 10) return found;
      }
    }
  }
  return found;
}

function* codePoints(from: number, to: number, step = 1): Generator<string> {
  for (let point = from; point <= to; point += step) yield String.fromCodePoint(point);
}

describe('stringprep of the browser build, against StanzaJS’s', () => {
  it('prepares every code point of the Basic Multilingual Plane the same way', () => {
    // Each profile's default (unassigned code points allowed but for saslprep) is one of these.
    expect(differences(codePoints(0, 0xffff), [true, false])).toEqual([]);
  });

  it('prepares code points beyond it the same way', () => {
    expect(differences(codePoints(0x10000, 0x10ffff, 61), [true, false])).toEqual([]);
    expect(differences(codePoints(0xe0000, 0xe007f))).toEqual([]); // tags: prohibited
  });

  it('prepares addresses, names and passwords the same way', () => {
    const texts = [
      '',
      'anna',
      'Anna.Müller',
      'STRASSE',
      'Straße',
      'ÄÖÜ äöü',
      'ＡＢＣ',
      'ﬁle',
      'a\u00adb',
      'a\u200bb',
      'a\u00a0b',
      'pass word',
      'p@ss:w/rd<>"&\'',
      'tab\there',
      'مرحبا',
      'aمرحبا',
      'مرحبا1',
      '1مرحبا',
      'שלום',
      '😀 chat',
      '\ue000',
      '\ud800',
      'x\udc00y',
      'İstanbul',
      'ΣΊΣΥΦΟΣ',
      'mailbox.org',
      'Chat.Example.COM.',
      'phone/resource with spaces',
    ];
    expect(differences(texts)).toEqual([]);
  });

  it('prepares mixed strings the same way', () => {
    // A fixed pseudo-random sequence (xorshift), so that a failure can be replayed.
    let seed = 0x2545f491;
    const next = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 2 ** 32;
    };
    const pick = () =>
      next() < 0.6
        ? 0x20 + Math.floor(next() * 95)
        : next() < 0.8
          ? Math.floor(next() * 0x3000)
          : Math.floor(next() * 0x10000);
    const texts = Array.from({ length: 3000 }, () =>
      Array.from({ length: 1 + Math.floor(next() * 10) }, () => String.fromCodePoint(pick())).join(''),
    );
    expect(differences(texts)).toEqual([]);
  });
});
