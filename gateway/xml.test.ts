// The gateway's XML splitter: a TCP stream cut into stanzas whatever the chunk boundaries, frames
// checked to hold exactly one element, and what XMPP forbids refused.
import { describe, expect, it } from 'vitest';
import { XmlSplitter, parseFrame, type SplitEvent } from './xml.js';

const HEADER =
  "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='x1' from='example.com' version='1.0'>";
const FEATURES =
  "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>";
const MESSAGE =
  "<message from='a@example.com/r' to='b@example.com' type='chat' id='m1'><body>1 &lt; 2 &amp; a &quot;&gt;&quot; in an attribute: <![CDATA[ <not a tag> ]]></body><x a=\"it's > 1\"/></message>";

function split(chunks: string[]): SplitEvent[] {
  const splitter = new XmlSplitter('stream', { maxElementLength: 4096 });
  return chunks.flatMap((chunk) => splitter.feed(chunk));
}

describe('the stream splitter', () => {
  const stream = `${HEADER}${FEATURES} \n ${MESSAGE}<r xmlns='urn:xmpp:sm:3'/></stream:stream>`;

  it('reports the header, each top-level element verbatim, and the end', () => {
    const events = split([stream]);
    expect(events.map((e) => e.type)).toEqual(['open', 'element', 'element', 'element', 'close']);
    expect(events[0]).toMatchObject({ type: 'open', attrs: { id: 'x1', from: 'example.com' } });
    expect(events.slice(1, 4).map((e) => (e.type === 'element' ? e.xml : ''))).toEqual([
      FEATURES,
      MESSAGE,
      "<r xmlns='urn:xmpp:sm:3'/>",
    ]);
  });

  it('gives the same result however the input is cut, down to one character at a time', () => {
    const whole = split([stream]);
    for (const size of [1, 2, 3, 7, 64]) {
      const chunks = stream.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!;
      expect(split(chunks)).toEqual(whole);
    }
  });

  it('refuses an element longer than the limit, even before it is complete', () => {
    const splitter = new XmlSplitter('stream', { maxElementLength: 100 });
    splitter.feed(HEADER);
    expect(() => splitter.feed(`<message><body>${'x'.repeat(200)}`)).toThrow(
      expect.objectContaining({ condition: 'policy-violation' }),
    );
  });

  it.each([
    ['a comment', '<!-- hi -->'],
    ['a DOCTYPE', '<!DOCTYPE x>'],
    ['a processing instruction', '<?php x?>'],
    ['an external entity reference', '<message><body>&xxe;</body></message>'],
  ])('refuses %s (restricted-xml)', (_what, xml) => {
    expect(() => split([HEADER, xml])).toThrow(expect.objectContaining({ condition: 'restricted-xml' }));
  });

  it.each([
    ['mismatched tags', '<message><body></message>'],
    ['text between stanzas', 'hello'],
    ['an unquoted attribute', '<message to=x/>'],
    ['a repeated attribute', "<message to='a' to='b'/>"],
    ['a control character', '<message>\u0001</message>'],
  ])('refuses %s (not-well-formed)', (_what, xml) => {
    expect(() => split([HEADER, xml])).toThrow(expect.objectContaining({ condition: 'not-well-formed' }));
  });

  it('refuses a stream that does not start with a stream header', () => {
    expect(() => split(['<message/>'])).toThrow(expect.objectContaining({ condition: 'not-well-formed' }));
  });
});

describe('a WebSocket frame', () => {
  it('is one element, with its attributes decoded', () => {
    const frame = parseFrame(
      "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.com' version='1.0' xml:lang='de'/>",
      1000,
    );
    expect(frame.name).toBe('open');
    expect(frame.attrs).toEqual({
      xmlns: 'urn:ietf:params:xml:ns:xmpp-framing',
      to: 'example.com',
      version: '1.0',
      'xml:lang': 'de',
    });
    expect(parseFrame(`<?xml version='1.0'?>${MESSAGE}`, 1000).xml).toBe(MESSAGE);
  });

  it.each([
    ['two elements', '<a/><b/>'],
    ['an unfinished element', '<message><body>hi</body>'],
    ['a stream close smuggled after an element', "<a/></stream:stream><stream:stream xmlns:stream='x'>"],
    ['nothing', '   '],
  ])('refuses %s', (_what, text) => {
    expect(() => parseFrame(text, 1000)).toThrow();
  });
});
