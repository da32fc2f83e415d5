// Decides which StanzaJS transports to try, in order, for a `service` option. Pure.

/** One transport to try: a StanzaJS transport name and the URL it gets. */
export interface Endpoint {
  transport: 'websocket' | 'bosh' | 'tcp';
  url: string;
}

/**
 * Maps the `service` option to endpoints (a list keeps its order, e.g. WebSocket then BOSH):
 * - `ws://…`, `wss://…` → WebSocket; `http://…`, `https://…` → BOSH;
 * - `xmpp://host:port` → TCP with STARTTLS; `xmpps://host:port` → TCP with direct TLS (XEP-0368);
 * - omitted → TCP with SRV lookup where the platform has TCP (`xmpp://<domain>` without a port),
 *   else XEP-0156 discovery (WebSocket, then BOSH) on the domain.
 */
export function endpointsFor(
  service: string | readonly string[] | undefined,
  domain: string,
  hasTcp: boolean,
): Endpoint[] {
  if (Array.isArray(service)) {
    // Several endpoints, tried in the order given; one unknown scheme makes the whole list invalid.
    const all = service.map((s: string) => endpointsFor(s, domain, hasTcp));
    return all.some((e) => e.length === 0) ? [] : all.flat();
  }
  if (!service) {
    return hasTcp
      ? [{ transport: 'tcp', url: `xmpp://${domain}` }]
      : [
          { transport: 'websocket', url: '' },
          { transport: 'bosh', url: '' },
        ];
  }
  const url = service as string;
  const scheme = url.slice(0, url.indexOf(':')).toLowerCase();
  switch (scheme) {
    case 'ws':
    case 'wss':
      return [{ transport: 'websocket', url }];
    case 'http':
    case 'https':
      return [{ transport: 'bosh', url }];
    case 'xmpp':
    case 'xmpps':
      return [{ transport: 'tcp', url }];
    default:
      return [];
  }
}
