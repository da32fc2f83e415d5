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
const team = `team@conference.${prosody.domain}`;

/** Resolves once the message `id` reached the server (acked), so history is complete. */
function sent(chat, id) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('a history message was not acknowledged')), 10_000);
    const off = chat.on('message:state', (event) => {
      if (event.id !== id || (event.state !== 'acked' && event.state !== 'failed')) return;
      clearTimeout(timer);
      off();
      if (event.state === 'failed') reject(event.error ?? new Error('a history message failed'));
      else resolve(id);
    });
  });
}

/** Resolves once `chat` and `peer` see each other's presence (subscription both ways). */
async function mutual(chat, peer) {
  const deadline = Date.now() + 10_000;
  while (chat.contacts.get(peer)?.subscription !== 'both') {
    if (Date.now() > deadline) throw new Error(`no mutual subscription with ${peer}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

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
  // One at a time, each acknowledged before the next: two clients sending at once would leave the
  // archive in whichever order their messages reached the server.
  for (const [from, to, body] of history) await sent(from, from.send(jid(to), body).id);

  step(`creating the room ${team} with some history`);
  const annaRoom = await anna.rooms.join(team, {
    nick: 'anna',
    config: {
      name: 'Team Nordlicht',
      description: 'Der Raum fürs ganze Team',
      persistent: true,
      public: true,
      archive: true,
    },
  });
  const benRoom = await ben.rooms.join(team, { nick: 'ben' });
  const roomHistory = [
    [annaRoom, 'Guten Morgen zusammen! ☀️'],
    [benRoom, 'Moin Anna! Steht das Teamfrühstück am Freitag noch?'],
    [annaRoom, 'Ja, um 9 Uhr in der Kantine. Bringt gern etwas mit.'],
    [benRoom, 'Super, ich backe einen Apfelkuchen. 🍰'],
  ];
  for (const [room, body] of roomHistory) await sent(room === annaRoom ? anna : ben, room.send(body).id);
  await annaRoom.setSubject('Teamfrühstück am Freitag um 9 Uhr');

  step('making anna and ben contacts, with the room bookmarked for both');
  await anna.contacts.add(jid('ben'), { name: 'Ben' });
  await ben.contacts.add(jid('anna'), { name: 'Anna' });
  for (const [chat, nick] of [
    [anna, 'anna'],
    [ben, 'ben'],
  ]) {
    await chat.bookmarks.add({ jid: team, name: 'Team Nordlicht', nick, autojoin: true });
  }
  await mutual(anna, jid('ben'));
  await mutual(ben, jid('anna'));
  await Promise.all([anna.disconnect(), ben.disconnect()]);

  step('starting the helpdesk bot');
  const bot = await startBot({ jid: jid('helpdesk'), password: accounts.helpdesk, service, rooms: [team] });
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

  Open      http://localhost:${port}/   (the Nordlicht intranet; the chat button is bottom right)
  Log in as ${jid('anna')}   password ${accounts.anna}
        or  ${jid('ben')}    password ${accounts.ben}
  Write to  ${jid('helpdesk')} (a bot written with the SDK; try "hilfe")
  Room      ${team} ("Team Nordlicht", archived, with history; the bot greets newcomers)
  XMPP      ${service} (WebSocket), ${prosody.boshUrl} (BOSH), c2s on 127.0.0.1:${prosody.ports.c2s}

  Ctrl-C stops everything.
`);
