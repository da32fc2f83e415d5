// `mailbox-chat/gateway` (Node only): a WebSocket (RFC 7395) to XMPP TCP (RFC 6120) gateway, so
// that browsers can reach XMPP servers that offer only TCP. Per browser connection it opens one
// TCP connection to the server of the domain in `<open to=…>` (an allow-list decides which
// domains), gets TLS up on it itself (STARTTLS required, certificate verified), and then translates
// framing only: `<open/>` ↔ stream header, `<close/>` ↔ `</stream:stream>`, one top-level element
// per WebSocket frame. Stanzas pass through unchanged, so SASL, binding and XEP-0198 resumption
// are between the browser and the server. See docs/gateway.md for the trust model.
import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { SecureContext, TLSSocket } from 'node:tls';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  UpstreamError,
  connectUpstream,
  streamHeader,
  trustContext,
  type UpstreamTarget,
} from './upstream.js';
import { STREAMS_NS, XmlSplitError, XmlSplitter, escapeXml, parseFrame, type SplitEvent } from './xml.js';

export type { UpstreamTarget } from './upstream.js';

const FRAMING_NS = 'urn:ietf:params:xml:ns:xmpp-framing';
const STREAM_ERRORS_NS = 'urn:ietf:params:xml:ns:xmpp-streams';

/**
 * One line of the gateway's log. It never holds stanza content, credentials or JIDs: only
 * connection events, addresses, conditions and sizes.
 */
export type GatewayLogEntry =
  | {
      /** An upgrade request was answered with an HTTP error. */
      event: 'refused';
      /** The client's address. */
      ip: string;
      /** The HTTP status the upgrade was answered with. */
      status: number;
      /** Which check refused it. */
      reason: 'origin' | 'subprotocol' | 'per-ip-limit' | 'capacity';
    }
  | {
      /** A WebSocket connection was accepted. */
      event: 'open';
      /** The connection's number, the same in all its entries. */
      id: number;
      /** The client's address. */
      ip: string;
    }
  | {
      /** The connection to the XMPP server has TLS up. */
      event: 'upstream';
      /** The connection's number. */
      id: number;
      /** The XMPP domain. */
      domain: string;
      /** The host connected to. */
      host: string;
      /** The port connected to. */
      port: number;
      /** The TLS version, e.g. `TLSv1.3`. */
      tls: string;
    }
  | {
      /** A stream ended with a stream error. */
      event: 'stream-error';
      /** The connection's number. */
      id: number;
      /** Who ended the stream: the gateway itself, or the XMPP server (passed on to the browser). */
      by: 'gateway' | 'server';
      /** The stream error condition (RFC 6120 §4.9.3). */
      condition: string;
      /** For gateway errors: why, without any stream content (e.g. a TLS verification code). */
      detail?: string;
    }
  | {
      /** A connection ended. */
      event: 'close';
      /** The connection's number. */
      id: number;
      /** The client's address. */
      ip: string;
      /** Who or what ended it: `browser`, `server`, `gateway`, `browser-dropped`, `server-dropped`. */
      reason: string;
      /** How long it was open. */
      durationMs: number;
      /** Frames from the browser to the server. */
      framesIn: number;
      /** Bytes from the browser to the server. */
      bytesIn: number;
      /** Frames from the server to the browser. */
      framesOut: number;
      /** Bytes from the server to the browser. */
      bytesOut: number;
    };

/** One DNS SRV record, as `node:dns` returns it. */
export interface GatewaySrvRecord {
  /** The target host; `.` means the service is not offered. */
  name: string;
  /** The target port. */
  port: number;
  /** Lower is tried first. */
  priority: number;
  /** Share among records of the same priority. */
  weight: number;
}

/** Answers DNS SRV queries for the gateway (default: `node:dns`). */
export interface GatewayResolver {
  /** The SRV records for `name` (e.g. `_xmpp-client._tcp.example.com`); rejects if there are none. */
  resolveSrv(name: string): Promise<GatewaySrvRecord[]>;
}

