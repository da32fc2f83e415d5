// What other clients learn about us from disco#info (XEP-0030/0115): the protocols the SDK
// handles, and none of the PEP notifications or extensions it would ignore.
import { createHash } from 'node:crypto';
import { describe, expect, it, inject } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { eventually, useClients } from '../test/rig/clients.js';
import { connectRawAgent } from '../test/rig/raw-agent.js';

/**
 * XEP-0115 §5.1's verification string hash, for identities and features (no forms). StanzaJS's
 * parser gives an identity the stream's language (`en`) when it has no `xml:lang` of its own; the
 * hash is over the identity's own attribute, which the SDK's identity does not carry.
 */
function capsHash(info: {
  identities: Array<{ category: string; type: string; name?: string }>;
  features: string[];
}): string {
  const identities = info.identities.map((i) => `${i.category}/${i.type}//${i.name ?? ''}<`).sort();
  const features = [...info.features].sort().map((f) => `${f}<`);
  return createHash('sha1')
    .update([...identities, ...features].join(''))
    .digest('base64');
}

const client = useClients();

describe('our advertised features', () => {
  it('lists what the SDK handles and withdraws what it would ignore', async () => {
    const [anna, ben] = await createAccounts(2);
    const chat = client(anna!);
    await chat.connect();
    const raw = await connectRawAgent(ben!, inject('xmpp').websocketUrl);
    try {
      const features = await raw.discoFeatures(chat.jid!);
      for (const supported of [
        'urn:xmpp:receipts',
        'urn:xmpp:chat-markers:0',
        'http://jabber.org/protocol/chatstates',
        'urn:xmpp:message-correct:0',
        'http://jabber.org/protocol/muc',
        'jabber:x:conference',
        'jabber:x:oob',
        'urn:xmpp:ping',
        'urn:xmpp:avatar:metadata+notify',
      ]) {
        expect(features).toContain(supported);
      }
      for (const ignored of [
        'http://jabber.org/protocol/geoloc+notify',
        'http://jabber.org/protocol/mood+notify',
        'http://jabber.org/protocol/tune+notify',
        'http://jabber.org/protocol/activity+notify',
        'http://jabber.org/protocol/nick+notify',
        'urn:xmpp:attention:0',
        'urn:xmpp:rtt:0',
      ]) {
        expect(features).not.toContain(ignored);
      }
    } finally {
      await raw.close();
    }
  });

  it('announces the hash of what it lists (XEP-0115), in its first presence and after a change', async () => {
    const [anna] = await createAccounts(1);
    // Another session of the same account: it gets the SDK's broadcast presence.
    const raw = await connectRawAgent(anna!, inject('xmpp').websocketUrl);
    const seen: Array<{ from?: string; status?: string; caps?: { node: string; value: string } }> = [];
    raw.onPresence((p) =>
      seen.push({
        from: p.from,
        ...(p.status ? { status: p.status } : {}),
        ...(p.legacyCapabilities?.[0] ? { caps: p.legacyCapabilities[0] } : {}),
      }),
    );
    raw.sendPresence({});
    const chat = client(anna!);
    try {
      await chat.connect();
      const first = await eventually(() => seen.find((p) => p.from === chat.jid && p.caps)?.caps);
      const info = await raw.discoInfo(chat.jid!, `${first.node}#${first.value}`);
      expect(info.features).toContain('urn:xmpp:receipts');
      // Added by the SDK's set-up after its transport was made: the hash is not an early one.
      expect(info.features).toContain('urn:xmpp:bookmarks:1+notify');
      expect(capsHash(info)).toBe(first.value);

      chat.presence.set({ show: 'away', status: 'Back at 3' });
      const later = await eventually(
        () => seen.find((p) => p.from === chat.jid && p.status === 'Back at 3')?.caps,
      );
      expect(later.value).toBe(first.value);
      expect(capsHash(await raw.discoInfo(chat.jid!, `${later.node}#${later.value}`))).toBe(later.value);
    } finally {
      await raw.close();
    }
  });
});
