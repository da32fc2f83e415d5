// Sessions over BOSH are not resumable: Prosody 0.12 fails on a resume into a BOSH connection
// (mod_smacks indexes the connection's `rawsend`, which BOSH sessions lack) and never answers it,
// and a resumable session would hibernate after its BOSH session ends.
import { describe, expect, inject, it } from 'vitest';
import { eventually, friends, memoryResumeStorage, useClients } from '../test/rig/clients.js';

const client = useClients();
const bosh = () => inject('xmpp').boshUrl;

describe('sessions over BOSH', () => {
  it('end when the user signs out or the client suspends: contacts see it at once', async () => {
    const { a, b, anna } = await friends(client);
    await a.disconnect();
    await eventually(() => b.contacts.get(anna.jid)?.presence.show === 'offline');
    for (const leave of ['disconnect', 'suspend'] as const) {
      const page = client(anna, { service: bosh(), resumeStorage: memoryResumeStorage() });
      await page.connect();
      await eventually(() => b.contacts.get(anna.jid)?.presence.show === 'online');
      await page[leave]();
      // A hibernating session would keep Anna online for the server's hibernation time.
      await expect.poll(() => b.contacts.get(anna.jid)?.presence.show, { timeout: 5000 }).toBe('offline');
    }
  });

  it('a page over BOSH after one that left a resumable session signs in at once, with a new session', async () => {
    const { b, anna, ben } = await friends(client);
    // A page over WebSocket leaves its session for the next one; the next can reach only BOSH.
    const resumeStorage = memoryResumeStorage();
    const first = client(anna, { resumeStorage });
    await first.connect();
    await first.suspend();
    const left = resumeStorage.state!;
    expect(left.id).toBeTruthy();

    const next = client(anna, { service: bosh(), resumeStorage });
    const atBen: string[] = [];
    b.on('message', ({ message }) => atBen.push(message.body));
    // Waiting on an answer to a resume would take the whole connect timeout (30 s): this test
    // would time out first.
    await next.connect();
    expect(next.status).toBe('online');
    expect(resumeStorage.state?.id).not.toBe(left.id);
    next.send(ben.jid, 'hallo');
    await expect.poll(() => atBen).toEqual(['hallo']);
  });
});
