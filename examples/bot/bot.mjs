// A small helpdesk bot written with the SDK. One-to-one it understands "!hilfe"/"!help",
// "!zeit"/"!time" and "!datei"/"!file" (also without the "!") and echoes everything else; in the
// rooms it is given, it greets everyone who joins and answers the same "!" commands.
//
// Run it with:
//   BOT_PASSWORD=… node examples/bot/bot.mjs <jid> [--service <url>] [--ca <file.pem>]
//     [--session <file>] [room …]
// The password comes from the environment, never from the command line (which other users of the
// machine can see). Without --service, the SDK finds the server through DNS SRV
// (`_xmpps-client._tcp`, `_xmpp-client._tcp`) and connects over TCP with verified TLS.
// With --session, a restart (SIGTERM) hands the session to the next process: nobody sees the bot
// go, and what is sent to it meanwhile is answered by the next one. Ctrl-C (SIGINT) stops it.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createChat } from 'mailbox-chat/sdk';

/** The nickname the bot uses in rooms. */
export const NICK = 'Helpdesk';

/** The file the bot shares on "!datei": a short text with the helpdesk's opening hours. */
export function helpdeskFile(now = new Date()) {
  const text = [
    'Helpdesk – Erreichbarkeit',
    '',
    'Montag bis Freitag, 8 bis 18 Uhr',
    'Telefon: Durchwahl 4711',
    'Chat: schreiben Sie dem Helpdesk jederzeit, Antworten kommen zu den Servicezeiten.',
    '',
    `Stand: ${now.toISOString().slice(0, 10)}`,
    '',
  ].join('\n');
  return { name: 'helpdesk.txt', type: 'text/plain', data: Buffer.from(text, 'utf8') };
}

const COMMANDS = {
  help: ['hilfe', 'help'],
  time: ['zeit', 'time'],
  file: ['datei', 'file'],
};

/**
 * Which command a message is, or undefined. In rooms only "!"-commands count, so the bot does not
 * answer ordinary conversation; one-to-one the "!" is optional. Pure, so it is easy to test.
 * @param {string} body
 * @param {{ inRoom?: boolean }} [options]
 * @returns {'help' | 'time' | 'file' | undefined}
 */
export function command(body, { inRoom = false } = {}) {
  const text = body.trim().toLowerCase();
  const bang = text.startsWith('!');
  if (inRoom && !bang) return undefined;
  const word = bang ? text.slice(1).trim() : text;
  for (const [name, words] of Object.entries(COMMANDS)) if (words.includes(word)) return name;
  return undefined;
}

/** Builds the text answer to one message ("!datei" is answered with a file instead); pure. */
export function answer(body, now = new Date()) {
  switch (command(body)) {
    case 'help':
      return 'Ich verstehe: "!zeit" (die Uhrzeit), "!datei" (unsere Erreichbarkeit als Datei), "!hilfe" (diese Hilfe). Alles andere wiederhole ich.';
    case 'time':
      return `Es ist ${now.toLocaleTimeString('de-DE', { hour: '2-digit', minute: '2-digit' })} Uhr.`;
    case 'file':
      return 'Hier ist unsere Erreichbarkeit als Datei.';
    default:
      return `Sie schrieben: ${body}`;
  }
}

/** The welcome for someone who joined a room; pure, so it is easy to test. */
export function greeting(nick) {
  return `Willkommen im Raum, ${nick}! Schreiben Sie mir privat "hilfe", wenn Sie Unterstützung brauchen.`;
}

/**
 * Keeps the bot's session (XEP-0198 resume state) in the file `path`, for the next process to
 * resume what `chat.suspend()` left. The file holds messages the server has not acknowledged yet,
 * so only the bot's user may read it (mode 600).
 * @param {string} path
 * @returns {import('mailbox-chat/sdk').ResumeStorage}
 */
