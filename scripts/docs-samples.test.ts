// The code samples in the README and the guides are what people copy. Every ```ts block (and the
// ```js blocks of the guides listed in `checkedJs`) is type-checked here against the source of
// the public API, so a renamed method, a wrong option or a wrong event payload in a sample fails
// the tests.
//
// Samples are fragments: they use names the reader supplies (`password`, `file`, `input`) and
// continue earlier samples (`chat`, `room`, `bot`). So each sample is checked as its own module
// in which names it does not declare are `any` ("cannot find name" is not reported), `chat`,
// `bot` and `room` are typed SDK objects unless the sample declares them, and the SDK's exports
// are in scope unless the sample imports what it needs itself. Everything else is reported.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
  ...readdirSync(join(root, 'examples'))
    .map((f) => `examples/${f}/README.md`)
    .filter((f) => existsSync(join(root, f))),
];
/** Pages whose ```js samples are Node code against the SDK, checked like TypeScript. */
const checkedJs = new Set([
  'docs/bots.md',
  'docs/development-server.md',
  'docs/getting-started.md',
  'docs/sso.md',
  'docs/troubleshooting.md',
]);

interface Sample {
  page: string;
  line: number;
  lang: 'ts' | 'js';
  code: string;
}

/** The fenced code blocks of a page, with the line each starts on. */
function samples(page: string, markdown: string): Sample[] {
  const found: Sample[] = [];
  const fence = /^```(\w+)[^\n]*\n([\s\S]*?)^```/gm;
  for (const match of markdown.matchAll(fence)) {
    const lang = match[1];
    if (lang !== 'ts' && !(lang === 'js' && checkedJs.has(page))) continue;
    const line = markdown.slice(0, match.index).split('\n').length + 1;
    found.push({ page, line, lang, code: match[2]! });
  }
  return found;
}

const SDK_VALUES = [
  'createChat',
  'ChatError',
  'ErrorCodes',
  'isChatError',
  'FileTooLargeError',
  'UploadFailedError',
  'bareJid',
  'PresenceShows',
  'createIndexedDbStore',
  'createMemoryStore',
];

/** Turns a sample into a module: imports first, then the sample in a block under typed defaults. */
function wrap(sample: Sample): string {
  const imports: string[] = [];
  const body: string[] = [];
  let inImport = false;
  for (const line of sample.code.split('\n')) {
    if (inImport || /^import\s/.test(line)) {
      // Relative imports in the guides are relative to the repository's root.
      imports.push(line.replace(/(['"])\.\//, `$1${root}`));
      // An import ends with its module specifier (possibly lines later).
      inImport = !/['"][^'"]+['"];?\s*(\/\/.*)?$/.test(line);
    } else body.push(line);
  }
  // Over-approximation: any word in the sample's imports counts as imported.
  const imported = new Set(imports.join('\n').match(/\b\w+\b/g) ?? []);
  const sdk = SDK_VALUES.filter(
    (name) => !imported.has(name) && new RegExp(`\\b${name}\\b`).test(body.join('\n')),
  );
  const prelude =
    sample.lang === 'ts'
      ? [
          "import type { Chat as __Chat, Room as __Room } from 'mailbox-chat/sdk';",
          "import type {} from 'mailbox-chat/widget';",
          'declare const chat: __Chat;',
          'declare const bot: __Chat;',
          'declare const room: __Room;',
        ]
      : [
          "const chat = /** @type {import('mailbox-chat/sdk').Chat} */ (/** @type {unknown} */ (null));",
          "const bot = /** @type {import('mailbox-chat/sdk').Chat} */ (/** @type {unknown} */ (null));",
          "const room = /** @type {import('mailbox-chat/sdk').Room} */ (/** @type {unknown} */ (null));",
        ];
  if (sdk.length) prelude.unshift(`import { ${sdk.join(', ')} } from 'mailbox-chat/sdk';`);
  // Declarations (`declare module …`) must stay at the top level; anything else goes in a block,
  // so that its own `chat` or `room` shadows the prelude's.
  const block = /^declare\s/m.test(body.join('\n')) ? body : ['{', ...body, '}'];
  return [prelude.join(' '), ...imports, 'export {};', ...block, ''].join('\n');
}

const dir = mkdtempSync(join(root, 'node_modules/.docs-samples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * In plain JavaScript samples, `document.querySelector('mailbox-chat')` is used without a null
 * check, as a page that contains the element writes it.
 */
const IGNORED_IN_JS = new Set([
  2531, // Object is possibly 'null'.
  18047, // 'x' is possibly 'null'.
]);

/** Diagnostics that are about the fragment's free names, not about the API. */
const IGNORED = new Set([
  2304, // Cannot find name 'x'.
  2552, // Cannot find name 'x'. Did you mean 'y'?
  2582, // Cannot find name 'test' (test runner globals).
  18004, // No value exists in scope for the shorthand property 'x'.
  7005, // Variable implicitly has an 'any' type (js).
  7006, // Parameter implicitly has an 'any' type (js callbacks without JSDoc).
]);

function check(all: Sample[]): string[] {
  const files = all.map((sample, i) => {
    const file = join(dir, `${sample.page.replace(/\W/g, '_')}-${i}.${sample.lang === 'ts' ? 'mts' : 'mjs'}`);
    writeFileSync(file, wrap(sample));
    return { file, sample };
  });
  const program = ts.createProgram(
    files.map((f) => f.file),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
      types: ['node', 'react'], // as in a project with @types/react installed (the React example)
      strict: true,
      exactOptionalPropertyTypes: true,
      allowJs: true,
      checkJs: true,
      noEmit: true,
      skipLibCheck: true,
      allowImportingTsExtensions: true,
      baseUrl: root,
      paths: {
        'mailbox-chat/sdk': ['sdk/node.ts'],
        'mailbox-chat/widget': ['widget/index.ts'],
        'mailbox-chat/gateway': ['gateway/index.ts'],
      },
    },
  );
  const problems: string[] = [];
  for (const { file, sample } of files) {
    const source = program.getSourceFile(file)!;
    const diagnostics = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ];
    for (const d of diagnostics) {
      if (IGNORED.has(d.code) || (sample.lang === 'js' && IGNORED_IN_JS.has(d.code))) continue;
      const { line } = source.getLineAndCharacterOfPosition(d.start ?? 0);
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      const code = source.text.split('\n')[line] ?? '';
      problems.push(
        `${sample.page}:${sample.line} (${relative(dir, file)}:${line + 1}) TS${d.code}: ${text}\n    ${code.trim()}`,
      );
    }
  }
  return problems;
}

describe('code samples in the README and the guides', () => {
  const all = pages.flatMap((page) => samples(page, readFileSync(join(root, page), 'utf8')));

  it('finds the samples', () => {
    expect(all.length).toBeGreaterThan(10);
  });

  it('type-check against the public API', () => {
    expect(check(all)).toEqual([]);
  }, 120_000);
});
