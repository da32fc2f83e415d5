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
        // As a bot runs: no delivery receipts or read markers asked for (docs/bots.md).
        const chat = createChat({
          jid: account.jid,
          password: account.password,
          service,
          reconnect: false,
          receipts: false,
        });
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

/** CPU time (ms) of this process and of Prosody (from /proc; null where there is none). */
const cpu = () => {
  const own = process.cpuUsage();
  let server = null;
  try {
    // Fields 14 and 15 of /proc/<pid>/stat: user and system time in clock ticks (100 per second).
    const fields = readFileSync(`/proc/${config.serverPid}/stat`, 'utf8').split(') ')[1].split(' ');
    server = ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    server = null;
  }
  return { client: (own.user + own.system) / 1000, server };
};
const spent = (a, b) => ({
  clientMs: b.client - a.client,
  serverMs: a.server === null || b.server === null ? null : b.server - a.server,
});

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
/** The first leg alone: the ping's send call → its body at the receiving session. */
const forward = [];
const onBody = (index) => (body) => {
  const [kind, from, seq] = body.split(' ');
  if (kind === 'ping') {
    const sent = pending.get(seq);
    if (sent !== undefined) forward.push(performance.now() - sent);
    sessions[index]?.send(accounts[Number(from)].jid, `pong ${index} ${seq}`);
  } else if (kind === 'pong') {
    const sent = pending.get(seq);
    if (sent !== undefined) {
      pending.delete(seq);
      rtts.push(performance.now() - sent);
    }
  }
};

const cpuAtStart = cpu();
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
const cpuOnline = cpu();
await new Promise((r) => setTimeout(r, 500));
gc();
const heap = process.memoryUsage().heapUsed;
const rss = process.memoryUsage().rss;
const online = sessions.filter(Boolean).length;

// A session is online when its login resolves, but what it asks the server for right after (its
// set-up queries) may still be queued there: the echo measures the steady state, so it starts once
// Prosody is quiet — under 10% of a core over a second, twice in a row (at most 120 s). How long
// that took is reported: it is part of what a library costs.
const untilQuiet = async () => {
  if (cpu().server === null) return null;
  const since = performance.now();
  let quiet = 0;
  let last = cpu();
  while (quiet < 2 && performance.now() - since < 120_000) {
    await new Promise((r) => setTimeout(r, 1000));
    const now = cpu();
    quiet = now.server - last.server < 100 ? quiet + 1 : 0;
    last = now;
  }
  return performance.now() - since;
};
const settleMs = await untilQuiet();

// Echo: session 2k pings session 2k+1, which answers; round robin over pairs at `rate` per second.
const pairs = Math.floor(online / 2);
const exchange = async (count, tag) => {
  for (let n = 0; n < count && pairs > 0; n += 1) {
    const a = (n % pairs) * 2;
    pending.set(`${tag}${n}`, performance.now());
    sessions[a]?.send(accounts[a + 1].jid, `ping ${a} ${tag}${n}`);
    await new Promise((r) => setTimeout(r, 1000 / rate));
  }
  const deadline = Date.now() + 5000;
  while (pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
};

// Warm-up, not measured: one exchange per pair, then quiet again. Prosody's first archived message
// of the day for a user costs it a rewrite of that day's cleanup list (mod_mam with file storage
// keeps one list per day of every user with new messages, and caches who is on it): without this,
// whichever library ran first would pay that for every account, the others nothing.
await exchange(pairs, 'w');
pending.clear();
rtts.length = 0;
forward.length = 0;
const warmUpSettleMs = await untilQuiet();

const cpuEcho = cpu();
const total = Math.round(rate * seconds);
await exchange(total, '');
const cpuEchoEnd = cpu();
rtts.sort((a, b) => a - b);
forward.sort((a, b) => a - b);

const result = {
  lib,
  sessions: accounts.length,
  online,
  failed,
  firstError,
  allOnlineMs,
  /** After all online: until the server was quiet (the sessions' set-up done), before the echo. */
  settleMs,
  /** After the warm-up exchange: until the server was quiet again. */
  warmUpSettleMs,
  heapPerSessionBytes: online ? (heap - baseHeap) / online : null,
  rssPerSessionBytes: online ? (rss - baseRss) / online : null,
  /** CPU time spent by this process (client) and by Prosody (server) while logging in and during the echo. */
  cpu: { login: spent(cpuAtStart, cpuOnline), echo: spent(cpuEcho, cpuEchoEnd) },
  echo: {
    sent: total,
    answered: rtts.length,
    lost: pending.size,
    medianMs: rtts.length ? percentile(rtts, 50) : null,
    p99Ms: rtts.length ? percentile(rtts, 99) : null,
    forwardMedianMs: forward.length ? percentile(forward, 50) : null,
  },
};
await Promise.allSettled(sessions.filter(Boolean).map((s) => s.close()));
process.stdout.write(`\n@@RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