/** Options for {@link createGateway}. */
export interface GatewayOptions {
  /**
   * The XMPP domains the gateway connects to (the `to` of the browser's `<open/>`). Required and
   * non-empty: the gateway is never an open relay.
   */
  domains: readonly string[];
  /**
   * Where to connect for every domain, instead of DNS SRV (`_xmpps-client._tcp` and
   * `_xmpp-client._tcp`, then `<domain>:5222`): `"host:port"` or `xmpp://host:port` (STARTTLS),
   * `xmpps://host:port` (direct TLS), or an {@link UpstreamTarget}. The certificate is verified
   * against the XMPP domain either way.
   */
  upstream?: string | UpstreamTarget;
  /** Extra CA certificates (PEM) trusted for the upstream TLS, added to Node's built-in ones. */
  ca?: string | Buffer | readonly (string | Buffer)[];
  /** The WebSocket path. Default `/xmpp-websocket`. */
  path?: string;
  /**
   * Page origins allowed to connect (`https://portal.example.com`), `'*'` for any, or a function.
   * Default: only the gateway's own origin (the `Origin` host equals the `Host` header). A request
   * without `Origin` (not a browser) is allowed: only browsers need this protection.
   */
  origins?: readonly string[] | ((origin: string) => boolean);
  /** Open connections allowed per client IP address. Default 20. */
  maxConnectionsPerIp?: number;
  /** Open connections allowed in total. Default 10 000. */
  maxConnections?: number;
  /**
   * Largest frame a browser may send, in bytes; a larger one ends the stream with a
   * `policy-violation` stream error. Default 256 KiB (Prosody's own stanza limit). Frames above
   * twice this size are cut at the WebSocket level (close code 1009) before they are buffered whole.
   */
  maxFrameBytes?: number;
  /** Largest element the server may send, in characters. Default 1 MiB. */
  maxStanzaLength?: number;
  /**
   * Milliseconds without any traffic in either direction after which the gateway ends the
   * browser's stream (`connection-timeout`) and drops the server connection without closing the
   * stream, so that a XEP-0198 session stays resumable. Default 300 000 (5 minutes); the SDK sends
   * a keepalive every 60 s.
   */
  idleTimeoutMs?: number;
  /** Milliseconds for the browser's first `<open/>`, and for each TLS set-up upstream. Default 10 000. */
  connectTimeoutMs?: number;
  /**
   * Take the client address from the last `X-Forwarded-For` entry (set it when a reverse proxy such
   * as nginx terminates TLS in front of the gateway, or every browser shares the proxy's address).
   */
  trustProxy?: boolean;
  /** Receives each log entry. Default: none. */
  log?: (entry: GatewayLogEntry) => void;
  /** Resolves SRV records (default `node:dns`), e.g. for a private DNS. */
  resolver?: GatewayResolver;
}

/** Counters of a running gateway. */
export interface GatewayStats {
  /** Browser connections open now. */
  connections: number;
  /** Of those, how many have TLS up to their server. */
  upstreams: number;
  /** Connections accepted since the start. */
  accepted: number;
  /** Upgrades refused (origin, subprotocol, limits). */
  refused: number;
}

/** Where {@link Gateway.listen} listens. */
export interface GatewayListenOptions {
  /** The address to bind. Default `127.0.0.1`: put a TLS-terminating proxy in front. */
  host?: string;
  /** The port. Default 5280; `0` picks a free one. */
  port?: number;
}

/** Where a gateway started by {@link Gateway.listen} listens. */
export interface GatewayAddress {
  /** The address it is bound to. */
  host: string;
  /** The port. */
  port: number;
  /** Its WebSocket URL, e.g. `ws://127.0.0.1:5280/xmpp-websocket`. */
  url: string;
}

/** A gateway; mount it on an HTTP(S) server with {@link Gateway.attach} or run its own with {@link Gateway.listen}. */
export interface Gateway {
  /**
   * Handles WebSocket upgrades for the gateway's path on `server`; upgrades for other paths are
   * left to other listeners. Returns a function that detaches it again.
   */
  attach(server: HttpServer | HttpsServer): () => void;
  /**
   * Handles one upgrade request; returns false (and leaves the socket alone) if its path is not the
   * gateway's. For servers that dispatch upgrades themselves.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /**
   * Starts an HTTP server of its own (plain `ws://`: put TLS termination in front of it) and
   * resolves with its address. Other requests get 404; a plain GET of the path 426.
   */
  listen(options?: GatewayListenOptions): Promise<GatewayAddress>;
  /** Counters. */
  stats(): GatewayStats;
  /**
   * Ends every connection (`system-shutdown`; server connections are dropped without closing their
   * streams, so that clients can resume through another gateway) and stops listening.
   */
  close(): Promise<void>;
}

