import { html, type TemplateResult } from 'lit';
import { parseStyling, type Block, type Span } from './styling.js';

// Turns parsed message text into Lit templates. Every piece of the body lands in a text binding;
// the only attribute bound from a body is a link's `href`, and only for a parsed http(s) URL.

const directive = (char: string) => html`<span class="directive" aria-hidden="true">${char}</span>`;

function span(s: Span): TemplateResult | string {
  switch (s.kind) {
    case 'text':
      return s.text;
    case 'link':
      // dir="ltr" isolates the link from any bidi override around it: it reads as it goes.
      return html`<a href=${s.href} dir="ltr" target="_blank" rel="noopener noreferrer">${s.text}</a>`;
    case 'code':
      return html`<code>${directive('`')}${s.text}${directive('`')}</code>`;
    case 'strong':
      return html`<strong>${directive('*')}${s.children.map(span)}${directive('*')}</strong>`;
    case 'emphasis':
      return html`<em>${directive('_')}${s.children.map(span)}${directive('_')}</em>`;
    case 'strike':
      return html`<s>${directive('~')}${s.children.map(span)}${directive('~')}</s>`;
  }
}

function block(b: Block): TemplateResult {
  switch (b.kind) {
    case 'lines':
      return html`<p>${b.lines.flatMap((line, i) => (i ? ['\n', ...line.map(span)] : line.map(span)))}</p>`;
    case 'pre':
      return html`<pre>${b.text}</pre>`;
    case 'quote':
      return html`<blockquote>${b.children.map(block)}</blockquote>`;
  }
}

/** A message body as styled text (XEP-0393) with clickable http(s) links. */
export function renderBody(body: string): TemplateResult[] {
  return parseStyling(body).map(block);
}

/**
 * Whether a body has nothing that styling (`*_~` and "`" spans, "```" blocks, `>` quotes) or
 * link detection (`http(s)://`) would render as markup: it can be shown as one text node, in a
 * container that keeps its line breaks (`white-space: pre-wrap`).
 */
export const isPlain = (body: string): boolean => !/[*_~`>]|https?:\/\//i.test(body);

/** Where to cut a long body for its first view, without splitting a surrogate pair. */
export function cutAt(body: string, limit: number): number {
  if (body.length <= limit) return body.length;
  const code = body.charCodeAt(limit);
  return code >= 0xdc00 && code <= 0xdfff ? limit - 1 : limit;
}
