import { describe, expect, it } from 'vitest';
import { lookupTargets, orderTargets, weightedOrder, type SrvRecord, type SrvResolver } from './srv.js';

/** A resolver answering from a table; names not in it fail with `code` (NXDOMAIN by default). */
function resolver(table: Record<string, SrvRecord[]>, code = 'ENOTFOUND'): SrvResolver & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    resolveSrv: async (name) => {
      asked.push(name);
      const records = table[name];
      if (records) return records;
      throw Object.assign(new Error(`query ${name} failed`), { code });
    },
  };
}

/** A random source that returns the given values in turn. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

/** A small seeded PRNG (mulberry32), so statistical checks are reproducible. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const srv = (name: string, port: number, priority = 0, weight = 0): SrvRecord => ({
  name,
  port,
  priority,
  weight,
});

describe('SRV lookup for an XMPP domain', () => {
  it("follows mailbox's record: connect to xmpp.mailbox.org:5222 with STARTTLS", async () => {
    // _xmpp-client._tcp.example.com. 3600 IN SRV 0 5 5222 xmpp.mailbox.org.
    const dns = resolver({ '_xmpp-client._tcp.example.com': [srv('xmpp.mailbox.org.', 5222, 0, 5)] });
    const targets = await lookupTargets('example.com', { resolver: dns, random: sequence(0.5) });
    expect(targets).toEqual([{ host: 'xmpp.mailbox.org', port: 5222, directTls: false }]);
    // Both services are asked for, and the domain itself is the name the certificate must carry
    // (the transport verifies TLS as example.com, never as the target host).
    expect(dns.asked.sort()).toEqual(['_xmpp-client._tcp.example.com', '_xmpps-client._tcp.example.com']);
  });

  it('falls back to <domain>:5222 STARTTLS when the domain has no SRV records', async () => {
    for (const code of ['ENOTFOUND', 'ENODATA', 'ESERVFAIL']) {
      const targets = await lookupTargets('example.org', { resolver: resolver({}, code) });
      expect(targets).toEqual([{ host: 'example.org', port: 5222, directTls: false }]);
    }
    // An empty answer counts as no records too.
    const empty = resolver({ '_xmpp-client._tcp.example.org': [] });
    expect(await lookupTargets('example.org', { resolver: empty })).toEqual([
      { host: 'example.org', port: 5222, directTls: false },
    ]);
  });

  it('says the service is not offered when the only target is "."', async () => {
    const dns = resolver({ '_xmpp-client._tcp.example.net': [srv('.', 0)] });
    expect(await lookupTargets('example.net', { resolver: dns })).toEqual([]);
    const both = resolver({
      '_xmpp-client._tcp.example.net': [srv('.', 0)],
      '_xmpps-client._tcp.example.net': [srv('.', 0)],
    });
    expect(await lookupTargets('example.net', { resolver: both })).toEqual([]);
  });

  it('uses the other service when one of them says "."', async () => {
    const dns = resolver({
      '_xmpp-client._tcp.example.net': [srv('.', 0)],
      '_xmpps-client._tcp.example.net': [srv('tls.example.net', 5223)],
    });
    expect(await lookupTargets('example.net', { resolver: dns })).toEqual([
      { host: 'tls.example.net', port: 5223, directTls: true },
    ]);
  });

  it('tries lower priority values first, across both services', async () => {
    const dns = resolver({
      '_xmpp-client._tcp.example.com': [srv('c.example.com', 5222, 20), srv('a.example.com', 5222, 0)],
      '_xmpps-client._tcp.example.com': [srv('b.example.com', 5223, 10)],
    });
    const targets = await lookupTargets('example.com', { resolver: dns, random: sequence(0) });
    expect(targets.map((t) => `${t.host}:${t.port}:${t.directTls ? 'tls' : 'starttls'}`)).toEqual([
      'a.example.com:5222:starttls',
      'b.example.com:5223:tls',
      'c.example.com:5222:starttls',
    ]);
  });

  it('prefers direct TLS over STARTTLS at equal priority', () => {
    const targets = orderTargets(
      [srv('tls.example.com', 5223, 5, 1)],
      [srv('plain.example.com', 5222, 5, 100), srv('backup.example.com', 5222, 9, 1)],
      sequence(0.99),
    );
    expect(targets).toEqual([
      { host: 'tls.example.com', port: 5223, directTls: true },
      { host: 'plain.example.com', port: 5222, directTls: false },
      { host: 'backup.example.com', port: 5222, directTls: false },
    ]);
  });
});

describe('RFC 2782 weighted selection within one priority', () => {
  const a = srv('a', 1, 0, 1);
  const b = srv('b', 2, 0, 3);

  it('picks by running sums over a number drawn from [0, total]', () => {
    // total 4 → pick = floor(r * 5): 0..1 → a (running sum 1), 2..4 → b (running sum 4).
    expect(weightedOrder([a, b], sequence(0.1, 0)).map((r) => r.name)).toEqual(['a', 'b']);
    expect(weightedOrder([a, b], sequence(0.5, 0)).map((r) => r.name)).toEqual(['b', 'a']);
    expect(weightedOrder([a, b], sequence(0.999, 0)).map((r) => r.name)).toEqual(['b', 'a']);
  });

  it('chooses in proportion to the weights', () => {
    const random = seeded(42);
    let bFirst = 0;
    const runs = 20_000;
    for (let i = 0; i < runs; i += 1) {
      if (weightedOrder([a, b], random)[0]!.name === 'b') bFirst += 1;
    }
    // P(b first) = 3/5 with the inclusive [0, total] draw of RFC 2782.
    expect(bFirst / runs).toBeGreaterThan(0.58);
    expect(bFirst / runs).toBeLessThan(0.62);
  });

  it('gives weight-0 records a small chance only, and keeps them in the list', () => {
    const zero = srv('zero', 3, 0, 0);
    const heavy = srv('heavy', 4, 0, 10);
    // Weight-0 records are placed first; they win only when the draw is exactly 0 (1 in 11 here).
    expect(weightedOrder([heavy, zero], sequence(0)).map((r) => r.name)).toEqual(['zero', 'heavy']);
    expect(weightedOrder([heavy, zero], sequence(0.5)).map((r) => r.name)).toEqual(['heavy', 'zero']);
    const random = seeded(7);
    let zeroFirst = 0;
    for (let i = 0; i < 11_000; i += 1) {
      if (weightedOrder([heavy, zero], random)[0]!.name === 'zero') zeroFirst += 1;
    }
    expect(zeroFirst).toBeGreaterThan(800);
    expect(zeroFirst).toBeLessThan(1200);
  });

  it('keeps the given order when every weight is 0', () => {
    const records = [srv('x', 1), srv('y', 2), srv('z', 3)];
    expect(weightedOrder(records, seeded(1)).map((r) => r.name)).toEqual(['x', 'y', 'z']);
  });

  it('mixes weights within a priority but never across priorities', () => {
    const targets = orderTargets(
      [],
      [srv('low-1', 1, 0, 1), srv('high', 1, 1, 1000), srv('low-2', 2, 0, 1)],
      seeded(3),
    );
    expect(targets[2]!.host).toBe('high');
    expect(new Set(targets.slice(0, 2).map((t) => t.host))).toEqual(new Set(['low-1', 'low-2']));
  });
});
