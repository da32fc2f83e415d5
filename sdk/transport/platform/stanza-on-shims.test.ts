// StanzaJS's own browser code, running on the browser build's replacements the way the bundle wires
// them (scripts/rollup-stanza-subset.mjs): its hashing (caps) on our SHA-1, its SASL mechanism
// factory on ours, its XML stream parser on our stream and Buffer, and its addresses on our
// stringprep, checked against Node's crypto and StanzaJS's behaviour in Node.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as buffer from './buffer.js';
import * as events from './events.js';
import * as hash from './hash.js';
import * as punycode from './punycode.js';
import * as sasl from './sasl.js';
import * as stream from './stream.js';
import * as stringprep from './stringprep.js';

const require = createRequire(import.meta.url);
const stanzaDir = dirname(require.resolve('stanza/package.json'));

/**
 * Loads a StanzaJS module (CommonJS) with its relative requires loaded the same way, and the
 * browser platform (its polyfills and crypto), the SASL library, stringprep, `events` and
 * `punycode` replaced as in the browser bundle.
 */
function loadStanza(path: string): Record<string, unknown> {
  const overrides = new Map<string, unknown>([
    [join(stanzaDir, 'platform/browser/buffer'), buffer],
    [join(stanzaDir, 'platform/browser/stream'), stream],
    [join(stanzaDir, 'platform/browser/crypto/createHash'), hash],
    [join(stanzaDir, 'platform/browser/crypto/Hmac'), { __esModule: true, default: hash.Hmac }],
    [join(stanzaDir, 'lib/sasl'), sasl],
    [join(stanzaDir, 'lib/stringprep'), stringprep],
  ]);
  const cache = new Map<string, { exports: Record<string, unknown> }>();
  const load = (file: string): Record<string, unknown> => {
    const cached = cache.get(file);
    if (cached) return cached.exports;
    const module = { exports: {} as Record<string, unknown> };
    cache.set(file, module);
    const localRequire = (id: string): unknown => {
      if (id === 'events') return events;
      if (id === 'punycode' || id === 'punycode/') return punycode;
      if (!id.startsWith('.')) return require(id);
      let target = resolve(dirname(file), id).replace(/(\/index)?(\.js)?$/, '');
      if (target === join(stanzaDir, 'platform')) target = join(stanzaDir, 'platform/browser');
      if (overrides.has(target)) return overrides.get(target);
      return load(require.resolve(target));
    };
    const body = readFileSync(file, 'utf8');
    // A CommonJS module wrapper, as Node's.
    new Function('exports', 'require', 'module', body)(module.exports, localRequire, module);
    return module.exports;
  };
  return load(join(stanzaDir, path));
}

type Digest = { update(data: unknown, encoding?: string): Digest; digest(encoding?: string): unknown };
const platform = loadStanza('platform/browser/index.js') as {
  Buffer: typeof buffer.Buffer;
  createHash(alg: string): Digest;
  createHmac(alg: string, key: unknown): Digest;
  randomBytes(size: number): Uint8Array;
};

describe("the browser platform's crypto", () => {
  const inputs = ['', 'abc', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(64), 'Grüße 🎉'.repeat(40)];

  it.each(['sha-1', 'sha1', 'SHA-1'])('hashes with %s as Node does', (name) => {
    for (const input of inputs) {
      const ours = platform.createHash(name).update(input).digest('hex');
      expect(ours).toBe(createHash('sha1').update(input).digest('hex'));
      const bytes = platform.createHash(name).update(platform.Buffer.from(input)).digest();
      expect(platform.Buffer.isBuffer(bytes)).toBe(true);
      expect((bytes as buffer.Buffer).toString('base64')).toBe(
        createHash('sha1').update(input).digest('base64'),
      );
    }
  });

  it("has no other hash and no HMAC: only StanzaJS's SCRAM and DIGEST-MD5 used them", () => {
    for (const name of ['md5', 'sha-256', 'sha-512']) {
      expect(() => platform.createHash(name)).toThrow(`Unsupported hash algorithm: ${name}`);
    }
    expect(() => platform.createHmac('sha1', platform.Buffer.from('key'))).toThrow(/HMAC/);
  });

  it('computes XEP-0115 capabilities as StanzaJS in Node does', () => {
    const { createClient } = loadStanza('index.js') as {
      createClient(options: Record<string, unknown>): {
        updateCaps(): void;
        disco: { getNodeInfo(node: string): unknown; getCaps(): Array<{ algorithm: string; value: string }> };
      };
    };
    const client = createClient({ jid: 'anna@example.com' });
    client.updateCaps();
    const { generate } = require('stanza/helpers/LegacyEntityCapabilities') as {
      generate(info: unknown, algorithm: string): string;
    };
    const [caps] = client.disco.getCaps();
    expect(caps?.algorithm).toBe('sha-1');
    expect(caps?.value).toBe(generate(client.disco.getNodeInfo(''), 'sha-1'));
  });

  it('gives random bytes as a Buffer', () => {
    const random = platform.randomBytes(16);
    expect(random).toHaveLength(16);
    expect((random as buffer.Buffer).toString('hex')).toMatch(/^[\da-f]{32}$/);
  });
});

