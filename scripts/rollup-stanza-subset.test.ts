import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROWSER_PROTOCOLS, STUBBED, withoutLeftOutLists } from './rollup-stanza-subset.mjs';

const require = createRequire(import.meta.url);
const stanzaDir = dirname(require.resolve('stanza/package.json'));
const LISTS = ['USER_MOODS', 'USER_ACTIVITY_GENERAL', 'USER_ACTIVITY_SPECIFIC'];

/** Runs a CommonJS module of StanzaJS from its source text; returns its exports. */
function evaluate(source: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  const requireFromStanza = (id: string): unknown => require(join(stanzaDir, id));
  new Function('exports', 'require', 'module', source)(module.exports, requireFromStanza, module);
  return module.exports;
}

describe('the browser build’s StanzaJS constants', () => {
  it('empties the mood and activity word lists and leaves every other export as it was', () => {
    const source = readFileSync(join(stanzaDir, 'Constants.js'), 'utf8');
    const before = evaluate(source);
    const after = evaluate(withoutLeftOutLists(source));
    for (const list of LISTS) {
      expect((before[list] as string[]).length).toBeGreaterThan(10);
      expect(after[list]).toEqual([]);
    }
    const others = Object.keys(before).filter((key) => !LISTS.includes(key));
    expect(others.length).toBeGreaterThan(30);
    for (const key of others) {
      // Functions compare by their source: each evaluation makes its own.
      const shape = (value: unknown) => (typeof value === 'function' ? String(value) : value);
      expect(shape(after[key]), key).toEqual(shape(before[key]));
    }
  });

  it('empties lists that only the protocols the build leaves out read (XEP-0107, XEP-0108)', () => {
    expect(BROWSER_PROTOCOLS).not.toContain('xep0107');
    expect(BROWSER_PROTOCOLS).not.toContain('xep0108');
    expect(filesOfStanzaWith(LISTS)).toEqual(['Constants.js', 'protocol/xep0107.js', 'protocol/xep0108.js']);
  });
});

/** StanzaJS's JavaScript files (paths inside the package) whose text includes one of `needles`. */
function filesOfStanzaWith(needles: readonly (string | RegExp)[]): string[] {
  const found: string[] = [];
  const scan = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') scan(path);
      else if (entry.name.endsWith('.js')) {
        const text = readFileSync(path, 'utf8');
        if (needles.some((n) => (typeof n === 'string' ? text.includes(n) : n.test(text)))) {
          found.push(path.slice(stanzaDir.length + 1));
        }
      }
    }
  };
  scan(stanzaDir);
  return found.sort();
}

describe('the browser build’s StanzaJS stubs', () => {
  it('replace modules that StanzaJS really imports there', () => {
    for (const { importer, source } of STUBBED) {
      expect(readFileSync(join(stanzaDir, importer), 'utf8'), importer).toContain(`require("${source}")`);
    }
  });

  it('stand for what only left-out parts use: the resolver (hostmeta), the XHTML-IM sanitizer (XEP-0071)', () => {
    // The client makes the resolver; of the plugins, only hostmeta uses it.
    expect(filesOfStanzaWith([/\bclient\.resolver\b/])).toEqual(['plugins/hostmeta.js']);
    // Protocols name the sanitizer they want; only XHTML-IM names this one.
    expect(filesOfStanzaWith([/'xhtmlim'/])).toEqual(['protocol/xep0071.js']);
    expect(BROWSER_PROTOCOLS).not.toContain('xep0071');
    expect(BROWSER_PROTOCOLS).not.toContain('xrd');
  });
});