/**
 * Reads an upstream address: `"host:port"` or `xmpp://host:port` (STARTTLS), `xmpps://host:port`
 * (direct TLS).
 *
 * @example
 * ```ts
 * parseUpstream('xmpp.example.com:5222'); // { host: 'xmpp.example.com', port: 5222, directTls: false }
 * ```
 * @throws {Error} when the value is not such an address.
 */
export function parseUpstream(value: string): UpstreamTarget {
  const withScheme = /^[a-z]+:\/\//i.test(value) ? value : `xmpp://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    // Reported below with the value that was given.
    throw new Error(`Not an upstream address: ${value} (expected host:port)`);
  }
  const scheme = url.protocol.toLowerCase();
  if ((scheme !== 'xmpp:' && scheme !== 'xmpps:') || !url.hostname || !url.port) {
    throw new Error(`Not an upstream address: ${value} (expected host:port)`);
  }
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(url.port),
    directTls: scheme === 'xmpps:',
  };
}

/** Extracts the condition of a `<stream:error>` element (for the log), or `undefined-condition`. */
function streamErrorCondition(xml: string): string {
  const match = /<([A-Za-z-]+)\s[^>]*xmlns=(['"])urn:ietf:params:xml:ns:xmpp-streams\2/.exec(xml);
  return match && match[1] !== 'text' ? match[1]! : 'undefined-condition';
}

/** A stream error as an RFC 7395 frame. */
function streamErrorFrame(condition: string, text?: string): string {
  const textElement = text ? `<text xmlns='${STREAM_ERRORS_NS}'>${escapeXml(text)}</text>` : '';
  return (
    `<stream:error xmlns:stream='${STREAMS_NS}'>` +
    `<${condition} xmlns='${STREAM_ERRORS_NS}'/>${textElement}</stream:error>`
  );
}

/** The `<open/>` frame for a stream header from the server (or made up for an early error). */
function openFrame(attrs: Record<string, string>): string {
  let out = `<open xmlns='${FRAMING_NS}'`;
  for (const name of ['from', 'to', 'id', 'version', 'xml:lang']) {
    const value = attrs[name];
    if (value !== undefined) out += ` ${name}='${escapeXml(value)}'`;
  }
  return `${out}/>`;
}

const CLOSE_FRAME = `<close xmlns='${FRAMING_NS}'/>`;

/**
 * Makes a top-level element of the TCP stream a stand-alone document for a WebSocket frame: the
 * namespace declarations it inherited from the stream header (the default `jabber:client`, the
 * `stream:` prefix) are added to its start tag unless it has its own.
 */
function standalone(
  event: { name: string; attrs: Record<string, string>; xml: string },
  header: Record<string, string>,
): string {
  let declarations = '';
  for (const [name, value] of Object.entries(header)) {
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
    if (name in event.attrs) continue;
    const prefix = name.slice(6);
    if (prefix && !event.xml.includes(`${prefix}:`)) continue;
    declarations += ` ${name}='${escapeXml(value)}'`;
  }
  if (!declarations) return event.xml;
  const at = 1 + event.name.length;
  return event.xml.slice(0, at) + declarations + event.xml.slice(at);
}

/** Removes a `<starttls/>` offer from stream features: TLS is the gateway's business, not the browser's. */
function withoutStarttls(xml: string): string {
  return xml.replace(/<starttls\b[^>]*?(?:\/>|>[\s\S]*?<\/starttls>)/, '');
}

interface Settings {
  domains: Set<string>;
  upstream: UpstreamTarget | undefined;
  secureContext: SecureContext;
  path: string;
  originAllowed: (origin: string, host: string | undefined) => boolean;
  maxPerIp: number;
  maxConnections: number;
  maxFrameBytes: number;
  maxStanzaLength: number;
  idleTimeoutMs: number;
  connectTimeoutMs: number;
  trustProxy: boolean;
  log: (entry: GatewayLogEntry) => void;
  resolver: GatewayResolver | undefined;
}

function settingsFrom(options: GatewayOptions): Settings {
  const domains = new Set(options.domains.map((d) => d.toLowerCase().replace(/\.$/, '')).filter(Boolean));
  if (domains.size === 0) throw new Error('createGateway needs at least one domain in `domains`');
  const origins = options.origins;
  const originAllowed =
    typeof origins === 'function'
      ? (origin: string) => origins(origin)
      : origins
        ? (origin: string) => origins.includes('*') || origins.includes(origin)
        : (origin: string, host: string | undefined) => {
            try {
              return host !== undefined && new URL(origin).host === host;
            } catch {
              // An Origin that is not a URL ("null" from sandboxed frames) is not our origin.
              return false;
            }
          };
  const ca =
    options.ca === undefined
      ? []
      : Array.isArray(options.ca)
        ? [...options.ca]
        : [options.ca as string | Buffer];
  return {
    domains,
    upstream: typeof options.upstream === 'string' ? parseUpstream(options.upstream) : options.upstream,
    secureContext: trustContext(ca),
    path: options.path ?? '/xmpp-websocket',
    originAllowed,
    maxPerIp: options.maxConnectionsPerIp ?? 20,
    maxConnections: options.maxConnections ?? 10_000,
    maxFrameBytes: options.maxFrameBytes ?? 256 * 1024,
    maxStanzaLength: options.maxStanzaLength ?? 1024 * 1024,
    idleTimeoutMs: options.idleTimeoutMs ?? 300_000,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    trustProxy: options.trustProxy ?? false,
    log: options.log ?? (() => undefined),
    resolver: options.resolver,
  };
}

/** Answers an upgrade request with a plain HTTP error and closes the socket. */
function refuse(socket: Duplex, status: number, text: string): void {
  const body = `${text}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), 1000).unref();
}

/**
 * Creates a gateway. Nothing listens until {@link Gateway.attach} or {@link Gateway.listen}.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createGateway } from 'mailbox-chat/gateway';
 *
 * const gateway = createGateway({
 *   domains: ['example.com'],              // SRV _xmpp-client._tcp.example.com decides the server
 *   origins: ['https://portal.example.com'],
 *   log: (entry) => console.log(JSON.stringify(entry)),
 * });
 * const server = createServer(portalApp);  // the portal's own HTTP server, behind TLS
 * gateway.attach(server);                  // wss://portal.example.com/xmpp-websocket
 * server.listen(8080, '127.0.0.1');
 * ```
 * @throws {Error} when `domains` is empty or `upstream` is not an address.
 */
export function createGateway(options: GatewayOptions): Gateway {
  const settings = settingsFrom(options);
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: settings.maxFrameBytes * 2,
    handleProtocols: (protocols) => (protocols.has('xmpp') ? 'xmpp' : false),
  });
  const connections = new Set<Connection>();
  const perIp = new Map<string, number>();
  const counters = { accepted: 0, refused: 0 };
  let nextId = 1;
  let closed = false;
  let ownServer: HttpServer | undefined;

  const clientIp = (req: IncomingMessage): string => {
    if (settings.trustProxy) {
      const forwarded = req.headers['x-forwarded-for'];
      const last = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
        .split(',')
        .pop()
        ?.trim();
      if (last) return last;
    }
    return req.socket.remoteAddress ?? 'unknown';
  };

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): boolean => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== settings.path) return false;
    const ip = clientIp(req);
    const deny = (
      status: number,
      text: string,
      reason: Extract<GatewayLogEntry, { event: 'refused' }>['reason'],
    ) => {
      counters.refused += 1;
      settings.log({ event: 'refused', ip, status, reason });
      refuse(socket, status, text);
    };
    socket.on('error', () => {
      // A client that went away during the handshake: nothing to report beyond the close.
    });
    if (closed) {
      deny(503, 'Service Unavailable', 'capacity');
      return true;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !settings.originAllowed(origin, req.headers.host)) {
      deny(403, 'Forbidden', 'origin');
      return true;
    }
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes('xmpp')) {
      deny(400, 'Bad Request', 'subprotocol');
      return true;
    }
    if (connections.size >= settings.maxConnections) {
      deny(503, 'Service Unavailable', 'capacity');
      return true;
    }
    if ((perIp.get(ip) ?? 0) >= settings.maxPerIp) {
      deny(429, 'Too Many Requests', 'per-ip-limit');
      return true;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      counters.accepted += 1;
      perIp.set(ip, (perIp.get(ip) ?? 0) + 1);
      const connection = new Connection(nextId++, ws, ip, settings, () => {
        connections.delete(connection);
        const left = (perIp.get(ip) ?? 1) - 1;
        if (left > 0) perIp.set(ip, left);
        else perIp.delete(ip);
      });
      connections.add(connection);
    });
    return true;
  };

  return {
    attach(server) {
      const listener = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
        handleUpgrade(req, socket, head);
      };
      server.on('upgrade', listener);
      return () => {
        server.off('upgrade', listener);
      };
    },
    handleUpgrade,
    async listen({ host = '127.0.0.1', port = 5280 } = {}) {
      if (ownServer) throw new Error('The gateway is already listening');
      const server = createServer((req, res) => {
        const path = (req.url ?? '/').split('?')[0];
        if (path === settings.path) {
          res
            .writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' })
            .end('Upgrade Required\n');
        } else {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found\n');
        }
      });
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (!handleUpgrade(req, socket, head)) refuse(socket, 404, 'Not Found');
      });
      ownServer = server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('The gateway has no TCP address');
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return {
        host: address.address,
        port: address.port,
        url: `ws://${shownHost}:${address.port}${settings.path}`,
      };
    },
    stats() {
      let upstreams = 0;
      for (const c of connections) if (c.secure) upstreams += 1;
      return {
        connections: connections.size,
        upstreams,
        accepted: counters.accepted,
        refused: counters.refused,
      };
    },
    async close() {
      closed = true;
      const ending = [...connections].map((c) => c.shutdown());
      const server = ownServer;
      ownServer = undefined;
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
      await Promise.all(ending);
      wss.close();
    },
  };
}

