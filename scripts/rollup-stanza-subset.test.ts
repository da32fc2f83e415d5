import { readdirSync, readFileSync } from 'node:fs';
import { Duplex } from 'node:stream';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BROWSER_PROTOCOLS,
  STUBBED,
  constantNamesRead,
  namespaceNamesRead,
  withoutLeftOutLists,
  withoutUnreadConstants,
  withoutTextRoundTrips,
  withoutUnreadNamespaces,
} from './rollup-stanza-subset.mjs';

const require = createRequire(import.meta.url);
const stanzaDir = dirname(require.resolve('stanza/package.json'));
const LISTS = ['USER_MOODS', 'USER_ACTIVITY_GENERAL', 'USER_ACTIVITY_SPECIFIC'];

/** Runs a CommonJS module of StanzaJS from its source text; returns its exports. */
function evaluate(source: string): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  const requireFromStanza = (id: string): unknown => require(join(stanzaDir, id));
  new Function('exports', 'require', 'module', source)(module.exports, requireFromStanza, module);
  return module.exports;
}

/**
 * A StanzaJS module's exports before and after `trim`: the names it keeps (defined after) and
 * leaves out (undefined after).
 */
function trimmed(file: string, trim: (source: string) => string) {
  const source = readFileSync(join(stanzaDir, file), 'utf8');
  const before = evaluate(source);
  const after = evaluate(trim(source));
  const kept = Object.keys(before).filter((name) => after[name] !== undefined);
  const left = Object.keys(before).filter((name) => after[name] === undefined);
  return { before, after, kept, left };
}

describe('the browser build’s StanzaJS constants', () => {
  it('empties the mood and activity word lists and leaves every other export as it was', () => {
    const source = readFileSync(join(stanzaDir, 'Constants.js'), 'utf8');
    const before = evaluate(source);
    const after = evaluate(withoutLeftOutLists(source));
    for (const list of LISTS) {
      expect((before[list] as string[]).length).toBeGreaterThan(10);
      expect(after[list]).toEqual([]);
    }
    const others = Object.keys(before).filter((key) => !LISTS.includes(key));
    expect(others.length).toBeGreaterThan(30);
    for (const key of others) {
      // Functions compare by their source: each evaluation makes its own.
      const shape = (value: unknown) => (typeof value === 'function' ? String(value) : value);
      expect(shape(after[key]), key).toEqual(shape(before[key]));
    }
  });

  it('empties lists that only the protocols the build leaves out read (XEP-0107, XEP-0108)', () => {
    expect(BROWSER_PROTOCOLS).not.toContain('xep0107');
    expect(BROWSER_PROTOCOLS).not.toContain('xep0108');
    expect(filesOfStanzaWith(LISTS)).toEqual(['Constants.js', 'protocol/xep0107.js', 'protocol/xep0108.js']);
  });
});

describe('the browser build’s StanzaJS constants nobody reads', () => {
  it('leave out the ones nothing in the build reads (Jingle’s) and keep every other as it was', () => {
    const read = constantNamesRead();
    const { before, after, kept, left } = trimmed('Constants.js', (source) =>
      withoutUnreadConstants(source, read),
    );
    const shape = (value: unknown) => (typeof value === 'function' ? String(value) : value);
    for (const name of kept) expect(shape(after[name]), name).toEqual(shape(before[name]));
    // Left out: only names nobody reads, and every name nobody reads.
    expect(left.filter((name) => read.has(name))).toEqual([]);
    expect(kept.filter((name) => !read.has(name))).toEqual([]);
    // What the SDK's protocols read stays; Jingle's enums, info names and helpers go.
    for (const name of ['StanzaErrorCondition', 'StreamErrorCondition', 'PresenceShow', 'ChatState']) {
      expect(kept, name).toContain(name);
    }
    for (const name of ['JingleAction', 'JingleReasonCondition', 'JINGLE_INFO_MUTE', 'sendersToDirection']) {
      expect(left, name).toContain(name);
    }
    // Jingle's readers are all left out of the browser build.
    expect(
      filesOfStanzaWith(['Constants_1.JingleAction']).every((f) =>
        /^(jingle\/|protocol\/xep016[67])/.test(f),
      ),
    ).toBe(true);
    expect(BROWSER_PROTOCOLS).not.toContain('xep0166');
  });
});

describe('the browser build’s StanzaJS namespaces', () => {
  it('leave out the ones nothing in the build reads and keep every other as it was', () => {
    const read = namespaceNamesRead();
    const { before, after, kept, left } = trimmed('Namespaces.js', (source) =>
      withoutUnreadNamespaces(source, read),
    );
    for (const name of kept) expect(String(after[name]), name).toBe(String(before[name]));
    // Left out: only names nobody reads, and every string constant nobody reads.
    expect(left.filter((name) => read.has(name))).toEqual([]);
    expect(kept.filter((name) => !read.has(name) && typeof before[name] === 'string')).toEqual([]);
    // What the SDK speaks stays (the SDK's own reads included: CSI, Jingle in Node); Jingle's
    // media, OMEMO, XHTML-IM and ad-hoc commands go.
    for (const name of ['NS_CLIENT', 'NS_MUC_USER', 'NS_SMACKS_3', 'NS_MAM_2', 'NS_CSI_0', 'NS_JINGLE_1']) {
      expect(kept, name).toContain(name);
    }
    for (const name of ['NS_JINGLE_RTP_1', 'NS_OMEMO_AXOLOTL', 'NS_XHTML_IM', 'NS_ADHOC_COMMANDS']) {
      expect(left, name).toContain(name);
    }
    expect(left.length).toBeGreaterThan(50);
  });

  it('take an unread name out of the declarations and its assignment', () => {
    const source = "exports.NS_A = exports.NS_B = void 0;\nexports.NS_A = 'a';\nexports.NS_B = 'b';\n";
    const out = withoutUnreadNamespaces(source, new Set(['NS_B']));
    expect(evaluate(out)).toEqual({ NS_B: 'b' });
  });
});

