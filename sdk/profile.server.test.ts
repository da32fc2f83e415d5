// Own profile (vcard-temp) and contacts' avatars (XEP-0084 / XEP-0153) on the test Prosody.
import { describe, expect, it } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { eventually, friends, useClients } from '../test/rig/clients.js';
import { connectRawAgent } from '../test/rig/raw-agent.js';
import { createHash } from 'node:crypto';
import { inject } from 'vitest';

const client = useClients();
const friendsNow = () => friends(client);

/** The bytes behind a `data:` URL. */
function bytesOf(url: string): Uint8Array {
  const match = /^data:([^;,]+);base64,(.*)$/.exec(url);
  if (!match) throw new Error(`not a data URL: ${url.slice(0, 40)}`);
  return new Uint8Array(Buffer.from(match[2]!, 'base64'));
}

/** A small valid PNG (1×1, one colour per call) so that each avatar has its own hash. */
function png(seed: number): Uint8Array {
  const base = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  );
  const bytes = new Uint8Array(base.length + 1);
  bytes.set(base);
  bytes[base.length] = seed; // trailing byte after IEND: still displayable, different hash
  return bytes;
}

describe('profile and avatars', () => {
  it('announces the photo in our presence (XEP-0153), so any client of a contact learns of it', async () => {
    const { a, anna, ben } = await friendsNow();
    // Another device of ben's that only speaks plain XMPP and looks at the raw presence.
    const raw = await connectRawAgent(ben, inject('xmpp').websocketUrl);
    try {
      const hashes: string[] = [];
      raw.onPresence((presence) => {
        if (presence.from?.startsWith(`${anna.jid}/`) && typeof presence.vcardAvatar === 'string') {
          hashes.push(presence.vcardAvatar);
        }
      });
      raw.sendPresence({});
      const photo = png(7);
      await a.profile.set({ avatar: { data: photo, type: 'image/png' } });
      const expected = createHash('sha1').update(photo).digest('hex');
      await eventually(() => hashes.includes(expected));
      await a.profile.set({ avatar: null });
      await eventually(() => hashes.at(-1) === '');
    } finally {
      await raw.close();
    }
  });

  it('writes and reads our own vCard: name, nickname, avatar', async () => {
    const [anna] = await createAccounts(1);
    const a = client(anna!);
    await a.connect();
    expect(await a.profile.get()).toEqual({});
    const avatar = png(1);
    await a.profile.set({ name: 'Anna Berg', nickname: 'anna', avatar: { data: avatar, type: 'image/png' } });
    const profile = await a.profile.get();
    expect(profile).toMatchObject({ name: 'Anna Berg', nickname: 'anna' });
    expect(bytesOf(profile.avatar!)).toEqual(avatar);
    expect(profile.avatar!.startsWith('data:image/png;base64,')).toBe(true);

    await a.profile.set({ nickname: 'Anni' });
    expect(await a.profile.get()).toMatchObject({ name: 'Anna Berg', nickname: 'Anni' });
    await a.profile.set({ avatar: null });
    expect((await a.profile.get()).avatar).toBeUndefined();
  });

  it("a contact's avatar set with profile.set arrives as a URL with the same bytes, and follows changes", async () => {
    const { a, b, anna } = await friendsNow();
    const first = png(2);
    await a.profile.set({ avatar: { data: first, type: 'image/png' } });
    const url = await eventually(() => b.contacts.get(anna.jid)?.avatar);
    expect(bytesOf(url)).toEqual(first);

    const second = png(3);
    await a.profile.set({ avatar: { data: second, type: 'image/png' } });
    const next = await eventually(() => {
      const current = b.contacts.get(anna.jid)?.avatar;
      return current && current !== url ? current : undefined;
    });
    expect(bytesOf(next)).toEqual(second);
  });

  it("a contact's avatar published to PEP (XEP-0084, as Conversations does) arrives, and so does its removal", async () => {
    const { b, anna } = await friendsNow();
    // Anna's other device: a client that publishes its avatar only to PEP, never in a vCard.
    const phone = await connectRawAgent(anna, inject('xmpp').websocketUrl);
    try {
      const image = png(5);
      await phone.publishPepAvatar({ data: image, type: 'image/png' });
      const url = await eventually(() => b.contacts.get(anna.jid)?.avatar);
      expect(bytesOf(url)).toEqual(image);
      expect(url.startsWith('data:image/png;base64,')).toBe(true);

      await phone.publishPepAvatar(undefined);
      await eventually(() => b.contacts.get(anna.jid)?.avatar === undefined);
    } finally {
      await phone.close();
    }
  });

  it('a contact who comes online later brings its avatar along', async () => {
    const { a, anna, ben } = await friendsNow();
    const image = png(4);
    await a.profile.set({ avatar: { data: image, type: 'image/png' } });
    const later = client(ben, { resource: 'later' });
    await later.connect();
    const url = await eventually(() => later.contacts.get(anna.jid)?.avatar);
    expect(bytesOf(url)).toEqual(image);
  });
});