/** The state of one browser connection. */
type Phase =
  /** Waiting for the browser's first `<open/>`. */
  | 'await-open'
  /** Opening the upstream leg (TCP, TLS). */
  | 'connecting'
  /** Frames pass both ways. */
  | 'open'
  /** `<close/>` or `</stream:stream>` was seen; finishing the closing handshake. */
  | 'closing'
  /** Over. */
  | 'ended';

/** One browser connection and its upstream leg. */
class Connection {
  secure = false;
  private phase: Phase = 'await-open';
  private upstream: TLSSocket | undefined;
  private splitter: XmlSplitter | undefined;
  private decoder = new StringDecoder('utf8');
  /** The stream header the server sent last (its namespace declarations apply to its children). */
  private header: Record<string, string> = {};
  private domain = '';
  /** Whether the browser has been sent an `<open/>` (errors need one before them). */
  private opened = false;
  /** Frames the browser sent while the upstream leg was being opened. */
  private queue: string[] = [];
  /** The connect timeout until the stream is open, then the idle timeout. */
  private timer: ReturnType<typeof setTimeout>;
  /** We sent `</stream:stream>` to the server. */
  private closedUpstream = false;
  /** Reading from the browser is paused until the server's socket drains. */
  private draining = false;
  private closeTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly started = Date.now();
  private readonly counts = { framesIn: 0, bytesIn: 0, framesOut: 0, bytesOut: 0 };
  private reason = 'browser-dropped';
  private finished: Promise<void>;
  private resolveFinished!: () => void;

