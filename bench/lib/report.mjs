// Turns a bench run into bench/results.json and bench/RESULTS.md: every target of the issue with
// its ratio and met/missed first, then the tables (median [min–max] over the cold loads), where
// the time before "ready" goes, what each page loads, the Node sessions and the archive catch-up.
// bench/ANALYSIS.md (written by hand: why a target is missed and what would close it) is appended.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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
  ['bytesTotal', 'bytes in all (KB, HTTP gzip + WebSocket)', (v) => (v / KB).toFixed(1), undefined],
  ['heapBytes', 'JS heap after load (MB)', (v) => (v / MB).toFixed(2), 0.5],
  ['domNodes', 'DOM nodes (incl. shadow roots)', (v) => Math.round(v), 0.1],
  ['scriptMs', 'main-thread script time (ms)', (v) => Math.round(v), undefined],
];
/** The metrics held to "within 1.5× of the floor" (the floor's bytes in all include no UI). */
const FLOOR_METRICS = BROWSER_METRICS.filter(([key]) => key !== 'bytesTotal');
const FLOOR_FACTOR = 1.5;
const PHASE_LABELS = {
  socketCreated: 'XMPP WebSocket created (scripts loaded and started)',
  socketOpen: 'WebSocket open',
  authenticated: 'SASL success (logged in)',
  rosterReceived: 'roster received',
  archivePage: 'first archived message received',
};

const cell = (s, f) => (s ? `${f(s.median)} [${f(s.min)}–${f(s.max)}]` : 'not shown');
const ratio = (a, b) => (a && b && b.median > 0 ? a.median / b.median : null);
const x = (r) => (r === null || r === undefined ? '—' : `${r < 1 ? r.toFixed(3) : r.toFixed(2)}×`);
const verdict = (r, limit) => {
  if (limit === undefined) return '';
  if (r === null) return 'not measurable';
  return r <= limit ? 'met' : `MISSED by ${(r / limit).toFixed(2)}×`;
};
const load = (l) => (l ? l.map((v) => v.toFixed(1)).join(', ') : '—');

/** Our pages (the single-file build, and the lazy build when there is one). */
const OURS = ['widget', 'lazy'];

/** Every target of the issue: [group, target, measured, verdict] per page of ours. */
function targetRows(results) {
  const rows = [];
  const b = results.browser;
  if (b) {
    for (const ours of OURS.filter((p) => b[p])) {
      const t = b[ours].title;
      if (b.converse) {
        for (const [key, label, , limit] of BROWSER_METRICS) {
          if (limit === undefined) continue;
          const r = ratio(b[ours][key], b.converse[key]);
          rows.push([
            `${t} ÷ Converse.js`,
            `${label.replace(/ \(.*\)$/, '')} ≤ ${limit}×`,
            x(r),
            verdict(r, limit),
          ]);
        }
      }
      const w = b[ours].bundle;
      const entryFile = ours === 'lazy' ? '/lazy/mailbox-chat.js' : '/mailbox-chat.js';
      const entry = w.files[entryFile]?.gzip ?? w.total.gzip;
      rows.push([
        t,
        'all JS + CSS ≤ 140 KB gzip',
        `${(w.total.gzip / KB).toFixed(1)} KB (${(w.total.gzip / (140 * KB)).toFixed(2)}× the limit)`,
        w.total.gzip <= 140 * KB ? 'met' : `MISSED by ${((w.total.gzip - 140 * KB) / KB).toFixed(1)} KB`,
      ]);
      rows.push([
        t,
        `launcher entry (${entryFile}) ≤ 15 KB gzip`,
        `${(entry / KB).toFixed(1)} KB (${(entry / (15 * KB)).toFixed(2)}× the limit)`,
        entry <= 15 * KB ? 'met' : `MISSED by ${((entry - 15 * KB) / KB).toFixed(1)} KB`,
      ]);
      if (b.floor) {
        for (const [key, label] of FLOOR_METRICS) {
          const r = ratio(b[ours][key], b.floor[key]);
          rows.push([
            `${t} ÷ floor`,
            `${label.replace(/ \(.*\)$/, '')} ≤ ${FLOOR_FACTOR}×`,
            x(r),
            verdict(r, FLOOR_FACTOR),
          ]);
        }
      }
    }
  }
  const n = results.node;
  if (n?.sdk && n.stanza) {
    for (const [label, get] of [
      ['heap per session', (r) => r.heapPerSessionBytes],
      ['echo round trip median', (r) => r.echo.medianMs],
      ['echo round trip p99', (r) => r.echo.p99Ms],
    ]) {
      const a = get(n.sdk);
      const s = get(n.stanza);
      const r = a && s ? a / s : null;
      rows.push(['SDK ÷ raw StanzaJS (Node)', `${label} ≤ 1.2×`, x(r), verdict(r, 1.2)]);
    }
  }
  return rows;
}

