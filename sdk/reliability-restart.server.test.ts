// Server restart mid-conversation, against a private Prosody of this file's own (restarting the
// tier's shared server would disturb other test files).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type Prosody } from '../test/rig/prosody.mjs';
import { until } from '../test/rig/clients.js';
import { createChat, type Chat, type Message, type Status } from './index.js';

let server: Prosody;
const clients: Chat[] = [];

beforeAll(async () => {
  server = await startProsody({
    accounts: [
      ['anna', 'anna-pass'],
      ['ben', 'ben-pass'],
    ],
  });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.disconnect()));
  await server?.dispose();
});

function client(user: string): Chat {
  const chat = createChat({
    jid: `${user}@${server.domain}`,
    password: `${user}-pass`,
    service: server.websocketUrl,
    reconnect: { initialDelay: 200, maxDelay: 1000 },
    resumeStorage: false,
  });
  clients.push(chat);
  return chat;
}

describe('a server restart mid-conversation', () => {
  it('brings both clients back by themselves and delivers what was written while it was down', async () => {
    const anna = client('anna');
    const ben = client('ben');
    const received: Message[] = [];
    ben.on('message', ({ message }) => received.push(message));
    const annaStatuses: Status[] = [];
    anna.on('status', ({ status }) => annaStatuses.push(status));
    await Promise.all([anna.connect(), ben.connect()]);

    anna.send(`ben@${server.domain}`, 'before the restart');
    await expect.poll(() => received.map((m) => m.body)).toEqual(['before the restart']);

    await server.stop();
    await until(anna, 'reconnecting', 20_000);
    const queued = anna.send(`ben@${server.domain}`, 'while the server was down');
    expect(queued.state).toBe('queued');
    await server.restart();

    await Promise.all([until(anna, 'online', 20_000), until(ben, 'online', 20_000)]);
    await expect
      .poll(() => received.map((m) => m.body), { timeout: 10_000 })
      .toEqual(['before the restart', 'while the server was down']);
    expect(annaStatuses.slice(0, 3)).toEqual(['connecting', 'online', 'reconnecting']);
    expect(annaStatuses.at(-1)).toBe('online');
  });
});
