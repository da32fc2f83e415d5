import { afterEach, describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { createChat, type Chat, type ServerInfo } from './index.js';

const xmpp = inject('xmpp');
const open: Chat[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.disconnect()));
});

describe('what the server offers (chat.server)', () => {
  it('is discovered at login: archive, carbons, push, blocking, upload with its limit, MUC, proxy', async () => {
    const [anna] = await createAccounts(1);
    const chat = createChat({ jid: anna!.jid, password: anna!.password, service: xmpp.websocketUrl });
    open.push(chat);
    const discovered = new Promise<ServerInfo>((resolve) =>
      chat.on('server', ({ server }) => resolve(server)),
    );
    expect(chat.server).toBeUndefined();
    await chat.connect();
    const server = await discovered;
    expect(chat.server).toEqual(server);
    expect(server).toMatchObject({
      domain: xmpp.domain,
      carbons: true,
      blocking: true,
      archive: true,
      push: true,
      streamManagement: true,
      uploadService: `share.${xmpp.domain}`,
      uploadMaxBytes: 10 * 1024 * 1024,
      mucService: `conference.${xmpp.domain}`,
      proxy65: `proxy.${xmpp.domain}`,
    });
    expect(server.features).toContain('urn:xmpp:carbons:2');
  });
});
