/* global performance, window, MutationObserver, Element, WebSocket -- page functions run in Chromium */
// One cold load of a chat page in headless system Chromium (a fresh context — its own empty
// profile — per load, 1280×800), driven through the steps a user goes through, with what it cost.
import { writeFile } from 'node:fs/promises';
import { chromium } from 'playwright-core';
import { cpuBetween, cpuSnapshot } from './cpu.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Waits until Chromium is quiet after opening a window. A new context is a new browser window, and
 * Chromium loads the web UI of its top bar with it (the omnibox popups, chrome://omnibox-popup.
 * top-chrome, in renderers of their own): measured, 0.8 s of both cores right after `newPage()`.
 * A page loaded meanwhile competes with that for the CPU, by chance more or less; a user's
 * browser has its window open already. So a load starts once all of Chromium's processes together
 * used less than 20 ms of CPU in each of two 100 ms windows in a row (at most 5 s).
 */
async function settle(browser) {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const cpu = async () =>
      (await cdp.send('SystemInfo.getProcessInfo')).processInfo.reduce((sum, p) => sum + p.cpuTime, 0);
    let last = await cpu();
    let quiet = 0;
    for (let waited = 0; waited < 5000 && quiet < 2; waited += 100) {
      await sleep(100);
      const now = await cpu();
      quiet = now - last < 0.02 ? quiet + 1 : 0;
      last = now;
    }
  } finally {
    await cdp.detach();
  }
}

export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--enable-precise-memory-info',
    ],
  });
}

/**
 * Runs in the page before any of its scripts: records when each watched text first appears in the
 * DOM, in the document or in any shadow root (every shadow root gets its own MutationObserver as it
 * is attached). Times are epoch milliseconds (performance.timeOrigin + now), so they compare with
 * the bench's clock. Only added nodes and changed text are looked at, never the whole tree, so the
 * watching costs little next to the rendering it watches.
 */
