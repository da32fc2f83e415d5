// suspend(): the connection closes, the session stays on the server for the next client (a page
// of the same tab, a widget created again, a bot's next process) to resume.
import { describe, expect, it } from 'vitest';
import {
  eventually,
  friends,
  memoryLoginKey,
  memoryResumeStorage,
  reloadingPage,
  useClients,
} from '../test/rig/clients.js';
import type { TestAccount } from '../test/rig/accounts.js';
import type { Chat, ChatOptions, PresenceShow } from './index.js';

const client = useClients();
/** A client of `account` that logs in with its kept login key, without the password. */
function keyOnly(account: TestAccount, options: Partial<ChatOptions>): Chat {
  return client(account, { ...options, credentials: () => Promise.reject(new Error('no password here')) });
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What `b` hears of `jid`'s presence from now on. */
function shows(b: Chat, jid: string): PresenceShow[] {
  const seen: PresenceShow[] = [];
  b.on('presence', ({ jid: from, presence }) => {
    if (from === jid) seen.push(presence.show);
  });
  return seen;
}

/** Bodies of the messages `chat` receives from now on. */
function inbox(chat: Chat): string[] {
  const bodies: string[] = [];
  chat.on('message', ({ message }) => {
    if (message.direction === 'in') bodies.push(message.body);
  });
  return bodies;
}

describe('suspend()', () => {
  it('leaves the session to the next client: contacts never see the user leave, nothing is lost', async () => {
    const { a, b, anna, ben } = await friends(client);
    // Anna's only resource from here on: a client with a resume storage and a login key.
    await a.disconnect();
    await eventually(() => b.contacts.get(anna.jid)?.presence.show === 'offline');
    const resumeStorage = memoryResumeStorage();
    const loginKey = memoryLoginKey();
    const first = client(anna, { resumeStorage, loginKey });
    await first.connect();
    await eventually(() => b.contacts.get(anna.jid)?.presence.show === 'online');
    const session = resumeStorage.state?.id;
    expect(session).toBeTruthy();
    const heard = shows(b, anna.jid);
    const atBen = inbox(b);

    first.send(ben.jid, 'just before leaving');
    await first.suspend();
    expect(first.status).toBe('offline');
    expect(resumeStorage.state?.id).toBe(session);
    expect(loginKey.kept).toBeDefined();
    b.send(anna.jid, 'while you were away');
    await sleep(500); // long enough for Ben to hear of a session that ended (see the end)
    expect(heard).not.toContain('offline');

    // The next client: the kept login key alone, no password.
    const second = keyOnly(anna, { resumeStorage, loginKey });
    const atAnna = inbox(second);
    await second.connect();
    expect(resumeStorage.state?.id).toBe(session); // resumed, not a new session
    await expect.poll(() => atAnna).toEqual(['while you were away']);
    await expect.poll(() => atBen).toEqual(['just before leaving']);
    b.send(anna.jid, 'back');
    await expect.poll(() => atAnna).toEqual(['while you were away', 'back']);
    expect(atBen).toEqual(['just before leaving']); // once: not sent again by the resume
    expect(heard).not.toContain('offline');

    // Ending it is seen at once.
    await second.disconnect();
    await expect.poll(() => heard).toContain('offline');
  });

  it('a client created while suspend() is under way resumes the session', async () => {
    const { a, b, anna, ben } = await friends(client);
    await a.disconnect();
    const resumeStorage = memoryResumeStorage();
    const first = client(anna, { resumeStorage });
    await first.connect();
    const session = resumeStorage.state?.id;
    const atBen = inbox(b);
    first.send(ben.jid, 'eins');

    // A page that replaces the chat's element: the new one signs in in the same task.
    const leaving = first.suspend();
    const second = client(anna, { resumeStorage });

    const atAnna = inbox(second);
    await Promise.all([second.connect(), leaving]);
    expect(resumeStorage.state?.id).toBe(session);
    second.send(ben.jid, 'zwei');
    b.send(anna.jid, 'drei');
    await expect.poll(() => atAnna).toEqual(['drei']);
    await expect.poll(() => atBen).toEqual(['eins', 'zwei']);
    expect(second.status).toBe('online');
  });

  it('without a session to leave (no resume storage), ends it but keeps the login key', async () => {
    const { b, anna } = await friends(client);
    const loginKey = memoryLoginKey();
    const first = client(anna, { loginKey });
    await first.connect();
    await eventually(() => b.contacts.get(anna.jid)?.resources.length === 2);
    await first.suspend();
    expect(first.status).toBe('offline');
    // Anna's other client (friends') is still on; the suspended one's resource is gone from Ben's
    // view of her: there was no session to leave, so it ended.
    await expect.poll(() => b.contacts.get(anna.jid)?.resources.length).toBe(1);
    const again = keyOnly(anna, { loginKey });
    await again.connect();
    expect(again.status).toBe('online');
  });

  it('a client resuming a session left before carbons were on turns them on', async () => {
    const { a, anna, ben } = await friends(client);
    const { page, resumeStorage, reload, close } = await reloadingPage(client, anna);
    try {
      await page.connect();
      // Gone at once, before the client had turned on carbons (it asks the server's features first).
      const second = await reload();
      expect(resumeStorage.state?.kept?.['carbons']).not.toBe(true);
      const session = resumeStorage.state?.id;
      const mine: string[] = [];
      second.on('message', ({ message }) => {
        if (message.direction === 'out') mine.push(message.body);
      });
      await second.connect();
      expect(resumeStorage.state?.id).toBe(session);
      await expect.poll(() => resumeStorage.state?.kept?.['carbons']).toBe(true);
      // What Anna writes on her other device shows here too (a carbon).
      a.send(ben.jid, 'from my phone');
      await expect.poll(() => mine).toEqual(['from my phone']);
    } finally {
      await close();
    }
  });
});
