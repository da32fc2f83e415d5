import { describe, expect, it } from 'vitest';
import { findLinks, httpUrl, parseLine, parseStyling } from './styling.js';

const text = (t: string) => ({ kind: 'text', text: t });

describe('XEP-0393 spans', () => {
  it('styles strong, emphasis, strike and code', () => {
    expect(parseLine('a *b* _c_ ~d~ `e`')).toEqual([
      text('a '),
      { kind: 'strong', children: [text('b')] },
      text(' '),
      { kind: 'emphasis', children: [text('c')] },
      text(' '),
      { kind: 'strike', children: [text('d')] },
      text(' '),
      { kind: 'code', text: 'e' },
    ]);
  });

  it('nests spans, and leaves code spans unstyled', () => {
    expect(parseLine('*_both_*')).toEqual([
      { kind: 'strong', children: [{ kind: 'emphasis', children: [text('both')] }] },
    ]);
    expect(parseLine('`*not bold*`')).toEqual([{ kind: 'code', text: '*not bold*' }]);
  });

  it('needs whitespace before an opener, none after it or before a closer, and text inside', () => {
    expect(parseLine('a*b*')).toEqual([text('a*b*')]);
    expect(parseLine('* not*')).toEqual([text('* not*')]);
    expect(parseLine('*not *')).toEqual([text('*not *')]);
    expect(parseLine('**')).toEqual([text('**')]);
    expect(parseLine('2 * 3 * 4')).toEqual([text('2 * 3 * 4')]);
  });

  it('matches lazily: the first valid closer ends the span', () => {
    expect(parseLine('*a *b* c*')).toEqual([{ kind: 'strong', children: [text('a *b')] }, text(' c*')]);
  });

  it('stays linear on hostile lines', () => {
    const line = '*a '.repeat(30_000);
    const started = performance.now();
    expect(parseLine(line)).toEqual([text(line)]);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('XEP-0393 blocks', () => {
  it('parses quotes (nested) and preformatted blocks', () => {
    expect(parseStyling('> one\n>> two\nthree\n```js\n*x*\n```\nfour')).toEqual([
      {
        kind: 'quote',
        children: [
          { kind: 'lines', lines: [[text('one')]] },
          { kind: 'quote', children: [{ kind: 'lines', lines: [[text('two')]] }] },
        ],
      },
      { kind: 'lines', lines: [[text('three')]] },
      { kind: 'pre', text: '*x*' },
      { kind: 'lines', lines: [[text('four')]] },
    ]);
  });

  it('ends an unclosed preformatted block at the end of the message', () => {
    expect(parseStyling('```\ncode')).toEqual([{ kind: 'pre', text: 'code' }]);
  });

  it('bounds quote nesting', () => {
    const blocks = parseStyling('>'.repeat(50_000));
    let depth = 0;
    let current = blocks[0];
    while (current?.kind === 'quote') {
      depth += 1;
      current = current.children[0];
    }
    expect(depth).toBe(8);
  });
});

describe('links', () => {
  it('makes http(s) URLs links, without trailing punctuation', () => {
    expect(findLinks('see https://example.com/a_(b). ok')).toEqual([
      text('see '),
      { kind: 'link', text: 'https://example.com/a_(b)', href: 'https://example.com/a_(b)' },
      text('. ok'),
    ]);
    expect(findLinks('(http://example.com)')).toEqual([
      text('('),
      { kind: 'link', text: 'http://example.com', href: 'http://example.com/' },
      text(')'),
    ]);
  });

  it('never links other schemes', () => {
    expect(findLinks('javascript:alert(1) data:text/html,x')).toEqual([
      text('javascript:alert(1) data:text/html,x'),
    ]);
    expect(httpUrl('javascript:alert(1)')).toBeUndefined();
    expect(httpUrl('JaVaScRiPt://x')).toBeUndefined();
  });

  it('ends a link at a bidi control, so an override cannot disguise where it goes', () => {
    expect(findLinks('https://example.com/\u202Efdp.exe')).toEqual([
      { kind: 'link', text: 'https://example.com/', href: 'https://example.com/' },
      text('\u202Efdp.exe'),
    ]);
  });

  it('finds links inside styled spans', () => {
    expect(parseLine('*see https://example.com*')).toEqual([
      {
        kind: 'strong',
        children: [text('see '), { kind: 'link', text: 'https://example.com', href: 'https://example.com/' }],
      },
    ]);
  });
});
