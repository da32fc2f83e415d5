#!/usr/bin/env node
/* global window -- functions passed to page.evaluate run in Chromium */
// `npm run bench`: measures the widget and the SDK against the peers people would pick instead —
// Converse.js in the browser, raw StanzaJS (the floor) and xmpp.js in Node — in the same run on the
// same machine and the same private Prosody, and writes bench/RESULTS.md and bench/results.json.
// `node bench/run.mjs --smoke` (a step of `npm test`): one cold load of the widget and of the floor
// page and a few Node sessions, to show that the bench works; it writes nothing.
// Options: --runs N (9) --sessions N (1000) --rate N echo messages/s (100) --seconds N (10)
//          --archive N (5000) --only browser,node,archive --libs sdk,stanza,xmppjs --dist --reuse-build
//          --pages widget,lazy,converse,floor (side runs: only these)
//          --note TEXT (repeatable: said at the top of RESULTS.md) --report-only (RESULTS.md from results.json)
//          --out DIR (where RESULTS.md and results.json go; default bench/)
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const option = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
};
const smoke = flag('smoke');
const runs = Number(option('runs', smoke ? 1 : 9));
const sessionCount = Number(option('sessions', smoke ? 6 : 1000));
const rate = Number(option('rate', smoke ? 20 : 100));
const seconds = Number(option('seconds', smoke ? 1 : 10));
const archiveSize = Number(option('archive', smoke ? 0 : 5000));
const only = new Set(option('only', 'browser,node,archive').split(','));
// --report-only: RESULTS.md again from results.json (after editing bench/ANALYSIS.md); no run.
if (flag('report-only')) {
  const { writeReport } = await import('./lib/report.mjs');
  await writeReport(JSON.parse(readFileSync(join(here, 'results.json'), 'utf8')), here);
  process.stdout.write('[bench] wrote bench/RESULTS.md from bench/results.json\n');
  process.exit(0);
}
const began = Date.now();
const say = (message) =>
  process.stdout.write(`[bench ${((Date.now() - began) / 1000).toFixed(1).padStart(5)}s] ${message}\n`);

// ---- set-up: the build, the bench's own dependencies, the floor page's bundle -----------------

function sh(command, args, cwd = root) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
}

const cache = join(root, 'node_modules/.cache/mailbox-chat-bench');

/**
 * What is measured: by default a fresh build of the working tree's source with the project's own
 * Rollup configuration, written under node_modules/.cache so that dist/ is left alone; with
 * --dist (the smoke run's default) the existing dist/ (built first if missing).
 */
