// Blocking (XEP-0191) between real accounts on the test Prosody.
import { describe, expect, it } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { eventually, friends, useClients } from '../test/rig/clients.js';

const client = useClients();
const friendsNow = () => friends(client, 'Ben');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('blocking', () => {
  it('stops messages and presence from a blocked contact, and unblocking restores both', async () => {
    const { a, b, anna, ben } = await friendsNow();
    const atAnna: string[] = [];
    a.on('message', ({ message }) => atAnna.push(message.body));
    const changes: string[][] = [];
    a.on('blocking:changed', ({ jids }) => changes.push(jids));

    await a.blocking.block(ben.jid);
    expect(a.blocking.list()).toEqual([ben.jid]);
    expect(a.blocking.isBlocked(`${ben.jid}/phone`)).toBe(true);
    expect(changes).toEqual([[ben.jid]]);
    // Ben no longer sees Anna online, and Anna no longer sees Ben.
    await eventually(() => b.contacts.get(anna.jid)?.presence.show === 'offline');
    expect(a.contacts.get(ben.jid)?.presence.show).toBe('offline');

    b.send(anna.jid, 'while blocked');
    a.presence.set({ show: 'away' });
    await sleep(1000);
    expect(atAnna).toEqual([]);
    expect(b.contacts.get(anna.jid)?.presence.show).toBe('offline');

    await a.blocking.unblock(ben.jid);
    expect(a.blocking.list()).toEqual([]);
    b.send(anna.jid, 'after unblock');
    await eventually(() => atAnna.length > 0);
    expect(atAnna).toEqual(['after unblock']);
    a.presence.set({ show: 'chat' });
    await eventually(() => b.contacts.get(anna.jid)?.presence.show === 'chat');
  });

  it("a block made on one resource appears in the other resource's list", async () => {
    const [anna, spam] = await createAccounts(2);
    const phone = client(anna!, { resource: 'phone' });
    const laptop = client(anna!, { resource: 'laptop' });
    await Promise.all([phone.connect(), laptop.connect()]);
    // The list is fetched at session start; pushes reach only resources that fetched it.
    await eventually(() => laptop.server);
    await sleep(200);
    const seen: string[][] = [];
    laptop.on('blocking:changed', ({ jids }) => seen.push(jids));

    await phone.blocking.block(spam!.jid);
    await eventually(() => laptop.blocking.list().includes(spam!.jid));
    expect(laptop.blocking.isBlocked(spam!.jid)).toBe(true);
    await phone.blocking.unblock(spam!.jid);
    await eventually(() => laptop.blocking.list().length === 0);
    expect(seen).toEqual([[spam!.jid], []]);

    // A fresh session starts from the server's list.
    await phone.blocking.block(spam!.jid);
    const later = client(anna!, { resource: 'later' });
    await later.connect();
    await eventually(() => later.blocking.list().includes(spam!.jid));
  });

  it('rejects commands while offline with not-connected', async () => {
    const [anna] = await createAccounts(1);
    const a = client(anna!);
    await expect(a.blocking.block('x@example.com')).rejects.toMatchObject({ code: 'not-connected' });
    expect(() => a.contacts.approve('x@example.com')).toThrow(
      expect.objectContaining({ code: 'not-connected' }),
    );
  });
});
