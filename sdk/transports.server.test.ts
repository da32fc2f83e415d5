// Logging in over each browser-capable transport, from Node, against the real Prosody.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { createChat, isChatError, type Chat, type ChatOptions, type Message } from './node.js';

const xmpp = inject('xmpp');
const open: Chat[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.disconnect()));
});

function client(options: ChatOptions): Chat {
  const chat = createChat({ resumeStorage: false, ...options });
  open.push(chat);
  return chat;
}

function nextMessage(chat: Chat): Promise<Message> {
  return new Promise((resolve) => {
    const off = chat.on('message', ({ message }) => {
      off();
      resolve(message);
    });
  });
}

describe('transports', () => {
  it('logs in over wss:// with the certificate verified against an extra CA', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = client({
      jid: anna!.jid,
      password: anna!.password,
      service: xmpp.secureWebsocketUrl,
      tls: { ca: xmpp.ca },
    });
    const b = client({ jid: ben!.jid, password: ben!.password, service: xmpp.websocketUrl });
    await Promise.all([a.connect(), b.connect()]);
    const arriving = nextMessage(b);
    a.send(ben!.jid, 'over wss');
    expect((await arriving).body).toBe('over wss');
  });

  it('refuses wss:// to a server whose certificate it cannot verify, without retrying', async () => {
    const [anna] = await createAccounts(1);
    const a = client({ jid: anna!.jid, password: anna!.password, service: xmpp.secureWebsocketUrl });
    const error = await a.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isChatError(error) && error.code).toBe('certificate');
    expect(a.status).toBe('disconnected');
  });

  it('logs in and chats over BOSH, and disconnects cleanly', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = client({ jid: anna!.jid, password: anna!.password, service: xmpp.boshUrl });
    const b = client({ jid: ben!.jid, password: ben!.password, service: xmpp.websocketUrl });
    await Promise.all([a.connect(), b.connect()]);
    const toBen = nextMessage(b);
    a.send(ben!.jid, 'over BOSH');
    expect((await toBen).body).toBe('over BOSH');
    const toAnna = nextMessage(a);
    b.send(anna!.jid, 'back over BOSH');
    expect((await toAnna).body).toBe('back over BOSH');
    await a.disconnect();
    expect(a.status).toBe('offline');
  });
});
