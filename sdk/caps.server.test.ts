// What other clients learn about us from disco#info (XEP-0030/0115): the protocols the SDK
// handles, and none of the PEP notifications or extensions it would ignore.
import { describe, expect, it, inject } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { useClients } from '../test/rig/clients.js';
import { connectRawAgent } from '../test/rig/raw-agent.js';

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
        'urn:xmpp:attention:0',
        'urn:xmpp:rtt:0',
      ]) {
        expect(features).not.toContain(ignored);
      }
    } finally {
      await raw.close();
    }
  });
});
