// Server restart mid-conversation, against a private Prosody of this file's own (restarting the
// tier's shared server would disturb other test files).
import { describe, expect, it } from 'vitest';
import { until, usePrivateServer } from '../test/rig/clients.js';
import type { Chat, Message, Status } from './index.js';

const rig = usePrivateServer();
const client = (user: string): Chat => rig.client(user);

describe('a server restart mid-conversation', () => {
  it('brings both clients back by themselves and delivers what was written while it was down', async () => {
    const anna = client('anna');
    const ben = client('ben');
    const received: Message[] = [];
    ben.on('message', ({ message }) => received.push(message));
    const annaStatuses: Status[] = [];
    anna.on('status', ({ status }) => annaStatuses.push(status));
    await Promise.all([anna.connect(), ben.connect()]);

    anna.send(`ben@${rig.server.domain}`, 'before the restart');
    await expect.poll(() => received.map((m) => m.body)).toEqual(['before the restart']);

    await rig.server.stop();
    await until(anna, 'reconnecting', 20_000);
    const queued = anna.send(`ben@${rig.server.domain}`, 'while the server was down');
    expect(queued.state).toBe('queued');
    await rig.server.restart();

    await Promise.all([until(anna, 'online', 20_000), until(ben, 'online', 20_000)]);
    await expect
      .poll(() => received.map((m) => m.body), { timeout: 10_000 })
      .toEqual(['before the restart', 'while the server was down']);
    expect(annaStatuses.slice(0, 3)).toEqual(['connecting', 'online', 'reconnecting']);
    expect(annaStatuses.at(-1)).toBe('online');
  });

  it('turns carbons on again in the fresh session, so another device still sees what we send', async () => {
    const phone = client('anna');
    const web = client('anna');
    const seenOnWeb: string[] = [];
    web.on('message', ({ message }) => message.direction === 'out' && seenOnWeb.push(message.body));
    const carbonsOn = (chat: Chat) =>
      new Promise<void>((resolve) => {
        const off = chat.on('server', () => {
          off();
          // Carbons are enabled right after discovery; give the IQ a moment to be answered.
          setTimeout(resolve, 300);
        });
      });
    const webUp = carbonsOn(web);
    await Promise.all([phone.connect(), web.connect(), webUp]);
    phone.send(`ben@${rig.server.domain}`, 'from the phone, before');
    await expect.poll(() => seenOnWeb).toEqual(['from the phone, before']);

    const webBack = carbonsOn(web);
    const phoneBack = carbonsOn(phone);
    await rig.server.restart();
    await Promise.all([webBack, phoneBack]);
    phone.send(`ben@${rig.server.domain}`, 'from the phone, after the restart');
    await expect
      .poll(() => seenOnWeb, { timeout: 10_000 })
      .toEqual(['from the phone, before', 'from the phone, after the restart']);
  });
});
