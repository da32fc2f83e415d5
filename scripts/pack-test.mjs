#!/usr/bin/env node
// The package as a user gets it, run by `npm test` after the build: `npm pack`, install the
// tarball into a fresh project, then
//   - the tarball holds the builds, types, manifest, LICENSE and the third-party licences;
//   - `mailbox-chat/sdk` and `mailbox-chat/widget` import in Node ESM;
//   - a TypeScript file using both type-checks against the package's own declarations;
//   - a bundler (esbuild) builds a browser app importing both, with the element registered;
//   - the single-file build works from a plain static server in Chromium.
// Offline: dependencies come from the npm cache (`npm ci` filled it); when the cache cannot
// satisfy them, the repository's installed dependencies are linked in instead (and it says so).
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const bin = (name) => join(root, 'node_modules/.bin', name);
const failures = [];
const t0 = Date.now();

function check(name, fn) {
  const t = Date.now();
  try {
    fn();
    process.stdout.write(`  ✔ ${name} (${Date.now() - t} ms)\n`);
  } catch (error) {
    failures.push(name);
    process.stdout.write(`  ✖ ${name}\n${indent(error instanceof Error ? error.message : String(error))}\n`);
  }
}
async function checkAsync(name, fn) {
  const t = Date.now();
  try {
    await fn();
    process.stdout.write(`  ✔ ${name} (${Date.now() - t} ms)\n`);
  } catch (error) {
    failures.push(name);
    process.stdout.write(`  ✖ ${name}\n${indent(error instanceof Error ? error.message : String(error))}\n`);
  }
}
const indent = (text) =>
  text
    .split('\n')
    .slice(0, 40)
    .map((line) => `      ${line}`)
    .join('\n');
