// A small incremental XML splitter for XMPP: it cuts a TCP stream (RFC 6120) into its header, its
// top-level elements and its end, and checks a WebSocket frame (RFC 7395) holds exactly one
// element. It checks well-formedness only as far as framing needs (matching tags, quoted
// attributes, entity references, allowed characters) and refuses what XMPP forbids (comments,
// DOCTYPE, processing instructions other than the XML declaration). Elements are returned as the
// exact text received, so stanzas pass through unchanged. Sizes and nesting depth are bounded.

/** Why input was refused, as the stream error condition the gateway sends for it. */
export type XmlErrorCondition = 'not-well-formed' | 'restricted-xml' | 'policy-violation';

/** Thrown for input that is not well-formed, not allowed in XMPP, or over a limit. */
export class XmlSplitError extends Error {
  readonly condition: XmlErrorCondition;
  constructor(condition: XmlErrorCondition, message: string) {
    super(message);
    this.name = 'XmlSplitError';
    this.condition = condition;
  }
}

/** What the splitter found. */
export type SplitEvent =
  /** A stream header (`<stream:stream …>`) — stream mode only. */
  | { type: 'open'; name: string; attrs: Record<string, string> }
  /** A complete top-level element: its name, the attributes of its start tag, and its text. */
  | { type: 'element'; name: string; attrs: Record<string, string>; xml: string }
  /** The end of the stream (`</stream:stream>`) — stream mode only. */
  | { type: 'close' };

/** Limits for a {@link XmlSplitter}. */
export interface SplitLimits {
  /** Largest top-level element (or stream header), in UTF-16 code units. */
  maxElementLength: number;
  /** Deepest nesting inside a top-level element. Default 64. */
  maxDepth?: number;
}