async function build() {
  if (flag('dist') || (smoke && !flag('source'))) {
    if (!existsSync(join(root, 'dist/mailbox-chat.js')) || !existsSync(join(root, 'dist/sdk/node.js'))) {
      say('no build yet: npm run build');
      sh('npm', ['run', 'build', '--silent']);
    }
    return { bundle: join(root, 'dist/mailbox-chat.js'), sdk: join(root, 'dist/sdk/node.js'), from: 'dist/' };
  }
  const ready = join(cache, 'build');
  const result = { bundle: join(ready, 'mailbox-chat.js'), sdk: join(ready, 'sdk/node.js'), from: 'source' };
  // --reuse-build: the last fresh build again (quick iterations on the bench itself).
  if (flag('reuse-build') && existsSync(result.bundle) && existsSync(result.sdk)) {
    say('reusing the last build of the working tree (--reuse-build)');
    return result;
  }
  say('building the working tree (project Rollup config) into node_modules/.cache/mailbox-chat-bench');
  const { rollup } = await import('rollup');
  const configs = (await import('../rollup.config.mjs')).default;
  // Built beside the last good build and swapped in only when complete.
  const out = join(cache, 'build-next');
  rmSync(out, { recursive: true, force: true });
  const cwd = process.cwd();
  process.chdir(root);
  try {
    for (const config of configs) {
      const b = await rollup({ ...config, onwarn: () => {} });
      const output = Array.isArray(config.output) ? config.output[0] : config.output;
      await b.write(
        output.file
          ? { ...output, file: join(out, output.file.replace(/^dist\//, '')) }
          : { ...output, dir: join(out, output.dir.replace(/^dist\/?/, '')) },
      );
      await b.close();
    }
  } finally {
    process.chdir(cwd);
  }
  rmSync(ready, { recursive: true, force: true });
  renameSync(out, ready);
  return result;
}
const built = await build();

const peersInstalled = () =>
  existsSync(join(here, 'node_modules/converse.js/dist/converse.min.js')) &&
  existsSync(join(here, 'node_modules/@xmpp/client/package.json'));
if (smoke) {
  say('SMOKE RUN: widget vs floor page (1 cold load each) and SDK vs raw StanzaJS in Node.');
  say('SMOKE RUN: Converse.js and xmpp.js are measured only by the full `npm run bench`.');
} else if (!peersInstalled()) {
  say('installing the peers (bench/package-lock.json): npm ci in bench/');
  sh('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], here);
}

const work = mkdtempSync(join(tmpdir(), 'mailbox-chat-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

/**
 * The floor page's script, bundled like our single-file build: the same plugins from the project's
 * Rollup configuration (StanzaJS's browser shims included), minified. Built afresh every run, so
 * that it always gets the configuration the widget is built with. The smoke run skips the
 * minifier (it measures no sizes), which takes most of the time.
 */
async function buildFloor() {
  const { rollup } = await import('rollup');
  const configs = (await import('../rollup.config.mjs')).default;
  const browser = configs.find((c) => c.input === 'widget/bundle.ts');
  const plugins = browser.plugins.filter(
    (p) => p.name !== 'third-party-licenses' && !(smoke && p.name === 'terser'),
  );
  const out = join(work, 'floor.js');
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const build = await rollup({ input: join(here, 'pages/floor.js'), plugins, onwarn: () => {} });
    await build.write({ file: out, format: 'es' });
    await build.close();
  } finally {
    process.chdir(cwd);
  }
  return out;
}

// ---- statistics -------------------------------------------------------------------------------

const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const stats = (xs) => {
  const s = xs.filter((x) => typeof x === 'number');
  return s.length ? { median: median(s), min: Math.min(...s), max: Math.max(...s), n: s.length } : null;
};
function sizes(file) {
  const buffer = readFileSync(file);
  return {
    min: buffer.length,
    gzip: gzipSync(buffer, { level: 9 }).length,
    brotli: brotliCompressSync(buffer, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

// ---- the run ----------------------------------------------------------------------------------

const sdkPath = built.sdk;
const { createChat } = await import(sdkPath);
const { startSeededServer, ROOM_HISTORY, DIRECT_HISTORY, CONTACTS } = await import('./lib/server.mjs');

const bulkAccounts = only.has('node') ? sessionCount + (sessionCount % 2) : 0;
say(`starting a private Prosody and seeding it (${bulkAccounts} accounts for the Node sessions)`);
const server = await startSeededServer({
  createChat,
  bulkAccounts,
  // The smoke run only shows that every step works: a smaller archive is enough.
  ...(smoke ? { roomHistory: 60, directHistory: 60 } : {}),
  log: say,
});
const results = {
  date: new Date().toISOString(),
  smoke,
  machine: { cpus: cpus().length, node: process.version, load: { start: loadavg() } },
  config: { runs, sessions: sessionCount, rate, seconds, archive: archiveSize, measured: built.from },
  // --note "text": said at the top of RESULTS.md (e.g. why the session count was reduced).
  notes: argv.flatMap((a, i) => (a === '--note' && argv[i + 1] ? [argv[i + 1]] : [])),
  data: { contacts: CONTACTS, roomHistory: ROOM_HISTORY, directHistory: DIRECT_HISTORY },
};
let failure;
try {
  if (only.has('browser')) {
    results.machine.load.browser = loadavg();
    results.browser = await benchBrowser();
  }
  // The archive before the Node sessions: thousands of sessions and their echo leave Prosody
  // slower for a while (in one full run its archive queries took ~3× as long after them).
  if (only.has('archive') && archiveSize > 0) {
    results.machine.load.archive = loadavg();
    results.archive = await benchArchive();
  }
  if (only.has('node')) {
    results.machine.load.node = loadavg();
    results.node = await benchNode();
  }
  results.machine.load.end = loadavg();
} catch (error) {
  failure = error;
} finally {
  await server.dispose();
}
if (failure) throw failure;

// A page that never showed the room's newest archived message measured nothing worth a ratio:
// the run fails (after writing what it has, marked as failed), whichever page it was.
const neverReady = Object.entries(results.browser ?? {})
  .filter(([, p]) => p.missedReady > 0)
  .map(
    ([, p]) =>
      `${p.title}: "ready" never reached in ${p.missedReady} of ${p.runs} loads` +
      (p.pageErrors.length ? `; page errors: ${p.pageErrors.join(' | ')}` : '') +
      (p.consoleErrors.length ? `; console errors: ${p.consoleErrors.join(' | ')}` : ''),
  );
results.failures = neverReady;

if (smoke) {
  checkSmoke(results);
} else {
  const { writeReport } = await import('./lib/report.mjs');
  // --out DIR: write the results elsewhere (a side experiment that must not replace the run's).
  const outDir = resolve(option('out', here));
  mkdirSync(outDir, { recursive: true });
  await writeReport(results, outDir);
  say(`wrote RESULTS.md and results.json into ${outDir}`);
}
if (neverReady.length) {
  process.stderr.write(`[bench] FAILED — a page never reached "ready":\n  ${neverReady.join('\n  ')}\n`);
  process.exit(1);
}

// ---- browser ----------------------------------------------------------------------------------

async function benchBrowser() {
  const { startBenchServer, STRICT_CSP } = await import('./lib/http.mjs');
  const { launch, coldLoad, PHASES } = await import('./lib/browser.mjs');
  say('bundling the floor page');
  const floor = await buildFloor();
  say('browser: cold loads');
  const converseDist = join(here, 'node_modules/converse.js/dist');
  const lazy = existsSync(join(dirname(built.bundle), 'lazy/mailbox-chat.js'));
  const pages = {
    widget: { url: '/pages/widget.html', title: 'widget (single file)' },
    ...(lazy && !smoke ? { lazy: { url: '/pages/widget-lazy.html', title: 'widget (lazy build)' } } : {}),
    ...(smoke ? {} : { converse: { url: '/pages/converse.html', title: 'Converse.js 14' } }),
    floor: { url: '/pages/floor.html', title: 'floor: raw StanzaJS' },
  };
  // --pages widget,floor: only these pages (side runs; a full run measures all of them).
  const chosen = option('pages', '');
  if (chosen) {
    for (const name of Object.keys(pages)) if (!chosen.split(',').includes(name)) delete pages[name];
  }
  const web = await startBenchServer({
    files: { '/mailbox-chat.js': built.bundle, '/floor.js': floor },
    // The build's lazily loaded chunks sit beside the single-file entry.
    mounts: {
      '/pages/': join(here, 'pages'),
      ...(smoke ? {} : { '/dist/': converseDist }),
      '/': dirname(built.bundle),
    },
    // The widget and the floor under the strict policy the widget promises to work with;
    // Converse.js as its own documentation sets it up, without one.
    csp: (path) => (path === '/pages/converse.html' ? undefined : STRICT_CSP),
    config: { jid: server.me.jid, password: server.me.password, room: server.room },
    upstream: { host: server.prosody.host, port: server.prosody.ports.http },
  });
  const browser = await launch();
  const targets = { ready: server.newest.room, direct: server.newest.direct };
  const contacts = server.contacts.map((c) => c.name);
  for (const name of contacts) targets[name] = name;
  const loads = Object.fromEntries(Object.keys(pages).map((p) => [p, []]));
  const never = Object.fromEntries(Object.keys(pages).map((p) => [p, new Set()]));
  const patience = { long: smoke ? 5_000 : 20_000, short: 1_500 };
  // The folders the BENCH_* variables name are made when missing.
  for (const v of ['BENCH_SCREENSHOTS', 'BENCH_FRAMES', 'BENCH_PROFILE', 'BENCH_HEAP', 'BENCH_TRACE']) {
    if (process.env[v]) mkdirSync(process.env[v], { recursive: true });
  }
  try {
    for (let run = 1; run <= runs; run += 1) {
      // Interleaved, so that a noisy moment on the machine hits every page alike.
      for (const [name, pageInfo] of Object.entries(pages)) {
        const load = await coldLoad({
          browser,
          url: web.url + pageInfo.url,
          targets,
          contacts,
          peer: server.peer.jid,
          bots: { room: server.bots.room, direct: server.bots.direct },
          patience,
          skip: never[name],
          // BENCH_SCREENSHOTS=folder: a picture of each page's end state, to see what was measured.
          screenshot: process.env.BENCH_SCREENSHOTS
            ? join(process.env.BENCH_SCREENSHOTS, `${name}-${run}.png`)
            : undefined,
          // BENCH_FRAMES=folder: each load's timeline of XMPP frames and marks; BENCH_PROFILE=folder:
          // its CPU profile (the profiler's own cost is in the numbers then: for looking, not measuring).
          frames: process.env.BENCH_FRAMES ? join(process.env.BENCH_FRAMES, `${name}-${run}.txt`) : undefined,
          profile: process.env.BENCH_PROFILE
            ? join(process.env.BENCH_PROFILE, `${name}-${run}.cpuprofile`)
            : undefined,
          // BENCH_HEAP=folder: a heap snapshot of each page after its measurements; BENCH_TRACE=folder:
          // a performance trace of each load (tasks, layouts, paints).
          heap: process.env.BENCH_HEAP
            ? join(process.env.BENCH_HEAP, `${name}-${run}.heapsnapshot`)
            : undefined,
          trace: process.env.BENCH_TRACE ? join(process.env.BENCH_TRACE, `${name}-${run}.json`) : undefined,
        });
        loads[name].push(load);
        for (const step of load.missing) never[name].add(step);
        if (load.contactsMs === null) for (const c of contacts) never[name].add(c);
        say(
          `${name} run ${run}: ready ${fmt(load.readyMs)}, contacts ${fmt(load.contactsMs)}, ` +
            `open chat ${fmt(load.openChatMs)}, live room ${fmt(load.live_roomMs)}, ` +
            `live direct ${fmt(load.live_directMs)}, heap ${(load.heapBytes / 2 ** 20).toFixed(1)} MB, ` +
            `${load.domNodes} nodes${load.errors.length ? `, page errors: ${load.errors.join(' | ')}` : ''}`,
        );
        if (load.cpuUntilReady) {
          const c = load.cpuUntilReady;
          const kinds = Object.entries(c.byKind).map(([k, ms]) => `${k} ${ms}`);
          say(
            `  CPU ms until ready: busy ${c.busyMs}, idle ${c.idleMs}, steal ${c.stealMs}; ${kinds.join(', ')}`,
          );
        }
      }
      // A page that never got ready makes every later load of the round meaningless: stop here
      // (the run then fails, below, after writing what it has).
      const broken = Object.keys(pages).filter((p) => loads[p].at(-1)?.readyMs === null);
      if (broken.length) {
        say(`STOPPING the browser part: ${broken.join(', ')} never reached "ready" (run ${run})`);
        break;
      }
    }
  } finally {
    await browser.close();
    await web.close();
  }

  const out = {};
  for (const [name, list] of Object.entries(loads)) {
    const pick = (key) => stats(list.map((l) => l[key]));
    // What the page loads: its scripts and styles, as files on disk, measured like a bundle.
    const loaded = new Map();
    for (const r of list[0].resources) {
      const path = new URL(r.url).pathname;
      const file =
        path === '/floor.js'
          ? floor
          : path.startsWith('/dist/')
            ? join(converseDist, path.slice('/dist/'.length))
            : path.startsWith('/pages/')
              ? join(here, path.slice(1))
              : join(dirname(built.bundle), path.slice(1));
      // The bench's own glue (pages/*-boot.js: config and the open-chat hook) is not the product.
      if (path.startsWith('/pages/')) continue;
      if (file && /\.(m?js|css)$/.test(file) && existsSync(file)) loaded.set(path, sizes(file));
    }
    const total = [...loaded.values()].reduce(
      (a, s) => ({ min: a.min + s.min, gzip: a.gzip + s.gzip, brotli: a.brotli + s.brotli }),
      { min: 0, gzip: 0, brotli: 0 },
    );
    out[name] = {
      title: pages[name].title,
      runs: list.length,
      readyMs: pick('readyMs'),
      contactsMs: pick('contactsMs'),
      openChatMs: pick('openChatMs'),
      liveRoomMs: pick('live_roomMs'),
      liveDirectMs: pick('live_directMs'),
      bytesUntilReady: pick('bytesUntilReady'),
      bytesTotal: pick('bytesTotal'),
      heapBytes: pick('heapBytes'),
      domNodes: pick('domNodes'),
      scriptMs: pick('scriptMs'),
      phases: Object.fromEntries(
        PHASES.map((phase) => [phase, stats(list.map((l) => l.phases?.[phase] ?? null))]),
      ),
      missedReady: list.filter((l) => l.readyMs === null).length,
      // DOM nodes by owner (custom element whose shadow root holds them), median over the loads.
      domNodesByOwner: Object.fromEntries(
        [...new Set(list.flatMap((l) => Object.keys(l.domNodesByOwner ?? {})))]
          .map((owner) => [owner, median(list.map((l) => l.domNodesByOwner?.[owner] ?? 0))])
          .sort((a, b) => b[1] - a[1]),
      ),
      contactsShown: Math.max(...list.map((l) => l.contactsShown)),
      notShown: [...never[name]].filter((s) => !contacts.includes(s)),
      pageErrors: [...new Set(list.flatMap((l) => l.errors))],
      consoleErrors: [...new Set(list.flatMap((l) => l.consoleErrors ?? []))].slice(0, 10),
      bundle: { files: Object.fromEntries(loaded), total },
    };
  }
  return out;
}

function fmt(ms) {
  return typeof ms === 'number' ? `${Math.round(ms)} ms` : 'not shown';
}

// ---- Node sessions ----------------------------------------------------------------------------

function runWorker(script, args) {
  return new Promise((resolvePromise, reject) => {
    // BENCH_NODE_FLAGS: extra Node flags for the worker processes (e.g. --cpu-prof).
    const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, ['--expose-gc', ...flags, join(here, 'lib', script), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    // A worker that hangs fails the bench instead of stalling it (BENCH_WORKER_MINUTES, default 15).
    const minutes = Number(process.env.BENCH_WORKER_MINUTES ?? 15);
    const timer = setTimeout(() => {
      err += `\n[bench] killed after ${minutes} min`;
      child.kill('SIGKILL');
    }, minutes * 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('@@RESULT '));
      if (code !== 0 || !line) {
        reject(new Error(`${script} ${args[0]} failed (exit ${code}):\n${(out + err).slice(-2000)}`));
      } else resolvePromise(JSON.parse(line.slice('@@RESULT '.length)));
    });
  });
}

async function benchNode() {
  const libs = option('libs', smoke ? 'sdk,stanza' : 'sdk,stanza,xmppjs').split(',');
  const configPath = join(work, 'node-config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      service: server.service,
      accounts: server.bulk.map(({ jid, password }) => ({ jid, password })),
      sdkPath,
      rate,
      seconds,
      serverPid: server.prosody.pid,
    }),
  );
  const out = {};
  for (const lib of libs) {
    say(`Node: ${server.bulk.length} concurrent ${lib} sessions`);
    out[lib] = await runWorker('node-clients.mjs', [lib, configPath]);
    const r = out[lib];
    say(
      `  ${r.online}/${r.sessions} online in ${Math.round(r.allOnlineMs)} ms, ` +
        `${(r.heapPerSessionBytes / 1024).toFixed(1)} KB heap per session, echo median ` +
        `${r.echo.medianMs?.toFixed(1)} ms, p99 ${r.echo.p99Ms?.toFixed(1)} ms (${r.echo.answered}/${r.echo.sent})` +
        (r.failed ? `, ${r.failed} failed: ${r.firstError}` : ''),
    );
  }
  return out;
}

// ---- archive catch-up -------------------------------------------------------------------------

async function benchArchive() {
  const peers = server.archivePeers.map((p) => p.jid);
  say(`archive: writing ${archiveSize} messages into the personal archive (${peers.length} conversations)`);
  // Written by another session of the same account (outgoing messages land in its own archive;
  // nothing waits as offline messages for it), each acknowledged by the server.
  const writer = await server.connect(server.archiver);
  const ids = new Set();
  let sent = 0;
  const done = new Promise((resolvePromise, reject) => {
    const off = writer.on('message:state', ({ id, state }) => {
      if (!ids.has(id)) return;
      if (state === 'failed') reject(new Error('an archive message failed'));
      if (state !== 'acked') return;
      ids.delete(id);
      if (ids.size === 0 && sent === archiveSize) {
        off();
        resolvePromise();
      }
    });
  });
  while (sent < archiveSize) {
    for (let i = 0; i < 250 && sent < archiveSize; i += 1) {
      sent += 1;
      ids.add(writer.send(peers[sent % peers.length], `Archive ${sent} of ${archiveSize}`).id);
    }
    while (ids.size > 100) await new Promise((r) => setTimeout(r, 20));
  }
  await done;
  await writer.disconnect();
  const account = {
    jid: server.archiver.jid,
    password: server.archiver.password,
    peers,
    expected: archiveSize,
  };

  const configPath = join(work, 'archive-config.json');
  writeFileSync(configPath, JSON.stringify({ sdkPath, service: server.service, ...account }));
  say('archive: catch-up in Node (memory store)');
  const node = await runWorker('archive-worker.mjs', [configPath]);
  say(
    `  ${node.messages} messages stored (${node.held} held) in ${Math.round(node.catchUpMs)} ms ` +
      `(${Math.round(node.perSecond)}/s), peak heap +${(node.peakMemoryDeltaBytes / 2 ** 20).toFixed(1)} MB; ` +
      `raw StanzaJS paging: ${node.raw.messages} in ${Math.round(node.raw.ms)} ms (${Math.round(node.raw.perSecond)}/s)`,
  );

  say('archive: catch-up in Chromium (IndexedDB store)');
  const { startBenchServer, STRICT_CSP } = await import('./lib/http.mjs');
  const { launch } = await import('./lib/browser.mjs');
  const web = await startBenchServer({
    files: { '/mailbox-chat.js': built.bundle },
    mounts: { '/pages/': join(here, 'pages'), '/bench-lib/': join(here, 'lib') },
    csp: () => STRICT_CSP,
    config: account,
    upstream: { host: server.prosody.host, port: server.prosody.ports.http },
  });
  const browser = await launch();
  let indexedDb;
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${web.url}/pages/archive.html`);
    await page.waitForFunction(() => window.benchLoaded === true, null, { timeout: 30_000 });
    indexedDb = await page.evaluate(() => window.benchCatchUp());
    indexedDb.store = 'IndexedDB (default limits)';
    if (errors.length) indexedDb.pageErrors = errors;
    await context.close();
  } finally {
    await browser.close();
    await web.close();
  }
  say(
    `  ${indexedDb.messages} messages stored (${indexedDb.held} held) in ${Math.round(indexedDb.catchUpMs)} ms ` +
      `(${Math.round(indexedDb.perSecond)}/s), peak heap +${(indexedDb.peakMemoryDeltaBytes / 2 ** 20).toFixed(1)} MB`,
  );
  for (const [where, r] of [
    ['Node', node],
    ['Chromium', indexedDb],
  ]) {
    if (r.held !== archiveSize)
      throw new Error(`archive (${where}): the store holds ${r.held} of ${archiveSize}`);
  }
  return { node, indexedDb, conversations: peers.length };
}

// ---- smoke checks -----------------------------------------------------------------------------

function checkSmoke(r) {
  const problems = [];
  const b = r.browser;
  if (b) {
    problems.push(...r.failures);
    if (!b.floor.readyMs || !b.floor.openChatMs || !b.floor.liveDirectMs || !b.floor.liveRoomMs) {
      problems.push('the floor page did not show every step');
    }
    if (!b.widget.liveDirectMs) problems.push('the widget did not show the live one-to-one message');
    if (b.widget.pageErrors.length) problems.push(`widget page errors: ${b.widget.pageErrors.join(' | ')}`);
    for (const [name, p] of Object.entries(b)) {
      say(
        `smoke ${name}: ready ${fmt(p.readyMs?.median)}, open chat ${fmt(p.openChatMs?.median)}, live direct ` +
          `${fmt(p.liveDirectMs?.median)}, ${(p.bundle.total.gzip / 1024).toFixed(1)} KB gzip JS+CSS` +
          (p.notShown.length ? `; not shown: ${p.notShown.join(', ')}` : ''),
      );
    }
  }
  for (const [lib, n] of Object.entries(r.node ?? {})) {
    if (n.online !== n.sessions) problems.push(`${lib}: ${n.online}/${n.sessions} sessions online`);
    if (n.echo.answered !== n.echo.sent) problems.push(`${lib}: ${n.echo.answered}/${n.echo.sent} echoes`);
  }
  if (problems.length) {
    process.stderr.write(`[bench] smoke failed:\n  ${problems.join('\n  ')}\n`);
    process.exit(1);
  }
  say('smoke passed');
}
