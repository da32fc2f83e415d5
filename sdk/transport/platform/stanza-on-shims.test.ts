// StanzaJS's own browser code, running on the browser build's stream and Buffer replacements the
// way the bundle wires them (scripts/rollup-stanza-subset.mjs): its SHA/MD5/HMAC implementations,
// its SCRAM client and its XML stream parser, checked against Node's crypto and the RFC's example.
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as buffer from './buffer.js';
import * as events from './events.js';
import * as punycode from './punycode.js';
import * as stream from './stream.js';

const require = createRequire(import.meta.url);
const stanzaDir = dirname(require.resolve('stanza/package.json'));

/**
 * Loads a StanzaJS module (CommonJS) with its relative requires loaded the same way, and the
 * browser platform's polyfills (and the platform itself), `events` and `punycode` replaced as in the browser
 * bundle.
 */
function loadStanza(path: string): Record<string, unknown> {
  const overrides = new Map<string, unknown>([
    [join(stanzaDir, 'platform/browser/buffer'), buffer],
    [join(stanzaDir, 'platform/browser/stream'), stream],
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

describe("StanzaJS's browser crypto on the browser Buffer", () => {
  const inputs = ['', 'abc', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(64), 'Grüße 🎉'.repeat(40)];

  it.each(['md5', 'sha-1', 'sha-256', 'sha-512'])('hashes with %s as Node does', (name) => {
    const nodeName = name.replace('-', '');
    for (const input of inputs) {
      const ours = platform.createHash(name).update(input).digest('hex');
      expect(ours).toBe(createHash(nodeName).update(input).digest('hex'));
      const bytes = platform.createHash(name).update(platform.Buffer.from(input)).digest();
      expect(platform.Buffer.isBuffer(bytes)).toBe(true);
      expect((bytes as buffer.Buffer).toString('base64')).toBe(
        createHash(nodeName).update(input).digest('base64'),
      );
    }
  });

  it.each(['sha1', 'sha256', 'sha512'])('computes HMAC-%s as Node does, for short and long keys', (name) => {
    for (const key of ['key', 'k'.repeat(200)]) {
      const ours = platform
        .createHmac(name, platform.Buffer.from(key))
        .update('The quick brown fox')
        .digest('hex');
      expect(ours).toBe(createHmac(name, key).update('The quick brown fox').digest('hex'));
    }
  });

  it('gives random bytes as a Buffer', () => {
    const random = platform.randomBytes(16);
    expect(random).toHaveLength(16);
    expect((random as buffer.Buffer).toString('hex')).toMatch(/^[\da-f]{32}$/);
  });
});

describe("StanzaJS's SCRAM client on the browser Buffer", () => {
  it('produces the client proof of the RFC 5802 example and verifies the server', () => {
    const { SCRAM } = loadStanza('lib/sasl/index.js') as {
      SCRAM: new (name: string) => {
        createResponse(credentials: Record<string, unknown>): buffer.Buffer;
        processChallenge(challenge: buffer.Buffer): void;
        processSuccess(success: buffer.Buffer): void;
        finalize(): { authenticated: boolean; mutuallyAuthenticated?: boolean };
      };
    };
    const { Buffer } = buffer;
    const scram = new SCRAM('SCRAM-SHA-1');
    const credentials = { username: 'user', password: 'pencil', clientNonce: 'fyko+d2lbbFgONRv9qkxdawL' };
    expect(scram.createResponse(credentials).toString()).toBe('n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL');
    scram.processChallenge(
      Buffer.from('r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096'),
    );
    expect(scram.createResponse(credentials).toString()).toBe(
      'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
    );
    scram.processSuccess(Buffer.from('v=rmF9pqV8S7suAoZWja4dJRkFsKQ='));
    expect(scram.finalize()).toEqual({ authenticated: true, mutuallyAuthenticated: true });
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
