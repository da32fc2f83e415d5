/* global setInterval, clearInterval */
// Runs in its own Node process: catches up a conversation's whole archive through the SDK
// (newest page first, then older pages until the archive says it is complete), sampling memory.
// Usage: node --expose-gc archive-worker.mjs <config.json>
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const sdk = await import(config.sdkPath);
globalThis.gc?.();
const base = process.memoryUsage();
let peakHeap = base.heapUsed;
let peakRss = base.rss;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakHeap = Math.max(peakHeap, m.heapUsed);
  peakRss = Math.max(peakRss, m.rss);
}, 10);

const chat = sdk.createChat({
  jid: config.jid,
  password: config.password,
  service: config.service,
  reconnect: false,
});
await chat.connect();
const started = performance.now();
const messages = [];
let before;
let pages = 0;
for (;;) {
  const page = await chat.archive.history(config.peer, { before, limit: 50 });
  pages += 1;
  messages.unshift(...page.messages);
  if (page.complete || !page.before) break;
  before = page.before;
}
const ms = performance.now() - started;
clearInterval(sampler);
await chat.disconnect();
process.stdout.write(
  `\n@@RESULT ${JSON.stringify({
    messages: messages.length,
    pages,
    ms,
    perSecond: (messages.length / ms) * 1000,
    peakHeapDeltaBytes: peakHeap - base.heapUsed,
    peakRssDeltaBytes: peakRss - base.rss,
    newest: messages.at(-1)?.body,
  })}\n`,
);
process.exit(0);
