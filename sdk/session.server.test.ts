// Login paths and per-session behaviour through the public API (browser entry: no TCP).
import { createServer } from 'node:net';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { createChat, type Chat, type ChatOptions, type ServerInfo } from './index.js';
import { discoInfo } from './transport/disco.js';
import { createTransport } from './transport/xmpp.js';

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

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('finding the server', () => {
  it('finds the endpoints through XEP-0156 host-meta when no service is given', async () => {
    const [anna] = await createAccounts(1);
    const chat = client({
      jid: anna!.jid,
      password: anna!.password,
      hostMeta: `http://127.0.0.1:${xmpp.ports.http}`,
    });
    await chat.connect();
    expect(chat.status).toBe('online');
  });

  it('falls back from a WebSocket endpoint that cannot connect to BOSH', async () => {
    const [anna] = await createAccounts(1);
    const dead = `ws://127.0.0.1:${await closedPort()}/xmpp-websocket`;
    const chat = client({ jid: anna!.jid, password: anna!.password, service: [dead, xmpp.boshUrl] });
    await chat.connect();
    expect(chat.status).toBe('online');
  });

  it('refuses a service URL it does not understand, at once', () => {
    expect(() => createChat({ jid: 'a@b.c', password: 'x', service: 'ftp://b.c/' })).toThrow(
      expect.objectContaining({ code: 'invalid-argument' }),
    );
  });
});

describe('a session', () => {
  it('asks the credentials callback once per login, not at every SASL step', async () => {
    const [anna] = await createAccounts(1);
    let asked = 0;
    const chat = client({
      jid: anna!.jid,
      service: xmpp.websocketUrl,
      credentials: async () => {
        asked += 1;
        return { password: anna!.password };
      },
    });
    await chat.connect();
    expect(asked).toBe(1);
  });

  it('negotiates client state indication and answers disco#info with its identity and features', async () => {
    const [anna, ben] = await createAccounts(2);
    const chat = client({ jid: anna!.jid, password: anna!.password, service: xmpp.websocketUrl });
    const discovered = new Promise<ServerInfo>((resolve) =>
      chat.on('server', ({ server }) => resolve(server)),
    );
    await chat.connect();
    expect((await discovered).csi).toBe(true);
    chat.setActive(false);
    chat.setActive(true);

    // Another client asks ours what it is.
    const peer = createTransport({
      jid: ben!.jid,
      service: xmpp.websocketUrl,
      credentials: async () => ({ password: ben!.password }),
    });
    expect((await peer.connect()).ok).toBe(true);
    try {
      const info = await discoInfo(peer, chat.jid);
      expect(info.identities).toContainEqual({ category: 'client', type: 'web' });
      expect(info.features).toContain('urn:xmpp:ping');
    } finally {
      await peer.disconnect();
    }
  });
});