function browserSection(b) {
  const pages = Object.keys(b);
  const header = [
    `| metric | ${pages.map((p) => b[p].title).join(' | ')} |`,
    `|---|${pages.map(() => '---').join('|')}|`,
  ];
  const values = [...header];
  for (const [key, label, f] of BROWSER_METRICS) {
    values.push(`| ${label} | ${pages.map((p) => cell(b[p][key], f)).join(' | ')} |`);
  }
  const sections = [values.join('\n')];
  for (const ours of OURS.filter((p) => b[p])) {
    const lines = [
      `| ${b[ours].title}: metric | ÷ Converse.js | target | verdict | ÷ floor | within ${FLOOR_FACTOR}× of floor |`,
      '|---|---|---|---|---|---|',
    ];
    for (const [key, label, , limit] of BROWSER_METRICS) {
      const rc = b.converse ? ratio(b[ours][key], b.converse[key]) : null;
      const rf = b.floor ? ratio(b[ours][key], b.floor[key]) : null;
      const vc = b.converse ? verdict(rc, limit) : '';
      const vf = b.floor && key !== 'bytesTotal' ? verdict(rf, FLOOR_FACTOR) : '';
      lines.push(`| ${label} | ${x(rc)} | ${limit ? `≤ ${limit}×` : '—'} | ${vc} | ${x(rf)} | ${vf} |`);
    }
    sections.push(lines.join('\n'));
  }
  return sections.join('\n\n');
}

function phaseSection(b) {
  const pages = Object.keys(b).filter((p) => b[p].phases);
  const ms = (s) => (s ? `${Math.round(s.median)}` : '—');
  const lines = [
    `| ms from navigation start (median) | ${pages.map((p) => b[p].title).join(' | ')} |`,
    `|---|${pages.map(() => '---').join('|')}|`,
  ];
  for (const [phase, label] of Object.entries(PHASE_LABELS)) {
    lines.push(`| ${label} | ${pages.map((p) => ms(b[p].phases[phase])).join(' | ')} |`);
  }
  lines.push(`| contacts rendered | ${pages.map((p) => ms(b[p].contactsMs)).join(' | ')} |`);
  lines.push(`| ready | ${pages.map((p) => ms(b[p].readyMs)).join(' | ')} |`);
  return lines.join('\n');
}

