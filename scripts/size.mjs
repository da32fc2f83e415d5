#!/usr/bin/env node
// Size budgets, run by `npm test` after the build. A bundle over its budget fails the run.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { rollup } from 'rollup';
import configs from '../rollup.config.mjs';

const KB = 1024;
/**
 * gzip budgets in bytes, ≈ 2 KB above what the bundles measure, so that a gain holds. StanzaJS
 * does not tree-shake; the browser build registers only the protocols the SDK speaks
 * (scripts/rollup-stanza-subset.mjs) and replaces the Node polyfills of StanzaJS's browser
 * platform (stream, Buffer, events, punycode) with small ones of ours (sdk/transport/platform/),
 * which leaves it ≈ 70 KB gzip. The SDK's own features add ≈ 25 KB and the widget with Lit
 * ≈ 45 KB. Tighten these as bytes are won.
 */
const budgets = {
  'dist/mailbox-chat.js (single-file build)': 140 * KB, // the product target (issue: all JS+CSS ≤ 140 KB)
  'sdk entry, bundled for browsers with its dependencies': 96 * KB,
  "dist/lazy/mailbox-chat.js (the lazy build's launcher entry)": 15 * KB,
};

function sizes(code) {
  const buffer = Buffer.from(code);
  return {
    min: buffer.length,
    gzip: gzipSync(buffer, { level: 9 }).length,
    brotli: brotliCompressSync(buffer, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

async function bundleSdk() {
  // The browser build's plugins (minified), with the SDK's browser entry as input.
  const browser = configs.find((c) => c.input === 'widget/bundle.ts');
  const build = await rollup({ ...browser, input: 'sdk/index.ts', onwarn: () => {} });
  const { output } = await build.generate({ format: 'es' });
  await build.close();
  const [chunk] = output;
  if (chunk.imports.length > 0) {
    throw new Error(`the SDK's browser bundle still imports ${chunk.imports.join(', ')}`);
  }
  return chunk.code;
}

/** The lazy build's chunks: the entry has a budget; the widget it loads is reported. */
function lazyChunks() {
  const files = readdirSync('dist/lazy').filter((f) => f.endsWith('.js'));
  const widget = files.find((f) => f !== 'mailbox-chat.js' && f !== 'mailbox-chat-intl.js');
  if (!files.includes('mailbox-chat.js') || !widget)
    throw new Error('dist/lazy lacks its entry or its chunk');
  return {
    entry: readFileSync('dist/lazy/mailbox-chat.js'),
    widget: readFileSync(join('dist/lazy', widget)),
  };
}
const lazy = lazyChunks();

const measured = {
  // With the date formats' worker beside it (a few dozen bytes), which the page loads too.
  'dist/mailbox-chat.js (single-file build)': sizes(
    Buffer.concat([readFileSync('dist/mailbox-chat.js'), readFileSync('dist/mailbox-chat-intl.js')]),
  ),
  'sdk entry, bundled for browsers with its dependencies': sizes(await bundleSdk()),
  "dist/lazy/mailbox-chat.js (the lazy build's launcher entry)": sizes(lazy.entry),
};

let failed = false;
const kb = (n) => `${(n / KB).toFixed(1)} KB`;
for (const [name, size] of Object.entries(measured)) {
  const budget = budgets[name];
  const ok = size.gzip <= budget;
  failed ||= !ok;
  console.log(
    `${ok ? '✔' : '✖'} ${name}: ${kb(size.min)} min, ${kb(size.gzip)} gzip, ${kb(size.brotli)} brotli ` +
      `(budget ${kb(budget)} gzip)`,
  );
}
console.log(
  `  the widget the lazy entry loads on idle or on open: ${kb(sizes(lazy.widget).min)} min, ` +
    `${kb(sizes(lazy.widget).gzip)} gzip, ${kb(sizes(lazy.widget).brotli)} brotli`,
);
if (failed) {
  console.error('A bundle is over its size budget.');
  process.exit(1);
}
