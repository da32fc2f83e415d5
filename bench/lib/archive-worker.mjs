/* global setInterval, clearInterval */
// Runs in its own Node process: the SDK's catch-up of the personal archive into its default
// memory store (see bench/lib/catch-up.mjs), with peak heap and RSS sampled every 10 ms; then, as
// the floor, raw StanzaJS paging through the same archive without keeping anything.
// Usage: node --expose-gc archive-worker.mjs <config.json>
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { measureCatchUp } from './catch-up.mjs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const sdk = await import(config.sdkPath);
for (let i = 0; i < 3; i += 1) globalThis.gc?.();
const rssBase = process.memoryUsage().rss;
let rssPeak = rssBase;
const rss = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 10);
const result = await measureCatchUp({
  createChat: sdk.createChat,
  store: sdk.createMemoryStore(),
  jid: config.jid,
  password: config.password,
  service: config.service,
  peers: config.peers,
  expected: config.expected,
  memory: () => process.memoryUsage().heapUsed,
});
clearInterval(rss);

// The floor: raw StanzaJS paging through the same archive (50 per page, forwards from its start),
// keeping nothing — what the server and the wire cost at least.
const XMPP = await import('stanza');
const client = XMPP.createClient({
  jid: config.jid,
  password: config.password,
  transports: { websocket: config.service, bosh: false },
});
await new Promise((resolve, reject) => {
  client.once('session:started', resolve);
  client.once('auth:failed', () => reject(new Error('auth failed')));
  client.connect();
});
const rawStarted = performance.now();
let rawMessages = 0;
let rawPages = 0;
for (let after; ;) {
  const page = await client.searchHistory({ paging: { max: 50, ...(after ? { after } : {}) } });
  rawPages += 1;
  rawMessages += (page.results ?? []).filter((r) => r.item.message?.body).length;
  after = page.paging?.last;
  if (page.complete || !after || !page.results?.length) break;
}
const rawMs = performance.now() - rawStarted;
await client.disconnect();

process.stdout.write(
  `\n@@RESULT ${JSON.stringify({
    ...result,
    peakRssDeltaBytes: rssPeak - rssBase,
    store: 'memory (default limits)',
    raw: { messages: rawMessages, pages: rawPages, ms: rawMs, perSecond: (rawMessages / rawMs) * 1000 },
  })}\n`,
);
process.exit(0);
