import { describe, expect, it, vi } from 'vitest';
import {
  acceptEndpoints,
  createDiscoveryCache,
  discoverEndpoints,
  isAcceptableEndpoint,
  parseHostMetaJson,
  parseHostMetaXml,
  type FetchLike,
} from './discovery.js';

// What Prosody's mod_http_altconnect and typical hand-written files serve.
const XRD = `<?xml version='1.0' encoding='utf-8'?>
<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>
  <!-- served by the web server -->
  <Link rel="urn:xmpp:alt-connections:xbosh" href="https://chat.example.com/http-bind"/>
  <Link rel="urn:xmpp:alt-connections:websocket" href="wss://chat.example.com/xmpp-websocket"/>
  <Link rel="lrdd" type="application/xrd+xml" template="https://example.com/.well-known/webfinger?resource={uri}"/>
</XRD>`;

const JRD = JSON.stringify({
  subject: 'example.com',
  links: [
    { rel: 'urn:xmpp:alt-connections:websocket', href: 'wss://chat.example.com/xmpp-websocket' },
    { rel: 'urn:xmpp:alt-connections:xbosh', href: 'https://chat.example.com/http-bind' },
    { rel: 'urn:xmpp:alt-connections:websocket', href: 'wss://backup.example.com/ws' },
    { rel: 'lrdd', template: 'https://example.com/.well-known/webfinger?resource={uri}' },
  ],
});

const EMPTY = { websocket: [], bosh: [] };

describe('parseHostMetaJson', () => {
  it('reads WebSocket and BOSH links in document order', () => {
    expect(parseHostMetaJson(JRD)).toEqual({
      websocket: ['wss://chat.example.com/xmpp-websocket', 'wss://backup.example.com/ws'],
      bosh: ['https://chat.example.com/http-bind'],
    });
  });

  it('accepts the older altconnect relations', () => {
    const doc = JSON.stringify({
      links: [
        { rel: 'urn:xmpp:altconnect:websocket', href: 'wss://a/ws' },
        { rel: 'urn:xmpp:altconnect:bosh', href: 'https://a/bosh' },
      ],
    });
    expect(parseHostMetaJson(doc)).toEqual({ websocket: ['wss://a/ws'], bosh: ['https://a/bosh'] });
  });

  it.each([
    ['empty body', ''],
    ['an HTML error page', '<!doctype html><title>404</title>'],
    ['truncated JSON', JRD.slice(0, 40)],
    ['null', 'null'],
    ['an array', '[]'],
    ['links not an array', '{"links":{"rel":"urn:xmpp:alt-connections:websocket"}}'],
    [
      'links of the wrong shape',
      '{"links":[null, 3, "x", {"rel": 1, "href": 2}, {"rel":"urn:xmpp:alt-connections:websocket"}]}',
    ],
    ['an empty href', '{"links":[{"rel":"urn:xmpp:alt-connections:websocket","href":"  "}]}'],
  ])('gives nothing for %s, without throwing', (_name, text) => {
    expect(parseHostMetaJson(text)).toEqual(EMPTY);
  });
});

describe('parseHostMetaXml', () => {
  it('reads WebSocket and BOSH links from an XRD', () => {
    expect(parseHostMetaXml(XRD)).toEqual({
      websocket: ['wss://chat.example.com/xmpp-websocket'],
      bosh: ['https://chat.example.com/http-bind'],
    });
  });

  it('reads an XRD that uses a namespace prefix and escaped attributes', () => {
    const doc = `<x:XRD xmlns:x="http://docs.oasis-open.org/ns/xri/xrd-1.0">
      <x:Link rel="urn:xmpp:alt-connections:xbosh" href="https://a/bosh?x=1&amp;y=2"/></x:XRD>`;
    expect(parseHostMetaXml(doc)).toEqual({ websocket: [], bosh: ['https://a/bosh?x=1&y=2'] });
  });

  it.each([
    ['empty body', ''],
    ['plain text', 'Not Found'],
    ['JSON', JRD],
    [
      'an HTML page',
      '<html><body><Link rel="urn:xmpp:alt-connections:websocket" href="wss://a"/></body></html>',
    ],
    [
      'an XRD in the wrong namespace',
      '<XRD xmlns="urn:other"><Link rel="urn:xmpp:alt-connections:websocket" href="wss://a"/></XRD>',
    ],
    [
      'an XRD without namespace',
      '<XRD><Link rel="urn:xmpp:alt-connections:websocket" href="wss://a"/></XRD>',
    ],
    ['a truncated XRD', XRD.slice(0, XRD.indexOf('<Link rel="lrdd"'))],
    ['mismatched tags', '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0"><Link></XRD>'],
    ['two root elements', `${XRD}<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0"/>`],
    [
      'a DTD with an entity',
      '<!DOCTYPE XRD [<!ENTITY u "wss://evil/">]><XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0"><Link rel="urn:xmpp:alt-connections:websocket" href="&u;"/></XRD>',
    ],
  ])('gives nothing for %s, without throwing', (_name, text) => {
    expect(parseHostMetaXml(text)).toEqual(EMPTY);
  });
});

