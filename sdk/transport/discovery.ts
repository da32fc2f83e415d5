// XEP-0156: finds a domain's WebSocket and BOSH endpoints from its host-meta documents.
//
// StanzaJS has its own discovery (`transports: { websocket: true }`), but its cache keeps stale
// endpoints forever once they are older than the TTL (the check is inverted) and it logs failures
// with console.error. This module replaces it: pure parsers, a cache with a correct TTL, an
// injectable fetch, and one policy for which discovered URLs are acceptable.
import { JXT } from 'stanza';

/** Endpoints found by discovery, in the order the server listed them. */
export interface DiscoveredEndpoints {
  /** WebSocket URLs (RFC 7395). */
  websocket: string[];
  /** BOSH URLs (XEP-0206). */
  bosh: string[];
}

/** What {@link discoverEndpoints} needs from `fetch`; the global `fetch` satisfies it. */
export type FetchLike = (
  url: string,
  init: { signal: AbortSignal; headers: Record<string, string> },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

/** Link relations of XEP-0156, and the older ones some servers still emit. */
const WEBSOCKET_RELS = new Set(['urn:xmpp:alt-connections:websocket', 'urn:xmpp:altconnect:websocket']);
const BOSH_RELS = new Set(['urn:xmpp:alt-connections:xbosh', 'urn:xmpp:altconnect:bosh']);
const NS_XRD = 'http://docs.oasis-open.org/ns/xri/xrd-1.0';

/** Host names that never leave the machine. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** An empty result; a fresh object each time so callers may mutate it. */
function none(): DiscoveredEndpoints {
  return { websocket: [], bosh: [] };
}

function collect(links: Iterable<{ rel: unknown; href: unknown }>): DiscoveredEndpoints {
  const found = none();
  for (const { rel, href } of links) {
    if (typeof rel !== 'string' || typeof href !== 'string' || href.trim() === '') continue;
    const url = href.trim();
    if (WEBSOCKET_RELS.has(rel)) found.websocket.push(url);
    else if (BOSH_RELS.has(rel)) found.bosh.push(url);
  }
  return found;
}

/**
 * Reads the endpoints from a JSON host-meta document (`/.well-known/host-meta.json`, RFC 6415 JRD).
 * Pure; never throws: anything that is not a JRD with a `links` array gives an empty result.
 * Returns every listed URL, unfiltered — see {@link acceptEndpoints} for the security policy.
 */
export function parseHostMetaJson(text: string): DiscoveredEndpoints {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    // Not JSON at all (an HTML error page, a truncated body): the document offers nothing.
    return none();
  }
  if (typeof document !== 'object' || document === null) return none();
  const links = (document as { links?: unknown }).links;
  if (!Array.isArray(links)) return none();
  return collect(
    links
      .filter((link): link is Record<string, unknown> => typeof link === 'object' && link !== null)
      .map((link) => ({ rel: link.rel, href: link.href })),
  );
}

/**
 * Reads the endpoints from an XML host-meta document (`/.well-known/host-meta`, an XRD:
 * `<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'><Link rel='…' href='…'/></XRD>`).
 * Pure; never throws: a document that is not well-formed XML, or whose root is not an XRD,
 * gives an empty result. Returns every listed URL, unfiltered — see {@link acceptEndpoints}.
 */
export function parseHostMetaXml(text: string): DiscoveredEndpoints {
  const root = parseXmlDocument(text);
  if (!root || root.getName() !== 'XRD' || root.getNamespace() !== NS_XRD) return none();
  return collect(
    root
      .getChildren('Link', NS_XRD)
      .map((link) => ({ rel: link.getAttribute('rel'), href: link.getAttribute('href') })),
  );
}

/**
 * Parses a complete XML document with StanzaJS's parser (which refuses DTDs and entity
 * declarations). Unlike `JXT.parse`, a truncated document (an unclosed root) or more than one root
 * element counts as malformed. Returns undefined for anything malformed.
 */
