import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cssLiteralParts, minifyCssLiterals, minifyCssText } from './rollup-css-literals.mjs';

describe('the build’s minifying of the widget’s styles', () => {
  it('drops comments and indentation but keeps every line, strings and meaningful spaces', () => {
    const text = `
  /* The panel. */
  :host([theme='dark']) .panel > .body ,  .a :hover {
    content: '  two  spaces ';
    grid-template-areas: "a  b";
    margin: calc(100% - 2px) 0;
    font: 600 1em / 1.4 var(--mc-font),  sans-serif;
  }
  .b{color:red}`;
    const out = minifyCssText(text);
    expect(out.split('\n')).toHaveLength(text.split('\n').length);
    expect(out.replace(/\n/g, '')).toBe(
      ":host([theme='dark']) .panel>.body,.a :hover{content:'  two  spaces ';" +
        'grid-template-areas:"a  b";margin:calc(100% - 2px) 0;' +
        'font:600 1em / 1.4 var(--mc-font),sans-serif;}.b{color:red}',
    );
  });

  it('changes only the text of css templates, around their ${…} parts', () => {
    const code =
      'const a = css`\n  .x {  color: red; }\n  ${other}\n  .y { margin: ${gap}px; }\n`;\nconst b = `  keep  `;';
    const parts = cssLiteralParts(code).map(([start, end]) => code.slice(start, end));
    expect(parts).toEqual(['\n  .x {  color: red; }\n  ', '\n  .y { margin: ', 'px; }\n']);
    const plugin = minifyCssLiterals() as {
      transform(code: string, id: string): { code: string } | null;
    };
    const out = plugin.transform(code, '/repo/widget/theme/x.ts')!.code;
    expect(out).toBe(
      'const a = css`\n.x{color:red;}\n${other}\n.y{margin:${gap}px;}\n`;\nconst b = `  keep  `;',
    );
    expect(plugin.transform(code, '/repo/sdk/x.ts')).toBeNull();
  });

  it('keeps the widget’s real style sheets line for line', () => {
    const source = readFileSync(
      new URL('../widget/message-list/message-list.styles.ts', import.meta.url),
      'utf8',
    );
    const plugin = minifyCssLiterals() as { transform(code: string, id: string): { code: string } };
    const out = plugin.transform(source, '/repo/widget/message-list/message-list.styles.ts').code;
    expect(out.split('\n')).toHaveLength(source.split('\n').length);
    expect(out.length).toBeLessThan(source.length * 0.8);
  });
});
