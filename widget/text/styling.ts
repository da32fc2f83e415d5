// XEP-0393 Message Styling and link detection, as pure functions that turn a message body into
// plain data. Rendering (text/render.ts) makes Lit templates of it; nothing here ever produces
// HTML, so a body can only ever become text.

/** A run of text inside one line. */
export type Span =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'link'; readonly text: string; readonly href: string }
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'strong' | 'emphasis' | 'strike'; readonly children: readonly Span[] };

/** A block of a message: lines of spans, a preformatted block, or a quote of further blocks. */
export type Block =
  | { readonly kind: 'lines'; readonly lines: readonly (readonly Span[])[] }
  | { readonly kind: 'pre'; readonly text: string }
  | { readonly kind: 'quote'; readonly children: readonly Block[] };

const SPAN_KINDS = { '*': 'strong', _: 'emphasis', '~': 'strike', '`': 'code' } as const;
type Directive = keyof typeof SPAN_KINDS;
const DIRECTIVES = Object.keys(SPAN_KINDS) as Directive[];

/** Quotes nest at most this deep; deeper `>` are text (a line of 50 000 `>` stays cheap). */
const MAX_QUOTE_DEPTH = 8;

const isSpace = (char: string | undefined): boolean => char === undefined || /\s/u.test(char);

/**
 * Finds http(s) links in plain text. Trailing punctuation that ends a sentence is not part of
 * the link; a closing bracket is, when the link opened one. Anything that does not parse as an
 * http(s) URL stays text, so `javascript:` and friends can never become links.
 */
export function findLinks(text: string): Span[] {
  const spans: Span[] = [];
  // Bidi controls end a link: an override inside a URL could make it read as something else.
  const pattern = /\bhttps?:\/\/[^\s<>"\u200e\u200f\u202a-\u202e\u2066-\u2069]+/giu;
  let last = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    let candidate = match[0];
    for (;;) {
      const tail = candidate.at(-1) ?? '';
      if (/[.,;:!?'*_~]/.test(tail)) candidate = candidate.slice(0, -1);
      else if (tail === ')' && count(candidate, '(') < count(candidate, ')'))
        candidate = candidate.slice(0, -1);
      else if (tail === ']' && count(candidate, '[') < count(candidate, ']'))
        candidate = candidate.slice(0, -1);
      else break;
    }
    const href = httpUrl(candidate);
    if (!href) continue;
    if (match.index > last) spans.push({ kind: 'text', text: text.slice(last, match.index) });
    spans.push({ kind: 'link', text: candidate, href });
    last = match.index + candidate.length;
    pattern.lastIndex = last;
  }
  if (last < text.length) spans.push({ kind: 'text', text: text.slice(last) });
  return spans;
}

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) if (c === char) n += 1;
  return n;
}

/** The normalized URL when `text` is an absolute http(s) URL, else `undefined`. */
export function httpUrl(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Not a URL at all: it stays text.
    return undefined;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
}

/** For each directive and position, the nearest valid closing directive at or after it. */
function closers(line: string): Record<Directive, Int32Array> {
  const table = {} as Record<Directive, Int32Array>;
  for (const directive of DIRECTIVES) {
    const next = new Int32Array(line.length + 1).fill(-1);
    for (let i = line.length - 1; i >= 0; i -= 1) {
      // A closing directive is never preceded by whitespace.
      next[i] = line[i] === directive && i > 0 && !isSpace(line[i - 1]) ? i : next[i + 1]!;
    }
    table[directive] = next;
  }
  return table;
}

/** Parses the spans of one line (XEP-0393 §6.2): lazily matched, never across lines. */
export function parseLine(line: string): Span[] {
  if (!/[*_~`]/.test(line)) return findLinks(line);
  const next = closers(line);
  const spans = (start: number, end: number): Span[] => {
    const out: Span[] = [];
    let textStart = start;
    const flush = (to: number) => {
      if (to > textStart) out.push(...findLinks(line.slice(textStart, to)));
    };
    for (let i = start; i < end; i += 1) {
      const char = line[i] as Directive;
      if (!(char in SPAN_KINDS)) continue;
      // An opening directive starts the line (or its parent span) or follows whitespace, and is
      // not followed by whitespace; the span has text in it.
      if (i !== start && !isSpace(line[i - 1])) continue;
      if (isSpace(line[i + 1])) continue;
      const close = i + 2 <= end ? next[char][i + 2]! : -1;
      if (close === -1 || close >= end) continue;
      flush(i);
      const kind = SPAN_KINDS[char];
      out.push(
        kind === 'code' ? { kind, text: line.slice(i + 1, close) } : { kind, children: spans(i + 1, close) },
      );
      i = close;
      textStart = close + 1;
    }
    flush(end);
    return out;
  };
  return spans(0, line.length);
}

/** Parses a message body into blocks (XEP-0393 §6.1): preformatted blocks, quotes, lines. */
export function parseStyling(body: string): Block[] {
  return blocks(body.split(/\r?\n/), 0);
}

function blocks(lines: readonly string[], depth: number): Block[] {
  const out: Block[] = [];
  let plain: Span[][] = [];
  const flush = () => {
    if (plain.length) out.push({ kind: 'lines', lines: plain });
    plain = [];
  };
  for (let i = 0; i < lines.length;) {
    const line = lines[i]!;
    if (line.startsWith('```')) {
      // Up to a line of just ``` or the end of the parent block; the opening line's tag is dropped.
      flush();
      const content: string[] = [];
      for (i += 1; i < lines.length && !/^```\s*$/.test(lines[i]!); i += 1) content.push(lines[i]!);
      out.push({ kind: 'pre', text: content.join('\n') });
      i += 1;
    } else if (line.startsWith('>') && depth < MAX_QUOTE_DEPTH) {
      flush();
      const quoted: string[] = [];
      for (; i < lines.length && lines[i]!.startsWith('>'); i += 1) {
        quoted.push(lines[i]!.slice(1).replace(/^[ \t]/, ''));
      }
      out.push({ kind: 'quote', children: blocks(quoted, depth + 1) });
    } else {
      plain.push(parseLine(line));
      i += 1;
    }
  }
  flush();
  return out;
}
