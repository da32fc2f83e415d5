// A Rollup plugin for the browser build: StanzaJS registers every protocol it knows (≈ 80 XEPs,
// WebRTC Jingle with an SDP library among them) and does not tree-shake. The browser build keeps
// the protocols the SDK speaks and leaves out the rest (Jingle media and file transfer — the SDK's
// peer-to-peer file transfer is Node-only —, OMEMO, XHTML-IM, ad-hoc commands, geolocation, …).
// Stanzas of a left-out protocol are not parsed: an IQ of one is answered `service-unavailable`,
// an unknown message payload is ignored, as with any client that does not support it.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const stanzaDir = dirname(require.resolve('stanza/package.json'));

/** The protocol definitions (stanza/protocol/*) the browser build registers, in StanzaJS's order. */
export const BROWSER_PROTOCOLS = [
  'rfc3921',
  'rfc6120',
  'rfc6121',
  'rfc7395',
  'xep0004', // data forms: MUC configuration, MAM and push options
  'xep0030',
  'xep0045',
  'xep0048',
  'xep0049',
  'xep0054',
  'xep0059',
  'xep0060',
  'xep0066',
  'xep0084',
  'xep0085',
  'xep0092',
  'xep0115',
  'xep0124',
  'xep0153',
  'xep0172',
  'xep0184',
  'xep0191',
  'xep0198',
  'xep0199',
  'xep0203',
  'xep0280',
  'xep0297',
  'xep0300',
  'xep0308',
  'xep0313',
  'xep0319',
  'xep0333',
  'xep0334',
  'xep0352',
  'xep0357',
  'xep0359',
  'xep0363',
  'xep0421',
];

/**
 * StanzaJS plugins (stanza/plugins/*) the browser build uses: all but Jingle, ad-hoc commands,
 * MUC, pubsub, PEP, avatars, messaging, account, entity, sharing and MAM. The SDK joins, leaves, configures and invites with its
 * own stanzas and reads invitations itself (sdk/transport/muc.ts); of StanzaJS's MUC plugin it
 * would carry only methods nobody calls and its automatic rejoin, which the SDK keeps from firing
 * anyway (~1.5 KB gzip). Likewise it fetches and retracts PEP items and reads their notifications
 * itself (sdk/transport/pubsub.ts): the pubsub, PEP and avatar plugins add some forty methods to
 * every client, of which it would use four. And it unwraps carbons, answers receipts and markers
 * and advertises what it handles of messages itself (sdk/transport/messages.ts, chats.ts): the
 * messaging plugin's own receipts it turns off, its second copy of each carbon it skips. The
 * account plugin's vCard, private storage and push requests it sends itself (sdk/transport/
 * vcard.ts, bookmarks.ts, push.ts); the rest of it (in-band registration) it never used. The
 * entity plugin answers software-version and time requests (a browser's client has no business
 * telling them; unanswered requests get `service-unavailable` from StanzaJS's core) and advertises
 * a long list of features; those of messages the SDK handles are advertised by messages.ts. Of the
 * sharing plugin, the SDK sent only the upload-slot request, now its own (sdk/transport/upload.ts);
 * the archive queries and preferences of the MAM plugin it sends, and collects the results of,
 * itself too (sdk/transport/archive.ts).
 */
const BROWSER_PLUGINS = ['roster'];
// StanzaJS's `sasl` plugin (SASL negotiation) is not among them: the SDK registers its own
// (sdk/transport/scram.ts), on every platform. Nor is `hostmeta` (XEP-0156 discovery, with
// StanzaJS's DNS and host-meta resolver and the XRD protocol): the SDK discovers the endpoints
// itself (sdk/transport/discovery.ts) and gives StanzaJS a URL for every connection.
const CORE_PLUGINS = ['features', 'disco', 'bind', 'connection'];

/**
 * StanzaJS modules the browser build replaces with stubs, by importer and import: only what the
 * build leaves out uses them. `Client.js` makes a resolver for `hostmeta` (left out above); the
 * JXT registry hands every protocol the XHTML-IM sanitizer, which only XEP-0071 (XHTML-IM, left
 * out: message text is plain) calls.
 */