function bundleSection(b) {
  const lines = ['| page | file | min | gzip | brotli |', '|---|---|---|---|---|'];
  const k = (n) => `${(n / KB).toFixed(1)} KB`;
  for (const page of Object.values(b)) {
    for (const [file, s] of Object.entries(page.bundle.files)) {
      lines.push(`| ${page.title} | ${file} | ${k(s.min)} | ${k(s.gzip)} | ${k(s.brotli)} |`);
    }
    const t = page.bundle.total;
    lines.push(
      `| **${page.title}** | **all JS + CSS** | **${k(t.min)}** | **${k(t.gzip)}** | **${k(t.brotli)}** |`,
    );
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
  row('then until the server is quiet (s)', (r) =>
    typeof r.settleMs === 'number' ? (r.settleMs / 1000).toFixed(1) : '—',
  );
  row('after the unmeasured warm-up exchange, until quiet (s)', (r) =>
    typeof r.warmUpSettleMs === 'number' ? (r.warmUpSettleMs / 1000).toFixed(1) : '—',
  );
  row('heap per session (KB)', (r) => (r.heapPerSessionBytes / KB).toFixed(1));
  row('RSS per session (KB)', (r) => (r.rssPerSessionBytes / KB).toFixed(1));
  row('echo round trip median (ms)', (r) => r.echo.medianMs?.toFixed(1) ?? '—');
  row('echo round trip p99 (ms)', (r) => r.echo.p99Ms?.toFixed(1) ?? '—');
  row(
    'of it, the first leg median (send → body at the peer, ms)',
    (r) => r.echo.forwardMedianMs?.toFixed(1) ?? '—',
  );
  const ms = (v) => (v === null || v === undefined ? '—' : `${(v / 1000).toFixed(1)}`);
  row(
    'CPU while logging in: client / Prosody (s)',
    (r) => `${ms(r.cpu?.login.clientMs)} / ${ms(r.cpu?.login.serverMs)}`,
  );
  row(
    'CPU during the echo: client / Prosody (s)',
    (r) => `${ms(r.cpu?.echo.clientMs)} / ${ms(r.cpu?.echo.serverMs)}`,
  );
  row('Prosody CPU per echo sent (ms)', (r) =>
    typeof r.cpu?.echo.serverMs === 'number' && r.echo.sent
      ? (r.cpu.echo.serverMs / r.echo.sent).toFixed(1)
      : '—',
  );
  row('echoes answered', (r) => `${r.echo.answered} / ${r.echo.sent}`);
  if (n.stanza) {
    for (const [label, get] of [
      ['÷ raw StanzaJS: time to all online', (r) => r.allOnlineMs],
      ['÷ raw StanzaJS: heap per session', (r) => r.heapPerSessionBytes],
      ['÷ raw StanzaJS: echo median', (r) => r.echo.medianMs],
      ['÷ raw StanzaJS: echo p99', (r) => r.echo.p99Ms],
    ]) {
      row(label, (r) => x(get(r) && get(n.stanza) ? get(r) / get(n.stanza) : null));
    }
  }
  return lines.join('\n');
}

function archiveSection(a, size) {
  const mb = (v) => (v / MB).toFixed(1);
  const { node, indexedDb } = a;
  const lines = [
    '| | Node: SDK, memory store | Chromium: SDK, IndexedDB store | Node: raw StanzaJS paging, nothing kept (floor) |',
    '|---|---|---|---|',
    `| messages stored (held afterwards) | ${node.messages} (${node.held}) | ${indexedDb.messages} (${indexedDb.held}) | ${node.raw.messages} fetched |`,
    `| archive pages | ${node.pages} | ${indexedDb.pages} | ${node.raw.pages} |`,
    `| catch-up time (s) | ${(node.catchUpMs / 1000).toFixed(1)} | ${(indexedDb.catchUpMs / 1000).toFixed(1)} | ${(node.raw.ms / 1000).toFixed(1)} |`,
    `| **messages per second** | **${Math.round(node.perSecond)}** | **${Math.round(indexedDb.perSecond)}** | ${Math.round(node.raw.perSecond)} |`,
    `| login before it (ms) | ${Math.round(node.loginMs)} | ${Math.round(indexedDb.loginMs)} | — |`,
    `| peak JS heap growth (MB) | ${mb(node.peakMemoryDeltaBytes)} | ${mb(indexedDb.peakMemoryDeltaBytes)} | — |`,
    `| peak RSS growth (MB) | ${mb(node.peakRssDeltaBytes)} | — | — |`,
  ];
  const calls = (r) =>
    Object.entries(r.storeCalls ?? {})
      .map(([k, c]) => `${k} ${c.calls}× ${(c.ms / 1000).toFixed(2)} s`)
      .join(', ');
  return [
    lines.join('\n'),
    '',
    `Store calls during the catch-up (count, summed time from call to settling; writes overlap the fetching): ` +
      `memory — ${calls(node)}; IndexedDB — ${calls(indexedDb)}.`,
    '',
    `The ${size} messages were written to ${a.conversations} conversations (within the stores' default limits: ` +
      '500 per conversation, 10,000 in all), so the store holds every one of them afterwards.',
  ].join('\n');
}

/** results.json as the project's Prettier would format it (so that a format check passes). */
async function formatJson(value) {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  try {
    const prettier = await import('prettier');
    return await prettier.format(text, { parser: 'json' });
  } catch {
    return text;
  }
}

/** Writes results.json and RESULTS.md into `dir`. */
export async function writeReport(results, dir) {
  const md = [];
  const m = results.machine;
  md.push(
    '# Benchmark results',
    '',
    `Run ${results.date} on ${m.cpus} cores, Node ${m.node}; measured: ${results.config.measured === 'source' ? 'a fresh build of the working tree' : 'dist/'}` +
      `; ${results.config.runs} cold loads per page, ${results.config.sessions} Node sessions per library, ${results.config.archive} archived messages. ` +
      `Load average (1, 5, 15 min) at the start ${load(m.load?.start)}, before the browser part ${load(m.load?.browser)}, ` +
      `before the archive part ${load(m.load?.archive)}, before the Node part ${load(m.load?.node)}, at the end ${load(m.load?.end)}: ` +
      'the machine is shared, so absolute times are noisy; the ratios against the peers measured in the same run, ' +
      'interleaved, are the headline. Written by `npm run bench` (bench/README.md says what is measured and how).',
    '',
  );
  if (results.notes?.length) md.push(results.notes.map((n) => `> ${n}`).join('\n>\n'), '');
  if (results.failures?.length) {
    md.push('**THIS RUN FAILED:**', '', ...results.failures.map((f) => `- ${f}`), '');
  }

  const rows = targetRows(results);
  results.summary = rows.map(([group, target, measured, v]) => ({ group, target, measured, verdict: v }));
  if (rows.length) {
    const missed = rows.filter((r) => r[3].startsWith('MISSED')).length;
    md.push(
      '## Targets',
      '',
      `${rows.length - missed} met, ${missed} missed. Ratios are of medians; "MISSED by n×" is the measured ratio divided by the target's limit.`,
      '',
      '| compared | target | measured | verdict |',
      '|---|---|---|---|',
      ...rows.map((r) => `| ${r.join(' | ')} |`),
      '',
    );
  }

  if (results.browser) {
    const b = results.browser;
    const runs = Math.max(...Object.values(b).map((p) => p.runs));
    md.push(
      `## Widget vs Converse.js vs the floor page — ${runs} cold loads each`,
      '',
      `Same Prosody, same data: ${results.data.contacts} contacts, a room with ${results.data.roomHistory} archived messages, a ${results.data.directHistory}-message one-to-one archive. ` +
        'Headless system Chromium, a fresh context (empty profile) per load, loaded once Chromium is quiet after opening its window, 1280×800, loads interleaved. Cells: median [min–max].',
      '',
      browserSection(b),
      '',
    );
    for (const p of Object.values(b)) {
      if (p.notShown.length) md.push(`- ${p.title}: never shown within the wait: ${p.notShown.join(', ')}.`);
      if (p.contactsShown < results.data.contacts)
        md.push(
          `- ${p.title}: at most ${p.contactsShown} of ${results.data.contacts} contact names were in the DOM.`,
        );
      if (p.pageErrors.length) md.push(`- ${p.title}: page errors: ${p.pageErrors.join(' | ')}`);
    }
    md.push(
      '',
      '### Where the time before "ready" goes',
      '',
      'Marks from the page’s own XMPP WebSocket (the first incoming frame of each kind), medians:',
      '',
      phaseSection(b),
      '',
      '### Where the DOM nodes are',
      '',
      'Median nodes per owner: inside the shadow root of each custom element (by tag name), or in the document itself.',
      '',
      ...Object.values(b).map(
        (p) =>
          `- ${p.title}: ${Object.entries(p.domNodesByOwner ?? {})
            .slice(0, 8)
            .map(([owner, n]) => `${owner} ${n}`)
            .join(', ')}`,
      ),
      '',
      '### What each page loads',
      '',
      'The JS and CSS files each page fetched, workers’ scripts included (the bench’s glue, pages/*-boot.js, left out), measured from disk.',
      '',
      bundleSection(b),
      '',
    );
  }
  if (results.node) {
    md.push(
      `## SDK in Node — ${results.config.sessions} concurrent sessions per library, one process each`,
      '',
      `WebSocket to the same Prosody; logins 50 at a time; then, once Prosody is quiet (the sessions' set-up queries answered), ` +
        `the echo: session pairs, ${results.config.rate} messages/s for ${results.config.seconds} s; answers later than 5 s after the last send count as lost. ` +
        'The SDK sessions run as bots do, with `receipts: false` (no delivery receipts or read markers asked for; see bench/README.md).',
      '',
      nodeSection(results.node),
      '',
    );
  }
  if (results.archive) {
    md.push(
      `## Archive catch-up — ${results.config.archive} archived messages into the local store`,
      '',
      'A fresh client whose store last saw its personal archive when it was empty connects; the SDK’s own catch-up ' +
        'brings every archived message into the store. Timed from the catch-up’s start to the last message written.',
      '',
      archiveSection(results.archive, results.config.archive),
      '',
    );
  }
  const analysis = join(dir, 'ANALYSIS.md');
  if (existsSync(analysis)) md.push(readFileSync(analysis, 'utf8').trim(), '');
  writeFileSync(join(dir, 'results.json'), await formatJson(results));
  writeFileSync(join(dir, 'RESULTS.md'), `${md.join('\n')}\n`);
}
