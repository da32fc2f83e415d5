// Runs in its own Node process (started by bench/run.mjs with --expose-gc), one client library at
// a time so that heaps do not mix: N concurrent sessions, the time until all are online, the heap
// they hold, and an echo round trip between session pairs at a steady rate.
// Usage: node --expose-gc node-clients.mjs <sdk|stanza|xmppjs> <config.json>
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const [lib, configPath] = process.argv.slice(2);
const config = JSON.parse(readFileSync(configPath, 'utf8'));
const { service, accounts, ramp = 50, rate = 100, seconds = 10 } = config;

/** Each library behind the same four verbs. */
const adapters = {
  async sdk() {
    const { createChat } = await import(config.sdkPath);
    return {
      async connect(account, onBody) {
        const chat = createChat({ jid: account.jid, password: account.password, service, reconnect: false });
        chat.on('message', ({ message }) => {
          if (message.direction === 'in' && message.body) onBody(message.body);
        });
        await chat.connect();
        return { send: (to, body) => chat.send(to, body), close: () => chat.disconnect() };
      },
    };
  },
  async stanza() {
    const XMPP = await import('stanza');
    return {
      async connect(account, onBody) {
        const client = XMPP.createClient({
          jid: account.jid,
          password: account.password,
          transports: { websocket: service, bosh: false },
        });
        client.on('chat', (msg) => msg.body && onBody(msg.body));
        await new Promise((resolve, reject) => {
          client.once('session:started', resolve);
          client.once('auth:failed', () => reject(new Error('auth failed')));
          client.connect();
        });
        client.sendPresence();
        return {
          send: (to, body) => client.sendMessage({ to, body, type: 'chat' }),
          close: () => client.disconnect(),
        };
      },
    };
  },
  async xmppjs() {
    // xmpp.js uses the WHATWG WebSocket, which Node 20 lacks: give it `ws`, as the others use.
    globalThis.WebSocket ??= (await import('ws')).default;
    const { client, xml } = await import('@xmpp/client');
    const [, domain] = accounts[0].jid.split('@');
    return {
      async connect(account, onBody) {
        const xmpp = client({
          service,
          domain,
          username: account.jid.split('@')[0],
          password: account.password,
        });
        xmpp.on('error', () => undefined); // failures surface through start() below
        xmpp.on('stanza', (s) => {
          if (s.is('message')) {
            const body = s.getChildText('body');
            if (body) onBody(body);
          }
        });
        await xmpp.start();
        await xmpp.send(xml('presence'));
        return {
          send: (to, body) => xmpp.send(xml('message', { to, type: 'chat' }, xml('body', {}, body))),
          close: () => xmpp.stop(),
        };
      },
    };
  },
};

const gc = () => {
  for (let i = 0; i < 3; i += 1) globalThis.gc?.();
};
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const adapter = await adapters[lib]();
gc();
const baseHeap = process.memoryUsage().heapUsed;
const baseRss = process.memoryUsage().rss;

const sessions = new Array(accounts.length);
const pending = new Map();
const rtts = [];
const onBody = (index) => (body) => {
  const [kind, from, seq] = body.split(' ');
  if (kind === 'ping') sessions[index]?.send(accounts[Number(from)].jid, `pong ${index} ${seq}`);
  else if (kind === 'pong') {
    const sent = pending.get(seq);
    if (sent !== undefined) {
      pending.delete(seq);
      rtts.push(performance.now() - sent);
    }
  }
};

const started = performance.now();
let failed = 0;
let firstError;
for (let i = 0; i < accounts.length; i += ramp) {
  const batch = accounts.slice(i, i + ramp).map((account, j) =>
    adapter.connect(account, onBody(i + j)).then(
      (s) => (sessions[i + j] = s),
      (error) => {
        failed += 1;
        firstError ??= String(error?.message ?? error);
      },
    ),
  );
  await Promise.all(batch);
}
const allOnlineMs = performance.now() - started;
await new Promise((r) => setTimeout(r, 500));
gc();
const heap = process.memoryUsage().heapUsed;
const rss = process.memoryUsage().rss;
const online = sessions.filter(Boolean).length;

// Echo: session 2k pings session 2k+1, which answers; round robin over pairs at `rate` per second.
const total = Math.round(rate * seconds);
const pairs = Math.floor(online / 2);
for (let n = 0; n < total && pairs > 0; n += 1) {
  const a = (n % pairs) * 2;
  pending.set(String(n), performance.now());
  sessions[a]?.send(accounts[a + 1].jid, `ping ${a} ${n}`);
  await new Promise((r) => setTimeout(r, 1000 / rate));
}
const deadline = Date.now() + 5000;
while (pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
rtts.sort((a, b) => a - b);

const result = {
  lib,
  sessions: accounts.length,
  online,
  failed,
  firstError,
  allOnlineMs,
  heapPerSessionBytes: online ? (heap - baseHeap) / online : null,
  rssPerSessionBytes: online ? (rss - baseRss) / online : null,
  echo: {
    sent: total,
    answered: rtts.length,
    lost: pending.size,
    medianMs: rtts.length ? percentile(rtts, 50) : null,
    p99Ms: rtts.length ? percentile(rtts, 99) : null,
  },
};
await Promise.allSettled(sessions.filter(Boolean).map((s) => s.close()));
process.stdout.write(`\n@@RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
