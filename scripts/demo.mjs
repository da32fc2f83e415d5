#!/usr/bin/env node
// `npm run demo`: builds, starts a private Prosody with demo accounts and history, a bot written
// with the SDK, and the example intranet portal on http://localhost:8080. Ctrl-C stops it all.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setup } from './setup.mjs';

const port = Number(process.env.PORT ?? 8080);

function step(message) {
  process.stdout.write(`[demo] ${message}\n`);
}

try {
  setup();
} catch (error) {
  process.stderr.write(`[setup] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

step('building');
if (spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' }).status !== 0) process.exit(1);

// Imported after set-up: they need the npm dependencies and the build.
const { startProsody } = await import('../test/rig/prosody.mjs');
const { startPortal } = await import('./portal-server.mjs');
const { createChat } = await import('mailbox-chat/sdk');
const { startBot } = await import('../examples/bot/bot.mjs');

// Fresh random passwords each run, printed once for the person running the demo.
const password = () => randomBytes(6).toString('base64url');
const accounts = { anna: password(), ben: password(), helpdesk: password() };
const dir = mkdtempSync(join(tmpdir(), 'mailbox-chat-demo-'));
step('starting a private Prosody on loopback');
const prosody = await startProsody({ dir, accounts: Object.entries(accounts) });
const service = prosody.websocketUrl;
const jid = (user) => `${user}@${prosody.domain}`;

let portal;
const cleanups = [];
const stopAll = async () => {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      process.stderr.write(`[demo] while stopping: ${error instanceof Error ? error.message : error}\n`);
    }
  }
  await prosody.dispose();
  rmSync(dir, { recursive: true, force: true });
};
process.on('SIGINT', () => {
  step('stopping');
  void stopAll().then(() => process.exit(0));
});
process.on('SIGTERM', () => void stopAll().then(() => process.exit(0)));

try {
  step('writing some history between anna and ben');
  const ben = createChat({ jid: jid('ben'), password: accounts.ben, service });
  const anna = createChat({ jid: jid('anna'), password: accounts.anna, service });
  await Promise.all([ben.connect(), anna.connect()]);
  const history = [
    [ben, 'anna', 'Hallo Anna! Hast du die Folien für Donnerstag?'],
    [anna, 'ben', 'Ja, ich schicke sie dir gleich.'],
    [ben, 'anna', 'Super, danke! 👍'],
  ];
  for (const [from, to, body] of history) from.send(jid(to), body);
  await Promise.all([anna.disconnect(), ben.disconnect()]);

  step('starting the helpdesk bot');
  const bot = await startBot({ jid: jid('helpdesk'), password: accounts.helpdesk, service });
  cleanups.push(() => bot.disconnect());

  portal = await startPortal({
    port,
    bundle: join(process.cwd(), 'dist/mailbox-chat.js'),
    upstream: { host: prosody.host, port: prosody.ports.http },
  }).catch((error) => {
    throw new Error(
      error?.code === 'EADDRINUSE' ? `port ${port} is taken; run with PORT=8081 npm run demo` : error.message,
    );
  });
  cleanups.push(() => portal.close());
} catch (error) {
  process.stderr.write(`[demo] ${error instanceof Error ? error.message : String(error)}\n`);
  await stopAll();
  process.exit(1);
}

process.stdout.write(`
  mailbox-chat demo is running.

  Open      http://localhost:${port}/   (the Nordlicht intranet, chat on the right)
  Log in as ${jid('anna')}   password ${accounts.anna}
        or  ${jid('ben')}    password ${accounts.ben}
  Write to  ${jid('helpdesk')} (a bot written with the SDK; try "hilfe")
  XMPP      ${service} (WebSocket), ${prosody.boshUrl} (BOSH), c2s on 127.0.0.1:${prosody.ports.c2s}

  Ctrl-C stops everything.
`);