/** StanzaJS's JavaScript files (paths inside the package) whose text includes one of `needles`. */
function filesOfStanzaWith(needles: readonly (string | RegExp)[]): string[] {
  const found: string[] = [];
  const scan = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') scan(path);
      else if (entry.name.endsWith('.js')) {
        const text = readFileSync(path, 'utf8');
        if (needles.some((n) => (typeof n === 'string' ? text.includes(n) : n.test(text)))) {
          found.push(path.slice(stanzaDir.length + 1));
        }
      }
    }
  };
  scan(stanzaDir);
  return found.sort();
}

describe('the browser build’s StanzaJS stubs', () => {
  it('replace modules that StanzaJS really imports there', () => {
    for (const { importer, source } of STUBBED) {
      expect(readFileSync(join(stanzaDir, importer), 'utf8'), importer).toContain(`require("${source}")`);
    }
  });

  it('stand for what only left-out parts use: the resolver (hostmeta), the XHTML-IM sanitizer (XEP-0071)', () => {
    // The client makes the resolver; of the plugins, only hostmeta uses it.
    expect(filesOfStanzaWith([/\bclient\.resolver\b/])).toEqual(['plugins/hostmeta.js']);
    // Protocols name the sanitizer they want; only XHTML-IM names this one.
    expect(filesOfStanzaWith([/'xhtmlim'/])).toEqual(['protocol/xep0071.js']);
    expect(BROWSER_PROTOCOLS).not.toContain('xep0071');
    expect(BROWSER_PROTOCOLS).not.toContain('xrd');
  });
});

describe('the browser build’s StanzaJS WebSocket transport', () => {
  /** StanzaJS's transport as the build has it, on a platform that counts its byte conversions. */
  function transport() {
    const source = withoutTextRoundTrips(readFileSync(join(stanzaDir, 'transports/websocket.js'), 'utf8'));
    const conversions: unknown[] = [];
    const sockets: Array<{
      send(data: string): void;
      onmessage?: (event: { data: unknown }) => void;
      readyState: number;
    }> = [];
    const platform = {
      Duplex,
      Buffer: {
        from(value: unknown, encoding: BufferEncoding) {
          conversions.push(value);
          return Buffer.from(value as string, encoding);
        },
      },
      WebSocket: class {
        readyState = 1;
        sent: string[] = [];
        onmessage?: (event: { data: unknown }) => void;
        constructor() {
          sockets.push(this);
        }
        send(data: string) {
          this.sent.push(data);
        }
      },
    };
    const module = { exports: {} as Record<string, unknown> };
    const load = (id: string): unknown =>
      id === '../platform' ? platform : require(join(stanzaDir, 'transports', id));
    new Function('exports', 'require', 'module', source)(module.exports, load, module);
    const raw: Array<[string, string]> = [];
    const client = {
      emit: (event: string, ...args: string[]) => event === 'raw' && raw.push([args[0]!, args[1]!]),
    };
    const Connection = module.exports.default as new (
      client: unknown,
      sm: unknown,
      stanzas: unknown,
    ) => {
      connect(options: { url: string; lang: string; acceptLanguages: string[] }): void;
      write(data: string, encoding: string, done: (error?: Error) => void): void;
    };
    const connection = new Connection(client, {}, {});
    connection.connect({ url: 'ws://127.0.0.1:1/xmpp', lang: 'en', acceptLanguages: [] });
    // What the text becomes after the transport (parsed into stanzas) is not this test's concern.
    (connection as unknown as { parser?: unknown }).parser = undefined;
    return {
      connection,
      socket: sockets[0] as unknown as InstanceType<typeof platform.WebSocket>,
      conversions,
      raw,
    };
  }

  it('hands text frames through as they are, both ways; anything else is still decoded', async () => {
    const { connection, socket, conversions, raw } = transport();
    const text = '<message><body>Grüße 😀 &lt;b&gt;</body></message>';
    socket.onmessage!({ data: text });
    await new Promise<void>((resolve, reject) =>
      connection.write(text, 'utf8', (error) => (error ? reject(error) : resolve())),
    );
    expect(raw).toEqual([
      ['incoming', text],
      ['outgoing', text],
    ]);
    expect(socket.sent).toEqual([text]);
    expect(conversions).toEqual([]);

    socket.onmessage!({ data: new TextEncoder().encode('<r xmlns="urn:xmpp:sm:3"/>') });
    expect(raw[2]).toEqual(['incoming', '<r xmlns="urn:xmpp:sm:3"/>']);
    expect(conversions).toHaveLength(1);
  });

  it('stops the build when StanzaJS no longer has the code it replaces', () => {
    expect(() => withoutTextRoundTrips('const data = wsMsg.data;')).toThrow(
      /expected 2 text round trips, found 0/,
    );
  });
});