function assert(condition, message) {
  if (!condition) throw new Error(message);
}
/** Runs a command; throws with its output when it fails. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    ...options,
    env: { ...process.env, ...options.env },
  });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

for (const file of [
  'dist/mailbox-chat.js',
  'dist/sdk/index.js',
  'dist/types/sdk/index.d.ts',
  'custom-elements.json',
]) {
  if (!existsSync(join(root, file))) {
    process.stderr.write(`pack test: ${file} is missing; run \`npm run build\` first\n`);
    process.exit(1);
  }
}

const work = mkdtempSync(join(tmpdir(), 'mailbox-chat-pack-'));
const project = join(work, 'app');
const cleanup = () => rmSync(work, { recursive: true, force: true });
process.on('exit', cleanup);

// 1. Pack.
const [packed] = JSON.parse(
  run('npm', ['pack', '--json', '--pack-destination', work, '--ignore-scripts'], {
    cwd: root,
    env: { npm_config_loglevel: 'error' },
  }),
);
const tarball = join(work, packed.filename);
const files = packed.files.map((f) => f.path);
process.stdout.write(
  `pack test: ${packed.filename}, ${files.length} files, ${(packed.size / 1024).toFixed(0)} KB\n`,
);

check('the tarball holds the builds, types, manifest, README, LICENSE and third-party licences', () => {
  const wanted = [
    'LICENSE',
    'README.md',
    'package.json',
    'custom-elements.json',
    'dist/THIRD_PARTY_LICENSES.txt',
    'dist/mailbox-chat.js',
    'dist/mailbox-chat-intl.js',
    'dist/lazy/THIRD_PARTY_LICENSES.txt',
    'dist/lazy/mailbox-chat.js',
    'dist/lazy/mailbox-chat-intl.js',
    'dist/sdk/index.js',
    'dist/sdk/node.js',
    'dist/widget/index.js',
    'dist/widget/define.js',
    'dist/types/sdk/index.d.ts',
    'dist/types/widget/index.d.ts',
  ];
  const missing = wanted.filter((f) => !files.includes(f));
  assert(missing.length === 0, `missing from the tarball: ${missing.join(', ')}`);
  const stray = files.filter((f) => /\.test\.|(^|\/)test\/|\.env$|\.tgz$/.test(f));
  assert(stray.length === 0, `should not be in the tarball: ${stray.join(', ')}`);
});

// 2. Install it into a fresh project.
mkdirSync(project);
writeFileSync(
  join(project, 'package.json'),
  JSON.stringify({
    name: 'pack-test-app',
    private: true,
    type: 'module',
    dependencies: { [pkg.name]: `file:${tarball}` },
  }),
);
let installedFrom = 'npm cache (offline)';
const install = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
  cwd: project,
  encoding: 'utf8',
  env: { ...process.env, npm_config_loglevel: 'error' },
});
if (install.status !== 0) {
  // The cache lacks something: unpack the tarball and link the repository's dependencies.
  installedFrom = 'linked dependencies (the npm cache could not satisfy an offline install)';
  rmSync(join(project, 'node_modules'), { recursive: true, force: true });
  const target = join(project, 'node_modules', pkg.name);
  mkdirSync(target, { recursive: true });
  run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  // The dependencies and theirs, as npm would hoist them (nested versions resolve from the
  // linked packages' real paths).
  const names = new Set();
  const visit = (name) => {
    const dir = join(root, 'node_modules', name);
    if (names.has(name) || !existsSync(join(dir, 'package.json'))) return;
    names.add(name);
    const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys({ ...meta.dependencies, ...meta.optionalDependencies })) visit(dep);
  };
  for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep);
  for (const name of names) {
    const link = join(project, 'node_modules', name);
    mkdirSync(join(link, '..'), { recursive: true });
    symlinkSync(join(root, 'node_modules', name), link, 'dir');
  }
}
process.stdout.write(`  installed from ${installedFrom}\n`);

check('the tarball licence texts name StanzaJS, its vendored ieee754 and Lit, each with its text', () => {
  const installed = join(project, 'node_modules', pkg.name);
  // One file beside each bundle: the single-file build and the lazy build.
  for (const file of ['dist/THIRD_PARTY_LICENSES.txt', 'dist/lazy/THIRD_PARTY_LICENSES.txt']) {
    const licences = readFileSync(join(installed, file), 'utf8');
    for (const name of [
      'stanza@',
      'ieee754',
      'Fair Oaks Labs',
      'lit-html@',
      'lit-element@',
      '@lit/reactive-element@',
    ]) {
      assert(licences.includes(name), `${file} does not mention ${name}`);
    }
    // Every bundled package's section carries a licence text, not just its name.
    const body = licences.slice(licences.indexOf('\n\n') + 2); // after the one-line preamble
    for (const section of body.split(/\n-{72}\n/)) {
      const [heading, ...text] = section.trim().split('\n');
      assert(/copyright|permission/i.test(text.join('\n')), `${file}: no licence text for ${heading}`);
    }
  }
  assert(readFileSync(join(installed, 'LICENSE'), 'utf8').includes('MIT'), 'LICENSE is not the MIT licence');
  assert(
    JSON.parse(readFileSync(join(installed, 'custom-elements.json'), 'utf8')).modules.length > 0,
    'custom-elements.json is empty',
  );
});

check('every file the exports map and bin name is in the package', () => {
  const installed = join(project, 'node_modules', pkg.name);
  const targets = [];
  const collect = (value) => {
    if (typeof value === 'string') targets.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  collect(pkg.exports);
  collect(pkg.bin);
  const missing = targets.filter((target) => !existsSync(join(installed, target)));
  assert(missing.length === 0, `missing: ${missing.join(', ')}`);
});

check('no stale build output: every hashed chunk is loaded by some module of the package', () => {
  const installed = join(project, 'node_modules', pkg.name);
  const scripts = files.filter((f) => f.endsWith('.js'));
  const chunks = scripts.filter((f) => /-[\w-]{8}\.js$/.test(f));
  const sources = scripts.map((f) => [f, readFileSync(join(installed, f), 'utf8')]);
  const orphans = chunks.filter((chunk) => {
    const name = chunk.split('/').pop();
    return !sources.some(([f, text]) => f !== chunk && text.includes(name));
  });
  assert(
    orphans.length === 0,
    `not loaded by anything (left over from an earlier build?): ${orphans.join(', ')}`,
  );
});

// 3. Node ESM.
check('mailbox-chat/sdk, /widget (and /gateway) import in Node ESM', () => {
  writeFileSync(
    join(project, 'node-import.mjs'),
    `import { createChat, ChatError, isChatError, ErrorCodes } from '${pkg.name}/sdk';
const chat = createChat({ jid: 'anna@example.com', password: 'x', service: 'xmpps://127.0.0.1:1' });
if (typeof chat.connect !== 'function' || chat.status !== 'offline') throw new Error('createChat: ' + chat.status);
if (!isChatError(new ChatError(ErrorCodes.timeout, 'x'))) throw new Error('isChatError');
const widget = await import('${pkg.name}/widget');
if (typeof widget.MailboxChatElement !== 'function') throw new Error('MailboxChatElement');
${
  pkg.exports['./gateway']
    ? `const gateway = await import('${pkg.name}/gateway');
if (Object.keys(gateway).length === 0) throw new Error('mailbox-chat/gateway exports nothing');`
    : ''
}
console.log('ok');
`,
  );
  const out = run(process.execPath, ['node-import.mjs'], { cwd: project });
  assert(out.trim() === 'ok', `unexpected output: ${out}`);
});

// 4. TypeScript against the package's declarations.
check("a TypeScript file type-checks against the package's types (and a misuse does not)", () => {
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        lib: ['ES2022', 'DOM', 'DOM.Iterable'],
        types: [],
        strict: true,
        noEmit: true,
        skipLibCheck: false,
      },
      include: ['app.ts'],
    }),
  );
  writeFileSync(
    join(project, 'app.ts'),
    `import { createChat, isChatError, type Chat, type Message, type Status } from '${pkg.name}/sdk';
import { MailboxChatElement, McUnreadEvent } from '${pkg.name}/widget';

const chat: Chat = createChat({ jid: 'anna@example.com', password: 'secret', service: 'wss://example.com/ws' });
chat.on('status', ({ status }: { status: Status }) => status.toUpperCase());
chat.on('message', ({ message }: { message: Message }) => message.body.length);
chat.connect().catch((error: unknown) => (isChatError(error) ? error.code : 'other'));

const el = document.createElement('mailbox-chat');
const typed: MailboxChatElement = el;
typed.credentials = async () => ({ jid: 'anna@example.com', password: 'secret' });
el.addEventListener('mc-unread', (event: McUnreadEvent) => event.detail.count.toFixed());
void el.openConversation('ben@example.com');

// @ts-expect-error: not an option of createChat
createChat({ jid: 'anna@example.com', password: 'secret', nonsense: true });
// @ts-expect-error: mode is a closed union
typed.mode = 'sideways';
`,
  );
  run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', '.'], { cwd: project });
});

// 5. A bundler.
check('esbuild bundles an app importing both for browsers, element registration included', () => {
  writeFileSync(
    join(project, 'entry.js'),
    `import 'mailbox-chat/widget';
import { createChat } from 'mailbox-chat/sdk';
window.createChat = createChat;
`,
  );
  run(
    bin('esbuild'),
    [
      'entry.js',
      '--bundle',
      '--format=esm',
      '--platform=browser',
      '--minify',
      '--log-level=error',
      '--outfile=out.js',
    ],
    { cwd: project },
  );
  const out = readFileSync(join(project, 'out.js'), 'utf8');
  assert(
    out.includes('"mailbox-chat"') && out.includes('customElements.define('),
    'the bundle lost the element registration (package.json sideEffects?)',
  );
  for (const builtin of ['node:net', 'node:tls', 'node:dns', '"net"', '"tls"', '"dns"']) {
    assert(
      !out.includes(`require(${builtin.startsWith('"') ? builtin : `"${builtin}"`})`),
      `browser bundle requires ${builtin}`,
    );
    assert(
      !out.includes(`from ${builtin.startsWith('"') ? builtin : `"${builtin}"`}`),
      `browser bundle imports ${builtin}`,
    );
  }
  writeFileSync(join(project, 'bundle-size.txt'), String(out.length));
});

// 6. The single-file build from a plain static server.
await checkAsync('the single-file build works from a plain static server', async () => {
  const site = join(work, 'site');
  mkdirSync(site);
  writeFileSync(
    join(site, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>static</title><link rel="icon" href="data:,">
<script type="module" src="mailbox-chat.js"></script></head>
<body><mailbox-chat mode="embedded" service="wss://chat.example.invalid/xmpp-websocket"></mailbox-chat></body></html>`,
  );
  const dist = join(project, 'node_modules', pkg.name, 'dist');
  const server = createServer((req, res) => {
    if (req.url === '/')
      res.writeHead(200, { 'content-type': 'text/html' }).end(readFileSync(join(site, 'index.html')));
    else if (req.url === '/mailbox-chat.js' || req.url === '/mailbox-chat-intl.js')
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(join(dist, req.url)));
    else res.writeHead(404).end();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // The date formats' worker beside the bundle starts (widget/shared/date-formats.ts).
    const worker = page.waitForEvent('worker', { timeout: 15_000 });
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    const field = page.locator('mailbox-chat').getByLabel('E-mail address');
    await field.waitFor({ timeout: 15_000 });
    const defined = await page.evaluate(() => customElements.get('mailbox-chat') !== undefined);
    assert(defined, '<mailbox-chat> is not defined');
    const started = new URL((await worker).url()).pathname;
    assert(started === '/mailbox-chat-intl.js', `the page started the worker ${started}`);
    assert(errors.length === 0, `page errors: ${errors.join('; ')}`);
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }
});

const size = existsSync(join(project, 'bundle-size.txt'))
  ? readFileSync(join(project, 'bundle-size.txt'), 'utf8')
  : '?';
process.stdout.write(
  `pack test: ${failures.length ? `${failures.length} failed` : 'all passed'} in ${((Date.now() - t0) / 1000).toFixed(1)} s ` +
    `(tarball ${(packed.size / 1024).toFixed(0)} KB, unpacked ${(packed.unpackedSize / 1024).toFixed(0)} KB; ` +
    `esbuild app bundle ${(Number(size) / 1024).toFixed(0)} KB minified)\n`,
);
process.exit(failures.length ? 1 : 0);