function parseXmlDocument(text: string): JXT.XMLElement | undefined {
  const parser = new JXT.Parser();
  let root: JXT.XMLElement | undefined;
  let current: JXT.XMLElement | undefined;
  let malformed = false;
  parser.on('startElement', (name: string, attributes: JXT.XMLElement['attributes']) => {
    const element = new JXT.XMLElement(name, attributes);
    if (!current) {
      if (root) malformed = true; // a second root element
      root = element;
      current = element;
    } else {
      current = current.appendChild(element) as JXT.XMLElement;
    }
  });
  parser.on('text', (chunk: string) => {
    current?.appendChild(chunk);
  });
  parser.on('endElement', (name: string) => {
    if (!current || current.name !== name) malformed = true;
    else current = current.parent;
  });
  parser.on('error', () => {
    malformed = true;
  });
  try {
    parser.write(text);
    parser.end();
  } catch {
    // The parser throws on some malformed input instead of emitting 'error': same outcome.
    return undefined;
  }
  return malformed || current !== undefined ? undefined : root;
}

/**
 * Whether a discovered URL may be used. Discovery runs over HTTP(S) that an attacker on the path
 * could influence, and the connection it picks carries the password, so only encrypted endpoints
 * are accepted: `wss:` for WebSocket, `https:` for BOSH. The one exception is a loopback host
 * (`127.0.0.1`, `::1`, `localhost`), where plain `ws:` / `http:` are accepted too: the traffic
 * never leaves the machine (local development, our tests against a private Prosody). URLs with
 * embedded credentials are refused.
 */
export function isAcceptableEndpoint(url: string, kind: keyof DiscoveredEndpoints): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not an absolute URL (host-meta links must be absolute): unusable.
    return false;
  }
  if (parsed.username || parsed.password) return false;
  const [secure, plain] = kind === 'websocket' ? ['wss:', 'ws:'] : ['https:', 'http:'];
  if (parsed.protocol === secure) return true;
  return parsed.protocol === plain && LOOPBACK_HOSTS.has(parsed.hostname.toLowerCase());
}

/** Applies {@link isAcceptableEndpoint} and removes duplicates, keeping the first occurrence. */
export function acceptEndpoints(found: DiscoveredEndpoints): DiscoveredEndpoints {
  const keep = (urls: string[], kind: keyof DiscoveredEndpoints): string[] => [
    ...new Set(urls.filter((url) => isAcceptableEndpoint(url, kind))),
  ];
  return { websocket: keep(found.websocket, 'websocket'), bosh: keep(found.bosh, 'bosh') };
}

/** A cache of discovery results, keyed by the URL base they were fetched from. */
export interface DiscoveryCache {
  /** The cached result, or undefined when there is none or it has expired. */
  get(key: string): DiscoveredEndpoints | undefined;
  /** Stores a result; an empty one is kept for the shorter negative TTL. */
  set(key: string, value: DiscoveredEndpoints): void;
  /** Forgets one key, or everything. */
  clear(key?: string): void;
}

/** Options for {@link createDiscoveryCache}. */
export interface DiscoveryCacheOptions {
  /** How long a result with endpoints stays valid. Default 5 minutes. */
  ttlMs?: number;
  /** How long an empty result (nothing found, or the fetch failed) stays valid. Default 30 s. */
  negativeTtlMs?: number;
  /** The clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** Creates a cache whose entries are used only while younger than their TTL. */
export function createDiscoveryCache(options: DiscoveryCacheOptions = {}): DiscoveryCache {
  const { ttlMs = 5 * 60_000, negativeTtlMs = 30_000, now = Date.now } = options;
  const entries = new Map<string, { expires: number; value: DiscoveredEndpoints }>();
  const copy = (value: DiscoveredEndpoints): DiscoveredEndpoints => ({
    websocket: [...value.websocket],
    bosh: [...value.bosh],
  });
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (now() >= entry.expires) {
        entries.delete(key);
        return undefined;
      }
      return copy(entry.value);
    },
    set(key, value) {
      const empty = value.websocket.length === 0 && value.bosh.length === 0;
      entries.set(key, { expires: now() + (empty ? negativeTtlMs : ttlMs), value: copy(value) });
    },
    clear(key) {
      if (key === undefined) entries.clear();
      else entries.delete(key);
    },
  };
}

