// The `mailbox-chat gateway` command, run as its own process (bundled from source with esbuild, as
// the published bin runs from dist/), carrying 200 concurrent logins to the real Prosody; it prints
// the gateway's memory per connection (measured, not asserted).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { connectRaw, type RawWebSocket } from '../test/rig/raw-websocket.js';

const xmpp = inject('xmpp');
const CONNECTIONS = 200;
const dir = mkdtempSync(join(tmpdir(), 'mailbox-chat-gateway-cli-'));
let child: ChildProcess | undefined;
const lines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  await build({
    entryPoints: [fileURLToPath(new URL('./cli.ts', import.meta.url))],
    outfile: join(dir, 'cli.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Optional native speed-ups of `ws`, loaded only if installed.
    external: ['bufferutil', 'utf-8-validate'],
    logLevel: 'silent',
  });
  writeFileSync(join(dir, 'ca.pem'), xmpp.ca);
});

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the command; resolves with the URL it printed. */
async function startCli(args: string[]): Promise<string> {
  child = spawn(process.execPath, [join(dir, 'cli.cjs'), 'gateway', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const rl = createInterface({ input: child.stdout! });
  return new Promise<string>((resolve, reject) => {
    rl.on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      lines.push(entry);
      if (entry.event === 'listening') resolve(entry.url as string);
    });
    child!.once('exit', (code) => reject(new Error(`the gateway exited with ${code}`)));
  });
}

/** The resident memory of a process, in bytes (Linux). */
function rss(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

/** Runs `tasks` with at most `limit` at a time. */
async function pool<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) {
        const i = next;
        next += 1;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

describe('the mailbox-chat gateway command', () => {
  it(`carries ${CONNECTIONS} concurrent logins in one process and reports memory per connection`, async () => {
    const accounts = await createAccounts(20, 'load');
    const url = await startCli([
      '--listen',
      '127.0.0.1:0',
      '--path',
      '/xmpp-websocket',
      '--domain',
      xmpp.domain,
      '--upstream',
      `${xmpp.host}:${xmpp.ports.c2s}`,
      '--ca',
      join(dir, 'ca.pem'),
      '--max-per-ip',
      String(CONNECTIONS + 50),
    ]);
    const pid = child!.pid!;
    const login = async (i: number): Promise<RawWebSocket> => {
      const account = accounts[i % accounts.length]!;
      const socket = await connectRaw(url);
      await socket.login(xmpp.domain, account.user, account.password);
      return socket;
    };

    // Warm up (code paths, TLS contexts), then measure from there.
    const warm = await pool(5, 5, login);
    warm.forEach((s) => s.close());
    await Promise.all(warm.map((s) => s.closed()));
    const before = rss(pid);

    const sockets = await pool(CONNECTIONS, 50, login);
    // All of them are live at once: each answers a ping through the gateway.
    await Promise.all(
      sockets.map(async (socket, i) => {
        const from = socket.frames.length;
        socket.send(`<iq xmlns='jabber:client' type='get' id='p${i}'><ping xmlns='urn:xmpp:ping'/></iq>`);
        await socket.next(new RegExp(`id='p${i}'`), { from, timeoutMs: 15_000 });
      }),
    );
    const after = rss(pid);
    const perConnection = (after - before) / CONNECTIONS;
    console.log(
      `gateway: ${CONNECTIONS} concurrent connections, RSS ${(before / 2 ** 20).toFixed(1)} MiB → ` +
        `${(after / 2 ** 20).toFixed(1)} MiB, about ${(perConnection / 1024).toFixed(1)} KiB per connection`,
    );
    expect(lines.filter((l) => l.event === 'upstream')).toHaveLength(CONNECTIONS + 5);

    sockets.forEach((s) => s.close());
    await Promise.all(sockets.map((s) => s.closed()));
    child!.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child!.once('exit', resolve));
    expect(code).toBe(0);
    expect(lines.filter((l) => l.event === 'close')).toHaveLength(CONNECTIONS + 5);
    const logged = JSON.stringify(lines);
    for (const account of accounts) expect(logged).not.toContain(account.password);
  });
});