  constructor(
    private readonly id: number,
    private readonly ws: WebSocket,
    private readonly ip: string,
    private readonly settings: Settings,
    private readonly onEnd: () => void,
  ) {
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    settings.log({ event: 'open', id, ip });
    // The first <open/> must come within the connect timeout; after that, the idle timeout.
    this.timer = setTimeout(() => this.onTimer(), settings.connectTimeoutMs);
    ws.on('message', (data: RawData, isBinary: boolean) => this.onFrame(data as Buffer, isBinary));
    ws.on('close', () => this.onBrowserClosed());
    ws.on('error', () => {
      // Protocol errors (e.g. a frame over maxPayload: close code 1009) end in 'close'.
    });
  }

  /** Resolves once both legs are closed. */
  shutdown(): Promise<void> {
    if (this.phase !== 'ended') this.fail('system-shutdown', 'The gateway is shutting down', 'drop');
    return this.finished;
  }

  private onTimer(): void {
    if (this.phase === 'await-open' || this.phase === 'connecting') {
      this.fail('connection-timeout', 'No stream was opened in time', 'drop');
    } else if (this.phase === 'open') {
      this.fail('connection-timeout', 'The connection was idle for too long', 'drop');
    }
  }

  private touch(): void {
    if (this.phase === 'open') this.timer.refresh();
  }

