import { JXT, type Stanzas } from 'stanza';
import Protocol from 'stanza/protocol/index.js';
import { describe, expect, it } from 'vitest';
import { toInbound, toStanza } from './messages.js';

// StanzaJS's own XML definitions, so the tests parse stanzas exactly as the agent does.
const registry = new JXT.Registry();
// (CommonJS interop: the definitions are the default export, or under `default` of it.)
registry.define(
  ((Protocol as unknown as { default?: unknown }).default ?? Protocol) as Parameters<
    JXT.Registry['define']
  >[0],
);

const parse = (xml: string): Stanzas.ReceivedMessage =>
  registry.import(JXT.parse(xml)) as unknown as Stanzas.ReceivedMessage;
const serialize = (message: Stanzas.Message): string => registry.export('message', message)!.toString();

const ME = 'anna@example.com';

describe('parsing incoming messages', () => {
  it('reads a chat message with receipt request, markable, chat state, ids and delay', () => {
    const inbound = toInbound(
      parse(`<message xmlns="jabber:client" from="ben@example.com/phone" to="anna@example.com/web" type="chat" id="m1">
        <body>Hallo Anna</body>
        <request xmlns="urn:xmpp:receipts"/>
        <markable xmlns="urn:xmpp:chat-markers:0"/>
        <active xmlns="http://jabber.org/protocol/chatstates"/>
        <origin-id xmlns="urn:xmpp:sid:0" id="o1"/>
        <stanza-id xmlns="urn:xmpp:sid:0" by="anna@example.com" id="s1"/>
        <stanza-id xmlns="urn:xmpp:sid:0" by="ben@example.com" id="not-ours"/>
        <delay xmlns="urn:xmpp:delay" from="example.com" stamp="2026-01-02T03:04:05Z"/>
      </message>`),
      ME,
    );
    expect(inbound).toEqual({
      id: 'm1',
      from: 'ben@example.com/phone',
      to: 'anna@example.com/web',
      type: 'chat',
      body: 'Hallo Anna',
      stanzaId: 's1',
      originId: 'o1',
      delay: new Date('2026-01-02T03:04:05Z'),
      receiptRequest: true,
      markable: true,
      chatState: 'active',
    });
  });

  it('reads receipts and markers that answer our messages', () => {
    const receipt = toInbound(
      parse(`<message xmlns="jabber:client" from="ben@example.com/phone" to="anna@example.com/web" type="chat">
        <received xmlns="urn:xmpp:receipts" id="m1"/><received xmlns="urn:xmpp:chat-markers:0" id="m1"/></message>`),
      ME,
    );
    expect(receipt).toMatchObject({ receiptFor: 'm1', marker: { type: 'received', id: 'm1' } });
    expect(receipt?.body).toBeUndefined();
    const displayed = toInbound(
      parse(`<message xmlns="jabber:client" from="ben@example.com/phone" to="anna@example.com/web" type="chat">
        <displayed xmlns="urn:xmpp:chat-markers:0" id="m2"/></message>`),
      ME,
    );
    expect(displayed?.marker).toEqual({ type: 'displayed', id: 'm2' });
  });

  it('reads a typing notification, a correction, an OOB link and /me', () => {
    const typing = toInbound(
      parse(`<message xmlns="jabber:client" from="ben@example.com/phone" to="anna@example.com" type="chat">
        <composing xmlns="http://jabber.org/protocol/chatstates"/></message>`),
      ME,
    );
    expect(typing).toMatchObject({ chatState: 'composing' });
    const correction = toInbound(
      parse(`<message xmlns="jabber:client" from="ben@example.com/phone" to="anna@example.com" type="chat" id="m3">
        <body>Hello!</body><replace xmlns="urn:xmpp:message-correct:0" id="m1"/></message>`),
      ME,
    );
    expect(correction).toMatchObject({ body: 'Hello!', replace: 'm1' });
    const oob = toInbound(
      parse(`<message xmlns="jabber:client" from="ben@example.com/phone" to="anna@example.com" type="chat">
        <body>https://share.example.com/x/plan.pdf</body>
        <x xmlns="jabber:x:oob"><url>https://share.example.com/x/plan.pdf</url><desc>The plan</desc></x></message>`),
      ME,
    );
    expect(oob?.links).toEqual([{ url: 'https://share.example.com/x/plan.pdf', description: 'The plan' }]);
    const me = toInbound(
      parse(`<message xmlns="jabber:client" from="ben@example.com/phone" to="anna@example.com" type="chat">
        <body>/me waves</body></message>`),
      ME,
    );
    expect(me).toMatchObject({ body: '/me waves', action: true });
  });

  it('unwraps a sent carbon from our own account as our message to the peer', () => {
    const inbound = toInbound(
      parse(`<message xmlns="jabber:client" from="anna@example.com" to="anna@example.com/web" type="chat">
        <sent xmlns="urn:xmpp:carbons:2"><forwarded xmlns="urn:xmpp:forward:0">
          <message xmlns="jabber:client" from="anna@example.com/phone" to="ben@example.com" type="chat" id="c1">
            <body>from my phone</body><origin-id xmlns="urn:xmpp:sid:0" id="c1"/>
          </message></forwarded></sent></message>`),
      ME,
    );
    expect(inbound).toMatchObject({
      carbon: 'sent',
      from: 'anna@example.com/phone',
      to: 'ben@example.com',
      body: 'from my phone',
      id: 'c1',
      originId: 'c1',
    });
  });

  it('unwraps a received carbon with the forward delay', () => {
    const inbound = toInbound(
      parse(`<message xmlns="jabber:client" from="anna@example.com" to="anna@example.com/web" type="chat">
        <received xmlns="urn:xmpp:carbons:2"><forwarded xmlns="urn:xmpp:forward:0">
          <delay xmlns="urn:xmpp:delay" stamp="2026-01-02T03:04:05Z"/>
          <message xmlns="jabber:client" from="ben@example.com/phone" to="anna@example.com/phone" type="chat" id="r1">
            <body>to your phone</body></message></forwarded></received></message>`),
      ME,
    );
    expect(inbound).toMatchObject({
      carbon: 'received',
      from: 'ben@example.com/phone',
      body: 'to your phone',
      delay: new Date('2026-01-02T03:04:05Z'),
    });
  });

  it('drops a forged carbon: one not sent by our own account', () => {
    const forged =
      parse(`<message xmlns="jabber:client" from="eve@example.com/x" to="anna@example.com/web" type="chat">
        <sent xmlns="urn:xmpp:carbons:2"><forwarded xmlns="urn:xmpp:forward:0">
          <message xmlns="jabber:client" from="anna@example.com/phone" to="ben@example.com" type="chat">
            <body>I owe Eve 1000 EUR</body></message></forwarded></sent></message>`);
    expect(toInbound(forged, ME)).toBeUndefined();
  });
});

