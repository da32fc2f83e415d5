// Decides which StanzaJS transports to try, in order, for a `service` option. Pure.

/** One transport to try: a StanzaJS transport name and the URL it gets. */
export interface Endpoint {
  transport: 'websocket' | 'bosh' | 'tcp';
  url: string;
}

/**
 * Maps the `service` option to endpoints:
 * - `ws://…`, `wss://…` → WebSocket; `http://…`, `https://…` → BOSH;
 * - `xmpp://host:port` → TCP with STARTTLS; `xmpps://host:port` → TCP with direct TLS (XEP-0368);
 * - omitted → TCP with SRV lookup where the platform has TCP (`xmpp://<domain>` without a port),
 *   else XEP-0156 discovery (WebSocket, then BOSH) on the domain.
 */
export function endpointsFor(service: string | undefined, domain: string, hasTcp: boolean): Endpoint[] {
  if (!service) {
    return hasTcp
      ? [{ transport: 'tcp', url: `xmpp://${domain}` }]
      : [
          { transport: 'websocket', url: '' },
          { transport: 'bosh', url: '' },
        ];
  }
  const scheme = service.slice(0, service.indexOf(':')).toLowerCase();
  switch (scheme) {
    case 'ws':
    case 'wss':
      return [{ transport: 'websocket', url: service }];
    case 'http':
    case 'https':
      return [{ transport: 'bosh', url: service }];
    case 'xmpp':
    case 'xmpps':
      return [{ transport: 'tcp', url: service }];
    default:
      return [];
  }
}