describe('the endpoint policy', () => {
  it.each([
    ['wss://chat.example.com/ws', 'websocket', true],
    ['ws://chat.example.com/ws', 'websocket', false],
    ['https://chat.example.com/ws', 'websocket', false],
    ['https://chat.example.com/bosh', 'bosh', true],
    ['http://chat.example.com/bosh', 'bosh', false],
    ['wss://chat.example.com/bosh', 'bosh', false],
    ['ws://127.0.0.1:5280/xmpp-websocket', 'websocket', true],
    ['ws://[::1]:5280/xmpp-websocket', 'websocket', true],
    ['ws://localhost:5280/xmpp-websocket', 'websocket', true],
    ['http://127.0.0.1:5280/http-bind', 'bosh', true],
    ['http://LOCALHOST/http-bind', 'bosh', true],
    ['ws://127.0.0.2/ws', 'websocket', false],
    ['ws://localhost.example.com/ws', 'websocket', false],
    ['wss://user:secret@chat.example.com/ws', 'websocket', false],
    ['/xmpp-websocket', 'websocket', false],
    ['javascript:alert(1)', 'websocket', false],
  ] as const)('%s as %s → %s', (url, kind, accepted) => {
    expect(isAcceptableEndpoint(url, kind)).toBe(accepted);
  });

  it('filters and de-duplicates, keeping the order', () => {
    expect(
      acceptEndpoints({
        websocket: ['ws://public.example/ws', 'wss://b/ws', 'wss://a/ws', 'wss://b/ws'],
        bosh: ['http://public.example/bosh', 'https://a/bosh'],
      }),
    ).toEqual({ websocket: ['wss://b/ws', 'wss://a/ws'], bosh: ['https://a/bosh'] });
  });
});

describe('the discovery cache', () => {
  it('serves an entry until its TTL has passed, then forgets it', () => {
    let now = 1000;
    const cache = createDiscoveryCache({ ttlMs: 100, now: () => now });
    cache.set('k', { websocket: ['wss://a'], bosh: [] });
    now = 1099;
    expect(cache.get('k')).toEqual({ websocket: ['wss://a'], bosh: [] });
    now = 1100;
    expect(cache.get('k')).toBeUndefined();
  });

  it('keeps empty results for the shorter negative TTL', () => {
    let now = 0;
    const cache = createDiscoveryCache({ ttlMs: 1000, negativeTtlMs: 10, now: () => now });
    cache.set('k', { websocket: [], bosh: [] });
    now = 9;
    expect(cache.get('k')).toEqual(EMPTY);
    now = 10;
    expect(cache.get('k')).toBeUndefined();
  });

  it('hands out copies', () => {
    const cache = createDiscoveryCache();
    cache.set('k', { websocket: ['wss://a'], bosh: [] });
    cache.get('k')!.websocket.push('wss://evil');
    expect(cache.get('k')!.websocket).toEqual(['wss://a']);
  });

  it('clears one key or all', () => {
    const cache = createDiscoveryCache();
    cache.set('a', { websocket: ['wss://a'], bosh: [] });
    cache.set('b', { websocket: ['wss://b'], bosh: [] });
    cache.clear('a');
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBeDefined();
    cache.clear();
    expect(cache.get('b')).toBeUndefined();
  });
});

/** A fetch that serves fixed documents by URL and records requests. */
function fakeFetch(documents: Record<string, string | number | Error>): FetchLike & { calls: string[] } {
  const calls: string[] = [];
  const fetch: FetchLike = async (url) => {
    calls.push(url);
    const doc = documents[url] ?? 404;
    if (doc instanceof Error) throw doc;
    if (typeof doc === 'number') return { ok: false, status: doc, text: async () => '' };
    return { ok: true, status: 200, text: async () => doc };
  };
  return Object.assign(fetch, { calls });
}

