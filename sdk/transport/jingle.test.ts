import { JXT, type Stanzas } from 'stanza';
import Protocol from 'stanza/protocol/index.js';
import { describe, expect, it } from 'vitest';
import { fileDescription, parseFile, parseSignal, parseTransport, transportElement } from './jingle.js';
import { bytestreamAddress } from './socks5.js';

// StanzaJS's own XML definitions, so the tests parse and write stanzas exactly as the agent does.
const registry = new JXT.Registry();
registry.define(
  ((Protocol as unknown as { default?: unknown }).default ?? Protocol) as Parameters<
    JXT.Registry['define']
  >[0],
);
const parse = (xml: string): Stanzas.IQ & { jingle: Stanzas.Jingle } =>
  registry.import(JXT.parse(xml)) as unknown as Stanzas.IQ & { jingle: Stanzas.Jingle };
const serialize = (iq: Stanzas.IQ): string => registry.export('iq', iq)!.toString();

const SHA = '2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae'; // sha-256("foo")

describe('Jingle file offers', () => {
  it('reads an offer as other clients send it: file, SHA-256 (hashes:2, base64), candidates', () => {
    const iq = parse(`<iq xmlns="jabber:client" type="set" from="ben@example.com/desktop" id="j1">
      <jingle xmlns="urn:xmpp:jingle:1" action="session-initiate" sid="s1" initiator="ben@example.com/desktop">
        <content creator="initiator" name="a-file-offer" senders="initiator">
          <description xmlns="urn:xmpp:jingle:apps:file-transfer:5">
            <file>
              <media-type>text/plain</media-type>
              <name>test.txt</name>
              <size>3</size>
              <hash xmlns="urn:xmpp:hashes:2" algo="sha-256">LCa0a2j/xo/5m0U8HTBBNBNCLXBkg7+g+YpeiGJm564=</hash>
            </file>
          </description>
          <transport xmlns="urn:xmpp:jingle:transports:s5b:1" sid="t1" mode="tcp" dstaddr="abc">
            <candidate cid="c1" host="192.168.1.2" port="16453" priority="8257536" type="direct" jid="ben@example.com/desktop"/>
            <candidate cid="c2" host="proxy.example.com" port="7777" priority="655360" type="proxy" jid="proxy.example.com"/>
          </transport>
        </content>
      </jingle>
    </iq>`);
    const content = iq.jingle.contents![0]!;
    expect(parseFile(content.application)).toEqual({
      name: 'test.txt',
      size: 3,
      type: 'text/plain',
      sha256: SHA,
    });
    expect(parseTransport(content.transport)).toEqual({
      sid: 't1',
      address: 'abc',
      candidates: [
        {
          cid: 'c1',
          host: '192.168.1.2',
          port: 16453,
          priority: 8257536,
          type: 'direct',
          jid: 'ben@example.com/desktop',
        },
        {
          cid: 'c2',
          host: 'proxy.example.com',
          port: 7777,
          priority: 655360,
          type: 'proxy',
          jid: 'proxy.example.com',
        },
      ],
    });
  });

  it('ignores other applications and transports (left to others)', () => {
    expect(parseFile({ applicationType: 'urn:xmpp:jingle:apps:rtp:1' })).toBeUndefined();
    expect(parseTransport({ transportType: 'urn:xmpp:jingle:transports:ibb:1' })).toBeUndefined();
  });

  it('writes an offer others can read: hash in hashes:2, the proxy candidate with its JID', () => {
    const xml = serialize({
      type: 'set',
      to: 'ben@example.com/desktop',
      id: 'x',
      jingle: {
        action: 'session-initiate',
        sid: 's1',
        contents: [
          {
            creator: 'initiator',
            name: 'file',
            senders: 'initiator',
            application: fileDescription({ name: 'test.txt', size: 3, type: 'text/plain', sha256: SHA }),
            transport: transportElement({
              sid: 't1',
              address: 'abc',
              candidates: [
                {
                  cid: 'c1',
                  host: '127.0.0.1',
                  port: 5000,
                  jid: 'proxy.example.com',
                  priority: 655361,
                  type: 'proxy',
                },
              ],
            }),
          },
        ],
      },
    });
    expect(xml).toContain(
      '<hash xmlns="urn:xmpp:hashes:2" algo="sha-256">LCa0a2j/xo/5m0U8HTBBNBNCLXBkg7+g+YpeiGJm564=</hash>',
    );
    expect(xml).toMatch(/<candidate [^>]*jid="proxy.example.com"/);
    expect(xml).toMatch(/<candidate [^>]*type="proxy"/);
    expect(xml).toMatch(/<transport [^>]*dstaddr="abc"/);
    // And it reads back to the same data.
    const back = parse(xml.replace('<iq ', '<iq from="anna@example.com/bot" '));
    expect(parseFile(back.jingle.contents![0]!.application)).toMatchObject({ sha256: SHA, size: 3 });
  });

  it('reads transport-info reports and session-terminate reasons', () => {
    const report = parse(`<iq xmlns="jabber:client" type="set" from="ben@example.com/d" id="j2">
      <jingle xmlns="urn:xmpp:jingle:1" action="transport-info" sid="s1">
        <content creator="initiator" name="file">
          <transport xmlns="urn:xmpp:jingle:transports:s5b:1" sid="t1"><candidate-used cid="c2"/></transport>
        </content>
      </jingle>
    </iq>`);
    expect(parseSignal(report.jingle)).toEqual({ action: 'transport-info', candidateUsed: 'c2' });
    const end = parse(`<iq xmlns="jabber:client" type="set" from="ben@example.com/d" id="j3">
      <jingle xmlns="urn:xmpp:jingle:1" action="session-terminate" sid="s1">
        <reason><decline/><text>not now</text></reason>
      </jingle>
    </iq>`);
    expect(parseSignal(end.jingle)).toEqual({
      action: 'session-terminate',
      reason: 'decline',
      text: 'not now',
    });
  });
});

describe('bytestreamAddress', () => {
  it('is the hex SHA-1 of stream id, requester and target (XEP-0065)', () => {
    // printf '%s' 't1anna@example.com/botben@example.com/desktop' | openssl sha1
    expect(bytestreamAddress('t1', 'anna@example.com/bot', 'ben@example.com/desktop')).toBe(
      'da8980a7ce281071769d62893ad7d2888a763b1f',
    );
  });
});
