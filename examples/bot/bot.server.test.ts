import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createAccounts, type TestAccount } from '../../test/rig/accounts.js';
import { eventually } from '../../test/rig/clients.js';
import { createChat, type Chat, type Message } from '../../sdk/index.js';
import { greeting, startBot } from './bot.mjs';

const xmpp = inject('xmpp');
const open: Chat[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((chat) => chat.disconnect()));
});

/** A user's client that records every message it receives (not its own). */
async function user(account: TestAccount): Promise<{ chat: Chat; received: Message[] }> {
  const chat = createChat({
    jid: account.jid,
    password: account.password,
    service: xmpp.websocketUrl,
    resumeStorage: false,
  });
  open.push(chat);
  const received: Message[] = [];
  chat.on('message', ({ message }) => message.direction === 'in' && received.push(message));
  await chat.connect();
  return { chat, received };
}

describe('the helpdesk bot', () => {
  it('joins its room and greets whoever joins after it', async () => {
    const [helpdesk, ben] = await createAccounts(2);
    const room = `help-${Date.now()}@conference.${xmpp.domain}`;
    const bot = await startBot({
      jid: helpdesk!.jid,
      password: helpdesk!.password,
      service: xmpp.websocketUrl,
      rooms: [room],
    });
    open.push(bot);
    expect(bot.rooms.get(room)?.nick).toBe('Helpdesk');
    const { chat, received } = await user(ben!);
    await chat.rooms.join(room, { nick: 'ben' });
    await expect
      .poll(() => received.map((m) => [m.body, m.from]))
      .toEqual([[greeting('ben'), `${room}/Helpdesk`]]);
  });

  it('answers "!" commands in its room and nothing else said there', async () => {
    const [helpdesk, ben] = await createAccounts(2);
    const room = `help-${Date.now()}@conference.${xmpp.domain}`;
    const bot = await startBot({
      jid: helpdesk!.jid,
      password: helpdesk!.password,
      service: xmpp.websocketUrl,
      rooms: [room],
    });
    open.push(bot);
    const { chat, received } = await user(ben!);
    const joined = await chat.rooms.join(room, { nick: 'ben' });
    const fromBot = () => received.filter((m) => m.from === `${room}/Helpdesk`).map((m) => m.body);
    await expect.poll(fromBot).toEqual([greeting('ben')]);
    // Ordinary talk first: were the bot to answer it, that answer would come before the time.
    joined.send('wie spät ist es?');
    joined.send('!zeit');
    await expect.poll(() => fromBot().length).toBe(2);
    expect(fromBot()[1]).toMatch(/^Es ist \d\d:\d\d Uhr\.$/);

    // A file, shared in the room for everyone.
    joined.send('!datei');
    const shared = await eventually(
      () => received.find((m) => m.from === `${room}/Helpdesk` && m.attachment)?.attachment,
      15_000,
    );
    expect(shared.name).toBe('helpdesk.txt');
    expect(await (await fetch(shared.url)).text()).toContain('Montag bis Freitag');
  });

  it('answers one-to-one over TCP with verified TLS and shares a file on "!datei"', async () => {
    const [helpdesk, ben] = await createAccounts(2);
    const bot = await startBot({
      jid: helpdesk!.jid,
      password: helpdesk!.password,
      service: `xmpp://${xmpp.host}:${xmpp.ports.c2s}`,
      tls: { ca: xmpp.ca },
    });
    open.push(bot);
    const { chat, received } = await user(ben!);
    chat.send(helpdesk!.jid, '!hilfe');
    await expect.poll(() => received.map((m) => m.body)).toEqual([expect.stringContaining('"!datei"')]);

    chat.send(helpdesk!.jid, '!datei');
    const file = await eventually(() => received.find((m) => m.attachment)?.attachment, 15_000);
    expect(received.map((m) => m.body)).toContain('Hier ist unsere Erreichbarkeit als Datei.');
    expect(file.name).toBe('helpdesk.txt');
    const response = await fetch(file.url);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Montag bis Freitag, 8 bis 18 Uhr');
  });

  it('hands its session to the next process over a restart: nobody sees it go, nothing sent meanwhile is lost', async () => {
    const [helpdesk, ben] = await createAccounts(2);
    const room = `help-${Date.now()}@conference.${xmpp.domain}`;
    const dir = mkdtempSync(join(tmpdir(), 'mc-bot-'));
    const session = join(dir, 'bot.session');
    try {
      const options = {
        jid: helpdesk!.jid,
        password: helpdesk!.password,
        service: xmpp.websocketUrl,
        rooms: [room],
        session,
      };
      const before = await startBot(options);
      open.push(before);
      expect(statSync(session).mode & 0o777).toBe(0o600);
      const { chat, received } = await user(ben!);
      const joined = await chat.rooms.join(room, { nick: 'ben' });
      const changes: string[] = [];
      chat.on('room:occupant', ({ occupant, change }) => changes.push(`${occupant.nick} ${change}`));
      await expect.poll(() => received.map((m) => m.body)).toEqual([greeting('ben')]);

      // The restart: the old process leaves its session, Ben writes to it and in the room, the
      // new process starts. It answers both, once it is back in the room for the room's.
      await before.suspend();
      chat.send(helpdesk!.jid, '!hilfe');
      joined.send('!zeit');
      const after = await startBot(options);
      open.push(after);
      await expect
        .poll(() => received.map((m) => [m.kind, m.body]).slice(1))
        .toEqual(
          expect.arrayContaining([
            ['chat', expect.stringContaining('"!datei"')],
            ['groupchat', expect.stringMatching(/^Es ist \d\d:\d\d Uhr\.$/)],
          ]),
        );
      expect(received).toHaveLength(3);
      // Back in the room, as it never left it: the room saw it neither leave nor join again.
      expect(after.rooms.get(room)?.joined).toBe(true);
      joined.send('!zeit');
      await expect.poll(() => received.at(-1)?.body).toMatch(/^Es ist \d\d:\d\d Uhr\.$/);
      expect(changes.filter((c) => /^Helpdesk (left|joined)/.test(c))).toEqual([]);
      expect(received.filter((m) => m.body === greeting('ben'))).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
