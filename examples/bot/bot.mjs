// A small helpdesk bot written with the SDK: answers "hilfe"/"help", "zeit"/"time" and echoes
// everything else; in the rooms it is given, it greets everyone who joins.
// Run it with: node examples/bot/bot.mjs <jid> <service-url> [room …]
// and the password in the BOT_PASSWORD environment variable (never on the command line).
import { createChat } from 'mailbox-chat/sdk';

/** Builds the answer to one message; pure, so it is easy to test. */
export function answer(body, now = new Date()) {
  const text = body.trim().toLowerCase();
  if (text === 'hilfe' || text === 'help') {
    return 'Ich verstehe: "zeit" (die Uhrzeit), "hilfe" (diese Hilfe). Alles andere wiederhole ich.';
  }
  if (text === 'zeit' || text === 'time') {
    return `Es ist ${now.toLocaleTimeString('de-DE', { hour: '2-digit', minute: '2-digit' })} Uhr.`;
  }
  return `Sie schrieben: ${body}`;
}

/** The welcome for someone who joined a room; pure, so it is easy to test. */
export function greeting(nick) {
  return `Willkommen im Raum, ${nick}! Schreiben Sie mir privat "hilfe", wenn Sie Unterstützung brauchen.`;
}

/** Starts the bot and joins `rooms` (as "Helpdesk"); resolves with the connected client. */
export async function startBot({ jid, password, service, rooms = [] }) {
  const chat = createChat({ jid, password, service, resource: 'bot' });
  chat.on('message', ({ message }) => {
    if (message.direction === 'in' && message.kind === 'chat')
      chat.send(message.conversation, answer(message.body));
  });
  chat.on('room:occupant', ({ room, occupant, change }) => {
    if (change === 'joined' && !occupant.self) chat.rooms.get(room)?.send(greeting(occupant.nick));
  });
  chat.on('error', ({ error }) => console.error(`bot: ${error.code}: ${error.message}`));
  await chat.connect();
  for (const room of rooms) await chat.rooms.join(room, { nick: 'Helpdesk', retryWithSuffix: true });
  return chat;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [jid, service, ...rooms] = process.argv.slice(2);
  const password = process.env.BOT_PASSWORD;
  if (!jid || !service || !password) {
    console.error('usage: BOT_PASSWORD=… node examples/bot/bot.mjs <jid> <service-url> [room …]');
    process.exit(2);
  }
  const chat = await startBot({ jid, password, service, rooms });
  console.log(`bot online as ${jid}`);
  process.on('SIGINT', () => void chat.disconnect().then(() => process.exit(0)));
}