describe('building outgoing messages', () => {
  it('sends a chat message with origin id, receipt request and markable', () => {
    const xml = serialize(
      toStanza({
        id: 'm1',
        to: 'ben@example.com',
        type: 'chat',
        body: 'Hi',
        requestReceipt: true,
        markable: true,
        chatState: 'active',
      }),
    );
    expect(xml).toContain('<origin-id xmlns="urn:xmpp:sid:0" id="m1"/>');
    expect(xml).toContain('<request xmlns="urn:xmpp:receipts"/>');
    expect(xml).toContain('<markable xmlns="urn:xmpp:chat-markers:0"/>');
    expect(xml).toContain('<active xmlns="http://jabber.org/protocol/chatstates"/>');
  });

  it('sends a chat state alone, without origin id (so server-side CSI can hold it)', () => {
    const stanza = toStanza({ to: 'ben@example.com', type: 'chat', chatState: 'composing' });
    // StanzaJS's sendMessage adds an origin id unless the key is present and undefined.
    expect('originId' in stanza && stanza.originId === undefined).toBe(true);
    expect(serialize({ id: 'x', ...stanza })).toBe(
      '<message xmlns="jabber:client" id="x" to="ben@example.com" type="chat"><composing xmlns="http://jabber.org/protocol/chatstates"/></message>',
    );
  });

  it('sends corrections, receipts and markers', () => {
    expect(
      serialize(toStanza({ id: 'm2', to: 'ben@example.com', type: 'chat', body: 'Hi!', replace: 'm1' })),
    ).toContain('<replace xmlns="urn:xmpp:message-correct:0" id="m1"/>');
    const reply = serialize(
      toStanza({
        to: 'ben@example.com/phone',
        type: 'chat',
        receiptFor: 'm1',
        marker: { type: 'received', id: 'm1' },
      }),
    );
    expect(reply).toContain('<received xmlns="urn:xmpp:receipts" id="m1"/>');
    expect(reply).toContain('<received xmlns="urn:xmpp:chat-markers:0" id="m1"/>');
    expect(reply).not.toContain('origin-id');
  });
});
