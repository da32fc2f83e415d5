import { afterEach, describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../../test/rig/accounts.js';
import { createChat, type Chat, type Message } from '../../sdk/index.js';
import { greeting, startBot } from './bot.mjs';

const xmpp = inject('xmpp');
const open: Chat[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((chat) => chat.disconnect()));
});

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
    const chat = createChat({
      jid: ben!.jid,
      password: ben!.password,
      service: xmpp.websocketUrl,
      resumeStorage: false,
    });
    open.push(chat);
    const received: Message[] = [];
    chat.on('message', ({ message }) => received.push(message));
    await chat.connect();
    await chat.rooms.join(room, { nick: 'ben' });
    await expect
      .poll(() => received.map((m) => [m.body, m.from]))
      .toEqual([[greeting('ben'), `${room}/Helpdesk`]]);
  });
});
