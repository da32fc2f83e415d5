// The custom elements manifest (`custom-elements.json`) is what editors, linters and framework
// wrappers read to know <mailbox-chat>'s attributes, events, methods, parts and custom
// properties. It is generated from the element's JSDoc; these tests generate it from the source
// (into a temp dir, as `npm run build` does into the package root) and check it says all of that.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Named {
  name: string;
  description?: string;
}
interface Declaration extends Named {
  kind: string;
  tagName?: string;
  attributes?: Named[];
  events?: Named[];
  members?: (Named & { kind: string; privacy?: string })[];
  cssParts?: Named[];
  cssProperties?: Named[];
}
interface Manifest {
  schemaVersion: string;
  modules: { path: string; declarations?: Declaration[]; exports?: { kind: string; name: string }[] }[];
}

let dir: string;
let manifest: Manifest;
let element: Declaration;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mc-cem-'));
  // The analyzer takes --outdir relative to the working directory.
  execFileSync(
    process.execPath,
    [
      join(root, 'node_modules/@custom-elements-manifest/analyzer/cem.js'),
      'analyze',
      '--config',
      'scripts/docs-cem.config.mjs',
      '--outdir',
      relative(root, dir),
    ],
    { cwd: root, stdio: 'pipe' },
  );
  manifest = JSON.parse(readFileSync(join(dir, 'custom-elements.json'), 'utf8')) as Manifest;
  const found = manifest.modules
    .flatMap((m) => m.declarations ?? [])
    .find((d) => d.tagName === 'mailbox-chat');
  if (!found) throw new Error('the manifest has no <mailbox-chat>');
  element = found;
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const names = (list: Named[] | undefined) => (list ?? []).map((x) => x.name);

describe('the custom elements manifest', () => {
  it('is the file package.json names, describing the published modules', () => {
    const pkg = JSON.parse(read('package.json')) as { customElements: string; files: string[] };
    expect(pkg.customElements).toBe('custom-elements.json');
    expect(pkg.files).toContain('custom-elements.json');
    const module = manifest.modules.find((m) => m.declarations?.includes(element));
    expect(module?.path).toBe('dist/widget/mailbox-chat/mailbox-chat.js');
    expect(module?.exports).toContainEqual(
      expect.objectContaining({ kind: 'custom-element-definition', name: 'mailbox-chat' }),
    );
  });

  it('lists <mailbox-chat> with its attributes, each described', () => {
    expect(names(element.attributes)).toEqual(
      expect.arrayContaining(['service', 'jid', 'lang', 'mode', 'theme', 'file-expiry', 'sso', 'tab']),
    );
    // Internal state is not an attribute a page can set.
    expect(names(element.attributes)).not.toContain('opened');
    for (const attribute of element.attributes ?? [])
      expect(attribute.description, attribute.name).toBeTruthy();
  });

  it('lists the events the element fires', () => {
    expect(names(element.events)).toEqual(
      expect.arrayContaining(['mc-status', 'mc-message', 'mc-unread', 'mc-open', 'mc-close']),
    );
  });

  it('lists the public methods and properties, and nothing private', () => {
    const methods = (element.members ?? []).filter((m) => m.kind === 'method').map((m) => m.name);
    expect(methods).toEqual(expect.arrayContaining(['open', 'close', 'openConversation', 'signOut']));
    expect(names(element.members)).toEqual(expect.arrayContaining(['credentials', 'chat']));
    expect(
      (element.members ?? []).filter((m) => m.privacy === 'private' || m.privacy === 'protected'),
    ).toEqual([]);
  });

  it('documents every part a page can style: those the element renders and those it exports', () => {
    const source = read('widget/mailbox-chat/mailbox-chat.ts');
    const rendered = [...source.matchAll(/\spart="([\w-]+)"/g)].map((m) => m[1]);
    const exported = [...source.matchAll(/exportparts="([^"]+)"/g)].flatMap((m) => m[1]!.split(/\s*,\s*/));
    const parts = [...new Set([...rendered, ...exported])];
    expect(parts.length).toBeGreaterThan(10);
    expect(names(element.cssParts).sort()).toEqual(expect.arrayContaining(parts.sort()));
    // Each documented once: a part listed twice shows twice in editors and in the reference.
    expect(new Set(names(element.cssParts)).size).toBe(names(element.cssParts).length);
    expect(new Set(names(element.cssProperties)).size).toBe(names(element.cssProperties).length);
  });

  it('documents every custom property the theme defines', () => {
    const theme = readdirSync(join(root, 'widget/theme'))
      .filter((file) => file.endsWith('.ts') && !file.includes('.test.'))
      .map((file) => read(`widget/theme/${file}`))
      .join('\n');
    const properties = [...new Set([...theme.matchAll(/^\s*(--mc-[\w-]+):/gm)].map((m) => m[1]))];
    expect(properties.length).toBeGreaterThan(20);
    expect(names(element.cssProperties)).toEqual(expect.arrayContaining(properties));
  });

  it('is matched by the theming guide, which lists every custom property and part', () => {
    const guide = read('docs/theming.md');
    const missing = [...names(element.cssProperties), ...names(element.cssParts)].filter(
      (name) => !guide.includes(`\`${name}\``),
    );
    expect(missing).toEqual([]);
  });
});