export function fileResumeStorage(path) {
  return {
    load() {
      try {
        return JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        return undefined; // none yet, or unreadable: a new session
      }
    },
    save(state) {
      if (state) writeFileSync(path, JSON.stringify(state), { mode: 0o600 });
      else rmSync(path, { force: true });
    },
  };
}

/**
 * Starts the bot and joins `rooms` (as "Helpdesk"); resolves with the connected client.
 * `service` is optional in Node: without it the SDK looks up the server through DNS SRV.
 * `session`: a file for the session across restarts (see `fileResumeStorage`).
 */
export async function startBot({ jid, password, service, tls, rooms = [], session }) {
  const chat = createChat({
    jid,
    password,
    resource: 'bot',
    // It never shows a room's history: its joins need not fetch the newest page along.
    rooms: { prefetch: 0 },
    ...(service ? { service } : {}),
    ...(tls ? { tls } : {}),
    ...(session ? { resumeStorage: fileResumeStorage(session) } : {}),
  });
  const report = (error) => console.error(`bot: ${error.code ?? 'error'}: ${error.message}`);

  /** Answers one command (or echoes, one-to-one) in `reply`, which sends text or a file. */
  const respond = (body, inRoom, reply) => {
    const which = command(body, { inRoom });
    if (inRoom && !which) return;
    if (which === 'file') {
      const file = helpdeskFile();
      reply.text(answer(body));
      reply.file(file).catch(report);
      return;
    }
    reply.text(answer(body));
  };

  chat.on('message', ({ message }) => {
    if (message.direction !== 'in' || !message.body || message.attachment) return;
    if (message.kind === 'chat') {
      respond(message.body, false, {
        text: (text) => chat.send(message.conversation, text),
        file: ({ data, name, type }) => chat.sendFile(message.conversation, data, { name, type }),
      });
    } else if (message.kind === 'groupchat') {
      const room = chat.rooms.get(message.conversation);
      // Our own messages in the room come back with direction 'out' and never get here.
      if (!room?.joined) return;
      respond(message.body, true, {
        text: (text) => room.send(text),
        file: ({ data, name, type }) => room.send({ file: data, name, type }),
      });
    }
  });
  chat.on('room:occupant', ({ room, occupant, change }) => {
    if (change === 'joined' && !occupant.self) chat.rooms.get(room)?.send(greeting(occupant.nick));
  });
  chat.on('error', ({ error }) => report(error));
  await chat.connect();
  for (const room of rooms) await chat.rooms.join(room, { nick: NICK, retryWithSuffix: true });
  return chat;
}

/** Parses `<jid> [--service url] [--ca file] [--session file] [room …]`. */
export function parseArgs(argv) {
  const rest = [];
  let service;
  let ca;
  let session;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--service') service = argv[++i];
    else if (argv[i] === '--ca') ca = argv[++i];
    else if (argv[i] === '--session') session = argv[++i];
    else rest.push(argv[i]);
  }
  const [jid, ...rooms] = rest;
  return { jid, service, ca, session, rooms };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { jid, service, ca, session, rooms } = parseArgs(process.argv.slice(2));
  const password = process.env.BOT_PASSWORD;
  if (!jid || !password) {
    console.error(
      'usage: BOT_PASSWORD=… node examples/bot/bot.mjs <jid> [--service <url>] [--ca <file.pem>] [--session <file>] [room …]',
    );
    process.exit(2);
  }
  const tls = ca ? { ca: readFileSync(ca, 'utf8') } : undefined;
  const chat = await startBot({ jid, password, service, tls, rooms, session });
  console.log(`bot online as ${jid}`);
  process.on('SIGINT', () => void chat.disconnect().then(() => process.exit(0)));
  // A restart (a deploy, systemd): with a session file, the next process picks the session up.
  process.on(
    'SIGTERM',
    () => void (session ? chat.suspend() : chat.disconnect()).then(() => process.exit(0)),
  );
}