const NAME_START = 'A-Za-z_\\u00C0-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\uFFFD';
const NAME_CHAR = `${NAME_START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040`;
/** A qualified name: an optional prefix, a colon, a local name. */
// eslint-disable-next-line no-misleading-character-class -- XML name characters include combining marks
const QNAME = new RegExp(`^[${NAME_START}][${NAME_CHAR}]*(?::[${NAME_START}][${NAME_CHAR}]*)?$`);
/** An attribute: a name, `=`, and a quoted value without `<`. */
const ATTRIBUTE = /\s*([^\s=/>"'<]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
/** `&` followed by anything but one of the five predefined entities or a character reference. */
const BAD_REFERENCE = /&(?!(?:lt|gt|amp|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)/;
/** Characters XML 1.0 does not allow at all (C0 controls other than tab, line feed, return). */
// eslint-disable-next-line no-control-regex -- matching the forbidden control characters is the point
const BAD_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

/** The namespace of stream headers and stream errors. */
export const STREAMS_NS = 'http://etherx.jabber.org/streams';

/**
 * Cuts XML into top-level elements, incrementally.
 *
 * - `stream` mode (a TCP stream): first an optional XML declaration and the `<stream:stream>` start
 *   tag (reported as `open`), then each child of the stream as an `element`, then `close` for
 *   `</stream:stream>`. Whitespace between children (keepalives) is dropped.
 * - `fragment` mode (a WebSocket frame): each top-level element is reported; {@link parseFrame}
 *   uses it to accept exactly one.
 *
 * `feed` throws {@link XmlSplitError}; after that the splitter must not be used again.
 */
export class XmlSplitter {
  private buf = '';
  /** Where scanning continues in {@link buf}. */
  private pos = 0;
  /** Where the current top-level element starts in {@link buf}, or -1 between elements. */
  private start = -1;
  /** Open elements: the stream header (stream mode) and the current element's ancestors. */
  private readonly stack: string[] = [];
  private rootName = '';
  private rootAttrs: Record<string, string> = {};
  private ended = false;
  private readonly maxLength: number;
  private readonly maxDepth: number;

  constructor(
    private readonly mode: 'stream' | 'fragment',
    limits: SplitLimits,
  ) {
    this.maxLength = limits.maxElementLength;
    this.maxDepth = limits.maxDepth ?? 64;
  }

  /** Nesting level of top-level elements: 1 inside a stream, 0 in a fragment. */
  private get base(): number {
    return this.mode === 'stream' ? 1 : 0;
  }

  /** Adds text and returns what became complete. */
  feed(text: string): SplitEvent[] {
    if (BAD_CHARACTER.test(text))
      throw new XmlSplitError('not-well-formed', 'a character XML does not allow');
    this.buf += text;
    const events: SplitEvent[] = [];
    while (this.step(events)) {
      // Each step consumes one token; it returns false when it needs more input.
    }
    this.compact();
    const pending = this.buf.length - (this.start >= 0 ? this.start : this.pos);
    if (pending > this.maxLength) {
      throw new XmlSplitError('policy-violation', `an element longer than ${this.maxLength} characters`);
    }
    return events;
  }

  /** True when nothing is buffered between elements (a frame ended cleanly). */
  get idle(): boolean {
    return this.start < 0 && this.buf.slice(this.pos).trim() === '';
  }

  /** Drops consumed text so that the buffer holds at most the current element. */
  private compact(): void {
    const keep = this.start >= 0 ? this.start : this.pos;
    if (keep === 0) return;
    this.buf = this.buf.slice(keep);
    this.pos -= keep;
    if (this.start >= 0) this.start = 0;
  }

  /** Consumes one token at {@link pos}; false if more input is needed. */
  private step(events: SplitEvent[]): boolean {
    const { buf } = this;
    if (this.ended) {
      if (buf.slice(this.pos).trim() !== '') {
        throw new XmlSplitError('not-well-formed', 'text after the end of the stream');
      }
      this.pos = buf.length;
      return false;
    }
    const depth = this.stack.length;
    if (depth <= this.base && this.start < 0) {
      // Between top-level elements: only whitespace may come before the next tag.
      let i = this.pos;
      while (i < buf.length && isSpace(buf.charCodeAt(i))) i += 1;
      this.pos = i;
      if (i >= buf.length) return false;
      if (buf[i] !== '<') throw new XmlSplitError('not-well-formed', 'text outside an element');
    } else if (buf[this.pos] !== '<') {
      return this.text();
    }
    if (this.pos + 1 >= buf.length) return false;
    const next = buf[this.pos + 1];
    if (next === '?') return this.declaration();
    if (next === '!') return this.markup();
    if (next === '/') return this.endTag(events);
    return this.startTag(events);
  }

  /** Character data inside an element, up to the next `<`. */
  private text(): boolean {
    const { buf } = this;
    const lt = buf.indexOf('<', this.pos);
    let end = lt < 0 ? buf.length : lt;
    if (lt < 0) {
      // A reference may be cut by the chunk boundary: check it when its `;` has arrived.
      const amp = buf.lastIndexOf('&', end - 1);
      if (amp >= this.pos && buf.indexOf(';', amp) < 0) end = amp;
    }
    checkReferences(buf.slice(this.pos, end));
    this.pos = end;
    return lt >= 0;
  }

  /** `<?…?>`: only the XML declaration, and only before the first element. */
  private declaration(): boolean {
    const end = this.buf.indexOf('?>', this.pos);
    if (end < 0) return false;
    const body = this.buf.slice(this.pos + 2, end);
    const allowed = this.stack.length === 0 && this.start < 0 && /^xml(\s|$)/.test(body);
    if (!allowed) throw new XmlSplitError('restricted-xml', 'a processing instruction');
    this.pos = end + 2;
    return true;
  }

  /** `<!…`: CDATA sections inside elements; comments and DOCTYPE are refused. */
  private markup(): boolean {
    const { buf } = this;
    const head = buf.slice(this.pos, this.pos + 9);
    if ('<![CDATA['.startsWith(head) && head.length < 9) return false;
    if (head !== '<![CDATA[' || this.stack.length <= this.base) {
      throw new XmlSplitError('restricted-xml', 'a comment, DOCTYPE or misplaced CDATA section');
    }
    const end = buf.indexOf(']]>', this.pos + 9);
    if (end < 0) return false;
    this.pos = end + 3;
    return true;
  }

  /** `</name>`: must close the innermost open element. */
  private endTag(events: SplitEvent[]): boolean {
    const { buf } = this;
    const gt = buf.indexOf('>', this.pos);
    if (gt < 0) return false;
    const name = buf.slice(this.pos + 2, gt).trim();
    const open = this.stack.pop();
    if (open === undefined || open !== name) {
      throw new XmlSplitError('not-well-formed', 'an end tag that does not match its start tag');
    }
    this.pos = gt + 1;
    if (this.mode === 'stream' && this.stack.length === 0) {
      this.ended = true;
      events.push({ type: 'close' });
    } else if (this.stack.length === this.base) {
      this.emit(events);
    }
    return true;
  }

  /** `<name attr='…'>` or `<name …/>`. */
  private startTag(events: SplitEvent[]): boolean {
    const { buf } = this;
    const end = tagEnd(buf, this.pos + 1);
    if (end < 0) return false;
    const selfClosing = buf[end - 1] === '/';
    const inner = buf.slice(this.pos + 1, selfClosing ? end - 1 : end);
    const nameEnd = inner.search(/[\s]|$/);
    const name = inner.slice(0, nameEnd);
    if (!QNAME.test(name)) throw new XmlSplitError('not-well-formed', 'a start tag without a valid name');
    const attrs = parseAttributes(inner.slice(nameEnd));
    const depth = this.stack.length;

    if (this.mode === 'stream' && depth === 0) {
      if (name !== 'stream:stream' || selfClosing || attrs['xmlns:stream'] !== STREAMS_NS) {
        throw new XmlSplitError('not-well-formed', 'the stream does not start with a stream header');
      }
      this.stack.push(name);
      this.pos = end + 1;
      events.push({ type: 'open', name, attrs });
      return true;
    }
    if (depth === this.base) {
      this.start = this.pos;
      this.rootName = name;
      this.rootAttrs = attrs;
    } else if (depth - this.base >= this.maxDepth) {
      throw new XmlSplitError('policy-violation', `elements nested deeper than ${this.maxDepth}`);
    }
    this.pos = end + 1;
    if (selfClosing) {
      if (depth === this.base) this.emit(events);
    } else {
      this.stack.push(name);
    }
    return true;
  }

  /** Reports the element from {@link start} to {@link pos}. */
  private emit(events: SplitEvent[]): void {
    events.push({
      type: 'element',
      name: this.rootName,
      attrs: this.rootAttrs,
      xml: this.buf.slice(this.start, this.pos),
    });
    this.start = -1;
  }
}

/** Whitespace as XML defines it. */
function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** Index of the `>` ending the tag that starts before `from`, skipping quoted values; -1 if not yet. */
function tagEnd(buf: string, from: number): number {
  let quote = '';
  for (let i = from; i < buf.length; i += 1) {
    const c = buf[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return i;
    } else if (c === '<') {
      throw new XmlSplitError('not-well-formed', 'a `<` inside a tag');
    }
  }
  return -1;
}

/** Parses the attribute part of a start tag; refuses duplicates and malformed pairs. */
function parseAttributes(text: string): Record<string, string> {
  const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
  let i = 0;
  for (;;) {
    ATTRIBUTE.lastIndex = i;
    const match = ATTRIBUTE.exec(text);
    if (!match) break;
    const [whole, name, double, single] = match;
    if (!isSpace(text.charCodeAt(i))) {
      throw new XmlSplitError('not-well-formed', 'attributes without whitespace between them');
    }
    if (!QNAME.test(name!) || name! in attrs) {
      throw new XmlSplitError('not-well-formed', 'an invalid or repeated attribute');
    }
    const value = double ?? single ?? '';
    checkReferences(value);
    attrs[name!] = decodeEntities(value);
    i += whole.length;
  }
  if (text.slice(i).trim() !== '') throw new XmlSplitError('not-well-formed', 'a malformed attribute');
  return attrs;
}

function checkReferences(text: string): void {
  if (text.includes('&') && BAD_REFERENCE.test(text)) {
    throw new XmlSplitError('restricted-xml', 'an entity reference XMPP does not allow');
  }
}

/** Decodes the predefined entities and character references of an attribute value. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/g, (_m, ref: string) => {
    switch (ref) {
      case 'lt':
        return '<';
      case 'gt':
        return '>';
      case 'amp':
        return '&';
      case 'quot':
        return '"';
      case 'apos':
        return "'";
      default: {
        const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        if (!(code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) || code > 0x10ffff) {
          throw new XmlSplitError('not-well-formed', 'a character reference to a forbidden character');
        }
        return String.fromCodePoint(code);
      }
    }
  });
}

/** Escapes a value for a single-quoted XML attribute or for text. */
export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/'/g, '&apos;')
    .replace(/"/g, '&quot;');
}

/** One WebSocket frame's element: its name, start-tag attributes and text. */
export interface FrameElement {
  name: string;
  attrs: Record<string, string>;
  xml: string;
}

/**
 * Checks that `text` (one WebSocket frame) is exactly one well-formed element, optionally preceded
 * by an XML declaration, and returns it.
 *
 * @throws {XmlSplitError} when it is not.
 */
export function parseFrame(text: string, maxLength: number): FrameElement {
  const splitter = new XmlSplitter('fragment', { maxElementLength: maxLength });
  const events = splitter.feed(text);
  const first = events[0];
  if (events.length !== 1 || first?.type !== 'element' || !splitter.idle) {
    throw new XmlSplitError('not-well-formed', 'a frame must hold exactly one complete element');
  }
  return { name: first.name, attrs: first.attrs, xml: first.xml };
}
