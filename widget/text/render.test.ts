import { describe, expect, it } from 'vitest';
import { isPlain } from './render.js';
import { parseStyling } from './styling.js';

/** What the parser makes of a body: nothing but text in lines. */
const onlyText = (body: string) => {
  const blocks = parseStyling(body);
  return blocks.every(
    (b) => b.kind === 'lines' && b.lines.every((line) => line.every((s) => s.kind === 'text')),
  );
};

describe('plain message text', () => {
  const bodies = [
    'Hello',
    'Direct history 300 of 300',
    'Two\nlines, and  two spaces',
    'ünïcödé — “quotes” 😀',
    'a*b* is not bold, but this is *bold*',
    '_emphasis_ and ~strike~',
    '`code`',
    '```\npre\n```',
    '> a quote',
    'a link: https://example.com/x',
    'HTTP://EXAMPLE.COM',
    'javascript:alert(1) stays text',
    'mail me at anna@example.com',
  ];

  it('is only what the parser would render as text alone', () => {
    for (const body of bodies) {
      if (isPlain(body)) expect(onlyText(body), body).toBe(true);
    }
  });

  it('covers ordinary sentences, and not styling, quotes or links', () => {
    expect(bodies.filter(isPlain)).toEqual([
      'Hello',
      'Direct history 300 of 300',
      'Two\nlines, and  two spaces',
      'ünïcödé — “quotes” 😀',
      'javascript:alert(1) stays text',
      'mail me at anna@example.com',
    ]);
  });
});
