// Rooms across a page reload, against the real Prosody: the client of the next page knows no room
// of the last one, unless they were kept with the resume state. Without bookmarks here.
import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { memoryResumeStorage, reloadingPage, useClients } from '../test/rig/clients.js';
import { transportOf } from './client.js';
import { agentOf } from './transport/xmpp.js';

const xmpp = inject('xmpp');
const client = useClients();

const roomOn = (name: string): string =>
  `${name}-${randomBytes(4).toString('hex')}@conference.${xmpp.domain}`;

/**
 * Anna's page (see `reloadingPage`) and Ben in a new room; `atBen`: the room messages Ben gets.
 */
async function pageInRoomWithBen() {
  const [anna, ben] = await createAccounts(2);
  const reloading = await reloadingPage(client, anna!);
  const b = client(ben!);
  await Promise.all([reloading.page.connect(), b.connect()]);
  const team = roomOn('team');
  await b.rooms.join(team, { nick: 'ben' });
  const atBen: string[] = [];
  b.on('message', ({ message }) => message.kind === 'groupchat' && atBen.push(message.body));
  const annaTeam = await reloading.page.rooms.join(team, { nick: 'anna' });
  return { ...reloading, team, annaTeam, atBen, b };
}

describe('rooms after a page reload', () => {
  it('are joined again by the client that resumes the session, with the nickname they had', async () => {
    const [anna, ben] = await createAccounts(2);
    const { page, resumeStorage, reload, close } = await reloadingPage(client, anna!);
    try {
      const b = client(ben!);
      await Promise.all([page.connect(), b.connect()]);
      const team = roomOn('team');
      const secret = roomOn('secret');
      const benTeam = await b.rooms.join(team, { nick: 'ben' });
      await b.rooms.join(secret, { nick: 'ben', config: { password: 'sesam' } });
      await (await page.rooms.join(team, { nick: 'anna' })).changeNick('Anna (Büro)');
      await page.rooms.join(secret, { nick: 'anna', password: 'sesam' });
      const sessionId = resumeStorage.state?.id;

      // The page goes away without closing its stream; the next one resumes the session.
      const next = await reload();
      const heard: string[] = [];
      next.on('message', ({ message }) => message.kind === 'groupchat' && heard.push(message.body));
      const errors: string[] = [];
      next.on('error', ({ error }) => errors.push(error.message));
      await next.connect();
      expect(resumeStorage.state?.id).toBe(sessionId); // resumed, not a new session
      await expect.poll(() => next.rooms.get(team)?.joined).toBe(true);
      expect(next.rooms.get(team)?.nick).toBe('Anna (Büro)');
      expect(
        next.rooms
          .get(team)
          ?.occupants.map((o) => o.nick)
          .sort(),
      ).toEqual(['Anna (Büro)', 'ben']);
      benTeam.send('Wieder da?');
      await expect.poll(() => heard).toEqual(['Wieder da?']);
      // The room with a password was not kept in the page's storage: it needs a bookmark.
      expect(next.rooms.list().map((room) => room.jid)).toEqual([team]);
      expect(JSON.stringify(resumeStorage.state)).not.toContain('sesam');
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it('deliver what was said in them while the page was away to the next page, once', async () => {
    const [anna, ben] = await createAccounts(2);
    const { page, reload, close } = await reloadingPage(client, anna!);
    try {
      const b = client(ben!);
      await Promise.all([page.connect(), b.connect()]);
      const team = roomOn('team');
      const benTeam = await b.rooms.join(team, { nick: 'ben' });
      await page.rooms.join(team, { nick: 'anna' });
      await expect.poll(() => benTeam.occupants.length).toBe(2);

      const next = await reload();
      benTeam.send('Während du weg warst');
      // Held by the server for the session, not for the next page yet.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const heard: string[] = [];
      // Passed on once the room is joined: an app (a bot) can answer in it right away.
      next.on(
        'message',
        ({ message }) =>
          message.kind === 'groupchat' &&
          heard.push(`${message.body} (${next.rooms.get(team)?.joined ? 'joined' : 'not joined'})`),
      );
      await next.connect();
      await expect.poll(() => next.rooms.get(team)?.joined).toBe(true);
      benTeam.send('Und jetzt');
      await expect.poll(() => heard).toEqual(['Während du weg warst (joined)', 'Und jetzt (joined)']);
    } finally {
      await close();
    }
  });

  it('get what the last page wrote in them but the server never had from the next page when it cannot resume', async () => {
    const { resumeStorage, link, reload, close, team, annaTeam, atBen } = await pageInRoomWithBen();
    try {
      // Everything so far acknowledged; then the page writes, and goes before the message
      // reaches the server.
      await expect.poll(() => resumeStorage.state?.unacked.length, { timeout: 5000 }).toBe(0);
      link.pause();
      annaTeam.send('Letzte Worte');
      await expect.poll(() => JSON.stringify(resumeStorage.state?.unacked)).toContain('Letzte Worte');
      // The next page comes too late: the server no longer has the session.
      const next = await reload(() => resumeStorage.save({ ...resumeStorage.state!, id: 'expired' }));
      link.resume();
      const states: string[] = [];
      next.on('message:state', ({ state }) => states.push(state));
      await next.connect();
      expect(resumeStorage.state?.id).not.toBe('expired');
      await expect.poll(() => next.rooms.get(team)?.joined).toBe(true);
      await expect.poll(() => atBen).toEqual(['Letzte Worte']);
      await expect.poll(() => states).toContain('acked');
      await new Promise((resolve) => setTimeout(resolve, 300)); // a second copy would show here
      expect(atBen).toEqual(['Letzte Worte']);
    } finally {
      await close();
    }
  });

  it('get what the last page wrote in them while offline from the next page, resumed or not', async () => {
    for (const resumes of [true, false]) {
      const { resumeStorage, reload, close, team, annaTeam, atBen } = await pageInRoomWithBen();
      try {
        // The link is lost; the user writes in the room (queued), and the page goes before the
        // connection comes back.
        let written = '';
        const next = await reload(() => {
          written = annaTeam.send('Offline im Raum').id;
          if (!resumes) resumeStorage.save({ ...resumeStorage.state!, id: 'expired' });
        });
        const states: string[] = [];
        next.on('message:state', ({ id, state }) => id === written && states.push(state));
        await next.connect();
        await expect.poll(() => next.rooms.get(team)?.joined).toBe(true);
        await expect.poll(() => atBen).toEqual(['Offline im Raum']);
        await expect.poll(() => states).toContain('acked');
        await expect.poll(() => resumeStorage.state?.kept?.['roomOutbox']).toEqual([]);
        await new Promise((resolve) => setTimeout(resolve, 300)); // a second copy would show here
        expect(atBen).toEqual(['Offline im Raum']);
      } finally {
        await close();
      }
    }
  });

  it('find a room message the next page would write again in the room, and do not write it twice', async () => {
    const { page, resumeStorage, reload, close, team, annaTeam, atBen, b } = await pageInRoomWithBen();
    // What reaches Ben's connection, before his client drops repeats by id: what a client that
    // does not would show.
    let copies = 0;
    agentOf(transportOf(b)!).on('raw:incoming', (xml: string) => {
      if (xml.startsWith('<message') && xml.includes('<body>Angekommen</body>')) copies += 1;
    });
    try {
      // Said before, and seen by the page: the room's history the next page looks through has it,
      // but it is not shown again.
      const atPage: string[] = [];
      page.on('message', ({ message }) => atPage.push(message.body));
      b.rooms.get(team)!.send('Vorher');
      await expect.poll(() => atPage).toEqual(['Vorher']);
      // The page writes and goes at once (hidden first, which writes the state), before the
      // server's acknowledgement comes; the message does reach the room.
      await expect.poll(() => resumeStorage.state?.unacked.length, { timeout: 5000 }).toBe(0);
      annaTeam.send('Angekommen');
      await new Promise((resolve) => setTimeout(resolve, 0)); // written; the ack is asked for later
      page.setActive(false);
      const written = structuredClone(resumeStorage.state!);
      expect(JSON.stringify(written.unacked)).toContain('Angekommen');
      await expect.poll(() => atBen).toEqual(['Vorher', 'Angekommen']);
      const next = await reload(() => resumeStorage.save({ ...written, id: 'expired' }));
      const acked: string[] = [];
      next.on('message:state', ({ id, state }) => state === 'acked' && acked.push(id));
      const shown: string[] = [];
      next.on('message', ({ message }) => shown.push(`${message.body} ${message.state}`));
      await next.connect();
      // The next page finds it in the room's history: it has arrived, and is not written again.
      await expect.poll(() => acked.length).toBe(1);
      expect(shown).toEqual(['Angekommen acked']);
      await new Promise((resolve) => setTimeout(resolve, 300)); // a second copy would show here
      expect(atBen).toEqual(['Vorher', 'Angekommen']);
      expect(copies).toBe(1);
      expect(shown).toEqual(['Angekommen acked']);
    } finally {
      await close();
    }
  });

  it('are joined again in a new session when the old one cannot be resumed', async () => {
    const [anna, ben] = await createAccounts(2);
    const resumeStorage = memoryResumeStorage();
    const page = client(anna!, { resumeStorage });
    const b = client(ben!);
    await Promise.all([page.connect(), b.connect()]);
    const team = roomOn('team');
    const benTeam = await b.rooms.join(team, { nick: 'ben' });
    await page.rooms.join(team, { nick: 'anna' });
    await expect.poll(() => benTeam.occupants.length).toBe(2);

    // The server ended the page's session meanwhile (here: the page signed out, which also ends
    // its room presence), and the stored state names a session the server no longer has.
    const stale = resumeStorage.state!;
    await page.disconnect();
    await expect.poll(() => benTeam.occupants.length).toBe(1);
    resumeStorage.save(stale);
    const next = client(anna!, { resumeStorage });
    await next.connect();
    expect(resumeStorage.state?.id).not.toBe(stale.id); // a new session
    await expect.poll(() => next.rooms.get(team)?.joined).toBe(true);
    await expect.poll(() => benTeam.occupants.map((o) => o.nick).sort()).toEqual(['anna', 'ben']);
  });

  it('are given up when they cannot be joined again, once: reported, and not kept for the next page', async () => {
    const [anna, ben] = await createAccounts(2);
    const { page, resumeStorage, reload, close } = await reloadingPage(client, anna!);
    try {
      const b = client(ben!);
      await Promise.all([page.connect(), b.connect()]);
      const closed = roomOn('closed');
      const benClosed = await b.rooms.join(closed, { nick: 'ben' }); // ben owns it
      await page.rooms.join(closed, { nick: 'anna' });
      const kept = () => (resumeStorage.state?.kept?.rooms as Array<{ jid: string }>).map((room) => room.jid);
      expect(kept()).toEqual([closed]);

      // While the page is away, ben bans anna from the room.
      const next = await reload();
      await benClosed.ban(anna!.jid, 'Nur für das Projektteam');
      const errors: string[] = [];
      next.on('error', ({ error }) => errors.push(error.code));
      await next.connect();
      await expect.poll(() => errors).toEqual(['banned']);
      expect(next.rooms.list()).toEqual([]);
      await expect.poll(kept).toEqual([]);
    } finally {
      await close();
    }
  });
});