export const STUBBED = [
  {
    importer: 'Client.js',
    source: './helpers/NetworkDiscovery',
    stub: 'export default class NetworkDiscovery {}',
  },
  { importer: 'jxt/Registry.js', source: './sanitizers/XHTMLIM', stub: 'export default () => undefined;' },
];

const PROTOCOL = '\0stanza-browser-protocols';
const PLUGINS = '\0stanza-browser-plugins';
const EMPTY = '\0stanza-browser-left-out';
const STUB = '\0stanza-browser-stub:';

const file = (...parts) => JSON.stringify(join(stanzaDir, ...parts) + '.js');

/**
 * Word lists in StanzaJS's Constants that only left-out protocols read: user moods (XEP-0107) and
 * activities (XEP-0108), ~3 KB. The browser build gets them empty.
 */
const LEFT_OUT_LISTS = [
  { list: 'USER_MOODS', protocol: 'xep0107' },
  { list: 'USER_ACTIVITY_GENERAL', protocol: 'xep0108' },
  { list: 'USER_ACTIVITY_SPECIFIC', protocol: 'xep0108' },
];
const CONSTANTS = join(stanzaDir, 'Constants.js');

/** StanzaJS's Constants.js with the lists of left-out protocols emptied (see `LEFT_OUT_LISTS`). */
export function withoutLeftOutLists(code) {
  let out = code;
  for (const { list, protocol } of LEFT_OUT_LISTS) {
    if (BROWSER_PROTOCOLS.includes(protocol)) continue;
    const start = out.indexOf(`exports.${list} = [`);
    const end = start < 0 ? -1 : out.indexOf('];', start);
    if (end < 0) throw new Error(`stanza/Constants.js: no list ${list} (StanzaJS changed?)`);
    out = `${out.slice(0, start)}exports.${list} = []${out.slice(end + 1)}`;
  }
  return out;
}

const NAMESPACES = join(stanzaDir, 'Namespaces.js');

/**
 * Every match of `pattern` (its first group, else the whole match) in the files the browser build
 * can include: StanzaJS's (all but the left-out protocols and plugins, Jingle, and `skip`) and the
 * SDK's and the widget's sources. Counting files the build leaves out too keeps more, never less.
 */
function namesRead(pattern, skip) {
  const leftOut = (path) => {
    const [dir, name] = path.slice(stanzaDir.length + 1).split(/[\\/]/);
    const base = name?.replace(/\.js$/, '');
    if (dir === 'protocol' && base) return !BROWSER_PROTOCOLS.includes(base);
    if (dir === 'plugins' && base) return ![...CORE_PLUGINS, ...BROWSER_PLUGINS].includes(base);
    return dir === 'jingle' || dir === 'node_modules' || path === skip;
  };
  const names = new Set();
  const scan = (dir, ext, skipped) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (skipped(path)) continue;
      if (entry.isDirectory()) scan(path, ext, skipped);
      else if (entry.name.endsWith(ext)) {
        for (const match of readFileSync(path, 'utf8').matchAll(pattern)) names.add(match[1] ?? match[0]);
      }
    }
  };
  scan(stanzaDir, '.js', leftOut);
  const root = fileURLToPath(new URL('..', import.meta.url));
  for (const dir of ['sdk', 'widget']) scan(join(root, dir), '.ts', (path) => /\.test\.ts$/.test(path));
  return names;
}

/**
 * The names of StanzaJS's namespace constants (`NS_…`) that code of the browser build may read
 * (see `namesRead`). Nothing reads a namespace by a computed name.
 */
export function namespaceNamesRead() {
  return namesRead(/NS_[A-Z0-9_]+/g, NAMESPACES);
}

/**
 * The names of StanzaJS's Constants exports that code of the browser build may read: as
 * `Constants_1.…` in StanzaJS, or as a word anywhere in the SDK's and the widget's sources.
 */
export function constantNamesRead() {
  const exported = [...readFileSync(CONSTANTS, 'utf8').matchAll(/^exports\.(\w+) = /gm)].map((m) => m[1]);
  const word = new RegExp(`Constants_1\\.(\\w+)|\\b(?:${exported.join('|')})\\b`, 'g');
  return namesRead(word, CONSTANTS);
}

