// The theming guide promises every custom property and every part a page can style. These tests
// read the widget's source — every `var(--mc-…)` its styles use and every `part="…"` its templates
// render — and fail when one is missing from docs/theming.md, or when a part rendered inside an
// inner element is not passed up to <mailbox-chat> (a part no page could reach).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const guide = readFileSync(join(root, 'docs/theming.md'), 'utf8');

/** The widget's source files, tests left out. */
function sources(dir = join(root, 'widget')): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.includes('.test.') ? [path] : [];
  });
}
const files = sources().map((path) => ({ path: relative(root, path), text: readFileSync(path, 'utf8') }));

/** Custom properties set on avatars inside the widget; the guide says they are not for pages. */
const INTERNAL_PROPERTIES = new Set(['--mc-avatar-bg', '--mc-avatar-text']);

describe('the theming guide', () => {
  it('documents every custom property the widget’s styles use', () => {
    const used = new Set(files.flatMap((f) => [...f.text.matchAll(/var\((--mc-[\w-]+)/g)].map((m) => m[1]!)));
    expect(used.size).toBeGreaterThan(20);
    const missing = [...used].filter(
      (name) => !INTERNAL_PROPERTIES.has(name) && !guide.includes(`| \`${name}\` |`),
    );
    expect(missing).toEqual([]);
  });

  it('documents every part, and every part is reachable from the page', () => {
    const host = files.find((f) => f.path === 'widget/mailbox-chat/mailbox-chat.ts')!;
    const exported = new Set(
      [...host.text.matchAll(/exportparts="([^"]+)"/g)].flatMap((m) => m[1]!.split(/\s*,\s*/)),
    );
    const unreachable: string[] = [];
    const parts = new Set<string>();
    for (const file of files) {
      for (const match of file.text.matchAll(/\spart="([\w-]+)"/g)) {
        const part = match[1]!;
        parts.add(part);
        if (file !== host && !exported.has(part)) unreachable.push(`${part} (${file.path})`);
      }
    }
    expect(parts.size).toBeGreaterThan(15);
    expect(unreachable).toEqual([]);
    const missing = [...parts].filter((name) => !guide.includes(`| \`${name}\` |`));
    expect(missing).toEqual([]);
  });

  it('gives the defaults the theme defines, light and dark', () => {
    const tokens = readFileSync(join(root, 'widget/theme/token-css.ts'), 'utf8');
    const values = (css: string) => [...css.matchAll(/^\s*(--mc-[\w-]+):\s*(#[0-9a-f]{6}|\d+px);/gm)];
    const light = values(tokens.slice(tokens.indexOf(':host {')));
    const dark = values(tokens.slice(tokens.indexOf('const dark'), tokens.indexOf('color-scheme: dark')));
    expect(light.length).toBeGreaterThan(20);
    expect(dark.length).toBeGreaterThan(10);
    const row = (name: string) => guide.split('\n').find((line) => line.startsWith(`| \`${name}\` |`)) ?? '';
    const wrong: string[] = [];
    for (const [, name, value] of light)
      if (!row(name!).includes(`\`${value}\``)) wrong.push(`${name}: ${value}`);
    // The colour table's last column is the dark default.
    for (const [, name, value] of dark)
      if (!row(name!).trim().endsWith(`\`${value}\` |`)) wrong.push(`${name} (dark): ${value}`);
    expect(wrong).toEqual([]);
  });
});
