// Contacts, presence and subscriptions between real accounts on the test Prosody.
import { describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { eventually, friends, until, useClients } from '../test/rig/clients.js';
import { startFaultProxy } from '../test/rig/fault-proxy.js';
import { transportOf } from './client.js';
import type { ChatError } from './index.js';
import { discoInfo } from './transport/disco.js';
import { agentOf } from './transport/xmpp.js';

const client = useClients();
const friendsNow = () => friends(client, 'Ben');

describe('contacts', () => {
  it('add → request (with our nickname) → approve: both sides end with subscription both and see each other online', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = client(anna!);
    const b = client(ben!);
    await Promise.all([a.connect(), b.connect()]);
    await a.profile.set({ nickname: 'Anna B.' });
    const added: string[] = [];
    a.on('contact:added', ({ contact }) => added.push(contact.jid));
    const requests: Array<{ jid: string; nickname?: string }> = [];
    b.on('subscription:request', (request) => requests.push(request));

    await a.contacts.add(ben!.jid, { name: 'Ben', groups: ['Team'] });
    expect(added).toEqual([ben!.jid]);
    expect(a.contacts.get(ben!.jid)).toMatchObject({ name: 'Ben', groups: ['Team'] });
    await eventually(() => requests.length === 1);
    expect(requests[0]).toEqual({ jid: anna!.jid, nickname: 'Anna B.' });
    expect(b.contacts.pendingRequests()).toEqual([{ jid: anna!.jid, nickname: 'Anna B.' }]);

    b.contacts.approve(anna!.jid);
    const atAnna = await eventually(() => {
      const c = a.contacts.get(ben!.jid);
      return c?.subscription === 'both' && c.presence.show === 'online' ? c : undefined;
    });
    expect(atAnna.resources).toHaveLength(1);
    const atBen = await eventually(() => {
      const c = b.contacts.get(anna!.jid);
      return c?.subscription === 'both' && c.presence.show === 'online' ? c : undefined;
    });
    expect(atBen.nickname).toBe('Anna B.');
    expect(b.contacts.pendingRequests()).toEqual([]);
  });

  it('shows presence changes (show, status) to the other side, and offline on disconnect', async () => {
    const { a, b, anna } = await friendsNow();
    const seen: string[] = [];
    b.on('presence', ({ jid, presence }) => {
      if (jid === anna.jid) seen.push(presence.show);
    });
    a.presence.set({ show: 'away', status: 'In a meeting' });
    await eventually(() => b.contacts.get(anna.jid)?.presence.show === 'away');
    expect(b.contacts.get(anna.jid)?.presence.status).toBe('In a meeting');
    a.presence.set({ show: 'dnd' });
    await eventually(() => b.contacts.get(anna.jid)?.presence.show === 'dnd');
    expect(b.contacts.get(anna.jid)?.presence.status).toBeUndefined();
    await a.disconnect();
    await eventually(() => b.contacts.get(anna.jid)?.presence.show === 'offline');
    expect(seen).toEqual(expect.arrayContaining(['away', 'dnd', 'offline']));

    // Our presence is kept and announced again at the next fresh session.
    await a.connect();
    await eventually(() => b.contacts.get(anna.jid)?.presence.show === 'dnd');
  });

  it('aggregates resources: the higher priority wins, and every resource is listed', async () => {
    const { a, ben } = await friendsNow();
    const fromPhone: string[] = [];
    a.on('contact:updated', ({ contact }) => {
      const res = contact.jid === ben.jid && contact.resources.find((r) => r.resource === 'phone');
      if (res) fromPhone.push(res.show);
    });
    const phone = client(ben, { resource: 'phone' });
    phone.presence.set({ show: 'xa', status: 'on the road', priority: 5 });
    await phone.connect();
    const contact = await eventually(() => {
      const c = a.contacts.get(ben.jid);
      return c?.resources.length === 2 ? c : undefined;
    });
    expect(contact.presence).toMatchObject({
      show: 'xa',
      status: 'on the road',
      priority: 5,
      resource: 'phone',
    });
    expect(contact.resources[1]).toMatchObject({ show: 'online', priority: 0 });
    // The phone's first presence already carries its status: no plain "online" flickers by first.
    expect(fromPhone[0]).toBe('xa');
    await phone.disconnect();
    await eventually(() => a.contacts.get(ben.jid)?.resources.length === 1);
    expect(a.contacts.get(ben.jid)?.presence.show).toBe('online');
  });

  it('deny refuses a request; cancel stops seeing their presence', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = client(anna!);
    const b = client(ben!);
    await Promise.all([a.connect(), b.connect()]);
    b.on('subscription:request', ({ jid }) => b.contacts.deny(jid));
    await a.contacts.add(ben!.jid, { mutual: false });
    await eventually(() => a.contacts.get(ben!.jid)?.ask === false);
    expect(a.contacts.get(ben!.jid)?.subscription).toBe('none');
    expect(b.contacts.pendingRequests()).toEqual([]);

    const { a: c, b: d, anna: carl, ben: dora } = await friendsNow();
    c.contacts.cancel(dora.jid);
    await eventually(() => c.contacts.get(dora.jid)?.subscription === 'from');
    expect(c.contacts.get(dora.jid)?.presence.show).toBe('offline');
    await eventually(() => d.contacts.get(carl.jid)?.subscription === 'to');
  });

  it('renames, regroups and removes a contact; a second resource sees each change', async () => {
    const { a, anna, ben } = await friendsNow();
    const tablet = client(anna, { resource: 'tablet' });
    await tablet.connect();
    await eventually(() => tablet.contacts.get(ben.jid));
    const removed: string[] = [];
    tablet.on('contact:removed', ({ jid }) => removed.push(jid));

    await a.contacts.rename(ben.jid, 'Benjamin');
    await a.contacts.setGroups(ben.jid, ['Friends', 'Work']);
    await eventually(() => a.contacts.get(ben.jid)?.name === 'Benjamin');
    const seen = await eventually(() => {
      const c = tablet.contacts.get(ben.jid);
      return c?.name === 'Benjamin' && c.groups.length === 2 ? c : undefined;
    });
    expect([...seen.groups].sort()).toEqual(['Friends', 'Work']);

    await a.contacts.remove(ben.jid);
    await eventually(() => a.contacts.get(ben.jid) === undefined);
    await eventually(() => removed.length === 1);
    expect(tablet.contacts.list()).toEqual([]);
    await expect(a.contacts.rename(ben.jid, 'x')).rejects.toMatchObject({ code: 'item-not-found' });
  });

  it('reconnecting with a fresh session keeps the roster and picks up changes made meanwhile', async () => {
    const { a, anna, ben } = await friendsNow();
    await a.disconnect();
    const other = client(anna, { resource: 'other' });
    await other.connect();
    await eventually(() => other.contacts.get(ben.jid));
    await other.contacts.rename(ben.jid, 'Ben (renamed)');
    await a.connect();
    await eventually(() => a.contacts.get(ben.jid)?.name === 'Ben (renamed)');
    expect(a.contacts.list().map((c) => c.jid)).toEqual([ben.jid]);
    await eventually(() => a.contacts.get(ben.jid)?.presence.show === 'online');
  });

  it('tells nothing at sign-in about a contact that stays offline, and tells when it comes online', async () => {
    const { b, anna, ben } = await friendsNow();
    await b.disconnect();
    const later = client(anna);
    const told: string[] = [];
    later.on('presence', ({ jid, presence }) => {
      if (jid === ben.jid) told.push(`presence ${presence.show}`);
    });
    later.on('contact:updated', ({ contact }) => {
      if (contact.jid === ben.jid) told.push(`updated ${contact.presence.show}`);
    });
    // The server does answer our presence with Ben's unavailable presence (its probe's answer).
    let unavailable = 0;
    agentOf(transportOf(later)!).on('presence', (presence) => {
      if (presence.from?.startsWith(ben.jid) && presence.type === 'unavailable') unavailable += 1;
    });
    await later.connect();
    await eventually(() => unavailable > 0);
    await discoInfo(transportOf(later)!); // a round trip after it: everything before it is in
    expect(later.contacts.get(ben.jid)?.presence.show).toBe('offline');
    expect(told).toEqual([]);

    await b.connect();
    await eventually(() => told.includes('presence online'));
    expect(told).toEqual(['presence online', 'updated online']);
  });

  it('fetches the roster again on a fresh session', async () => {
    const { anna, ben } = await friendsNow();
    const later = client(anna);
    await later.connect();
    const contact = await eventually(() => later.contacts.get(ben.jid));
    expect(contact).toMatchObject({ name: 'Ben', subscription: 'both' });
    await eventually(() => later.contacts.get(ben.jid)?.presence.show === 'online');
  });

  it('reports no error for a roster request lost with a link that dropped before the session was up', async () => {
    const [anna, ben] = await createAccounts(2);
    const setup = client(anna!);
    await setup.connect();
    await setup.contacts.add(ben!.jid, { name: 'Ben' });
    await setup.disconnect();

    const xmpp = inject('xmpp');
    const link = await startFaultProxy({ target: { host: xmpp.host, port: xmpp.ports.http } });
    try {
      // Answers wait 2 s at most: the lost request fails by then.
      const a = client(anna!, {
        service: link.url('ws', '/xmpp-websocket'),
        timeout: 2,
        reconnect: { initialDelay: 50, maxDelay: 200 },
      });
      const errors: ChatError[] = [];
      a.on('error', ({ error }) => errors.push(error));
      // The link drops as the first roster request leaves: stream management is not on yet, so
      // the next login is a fresh session, which asks for the roster itself.
      let cut = false;
      agentOf(transportOf(a)!).on('raw:outgoing', (data: string) => {
        if (cut || !data.includes('jabber:iq:roster')) return;
        cut = true;
        link.cutAll();
      });
      await a.connect().catch(() => a.connect());
      await until(a, 'online');
      expect(cut).toBe(true);
      expect((await eventually(() => a.contacts.get(ben!.jid))).name).toBe('Ben');
      // Past the lost request's 2 s: the host heard nothing about it.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(errors).toEqual([]);
    } finally {
      await link.close();
    }
  });
});
