import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import punycode from './punycode.js';

// The punycode package StanzaJS depends on, as the reference.
const reference = createRequire(import.meta.url)('punycode/') as typeof punycode;

describe('the browser punycode, against the package', () => {
  it.each([
    'xn--bcher-kva',
    'xn--mnchen-3ya',
    'xn--fiqs8s',
    'xn--80ak6aa92e',
    'xn--ls8h',
    'XN--BCHER-KVA',
    'xn--caf-dma',
    'xn--ab-fia',
    'xn--a-ecp',
    'xn--a-',
    'example',
    '',
  ])('gives %s in Unicode the same way', (label) => {
    expect(punycode.toUnicode(label)).toBe(reference.toUnicode(label));
  });

  it('maps every label of a domain, with any of the Unicode full stops', () => {
    for (const domain of ['chat.xn--mnchen-3ya.de', 'a\u3002xn--bcher-kva\uFF0Eb\uFF61c']) {
      expect(punycode.toUnicode(domain)).toBe(reference.toUnicode(domain));
    }
  });

  it('refuses invalid Punycode with a RangeError, as the package does', () => {
    for (const label of ['xn--ü-kva', 'xn--zzzzzzzzzzzzzzzzz', 'xn--99999999999', 'xn--a!', 'xn--0']) {
      const error = (() => {
        try {
          reference.toUnicode(label);
        } catch (thrown) {
          return thrown as Error;
        }
        throw new Error(`the package accepts ${label}`);
      })();
      expect(() => punycode.toUnicode(label)).toThrow(new RangeError(error.message));
    }
  });

  it('converts between strings and code points, lone surrogates included', () => {
    for (const text of ['Grüße 🎉 世界', '\uD800x\uDC00', '']) {
      expect(punycode.ucs2.decode(text)).toEqual(reference.ucs2.decode(text));
      expect(punycode.ucs2.encode(reference.ucs2.decode(text))).toBe(text);
    }
  });
});