describe("StanzaJS's client on the browser SASL library", () => {
  const { createClient } = loadStanza('index.js') as {
    createClient(options: Record<string, unknown>): {
      sasl: {
        createMechanism(names: string[]): {
          name: string;
          createResponse(credentials: Record<string, string>): buffer.Buffer;
        } | null;
      };
    };
  };
  const client = createClient({ jid: 'anna@example.com' });

  it('never chooses a mechanism the browser build does not carry', () => {
    const missing = ['EXTERNAL', 'SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256', 'SCRAM-SHA-1', 'DIGEST-MD5'];
    expect(client.sasl.createMechanism([...missing, 'OAUTHBEARER', 'ANONYMOUS'])).toBeNull();
    expect(client.sasl.createMechanism([...missing, 'PLAIN'])?.name).toBe('PLAIN');
  });

  it('answers PLAIN with the authorization identity, username and password', () => {
    const plain = client.sasl.createMechanism(['plain'])!;
    expect(plain.createResponse({ username: 'anna', password: 'secret' }).toString()).toBe('\0anna\0secret');
  });
});

describe("StanzaJS's XML stream parser on the browser Transform", () => {
  const { StreamParser } = loadStanza('jxt/index.js') as {
    StreamParser: new (options: Record<string, unknown>) => stream.Transform;
  };
  const { createClient } = require('stanza') as typeof import('stanza');
  const registry = createClient({ jid: 'anna@example.com' }).stanzas;
  const parser = (): { parser: stream.Transform; events: Array<[string, unknown]> } => {
    const events: Array<[string, unknown]> = [];
    const parser = new StreamParser({ registry, wrappedStream: false, acceptLanguages: [] });
    parser.on('data', (event: { kind: string; stanza: unknown }) => events.push([event.kind, event.stanza]));
    parser.on('error', (error: Error) => events.push(['error', error.message]));
    return { parser, events };
  };

  it('turns XML split across writes into stanzas, in order, as each write completes', () => {
    const { parser: p, events } = parser();
    // WebSocket framing (RFC 7395), as the WebSocket transport parses it.
    p.write("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' ");
    p.write("version='1.0' from='example.com' id='s1'/><message xmlns='jabber:client' id='m1'><bo");
    expect(events).toEqual([['stream', expect.objectContaining({ action: 'open', id: 's1' })]]);
    p.write("dy>Hallo</body></message><message xmlns='jabber:client' id='m2'><body>zwei</body></message>");
    expect(events.slice(1)).toEqual([
      ['message', expect.objectContaining({ id: 'm1', body: 'Hallo' })],
      ['message', expect.objectContaining({ id: 'm2', body: 'zwei' })],
    ]);
  });

  it('reports XML that is not well-formed as one error, after which the parser is destroyed', async () => {
    const { parser: p, events } = parser();
    p.write("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' version='1.0'/>");
    p.write("<message xmlns='jabber:client'><body>x</message>");
    expect(p.destroyed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(events.filter(([kind]) => kind === 'error')).toHaveLength(1);
  });
});

describe("StanzaJS's client on the browser EventEmitter", () => {
  it('adds and removes listeners through its own aliases, and answers an IQ nobody handles', async () => {
    const { createClient } = loadStanza('index.js') as {
      createClient(options: Record<string, unknown>): {
        on(name: string, listener: (data: { id: string }) => void): void;
        off(name: string, listener: (data: { id: string }) => void): void;
        emit(name: string, data: unknown): boolean;
        send: (kind: string, data: unknown) => Promise<void>;
      };
    };
    const client = createClient({ jid: 'anna@example.com' });
    const seen: string[] = [];
    const wildcard: unknown[] = [];
    const listener = (message: { id: string }): void => void seen.push(message.id);
    client.on('message', listener);
    client.on('*', (name: unknown) => void wildcard.push(name));
    client.emit('message', { id: '1' });
    client.off('message', listener); // StanzaJS sets `this.off = this.removeListener`
    client.emit('message', { id: '2' });
    expect(seen).toEqual(['1']);
    expect(wildcard).toEqual(['message', 'message']);

    // An IQ for which no `iq:get:…` listener exists is answered service-unavailable.
    const sent: Array<[string, unknown]> = [];
    client.send = async (kind, data) => void sent.push([kind, data]);
    client.emit('iq', {
      type: 'get',
      id: 'q1',
      from: 'example.com',
      to: 'anna@example.com',
      unknownThing: {},
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sent).toEqual([['iq', expect.objectContaining({ id: 'q1', type: 'error' })]]);
  });
});

describe("StanzaJS's addresses on the browser stringprep", () => {
  const ours = loadStanza('JID.js') as { parse(jid: string): Record<string, string> };
  const theirs = require('stanza/JID') as typeof ours;

  it.each([
    'Anna@Example.COM/Phone',
    'anna.müller@mailbox.org/Büro Laptop',
    'STRASSE@xn--mnchen-3ya.de',
    'ＡＮＮＡ@example.com.',
    'team@conference.example.com/Ärger & Co',
    'example.com',
  ])('parses %s as StanzaJS in Node does', (jid) => {
    expect(ours.parse(jid)).toEqual(theirs.parse(jid));
  });
});