describe('discoverEndpoints', () => {
  const json = 'https://example.com/.well-known/host-meta.json';
  const xml = 'https://example.com/.well-known/host-meta';

  it('fetches both documents from https://<domain> and merges them, JSON first, filtered', async () => {
    const fetch = fakeFetch({
      [json]: JSON.stringify({
        links: [
          { rel: 'urn:xmpp:alt-connections:websocket', href: 'wss://chat.example.com/xmpp-websocket' },
          { rel: 'urn:xmpp:alt-connections:websocket', href: 'ws://chat.example.com/insecure' },
        ],
      }),
      [xml]: XRD,
    });
    await expect(discoverEndpoints('example.com', { fetch, cache: null })).resolves.toEqual({
      websocket: ['wss://chat.example.com/xmpp-websocket'],
      bosh: ['https://chat.example.com/http-bind'],
    });
    expect(fetch.calls.sort()).toEqual([xml, json]);
  });

  it('uses the other document when one fails', async () => {
    const fetch = fakeFetch({ [json]: new TypeError('Failed to fetch'), [xml]: XRD });
    await expect(discoverEndpoints('example.com', { fetch, cache: null })).resolves.toEqual({
      websocket: ['wss://chat.example.com/xmpp-websocket'],
      bosh: ['https://chat.example.com/http-bind'],
    });
  });

  it('gives empty lists when nothing is served, the network fails or the documents are broken', async () => {
    for (const documents of [
      {},
      { [json]: new Error('ECONNREFUSED'), [xml]: 500 },
      { [json]: '{', [xml]: '<XRD' },
    ]) {
      await expect(
        discoverEndpoints('example.com', { fetch: fakeFetch(documents), cache: null }),
      ).resolves.toEqual(EMPTY);
    }
  });

  it('uses a base URL when given one (tests, a reverse proxy)', async () => {
    const fetch = fakeFetch({ 'http://127.0.0.1:5280/.well-known/host-meta.json': JRD });
    const found = await discoverEndpoints('example.com', {
      fetch,
      baseUrl: 'http://127.0.0.1:5280/',
      cache: null,
    });
    expect(found.websocket).toEqual(['wss://chat.example.com/xmpp-websocket', 'wss://backup.example.com/ws']);
  });

  it('refuses domains that would change the URL', async () => {
    const fetch = fakeFetch({});
    for (const domain of ['', 'evil.com/x', 'a@b', 'host:1', 'a b', 'evil.com?', 'evil.com#']) {
      await expect(discoverEndpoints(domain, { fetch, cache: null })).resolves.toEqual(EMPTY);
    }
    expect(fetch.calls).toEqual([]);
  });

  it('caches by base URL, with the TTL', async () => {
    let now = 0;
    const cache = createDiscoveryCache({ ttlMs: 1000, now: () => now });
    const fetch = fakeFetch({ [json]: JRD });
    await discoverEndpoints('example.com', { fetch, cache });
    await discoverEndpoints('example.com', { fetch, cache });
    expect(fetch.calls).toHaveLength(2);
    now = 1000;
    await discoverEndpoints('example.com', { fetch, cache });
    expect(fetch.calls).toHaveLength(4);
  });

  it('shares one pair of requests between concurrent discoveries', async () => {
    const fetch = fakeFetch({ [json]: JRD });
    const cache = createDiscoveryCache();
    const [a, b] = await Promise.all([
      discoverEndpoints('example.com', { fetch, cache }),
      discoverEndpoints('example.com', { fetch, cache }),
    ]);
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
    expect(fetch.calls).toHaveLength(2);
  });

  it('gives up on a document after the time limit', async () => {
    const fetch: FetchLike = (_url, { signal }) =>
      new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    const started = Date.now();
    await expect(discoverEndpoints('example.com', { fetch, cache: null, timeoutMs: 50 })).resolves.toEqual(
      EMPTY,
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('rejects with the reason when the caller aborts', async () => {
    const fetch: FetchLike = (_url, { signal }) =>
      new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    const controller = new AbortController();
    const discovery = discoverEndpoints('example.com', { fetch, cache: null, signal: controller.signal });
    const reason = new Error('user cancelled');
    controller.abort(reason);
    await expect(discovery).rejects.toBe(reason);
  });

  it('uses the global fetch by default', async () => {
    const fetch = fakeFetch({ [json]: JRD });
    vi.stubGlobal('fetch', fetch);
    try {
      const found = await discoverEndpoints('example.com', { cache: null });
      expect(found.bosh).toEqual(['https://chat.example.com/http-bind']);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
