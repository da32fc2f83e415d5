import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../../test/rig/accounts.js';
import { createChat } from '../index.js';

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
});
