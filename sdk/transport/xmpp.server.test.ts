import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../../test/rig/accounts.js';
import { createChat } from '../index.js';
import { agentOf, createTransport, type Transport } from './xmpp.js';

const xmpp = inject('xmpp');
const rejections: unknown[] = [];
const onRejection = (reason: unknown): void => {
  rejections.push(reason);
};

beforeEach(() => {
  rejections.length = 0;
  process.on('unhandledRejection', onRejection);
});
afterEach(() => {
  process.off('unhandledRejection', onRejection);
});

function waitFor<T>(subscribe: (resolve: (value: T) => void) => void, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    subscribe((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

describe('the StanzaJS transport', () => {
  it('lets no "Socket closed" rejection escape when sending right before disconnecting', async () => {
    const [anna, ben] = await createAccounts(2);
    for (let round = 0; round < 5; round += 1) {
      const chat = createChat({ jid: anna!.jid, password: anna!.password, service: xmpp.websocketUrl });
      await chat.connect();
      chat.send(ben!.jid, `message ${round}`);
      await chat.disconnect();
    }
    // Give rejected promises a chance to surface.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(rejections).toEqual([]);
  });

  it('notices a socket that died while a stanza was being written (the dead-socket hang)', async () => {
    const [anna, ben] = await createAccounts(2);
    const transport: Transport = createTransport({
      jid: anna!.jid,
      service: xmpp.websocketUrl,
      credentials: async () => ({ password: anna!.password }),
    });
    expect((await transport.connect()).ok).toBe(true);
    const offline = waitFor((resolve) => transport.on('offline', resolve), 5000, 'the offline event');
    // Kill the socket under StanzaJS and write at once, before it has seen the close.
    const socket = (agentOf(transport).transport as unknown as { socket: { terminate(): void } }).socket;
    socket.terminate();
    transport.sendMessage({ id: 'm1', to: ben!.jid, type: 'chat', body: 'into the void' });
    expect(((await offline) as { fatal: boolean }).fatal).toBe(false);
    expect(transport.online).toBe(false);
    // And it can come back: the session resumes.
    expect(await transport.connect()).toEqual({ ok: true, resumed: true });
    await transport.disconnect();
  });
});
