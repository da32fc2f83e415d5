// Contacts' avatars from a XEP-0153 photo hash alone, on a server that does not bridge vCards to
// PEP (no mod_vcard_legacy: plain vcard-temp storage), so the hash in presence plus a vCard fetch
// is the only way the avatar can reach the other side.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventually, usePrivateServer } from '../test/rig/clients.js';
import { connectRawAgent } from '../test/rig/raw-agent.js';

const rig = usePrivateServer(['anna', 'ben'], { modules: { enable: ['vcard'], disable: ['vcard_legacy'] } });

/** A small valid PNG (1×1) with one trailing byte so that each call has its own hash. */
function png(seed: number): Uint8Array {
  const base = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  );
  return new Uint8Array(Buffer.concat([base, Buffer.from([seed])]));
}

function bytesOf(url: string): Uint8Array {
  const match = /^data:([^;,]+);base64,(.*)$/.exec(url);
  if (!match) throw new Error(`not a data URL: ${url.slice(0, 40)}`);
  return new Uint8Array(Buffer.from(match[2]!, 'base64'));
}

describe('avatars from XEP-0153 hashes (server without a vCard-to-PEP bridge)', () => {
  it("shows a contact's vCard photo, and its replacement, learned from the hash in its presence", async () => {
    const anna = rig.client('anna');
    const ben = rig.client('ben');
    await Promise.all([anna.connect(), ben.connect()]);
    const benJid = `ben@${rig.server.domain}`;
    ben.on('subscription:request', ({ jid }) => void ben.contacts.approve(jid));
    await anna.contacts.add(benJid);
    await eventually(() => anna.contacts.get(benJid)?.subscription === 'both');
    expect(anna.contacts.get(benJid)?.avatar).toBeUndefined();

    const first = png(7);
    await ben.profile.set({ avatar: { data: first, type: 'image/png' } });
    await eventually(() => {
      const url = anna.contacts.get(benJid)?.avatar;
      return url !== undefined && Buffer.from(bytesOf(url)).equals(first);
    });
    const second = png(8);
    await ben.profile.set({ avatar: { data: second, type: 'image/png' } });
    await eventually(() => {
      const url = anna.contacts.get(benJid)?.avatar;
      return url !== undefined && Buffer.from(bytesOf(url)).equals(second);
    });
    await Promise.all([anna.disconnect(), ben.disconnect()]);
  });

  it("learns the photo from a plain client's presence hash after a fresh login", async () => {
    const anna = rig.client('anna');
    await anna.connect();
    await eventually(() => anna.contacts.get(`ben@${rig.server.domain}`)?.subscription === 'both');
    // Ben's photo is the second one of the previous test, stored in his vCard. A client of his
    // that knows nothing of PEP only puts the photo's hash in its presence, as XEP-0153 says.
    const raw = await connectRawAgent(
      { jid: `ben@${rig.server.domain}`, password: 'ben-pass' },
      rig.server.websocketUrl,
    );
    try {
      const photo = png(8);
      raw.sendPresence({ vcardAvatar: createHash('sha1').update(photo).digest('hex') });
      const url = await eventually(() => anna.contacts.get(`ben@${rig.server.domain}`)?.avatar);
      expect(bytesOf(url)).toEqual(photo);
    } finally {
      await raw.close();
    }
  });

  it('publishes our own photo hash in presence, so plain clients learn of a new avatar', async () => {
    const anna = rig.client('anna');
    await anna.connect();
    const raw = await connectRawAgent(
      { jid: `ben@${rig.server.domain}`, password: 'ben-pass' },
      rig.server.websocketUrl,
    );
    try {
      const hashes: string[] = [];
      raw.onPresence((presence) => {
        const hash = (presence as { vcardAvatar?: string | boolean }).vcardAvatar;
        if (typeof hash === 'string' && presence.from?.startsWith(`anna@${rig.server.domain}/`))
          hashes.push(hash);
      });
      raw.sendPresence({});
      const photo = png(11);
      await anna.profile.set({ avatar: { data: photo, type: 'image/png' } });
      const expected = createHash('sha1').update(photo).digest('hex');
      await eventually(() => hashes.includes(expected));
    } finally {
      await raw.close();
    }
  });
});