/**
 * StanzaJS's Constants.js without the exports nobody in the browser build reads (Jingle's enums,
 * info names and helpers; the lists emptied by `withoutLeftOutLists`). The others stay as they were.
 */
export function withoutUnreadConstants(code, read = constantNamesRead()) {
  const unread = (name) => !read.has(name);
  const drop = (whole, name) => (unread(name) ? '' : whole);
  return code
    .replace(/^exports\.(\w+) = \{\n[\s\S]*?\n\};\n/gm, drop)
    .replace(/^exports\.(\w+) = \[\n[\s\S]*?\n\];\n/gm, drop)
    .replace(/^exports\.(\w+) = (?!exports\.)[^\n]*;\n/gm, drop)
    .replace(/^const (\w+) = \([^\n]*;\n/gm, drop)
    .replace(/^function (\w+)\([\s\S]*?\n\}\n/gm, drop);
}

/**
 * StanzaJS's Namespaces.js without the string constants nobody in the browser build reads (those
 * of left-out protocols: Jingle, OMEMO, XHTML-IM, …), ~1 KB gzip. The others stay as they were.
 */
export function withoutUnreadNamespaces(code, read = namespaceNamesRead()) {
  const unread = (name) => !read.has(name);
  return code
    .replace(/^exports\.(NS_[A-Z0-9_]+) = '[^'\n]*';\n/gm, (line, name) => (unread(name) ? '' : line))
    .replace(/exports\.(NS_[A-Z0-9_]+) = (?=exports\.|void 0;)/g, (part, name) => (unread(name) ? '' : part));
}

export function stanzaBrowserSubset() {
  let read;
  return {
    name: 'stanza-browser-subset',
    transform(code, id) {
      if (id === CONSTANTS) return { code: withoutUnreadConstants(withoutLeftOutLists(code)), map: null };
      if (id === NAMESPACES)
        return { code: withoutUnreadNamespaces(code, (read ??= namespaceNamesRead())), map: null };
      return null;
    },
    resolveId(source, importer) {
      const stubbed = STUBBED.findIndex(
        (s) => importer === join(stanzaDir, s.importer) && source === s.source,
      );
      if (stubbed >= 0) return `${STUB}${stubbed}`;
      if (!importer || dirname(importer) !== stanzaDir) return null;
      if (source === './protocol') return PROTOCOL;
      if (source === './plugins') return PLUGINS;
      // Namespaces the package index re-exports for applications and nothing else uses: `Jingle`
      // (WebRTC session classes) and `RTT` (XEP-0301 real-time text).
      if ((source === './jingle' || source === './helpers/RTT') && importer.endsWith('index.js'))
        return EMPTY;
      return null;
    },
    load(id) {
      if (id === PROTOCOL) {
        const imports = BROWSER_PROTOCOLS.map((name, i) => `import p${i} from ${file('protocol', name)};`);
        const list = BROWSER_PROTOCOLS.map((_, i) => `p${i}`).join(', ');
        return `${imports.join('\n')}\nexport const __esModule = true;\nexport default [${list}];\n`;
      }
      if (id === PLUGINS) {
        const names = [...CORE_PLUGINS, ...BROWSER_PLUGINS];
        const imports = names.map((name) => `import ${name} from ${file('plugins', name)};`);
        const use = (list) => list.map((name) => `client.use(${name});`).join(' ');
        return `${imports.join('\n')}
export const __esModule = true;
export function core(client) { ${use(CORE_PLUGINS)} }
export default function plugins(client) { ${use(BROWSER_PLUGINS)} }
`;
      }
      if (id === EMPTY) return 'export const __esModule = true;\n';
      if (id.startsWith(STUB))
        return `export const __esModule = true;\n${STUBBED[+id.slice(STUB.length)].stub}\n`;
      return null;
    },
  };
}

/**
 * StanzaJS's browser platform (stanza/platform/browser) bundles polyfills of Node modules. These
 * are replaced by our own, smaller ones, which cover what StanzaJS's browser code uses of them
 * (see each file's header): `./stream` (readable-stream 2 with a string decoder) by an object-mode
 * Duplex and Transform, `./buffer` (feross' buffer with ieee754) by a Uint8Array-based Buffer.
 * Its SASL library and the hash code only that uses go too, as the SDK logs in with SCRAM on
 * WebCrypto (sdk/transport/scram.ts): `lib/sasl` by the mechanism factory and PLAIN,
 * `./crypto/createHash` (MD5, SHA-1, SHA-256, SHA-512) by SHA-1 alone (XEP-0115 caps, avatar ids),
 * `./crypto/Hmac` by a class that throws (HMAC below). `lib/stringprep` (a JID's nodeprep,
 * nameprep and resourceprep) by one that reads its tables when a string first needs them, where
 * StanzaJS's parses all of them as it loads (4–7 ms of the page's load, 190 KB of heap in Node).
 */
const PLATFORM_SHIMS = new Map(
  [
    [join(stanzaDir, 'platform/browser/stream'), '../sdk/transport/platform/stream.ts'],
    [join(stanzaDir, 'platform/browser/buffer'), '../sdk/transport/platform/buffer.ts'],
    [join(stanzaDir, 'lib/sasl'), '../sdk/transport/platform/sasl.ts'],
    [join(stanzaDir, 'platform/browser/crypto/createHash'), '../sdk/transport/platform/hash.ts'],
    [join(stanzaDir, 'lib/stringprep'), '../sdk/transport/platform/stringprep.ts'],
  ].map(([polyfill, shim]) => [polyfill, fileURLToPath(new URL(shim, import.meta.url))]),
);

/** Packages StanzaJS imports by name, replaced likewise: `events` (Node's EventEmitter), `punycode`. */
const PACKAGE_SHIMS = new Map(
  [
    ['events', '../sdk/transport/platform/events.ts'],
    ['punycode', '../sdk/transport/platform/punycode.ts'],
    ['punycode/', '../sdk/transport/platform/punycode.ts'],
  ].map(([name, shim]) => [name, fileURLToPath(new URL(shim, import.meta.url))]),
);

/** `./crypto/Hmac`, whose default export is the class: the `Hmac` of sdk/transport/platform/hash.ts. */
const HMAC = '\0stanza-browser-hmac';
const HMAC_POLYFILL = join(stanzaDir, 'platform/browser/crypto/Hmac');
const HASH_SHIM = PLATFORM_SHIMS.get(join(stanzaDir, 'platform/browser/crypto/createHash'));

/**
 * StanzaJS's WebSocket transport turns every frame it sends and receives into bytes and back
 * (`Buffer.from(text, 'utf8').toString()`): text in, the same text out, as WebSocket text frames
 * are valid UTF-8. In the browser that is an encoder's and a decoder's pass over each stanza: the
 * ~130 frames of the bench's load until "ready" took ~1 ms so in Chromium, measured in a loop. The
 * browser build hands strings through as they are; anything else still goes the long way.
 */
const WEBSOCKET = join(stanzaDir, 'transports/websocket.js');
export function withoutTextRoundTrips(code) {
  const roundTrip = /platform_1\.Buffer\.from\((chunk|wsMsg\.data), 'utf8'\)\.toString\(\)/g;
  const found = code.match(roundTrip)?.length ?? 0;
  // Both places, or StanzaJS changed: the build says so rather than carry on unnoticed.
  if (found !== 2)
    throw new Error(`stanza/transports/websocket.js: expected 2 text round trips, found ${found}`);
  return code.replace(roundTrip, (call, value) => `(typeof ${value} === 'string' ? ${value} : ${call})`);
}

export function stanzaBrowserShims() {
  return {
    name: 'stanza-browser-shims',
    transform(code, id) {
      return id === WEBSOCKET ? { code: withoutTextRoundTrips(code), map: null } : null;
    },
    resolveId(source, importer) {
      if (!importer) return null;
      if (PACKAGE_SHIMS.has(source)) return PACKAGE_SHIMS.get(source);
      if (!source.startsWith('.')) return null;
      const target = resolve(dirname(importer.replace(/^\0/, '').split('?')[0]), source).replace(
        /(\/index)?\.js$/,
        '',
      );
      if (target === HMAC_POLYFILL) return HMAC;
      return PLATFORM_SHIMS.get(target) ?? null;
    },
    load(id) {
      if (id === HMAC) return `export { Hmac as default, __esModule } from ${JSON.stringify(HASH_SHIM)};\n`;
      return null;
    },
  };
}
