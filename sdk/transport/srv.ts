// DNS SRV lookup for XMPP clients (RFC 6120 §3.2, XEP-0368) and the RFC 2782 target order.
// Node only: reached from the TCP transport, never from browser bundles. The ordering is pure; the
// lookup takes an injectable resolver and random source so that tests are deterministic.
import { resolveSrv as dnsResolveSrv } from 'node:dns/promises';

/** One SRV record, as `node:dns` returns it. */
export interface SrvRecord {
  /** The target host name; `.` (or an empty name) means "this service is not offered here". */
  name: string;
  port: number;
  priority: number;
  weight: number;
}

/** Answers SRV queries. The default is `node:dns/promises`. */
export interface SrvResolver {
  resolveSrv(name: string): Promise<SrvRecord[]>;
}

/** A random number in [0, 1), like `Math.random`. */
export type RandomSource = () => number;

/** One place to try: a host and port, and whether TLS starts at once (XEP-0368) or via STARTTLS. */
export interface ConnectTarget {
  host: string;
  port: number;
  /** `true`: direct TLS (`_xmpps-client`); `false`: STARTTLS (`_xmpp-client`). */
  directTls: boolean;
}

/** The SRV service names an XMPP client queries, and how each one starts TLS. */
const SERVICES = [
  { prefix: '_xmpps-client._tcp.', directTls: true },
  { prefix: '_xmpp-client._tcp.', directTls: false },
] as const;

/** The port RFC 6120 §3.2.2 falls back to when a domain has no SRV records. */
export const DEFAULT_STARTTLS_PORT = 5222;

const systemResolver: SrvResolver = { resolveSrv: (name) => dnsResolveSrv(name) };
let defaultResolver: SrvResolver = systemResolver;

/**
 * Internal, for tests: replaces the resolver that {@link lookupTargets} uses when none is passed
 * (the TCP transport relies on that default). `undefined` restores `node:dns/promises`. Not part
 * of the public API (`sdk/index.ts` does not export it).
 */
export function setDefaultSrvResolver(resolver: SrvResolver | undefined): void {
  defaultResolver = resolver ?? systemResolver;
}

/** Whether a record's target is the RFC 2782 "service decidedly not available" marker. */
function isNotOffered(record: SrvRecord): boolean {
  return record.name === '.' || record.name === '';
}

/** A target name without the trailing dot of a fully qualified DNS name. */
function hostOf(name: string): string {
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/**
 * Orders records of one priority by the RFC 2782 weighted random selection: records with weight 0
 * first, then the running sum of weights; pick a number uniformly in [0, sum] and take the first
 * record whose running sum reaches it; remove it and repeat. A weight-0 record is therefore taken
 * only when the number is 0 (a small chance when others have weight), and a set of only weight-0
 * records keeps the order it had. Pure.
 */
export function weightedOrder<T extends { weight: number }>(
  records: readonly T[],
  random: RandomSource,
): T[] {
  const left = [...records.filter((r) => r.weight === 0), ...records.filter((r) => r.weight !== 0)];
  const ordered: T[] = [];
  while (left.length > 0) {
    const total = left.reduce((sum, r) => sum + r.weight, 0);
    const pick = Math.min(total, Math.floor(random() * (total + 1)));
    let running = 0;
    let index = left.length - 1;
    for (let i = 0; i < left.length; i += 1) {
      running += left[i]!.weight;
      if (running >= pick) {
        index = i;
        break;
      }
    }
    ordered.push(...left.splice(index, 1));
  }
  return ordered;
}

/**
 * Orders the SRV answers of both services into the list of targets to try. Pure.
 *
 * - `.` targets are dropped (the service is not offered; RFC 2782).
 * - Lower priority first (RFC 2782), across both services.
 * - Within one priority, direct-TLS records (`_xmpps-client`) come before STARTTLS records
 *   (`_xmpp-client`) — XEP-0368 lets clients mix both lists; we prefer direct TLS because it saves
 *   a round trip and never exposes a plaintext stream — and each group is ordered by the RFC 2782
 *   weighted random selection ({@link weightedOrder}).
 */
export function orderTargets(
  directTls: readonly SrvRecord[],
  startTls: readonly SrvRecord[],
  random: RandomSource,
): ConnectTarget[] {
  const all = [
    ...directTls.filter((r) => !isNotOffered(r)).map((r) => ({ ...r, directTls: true })),
    ...startTls.filter((r) => !isNotOffered(r)).map((r) => ({ ...r, directTls: false })),
  ];
  const priorities = [...new Set(all.map((r) => r.priority))].sort((a, b) => a - b);
  const targets: ConnectTarget[] = [];
  for (const priority of priorities) {
    for (const tls of [true, false]) {
      const group = all.filter((r) => r.priority === priority && r.directTls === tls);
      for (const r of weightedOrder(group, random)) {
        targets.push({ host: hostOf(r.name), port: r.port, directTls: r.directTls });
      }
    }
  }
  return targets;
}

/** Options for {@link lookupTargets}. */
export interface LookupOptions {
  /** Default: `node:dns/promises` (or what {@link setDefaultSrvResolver} set). */
  resolver?: SrvResolver;
  /** Default: `Math.random`. */
  random?: RandomSource;
}

/**
 * Finds where an XMPP client for `domain` connects: queries `_xmpps-client._tcp.<domain>` and
 * `_xmpp-client._tcp.<domain>` and orders the answers with {@link orderTargets}.
 *
 * - No records of either kind (NXDOMAIN/NODATA), or the lookup itself failed: falls back to
 *   `<domain>:5222` with STARTTLS (RFC 6120 §3.2.2).
 * - Records exist but all say `.`: returns `[]` — the domain says it offers no client service.
 *
 * The TLS certificate must still be verified against `domain`, never against a target host.
 */
export async function lookupTargets(domain: string, options: LookupOptions = {}): Promise<ConnectTarget[]> {
  const resolver = options.resolver ?? defaultResolver;
  const random = options.random ?? Math.random;
  const name = hostOf(domain);
  const answers = await Promise.all(
    SERVICES.map(({ prefix }) =>
      resolver.resolveSrv(prefix + name).then(
        (records) => records,
        // NXDOMAIN/NODATA mean no records. Other failures (SERVFAIL, timeout) count the same:
        // RFC 6120 §3.2.2 then falls back to the domain itself, still verified as the domain.
        (): SrvRecord[] => [],
      ),
    ),
  );
  const [directTls = [], startTls = []] = answers;
  if (directTls.length === 0 && startTls.length === 0) {
    return [{ host: name, port: DEFAULT_STARTTLS_PORT, directTls: false }];
  }
  return orderTargets(directTls, startTls, random);
}