/** The cache {@link discoverEndpoints} uses unless told otherwise. */
export const defaultDiscoveryCache: DiscoveryCache = createDiscoveryCache();

/** Options for {@link discoverEndpoints}. */
export interface DiscoveryOptions {
  /** The HTTP client. Default: the global `fetch`. */
  fetch?: FetchLike;
  /**
   * Where the `/.well-known/` documents live. Default `https://<domain>`. Tests point this at
   * the private Prosody (`http://127.0.0.1:<port>`).
   */
  baseUrl?: string;
  /** The cache; `null` disables caching. Default {@link defaultDiscoveryCache}. */
  cache?: DiscoveryCache | null;
  /** Per-document time limit in milliseconds. Default 5000. */
  timeoutMs?: number;
  /** Aborts discovery; the returned promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

const pending = new Map<string, Promise<DiscoveredEndpoints>>();

async function fetchDocument(
  fetchFn: FetchLike,
  url: string,
  accept: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error('host-meta request timed out')), timeoutMs);
  const onAbort = (): void => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const response = await fetchFn(url, { signal: controller.signal, headers: { accept } });
    return response.ok ? await response.text() : undefined;
  } catch {
    // Network failure, TLS failure, CORS refusal or timeout: this document offers nothing; the
    // other document (or the caller's fallback) decides. A caller abort is re-checked below.
    return undefined;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Discovers a domain's WebSocket and BOSH endpoints (XEP-0156): fetches
 * `<base>/.well-known/host-meta.json` and `<base>/.well-known/host-meta` in parallel, merges their
 * links (JSON first), keeps only acceptable URLs ({@link isAcceptableEndpoint}: `wss:`/`https:`,
 * or plain on loopback) without duplicates, and caches the result.
 *
 * Never rejects because of the server: an unreachable host, an HTTP error, a malformed document
 * or no usable link all give empty lists. It rejects only when `signal` aborts.
 */
export async function discoverEndpoints(
  domain: string,
  options: DiscoveryOptions = {},
): Promise<DiscoveredEndpoints> {
  const { signal, timeoutMs = 5000 } = options;
  const cache = options.cache === undefined ? defaultDiscoveryCache : options.cache;
  signal?.throwIfAborted();
  // A JID's domain is a bare host name; anything that could change the URL's meaning is refused.
  if (!options.baseUrl && (domain === '' || /[\s/?#@:\\[\]]/.test(domain))) return none();
  const base = (options.baseUrl ?? `https://${domain}`).replace(/\/+$/, '');

  const cached = cache?.get(base);
  if (cached) return cached;

  // The global fetch is called through globalThis: some browsers refuse a detached `fetch`.
  const fetchFn: FetchLike | undefined =
    options.fetch ??
    (typeof globalThis.fetch === 'function' ? (url, init) => globalThis.fetch(url, init) : undefined);
  if (!fetchFn) return none();

  // Concurrent discoveries of the same base (several clients connecting at once) share one pair
  // of requests — unless the caller brought its own signal, which must only abort its own.
  const shared = !signal && cache !== null;
  const running = shared ? pending.get(base) : undefined;
  if (running) return running.then((found) => ({ websocket: [...found.websocket], bosh: [...found.bosh] }));

  const work = (async () => {
    const [json, xml] = await Promise.all([
      fetchDocument(fetchFn, `${base}/.well-known/host-meta.json`, 'application/json', timeoutMs, signal),
      fetchDocument(fetchFn, `${base}/.well-known/host-meta`, 'application/xrd+xml', timeoutMs, signal),
    ]);
    signal?.throwIfAborted();
    const fromJson = json === undefined ? none() : parseHostMetaJson(json);
    const fromXml = xml === undefined ? none() : parseHostMetaXml(xml);
    const found = acceptEndpoints({
      websocket: [...fromJson.websocket, ...fromXml.websocket],
      bosh: [...fromJson.bosh, ...fromXml.bosh],
    });
    cache?.set(base, found);
    return found;
  })();
  if (!shared) return work;
  pending.set(base, work);
  try {
    const found = await work;
    return { websocket: [...found.websocket], bosh: [...found.bosh] };
  } finally {
    pending.delete(base);
  }
}
