// Minifies the widget's styles in the browser bundles: the text of every `css` tagged template
// in widget/ loses its comments and indentation (Terser leaves template text as it is: those were
// ~2,700 runs of line break and indentation in the bundle). Line breaks stay, so the lines of the
// source map still match; only the columns inside a style sheet move. Strings in the CSS
// (`content: '…'`, grid areas) and the `${…}` parts are copied unchanged.

/** Characters around which whitespace means nothing in CSS. */
const TIGHT = new Set(['{', '}', ';', ',', '>', ':']);

/** The minified text of one literal part of a `css` template (between `${…}` parts). */
export function minifyCssText(text) {
  let out = '';
  let i = 0;
  const last = () => out.at(-1);
  while (i < text.length) {
    const ch = text[i];
    if (ch === '\\') {
      out += text.slice(i, i + 2);
      i += 2;
    } else if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== ch) j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const comment = text.slice(i, end < 0 ? text.length : end + 2);
      const lines = comment.split('\n').length - 1;
      // A comment between two tokens still separates them.
      out += lines ? '\n'.repeat(lines) : ' ';
      i += comment.length;
    } else if (/\s/.test(ch)) {
      let j = i;
      while (j < text.length && /\s/.test(text[j])) j += 1;
      const run = text.slice(i, j);
      const lines = run.split('\n').length - 1;
      const next = text[j];
      // After a colon a space can be dropped, before one not (`.a :hover` is not `.a:hover`).
      const tight = TIGHT.has(last()) || (next !== ':' && TIGHT.has(next));
      out += lines ? '\n'.repeat(lines) : tight ? '' : ' ';
      i = j;
    } else {
      out += ch;
      i += 1;
    }
  }
  // Line breaks next to each other or at a tight character: only their count matters (lines).
  return out.replace(/ *\n[ \n]*/g, (run) => '\n'.repeat(run.split('\n').length - 1));
}

/**
 * The template literal parts of each `css` tagged template in `code`, as [start, end) offsets of
 * the text between the backticks and the `${…}` parts.
 */
export function cssLiteralParts(code) {
  const parts = [];
  const tag = /\bcss`/g;
  let match;
  while ((match = tag.exec(code))) {
    let i = match.index + match[0].length;
    let start = i;
    while (i < code.length && code[i] !== '`') {
      if (code[i] === '\\') {
        i += 2;
      } else if (code[i] === '$' && code[i + 1] === '{') {
        parts.push([start, i]);
        let depth = 1;
        i += 2;
        while (i < code.length && depth > 0) {
          if (code[i] === '{') depth += 1;
          else if (code[i] === '}') depth -= 1;
          i += 1;
        }
        start = i;
      } else {
        i += 1;
      }
    }
    parts.push([start, i]);
    tag.lastIndex = i + 1;
  }
  return parts;
}

/** The Rollup plugin: `css` templates in widget/ TypeScript, before it is compiled. */
export function minifyCssLiterals() {
  return {
    name: 'minify-css-literals',
    transform(code, id) {
      if (!/[\\/]widget[\\/].*\.ts$/.test(id) || !code.includes('css`')) return null;
      let out = '';
      let at = 0;
      for (const [start, end] of cssLiteralParts(code)) {
        out += code.slice(at, start) + minifyCssText(code.slice(start, end));
        at = end;
      }
      out += code.slice(at);
      // Lines are kept (see above), so the module's mappings stay line-true.
      return { code: out, map: null };
    },
  };
}
