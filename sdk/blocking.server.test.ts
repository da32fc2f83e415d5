// Blocking (XEP-0191) between real accounts on the test Prosody.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createAccounts, type TestAccount } from '../test/rig/accounts.js';
import { createChat, type Chat, type ChatOptions } from './index.js';

const xmpp = inject('xmpp');
const open: Chat[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((chat) => chat.disconnect()));
});

function client(account: TestAccount, options: Partial<ChatOptions> = {}): Chat {
  const chat = createChat({
    jid: account.jid,
    password: account.password,
    service: xmpp.websocketUrl,
    resumeStorage: false,
    ...options,
  });
  open.push(chat);
  return chat;
}

/** Polls `check` until it returns a truthy value (and returns that), or fails after `ms`. */
async function eventually<T>(check: () => T, ms = 8000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Two online clients that are mutual contacts (subscription `both` on each side). */
async function friends(): Promise<{ a: Chat; b: Chat; anna: TestAccount; ben: TestAccount }> {
  const [anna, ben] = await createAccounts(2);
  const a = client(anna!);
  const b = client(ben!);
  await Promise.all([a.connect(), b.connect()]);
  b.on('subscription:request', ({ jid }) => b.contacts.approve(jid));
  await a.contacts.add(ben!.jid, { name: 'Ben' });
  await eventually(() => a.contacts.get(ben!.jid)?.subscription === 'both');
  await eventually(() => b.contacts.get(anna!.jid)?.subscription === 'both');
  return { a, b, anna: anna!, ben: ben! };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('blocking', () => {
  it('stops messages and presence from a blocked contact, and unblocking restores both', async () => {
    const { a, b, anna, ben } = await friends();
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
