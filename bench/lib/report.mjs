// Turns a bench run into bench/results.json and bench/RESULTS.md: tables of median [min–max],
// the ratios against Converse.js and the floor page measured in the same run, and each target
// marked met or missed by how much.
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

const KB = 1024;
const MB = 1024 * 1024;

/** The browser metrics, how to print them, and the target against Converse.js (a ratio). */
const BROWSER_METRICS = [
  ['contactsMs', 'contacts rendered (ms)', (v) => Math.round(v), 0.25],
  ['readyMs', 'ready: room’s newest archived message (ms)', (v) => Math.round(v), 0.25],
  ['openChatMs', 'open one-to-one chat → newest message (ms)', (v) => Math.round(v), 0.25],
  ['liveRoomMs', 'live room message → in DOM (ms)', (v) => Math.round(v), 0.5],
  ['liveDirectMs', 'live one-to-one message → in DOM (ms)', (v) => Math.round(v), 0.5],
  ['bytesUntilReady', 'bytes until ready (KB, HTTP gzip + WebSocket)', (v) => (v / KB).toFixed(1), 0.3],
  ['heapBytes', 'JS heap after load (MB)', (v) => (v / MB).toFixed(2), 0.5],
  ['domNodes', 'DOM nodes (incl. shadow roots)', (v) => Math.round(v), 0.1],
  ['scriptMs', 'main-thread script time (ms)', (v) => Math.round(v), undefined],
];
const FLOOR_FACTOR = 1.5;

const cell = (s, f) => (s ? `${f(s.median)} [${f(s.min)}–${f(s.max)}]` : 'not shown');
const ratio = (a, b) => (a && b && b.median > 0 ? a.median / b.median : null);
const x = (r) => (r === null ? '—' : `${r.toFixed(2)}×`);
const verdict = (r, limit) => {
  if (limit === undefined) return '';
  if (r === null) return 'not measurable';
  return r <= limit ? `met (≤ ${limit}×)` : `MISSED by ${(r / limit).toFixed(1)}× (target ≤ ${limit}×)`;
};

/** Our pages (the single-file build, and the lazy build when there is one). */
const OURS = ['widget', 'lazy'];

function browserSection(b) {
  const pages = Object.keys(b);
  const values = [
    `| metric | ${pages.map((p) => b[p].title).join(' | ')} |`,
    `|---|${pages.map(() => '---').join('|')}|`,
  ];
  for (const [key, label, f] of BROWSER_METRICS) {
    values.push(`| ${label} | ${pages.map((p) => cell(b[p][key], f)).join(' | ')} |`);
  }
  const sections = [values.join('\n')];
  const targets = {};
  for (const ours of OURS.filter((p) => b[p])) {
    const lines = [
      `| ${b[ours].title}: metric | ÷ Converse.js | target | verdict | ÷ floor | within ${FLOOR_FACTOR}× of floor |`,
      '|---|---|---|---|---|---|',
    ];
    targets[ours] = [];
    for (const [key, label, , limit] of BROWSER_METRICS) {
      const rc = b.converse ? ratio(b[ours][key], b.converse[key]) : null;
      const rf = b.floor ? ratio(b[ours][key], b.floor[key]) : null;
      const vc = b.converse ? verdict(rc, limit) : '';
      const vf = b.floor ? verdict(rf, FLOOR_FACTOR) : '';
      targets[ours].push({
        metric: key,
        vsConverse: rc,
        target: limit ?? null,
        verdict: vc,
        vsFloor: rf,
        floorVerdict: vf,
      });
      lines.push(`| ${label} | ${x(rc)} | ${limit ? `≤ ${limit}×` : '—'} | ${vc} | ${x(rf)} | ${vf} |`);
    }
    sections.push(lines.join('\n'));
  }
  return { table: sections.join('\n\n'), targets };
}

function bundleSection(b) {
  const lines = ['| page | file | min | gzip | brotli |', '|---|---|---|---|---|'];
  const k = (n) => `${(n / KB).toFixed(1)} KB`;
  for (const [name, page] of Object.entries(b)) {
    for (const [file, s] of Object.entries(page.bundle.files)) {
      lines.push(`| ${page.title} | ${file} | ${k(s.min)} | ${k(s.gzip)} | ${k(s.brotli)} |`);
    }
    const t = page.bundle.total;
    lines.push(
      `| **${page.title}** | **all JS + CSS** | **${k(t.min)}** | **${k(t.gzip)}** | **${k(t.brotli)}** |`,
    );
    void name;
  }
  return lines.join('\n');
}

function nodeSection(n) {
  const libs = Object.keys(n);
  const name = { sdk: 'mailbox-chat SDK', stanza: 'raw StanzaJS', xmppjs: 'xmpp.js (@xmpp/client)' };
  const lines = [
    `| | ${libs.map((l) => name[l] ?? l).join(' | ')} |`,
    `|---|${libs.map(() => '---').join('|')}|`,
  ];
  const row = (label, f) => lines.push(`| ${label} | ${libs.map((l) => f(n[l])).join(' | ')} |`);
  row(
    'sessions online',
    (r) => `${r.online} / ${r.sessions}${r.failed ? ` (${r.failed} failed: ${r.firstError})` : ''}`,
  );
  row('time to all online (s)', (r) => (r.allOnlineMs / 1000).toFixed(1));
  row('heap per session (KB)', (r) => (r.heapPerSessionBytes / KB).toFixed(1));
  row('RSS per session (KB)', (r) => (r.rssPerSessionBytes / KB).toFixed(1));
  row('echo round trip median (ms)', (r) => r.echo.medianMs?.toFixed(1) ?? '—');
  row('echo round trip p99 (ms)', (r) => r.echo.p99Ms?.toFixed(1) ?? '—');
  row('echoes answered', (r) => `${r.echo.answered} / ${r.echo.sent}`);
  const targets = [];
  if (n.sdk && n.stanza) {
    for (const [key, label, get] of [
      ['heapPerSession', 'heap per session', (r) => r.heapPerSessionBytes],
      ['echoMedian', 'echo round trip median', (r) => r.echo.medianMs],
      ['echoP99', 'echo round trip p99', (r) => r.echo.p99Ms],
    ]) {
      const a = get(n.sdk);
      const b = get(n.stanza);
      const r = a && b ? a / b : null;
      targets.push({ metric: key, label, vsStanza: r, verdict: verdict(r, 1.2) });
    }
  }
  return { table: lines.join('\n'), targets };
}

