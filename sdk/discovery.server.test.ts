import { afterEach, describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { transportOf } from './client.js';
import { createChat, type Bookmark, type Chat, type ServerInfo } from './index.js';
import { agentOf } from './transport/xmpp.js';

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

  it('asks about the account once at login, though discovery and the bookmarks both need it', async () => {
    const [anna] = await createAccounts(1);
    const chat = createChat({ jid: anna!.jid, password: anna!.password, service: xmpp.websocketUrl });
    open.push(chat);
    const asked: string[] = [];
    agentOf(transportOf(chat)!).on('raw:outgoing', (data: string) => {
      if (data.includes('disco#info')) asked.push(data);
    });
    const discovered = new Promise<ServerInfo>((resolve) =>
      chat.on('server', ({ server }) => resolve(server)),
    );
    const bookmarks = new Promise<Bookmark[]>((resolve) =>
      chat.on('bookmarks:changed', ({ bookmarks: list }) => resolve(list)),
    );
    await chat.connect();
    // Both answers depend on the account's features: the archive, and where bookmarks are kept.
    expect(await discovered).toMatchObject({ archive: true });
    expect(await bookmarks).toEqual([]);
    const own = anna!.jid.split('/')[0]!;
    const aboutAccount = asked.filter((s) => s.includes(`to="${own}"`) || s.includes(`to='${own}'`));
    expect(aboutAccount).toHaveLength(1);
  });
});