  private send(frame: string): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.counts.framesOut += 1;
    this.counts.bytesOut += Buffer.byteLength(frame);
    this.ws.send(frame, () => {
      // Back-pressure: the server's socket was paused while the browser's buffer was full.
      if (this.ws.bufferedAmount < 1024 * 1024 && this.upstream?.isPaused()) this.upstream.resume();
    });
    if (this.ws.bufferedAmount >= 1024 * 1024) this.upstream?.pause();
  }

  private write(text: string): void {
    const socket = this.upstream;
    if (!socket || socket.destroyed || !socket.writable) return;
    if (!socket.write(text) && !this.draining) {
      // Back-pressure: stop reading the browser until the server's socket has room again.
      this.draining = true;
      this.ws.pause();
      socket.once('drain', () => {
        this.draining = false;
        this.ws.resume();
      });
    }
  }

  // ---- browser → server ----------------------------------------------------------------------

  private onFrame(data: Buffer, isBinary: boolean): void {
    if (this.phase === 'ended') return;
    this.counts.framesIn += 1;
    this.counts.bytesIn += data.length;
    this.touch();
    if (isBinary) {
      this.fail('unsupported-encoding', 'XMPP frames must be text frames', 'close');
      return;
    }
    if (data.length > this.settings.maxFrameBytes) {
      this.fail('policy-violation', `Frames are limited to ${this.settings.maxFrameBytes} bytes`, 'close');
      return;
    }
    let frame: ReturnType<typeof parseFrame>;
    try {
      frame = parseFrame(data.toString('utf8'), this.settings.maxFrameBytes);
    } catch (error) {
      const condition = error instanceof XmlSplitError ? error.condition : 'not-well-formed';
      this.fail(condition, 'The frame is not one well-formed XMPP element', 'close');
      return;
    }
    const framing = frame.attrs.xmlns === FRAMING_NS;
    if (frame.name === 'open' && framing) {
      this.onOpen(frame.attrs);
    } else if (frame.name === 'close' && framing) {
      this.onClose();
    } else if (this.phase === 'await-open') {
      this.fail('bad-format', 'The first frame must be <open/>', 'close');
    } else if (this.phase === 'connecting') {
      if (this.queue.length >= 16)
        this.fail('policy-violation', 'Too many frames before the stream opened', 'close');
      else this.queue.push(frame.xml);
    } else if (this.phase === 'open') {
      this.write(frame.xml);
    }
  }

  private onOpen(attrs: Record<string, string>): void {
    const to = (attrs.to ?? '').toLowerCase().replace(/\.$/, '');
    if (attrs.version !== undefined && !/^1\./.test(attrs.version)) {
      this.fail('unsupported-version', 'Only XMPP 1.0 streams are supported', 'close', attrs.to);
      return;
    }
    if (this.phase === 'await-open') {
      if (!this.settings.domains.has(to)) {
        this.fail('host-unknown', 'This gateway does not serve that domain', 'close', attrs.to);
        return;
      }
      this.domain = to;
      this.phase = 'connecting';
      // From here each upstream attempt has its own timeout (see connectUpstream).
      clearTimeout(this.timer);
      void this.connectUpstream(attrs);
      return;
    }
    if (this.phase === 'open') {
      // A stream restart (after SASL): a new header upstream, and a fresh parser for its reply.
      if (to !== this.domain) {
        this.fail('host-unknown', 'A stream restart must keep the domain', 'close', attrs.to);
        return;
      }
      this.splitter = this.newSplitter();
      this.write(streamHeader(this.domain, { lang: attrs['xml:lang'], from: attrs.from }));
      return;
    }
    if (this.phase === 'connecting')
      this.fail('policy-violation', 'A second <open/> before the stream opened', 'close');
  }

  private onClose(): void {
    if (this.phase === 'open') {
      this.phase = 'closing';
      this.reason = 'browser';
      this.closeUpstreamStream();
      // Wait for the server's </stream:stream>, but not for ever.
      this.closeTimer = setTimeout(() => this.finishClose(), 2000);
    } else if (this.phase === 'closing') {
      // The browser's answer to our <close/>.
      this.end();
    } else {
      this.reason = 'browser';
      this.end();
    }
  }

  // ---- server → browser ----------------------------------------------------------------------

  private newSplitter(): XmlSplitter {
    return new XmlSplitter('stream', { maxElementLength: this.settings.maxStanzaLength });
  }

  private async connectUpstream(attrs: Record<string, string>): Promise<void> {
    let socket: TLSSocket;
    try {
      const link = await connectUpstream({
        domain: this.domain,
        target: this.settings.upstream,
        secureContext: this.settings.secureContext,
        timeoutMs: this.settings.connectTimeoutMs,
        resolver: this.settings.resolver,
      });
      socket = link.socket;
      if (this.phase !== 'connecting') {
        socket.destroy();
        return;
      }
      this.settings.log({
        event: 'upstream',
        id: this.id,
        domain: this.domain,
        host: link.target.host,
        port: link.target.port,
        tls: socket.getProtocol() ?? 'unknown',
      });
    } catch (error) {
      if (this.phase !== 'connecting') return;
      const upstreamError = error instanceof UpstreamError ? error : undefined;
      const text =
        upstreamError?.kind === 'certificate'
          ? `The XMPP server's TLS certificate could not be verified (${upstreamError.code ?? 'unknown'})`
          : upstreamError?.kind === 'no-starttls'
            ? 'The XMPP server does not offer TLS'
            : 'The gateway could not reach the XMPP server';
      this.fail(
        'remote-connection-failed',
        text,
        'drop',
        this.domain,
        upstreamError?.code ?? upstreamError?.kind,
      );
      return;
    }
    this.upstream = socket;
    this.secure = true;
    this.splitter = this.newSplitter();
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    socket.on('data', (chunk: Buffer) => this.onUpstreamData(chunk));
    socket.on('error', () => {
      // Reported by the 'close' that follows.
    });
    socket.on('close', () => this.onUpstreamClosed());
    this.write(streamHeader(this.domain, { lang: attrs['xml:lang'], from: attrs.from }));
    this.phase = 'open';
    this.timer = setTimeout(() => this.onTimer(), this.settings.idleTimeoutMs);
    for (const frame of this.queue.splice(0)) this.write(frame);
  }

  private onUpstreamData(chunk: Buffer): void {
    if (this.phase !== 'open' && this.phase !== 'closing') return;
    this.touch();
    let events: SplitEvent[];
    try {
      events = this.splitter!.feed(this.decoder.write(chunk));
    } catch (error) {
      const tooBig = error instanceof XmlSplitError && error.condition === 'policy-violation';
      this.fail(
        tooBig ? 'policy-violation' : 'internal-server-error',
        tooBig
          ? 'The XMPP server sent an element larger than the gateway allows'
          : 'The XMPP server sent invalid XML',
        'close',
      );
      return;
    }
    for (const event of events) {
      if ((this.phase as Phase) === 'ended') return;
      if (event.type === 'open') {
        this.header = event.attrs;
        this.opened = true;
        this.send(openFrame(event.attrs));
      } else if (event.type === 'close') {
        this.onUpstreamStreamEnd();
      } else {
        let xml = standalone(event, this.header);
        if (event.name === 'stream:features') xml = withoutStarttls(xml);
        if (event.name === 'stream:error') {
          this.settings.log({
            event: 'stream-error',
            id: this.id,
            by: 'server',
            condition: streamErrorCondition(xml),
          });
          this.reason = 'server';
        }
        this.send(xml);
      }
    }
  }

  /** The server sent `</stream:stream>`. */
  private onUpstreamStreamEnd(): void {
    this.send(CLOSE_FRAME);
    if (this.phase === 'closing') {
      // It answered the browser's <close/>.
      this.finishClose();
      return;
    }
    this.reason = 'server';
    this.phase = 'closing';
    this.closeUpstreamStream();
    // Give the browser a moment to answer with its own <close/>.
    this.closeTimer = setTimeout(() => this.end(), 1000);
  }

  private onUpstreamClosed(): void {
    if (this.phase === 'ended') return;
    if (this.phase === 'closing') {
      this.finishClose();
      return;
    }
    // The server's connection broke without a closing handshake: the browser sees the same, a
    // dropped link, and can resume its session.
    this.reason = 'server-dropped';
    this.end(1011, 'The XMPP server connection was lost');
  }

  private onBrowserClosed(): void {
    if (this.phase === 'ended') return;
    if (this.phase !== 'closing') this.reason = 'browser-dropped';
    // A browser that went away without <close/> leaves its session to be resumed: drop the server
    // connection without closing the stream. After <close/>, the stream was closed already.
    this.end();
  }

  // ---- ending ---------------------------------------------------------------------------------

  /**
   * Ends the browser's stream with a stream error from the gateway. `upstream`: `close` ends the
   * server's stream cleanly (the session ends), `drop` cuts it (the session stays resumable).
   */
  private fail(
    condition: string,
    text: string,
    upstream: 'close' | 'drop',
    from?: string,
    detail?: string,
  ): void {
    if (this.phase === 'ended') return;
    this.settings.log({
      event: 'stream-error',
      id: this.id,
      by: 'gateway',
      condition,
      ...(detail ? { detail } : {}),
    });
    this.reason = 'gateway';
    if (!this.opened) {
      // RFC 6120 §4.9.1.1: an error while setting up the stream still comes after a header.
      this.send(openFrame({ from: from ?? this.domain, version: '1.0' }));
      this.opened = true;
    }
    this.send(streamErrorFrame(condition, text));
    this.send(CLOSE_FRAME);
    if (upstream === 'close' && this.phase === 'open') this.closeUpstreamStream();
    this.end(1000);
  }

  /** Sends `</stream:stream>` to the server (once); the socket is ended after it in {@link end}. */
  private closeUpstreamStream(): void {
    if (this.closedUpstream) return;
    this.closedUpstream = true;
    this.write('</stream:stream>');
  }

  private finishClose(): void {
    this.end(1000);
  }

  /** Closes both legs (the browser's with `code`) and reports the connection's end, once. */
  private end(code = 1000, reason = ''): void {
    if (this.phase === 'ended') return;
    this.phase = 'ended';
    clearTimeout(this.timer);
    clearTimeout(this.closeTimer);
    const socket = this.upstream;
    this.upstream = undefined;
    this.secure = false;
    this.queue = [];
    if (socket && !socket.destroyed) {
      if (this.closedUpstream) {
        // Our </stream:stream> is on its way: let it go out, then close.
        socket.end();
        setTimeout(() => socket.destroy(), 1000).unref();
      } else {
        // No closing handshake: the server sees a dropped link and keeps the session resumable.
        socket.destroy();
      }
    }
    const done = (): void => {
      this.settings.log({
        event: 'close',
        id: this.id,
        ip: this.ip,
        reason: this.reason,
        durationMs: Date.now() - this.started,
        ...this.counts,
      });
      this.onEnd();
      this.resolveFinished();
    };
    if (this.ws.readyState === this.ws.CLOSED) {
      done();
      return;
    }
    this.ws.once('close', done);
    if (this.ws.readyState === this.ws.OPEN) this.ws.close(code, reason);
    // A browser that does not answer the close frame is cut after a moment.
    setTimeout(() => this.ws.terminate(), 2000).unref();
  }
}