export function writeReport(results, dir) {
  const md = [];
  md.push(
    '# Benchmark results',
    '',
    `Run ${results.date} on ${results.machine.cpus} cores (load average at the end ${loadavg()
      .map((l) => l.toFixed(1))
      .join(
        ', ',
      )}), Node ${results.machine.node}; measured: ${results.config.measured === 'source' ? 'a fresh build of the working tree' : 'dist/'}. ` +
      `Written by \`npm run bench\` (see bench/README.md for what is measured and how). Absolute times on this shared machine ` +
      'are noisy; the ratios against the peers measured in the same run are the headline.',
    '',
  );
  const summary = { browser: {}, node: [], bundle: [] };
  if (results.browser) {
    const b = results.browser;
    const { table, targets } = browserSection(b);
    summary.browser = targets;
    md.push(
      `## Widget vs Converse.js vs the floor page — ${b.widget.runs} cold loads each`,
      '',
      `Same Prosody, same data: ${results.data.contacts} contacts, a room with ${results.data.roomHistory} archived messages, a ${results.data.directHistory}-message one-to-one archive. ` +
        'Headless Chromium, a fresh context per load, 1280×800. Cells: median [min–max].',
      '',
      table,
      '',
    );
    for (const [name, p] of Object.entries(b)) {
      if (p.notShown.length) md.push(`- ${p.title}: never shown within the wait: ${p.notShown.join(', ')}.`);
      if (p.contactsShown < results.data.contacts)
        md.push(
          `- ${p.title}: at most ${p.contactsShown} of ${results.data.contacts} contact names were in the DOM.`,
        );
      if (p.pageErrors.length) md.push(`- ${p.title}: page errors: ${p.pageErrors.join(' | ')}`);
      void name;
    }
    md.push('', '### What each page loads', '', bundleSection(b), '');
    summary.bundle = [];
    for (const ours of OURS.filter((p) => b[p])) {
      const w = b[ours].bundle;
      const gz = w.total.gzip;
      const entryFile = ours === 'lazy' ? '/lazy/mailbox-chat.js' : '/mailbox-chat.js';
      const entry = w.files[entryFile]?.gzip ?? gz;
      const all = { metric: `${ours}: all JS+CSS gzip`, bytes: gz, limit: 140 * KB };
      all.verdict = gz <= all.limit ? 'met' : `MISSED by ${((gz - all.limit) / KB).toFixed(1)} KB`;
      const first = { metric: `${ours}: launcher entry gzip`, bytes: entry, limit: 15 * KB };
      first.verdict =
        entry <= first.limit
          ? 'met'
          : `MISSED by ${((entry - first.limit) / KB).toFixed(1)} KB (${(entry / first.limit).toFixed(1)}×)`;
      summary.bundle.push(all, first);
      md.push(
        `- ${b[ours].title}, all JS + CSS it loaded: ${(gz / KB).toFixed(1)} KB gzip (target ≤ 140 KB): ${all.verdict}.`,
        `- ${b[ours].title}, launcher entry (${entryFile}, what loads before the launcher shows): ${(entry / KB).toFixed(1)} KB gzip (target ≤ 15 KB): ${first.verdict}.`,
      );
    }
    md.push('');
  }
  if (results.node) {
    const { table, targets } = nodeSection(results.node);
    summary.node = targets;
    md.push(
      `## SDK in Node — ${results.config.sessions} concurrent sessions per library, one process each`,
      '',
      `WebSocket to the same Prosody; logins ${50} at a time; echo: session pairs, ${results.config.rate} messages/s for ${results.config.seconds} s.`,
      '',
      table,
      '',
      ...targets.map((t) => `- SDK ÷ raw StanzaJS, ${t.label}: ${x(t.vsStanza)} — ${t.verdict}.`),
      '',
    );
  }
  if (results.archive) {
    const a = results.archive;
    md.push(
      `## Archive catch-up — ${results.config.archive} archived messages`,
      '',
      '| | Node (SDK, in memory) | browser (IndexedDB) |',
      '|---|---|---|',
      `| messages caught up | ${a.node.messages} in ${a.node.pages} pages | ${a.indexedDb} |`,
      `| messages per second | ${Math.round(a.node.perSecond)} | — |`,
      `| peak heap growth (MB) | ${(a.node.peakHeapDeltaBytes / MB).toFixed(1)} | — |`,
      `| peak RSS growth (MB) | ${(a.node.peakRssDeltaBytes / MB).toFixed(1)} | — |`,
      '',
      `Local store: ${a.store}.`,
      '',
    );
  }
  results.summary = summary;
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(dir, 'RESULTS.md'), `${md.join('\n')}\n`);
}