function watcher([targets, logFrames]) {
  const pending = new Map(Object.entries(targets));
  const seen = {};
  const check = (text) => {
    if (!text) return;
    for (const [name, target] of pending) {
      if (!text.includes(target)) continue;
      pending.delete(name);
      seen[name] = performance.timeOrigin + performance.now();
      window.__benchReport?.(name, seen[name]);
    }
  };
  const onRecords = (records) => {
    if (pending.size === 0) return;
    for (const r of records) {
      if (r.type === 'characterData') check(r.target.data);
      else for (const node of r.addedNodes) check(node.textContent);
    }
  };
  const observe = (root) =>
    new MutationObserver(onRecords).observe(root, { childList: true, subtree: true, characterData: true });
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attachShadow.call(this, init);
    observe(root);
    return root;
  };
  observe(document);
  /** Watches one more text from now on (a live message about to be sent, an archived one about to be opened). */
  window.__benchWatch = (name, text) => pending.set(name, text);
  window.__benchSeen = seen;

  // Where the time before "ready" goes: the XMPP WebSocket's first moments, as the page's own code
  // sees them (every page opens its socket with the global WebSocket). Each phase is the first
  // incoming frame that matches; the frames are only searched for a few fixed strings.
  const phases = [
    ['authenticated', /<success[\s>/]/],
    ['rosterReceived', /<query [^>]*xmlns=['"]jabber:iq:roster['"]/],
    ['archivePage', /<result [^>]*xmlns=['"]urn:xmpp:mam:2['"]/],
  ];
  const phase = (name) => {
    if (seen[name] !== undefined) return;
    seen[name] = performance.timeOrigin + performance.now();
    window.__benchReport?.(name, seen[name]);
  };
  // `frames` (BENCH_FRAMES): every frame as the page's code handles it (ms since navigation, first
  // 400 characters), to set against when the network had it.
  const frames = (window.__benchFrames = []);
  const log = (dir, data) => {
    if (logFrames) frames.push([performance.now(), dir, String(data).slice(0, 400)]);
  };
  const NativeSocket = window.WebSocket;
  const sockets = (window.__benchSockets = []);
  window.WebSocket = class extends NativeSocket {
    constructor(...args) {
      super(...args);
      sockets.push(this);
      phase('socketCreated');
      this.addEventListener('open', () => phase('socketOpen'));
      this.addEventListener('message', ({ data }) => {
        log('in', data);
        if (typeof data !== 'string') return;
        for (const [name, needle] of phases) if (seen[name] === undefined && needle.test(data)) phase(name);
      });
    }

    send(data) {
      log('out', data);
      super.send(data);
    }
  };
}

/** The phases `watcher` marks, in the order they happen. */
export const PHASES = ['socketCreated', 'socketOpen', 'authenticated', 'rosterReceived', 'archivePage'];

/**
 * Counts the nodes a page holds, through CDP's DOM domain with `pierce`: every node of the document,
 * of every shadow root the page attached (open or closed; not the browser's own, such as those of
 * form fields and SVG `<use>`) and of every frame — elements, text, comments, the doctype.
 * Also by owner: the nodes inside each custom element's shadow root, by the element's tag name
 * (nested shadow roots count for their own host), and the rest as "document".
 */
async function countNodes(cdp) {
  const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
  let count = 0;
  const byOwner = {};
  const stack = [[root, 'document']];
  while (stack.length) {
    const [node, owner] = stack.pop();
    count += 1;
    byOwner[owner] = (byOwner[owner] ?? 0) + 1;
    for (const child of node.children ?? []) stack.push([child, owner]);
    for (const shadow of node.shadowRoots ?? []) {
      // The browser's own shadow trees (of <input>, <textarea>, SVG <use> …) are not the page's.
      if (shadow.shadowRootType !== 'user-agent') stack.push([shadow, node.localName || owner]);
    }
    if (node.contentDocument) stack.push([node.contentDocument, owner]);
    if (node.templateContent) stack.push([node.templateContent, owner]);
  }
  return { count, byOwner };
}

/**
 * One cold load. `targets`: texts whose first appearance marks a step (contact names, the room's
 * and the one-to-one conversation's newest archived message). `bots` send the live messages.
 * `patience`: ms to wait for a step before calling it "not shown" (a step that never came in an
 * earlier run of the same page is given `patience.short`). `screenshot`: a PNG path for the end state.
 * `frames`: a text file for the load's timeline — the XMPP frames when the network had them and
 * when the page's code got them, and the marks, in ms since navigation. `profile`: a file for the
 * page's CPU profile (`.cpuprofile`; `navOffsetMs` added to its times gives ms since navigation).
 * `heap`: a file for a heap snapshot taken after the measurements (`.heapsnapshot`, for DevTools).
 * `trace`: a file for the load's performance trace (tasks, layouts, paints; DevTools' Performance
 * panel opens it; times are on the same monotonic clock as the profile's).
 */
export async function coldLoad({
  browser,
  url,
  targets,
  contacts,
  peer,
  bots,
  patience,
  skip = new Set(),
  screenshot,
  frames,
  profile,
  heap,
  trace,
}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await settle(browser);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // What the page logged as errors (e.g. why a widget shows "Something went wrong").
  const consoleErrors = [];
  page.on('console', (m) => {
    // BENCH_CONSOLE=1: everything the pages log, on stderr.
    if (process.env.BENCH_CONSOLE) process.stderr.write(`[page ${m.type()}] ${m.text()}\n`);
    if (m.type() === 'error' && consoleErrors.length < 20) consoleErrors.push(m.text().slice(0, 300));
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });

  const bytes = { http: 0, ws: 0 };
  const resources = new Map();
  // A dedicated worker fetches its script on its own, unseen by the page's DevTools session: its
  // file is listed among what the page loads (measured from disk), its few bytes are not counted.
  const workers = [];
  page.on('worker', (worker) => workers.push({ url: worker.url(), type: 'Script', bytes: 0 }));
  cdp.on('Network.responseReceived', ({ requestId, type, response }) =>
    resources.set(requestId, { url: response.url, type, bytes: 0 }),
  );
  cdp.on('Network.loadingFinished', ({ requestId, encodedDataLength }) => {
    bytes.http += encodedDataLength;
    const r = resources.get(requestId);
    if (r) r.bytes = encodedDataLength;
  });
  const frame = ({ response }) => (bytes.ws += Buffer.byteLength(response.payloadData ?? '') + 2);
  cdp.on('Network.webSocketFrameReceived', frame);
  cdp.on('Network.webSocketFrameSent', frame);

  const marks = {};
  const waiters = new Map();
  await page.exposeFunction('__benchReport', (name, at) => {
    marks[name] = { at, bytes: bytes.http + bytes.ws };
    waiters.get(name)?.();
  });
  const seen = (name, ms) =>
    marks[name]
      ? Promise.resolve(true)
      : new Promise((resolve) => {
          const timer = setTimeout(() => resolve(false), ms);
          waiters.set(name, () => {
            clearTimeout(timer);
            resolve(true);
          });
        });
  const wait = (name) => seen(name, skip.has(name) ? patience.short : patience.long);
  // `direct` is watched only once the chat is opened (below).
  const frameLog = frames ? [] : undefined;
  // CDP stamps frames and profiles on a monotonic clock; the handshake's event also has the wall time.
  let wallOffset = 0;
  cdp.on('Network.webSocketWillSendHandshakeRequest', ({ timestamp, wallTime }) => {
    wallOffset = wallTime * 1000 - timestamp * 1000;
  });
  if (frameLog) {
    const at =
      (dir) =>
      ({ timestamp, response }) =>
        frameLog.push([timestamp * 1000 + wallOffset, dir, (response.payloadData ?? '').slice(0, 400)]);
    cdp.on('Network.webSocketFrameReceived', at('net in'));
    cdp.on('Network.webSocketFrameSent', at('net out'));
  }
  await page.addInitScript(watcher, [
    Object.fromEntries(Object.entries(targets).filter(([k]) => k !== 'direct')),
    Boolean(frameLog),
  ]);

  if (trace) {
    const categories = [
      'devtools.timeline',
      'disabled-by-default-devtools.timeline',
      'v8.execute',
      'v8',
      'disabled-by-default-v8.gc',
      'disabled-by-default-v8.compile',
    ];
    await browser.startTracing(page, { path: trace, categories });
  }
  if (profile) {
    await cdp.send('Profiler.enable');
    // BENCH_PROFILE_US: the sampling interval in µs (200 unless set; 25 to look at a few milliseconds).
    await cdp.send('Profiler.setSamplingInterval', { interval: Number(process.env.BENCH_PROFILE_US) || 200 });
    await cdp.send('Profiler.start');
  }
  const cpuAtStart = process.env.BENCH_CPU ? cpuSnapshot() : undefined;
  await page.goto(url, { waitUntil: 'commit' });
  const origin = await page.evaluate(() => performance.timeOrigin);
  const since = (name, start = origin) => (marks[name] ? marks[name].at - start : null);

  const result = { errors, consoleErrors };
  // Contacts: the tenth contact name (or all, if fewer) in the DOM — a list only needs to show a
  // screenful; the room's newest archived message in the DOM is "ready".
  const needed = Math.min(10, contacts.length);
  const enoughContacts = async () => {
    const limit = Date.now() + (contacts.some((c) => skip.has(c)) ? patience.short : patience.long);
    while (contacts.filter((c) => marks[c]).length < needed && Date.now() < limit) await sleep(20);
  };
  await Promise.all([wait('ready'), enoughContacts()]);
  if (cpuAtStart) result.cpuUntilReady = cpuBetween(cpuAtStart, cpuSnapshot());
  const contactTimes = contacts.map((name) => since(name)).filter((t) => t !== null);
  contactTimes.sort((a, b) => a - b);
  result.contactsMs = contactTimes.length >= needed ? contactTimes[needed - 1] : null;
  result.contactsShown = contactTimes.length;
  result.readyMs = since('ready');
  result.bytesUntilReady = marks.ready ? marks.ready.bytes : null;

  // Live messages from the bots: the time from the send call to the text being in the DOM. The
  // room's first, while the page shows what it shows after load (Converse: the room); then the
  // one-to-one chat is opened and its peer writes.
  const live = async (name) => {
    const mark = `live_${name}`;
    const text = `Live ${name} ${Math.random().toString(36).slice(2, 10)}`;
    await page.evaluate(([n, t]) => window.__benchWatch(n, t), [mark, text]);
    const sent = Date.now();
    bots[name](text);
    await wait(mark);
    result[`${mark}Ms`] = since(mark, sent);
  };
  await live('room');

  // Open the one-to-one chat the way a host page (or Converse's API) would. Its newest archived
  // message is watched from here on only: a preview of it elsewhere before the open does not count.
  await page.evaluate(([n, t]) => window.__benchWatch(n, t), ['direct', targets.direct]);
  const opened = Date.now();
  await page.evaluate((jid) => window.benchOpenChat?.(jid), peer).catch((e) => errors.push(String(e)));
  await wait('direct');
  result.openChatMs = since('direct', opened);

  await live('direct');

  await page.waitForTimeout(300);
  if (screenshot) await page.screenshot({ path: screenshot });
  await cdp.send('HeapProfiler.collectGarbage');
  const metrics = Object.fromEntries(
    (await cdp.send('Performance.getMetrics')).metrics.map(({ name, value }) => [name, value]),
  );
  result.heapBytes = metrics.JSHeapUsedSize;
  result.scriptMs = metrics.ScriptDuration * 1000;
  const nodes = await countNodes(cdp);
  result.domNodes = nodes.count;
  result.domNodesByOwner = nodes.byOwner;
  const inPage = await page.evaluate(() => window.__benchSeen);
  result.phases = Object.fromEntries(
    PHASES.map((name) => [name, typeof inPage[name] === 'number' ? inPage[name] - origin : null]),
  );
  result.bytesTotal = bytes.http + bytes.ws;
  if (trace) await browser.stopTracing();
  if (heap) {
    const chunks = [];
    const onChunk = ({ chunk }) => chunks.push(chunk);
    cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
    await writeFile(heap, chunks.join(''));
  }
  if (profile) {
    const taken = (await cdp.send('Profiler.stop')).profile;
    taken.navOffsetMs = wallOffset - origin;
    await writeFile(profile, JSON.stringify(taken));
  }
  if (frameLog) {
    const rows = [
      ...frameLog.map(([at, dir, text]) => [at - origin, dir, text]),
      ...(await page.evaluate(() => window.__benchFrames)),
      ...Object.entries(marks).map(([name, { at }]) => [at - origin, 'mark', name]),
    ].sort((a, b) => a[0] - b[0]);
    await writeFile(
      frames,
      rows.map(([t, dir, text]) => `${t.toFixed(1).padStart(8)} ${dir.padEnd(7)} ${text}`).join('\n'),
    );
  }
  result.missing = ['ready', 'direct', ...Object.keys(bots).map((b) => `live_${b}`)].filter((n) => !marks[n]);
  result.resources = [
    ...[...resources.values()].filter((r) => /^(Script|Stylesheet|Font|Fetch|XHR|Other)$/.test(r.type)),
    ...workers,
  ];
  // The page's XMPP stream ends as at a sign-out (RFC 7395 <close/>), not by the socket dropping:
  // a dropped stream-management session stays on the server, resumable, for two minutes, and
  // every later load of the same account would find a growing crowd of its own old resources
  // there (each getting a copy of its presence, its probes' answers, …).
  await page
    .evaluate(async () => {
      const open = window.__benchSockets.filter((s) => s.readyState === WebSocket.OPEN);
      const closed = open.map((s) => new Promise((resolve) => s.addEventListener('close', resolve)));
      for (const s of open) s.send('<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>');
      await Promise.race([Promise.all(closed), new Promise((resolve) => setTimeout(resolve, 1000))]);
    })
    .catch(() => undefined);
  await context.close();
  return result;
}
