// A fault-injection TCP proxy for tests: it sits between a client (the SDK) and the real Prosody
// and breaks the link on command — cut every connection, freeze the link without closing it, or
// refuse new connections as if the server were down. It works at the TCP level, so WebSocket and
// BOSH (HTTP, including the WebSocket upgrade) and TCP c2s (STARTTLS, direct TLS: the TLS bytes
// pass through untouched) all work through it. It listens on 127.0.0.1 only, on a free port.
import { createServer, connect, type Server, type Socket } from 'node:net';

const HOST = '127.0.0.1';

/** Options for {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** Where connections go: the real server's host and port (e.g. Prosody's HTTP or c2s port). */
  target: { host: string; port: number };
}

/** Byte and connection counters of a {@link FaultProxy}. */
export interface FaultProxyStats {
  /** Connections accepted and forwarded since the start. */
  accepted: number;
  /** Connections closed at once because the proxy was refusing. */
  refused: number;
  /** Connections that ended (either side closed, or cut). */
  closed: number;
  /** Bytes forwarded from clients to the server. */
  bytesToServer: number;
  /** Bytes forwarded from the server to clients. */
  bytesToClient: number;
}

/** A running proxy. See {@link startFaultProxy}. */
export interface FaultProxy {
  /** The loopback port the proxy listens on. */
  readonly port: number;
  /** `127.0.0.1`. */
  readonly host: string;
  /** A URL through the proxy: `url('ws', '/xmpp-websocket')` → `ws://127.0.0.1:<port>/xmpp-websocket`. */
  url(scheme: string, path?: string): string;
  /**
   * Kills every current connection abruptly, on both sides, with a TCP reset (no FIN, no
   * WebSocket close frame, no `</stream:stream>`): what a client sees when a NAT or the network
   * drops the connection, or the server crashes.
   */
  cutAll(): void;
  /**
   * Stops forwarding bytes in both directions without closing anything: a dead link that keeps
   * the sockets open (a laptop lid closed, a train tunnel). Bytes already written by either side
   * are held, as TCP would retransmit them, and delivered on {@link resume}. Connections opened
   * while paused are accepted but frozen too. `'to-client'` stops only what the server writes:
   * the client's bytes still reach the server, its answers wait (a request that got there whose
   * answer is lost with the link).
   */
  pause(direction?: 'both' | 'to-client'): void;
  /** Forwards again, starting with the bytes held while paused. */
  resume(): void;
  /** Whether the proxy is paused. */
  readonly paused: boolean;
  /**
   * While `on`, every new connection is reset at once, as if the server were down; existing
   * connections are left alone (combine with {@link cutAll} for a full outage).
   */
  refuse(on: boolean): void;
  /** How many connections are open now. */
  connections(): number;
  /** Resolves once {@link connections} satisfies `predicate`, or rejects after `timeoutMs`. */
  waitForConnections(predicate: (open: number) => boolean, timeoutMs?: number): Promise<void>;
  /** Counters since the start. */
  stats(): FaultProxyStats;
  /** Cuts every connection and stops listening. */
  close(): Promise<void>;
}

interface Link {
  client: Socket;
  server: Socket;
  /** Set once the link is counted as closed. */
  broken: boolean;
}

/** Ends a socket abruptly: a TCP reset where the socket is connected, else a plain destroy. */
function kill(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.readyState === 'open' || socket.readyState === 'readOnly' || socket.readyState === 'writeOnly') {
    socket.resetAndDestroy();
  } else {
    socket.destroy();
  }
}

/** Starts a proxy on a free loopback port that forwards to `options.target`. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const { target } = options;
  const links = new Set<Link>();
  const counters: FaultProxyStats = {
    accepted: 0,
    refused: 0,
    closed: 0,
    bytesToServer: 0,
    bytesToClient: 0,
  };
  const watchers = new Set<() => void>();
  let paused = false;
  /** Only the server → client direction is paused. */
  let toClientOnly = false;
  let refusing = false;

  const notify = (): void => {
    for (const watcher of [...watchers]) watcher();
  };

  /** Bookkeeping when a link ends, once per link. */
  const broken = (link: Link): void => {
    if (link.broken) return;
    link.broken = true;
    links.delete(link);
    counters.closed += 1;
    notify();
  };

  /** Whether the direction `from` reads is paused (`fromServer`: server → client). */
  const isPaused = (fromServer: boolean): boolean => paused && (fromServer || !toClientOnly);
  /** Forwards `from` → `to`, honouring back-pressure and the pause switch. */
  const forward = (from: Socket, to: Socket, fromServer: boolean, count: (n: number) => void): void => {
    from.on('data', (chunk: Buffer) => {
      count(chunk.length);
      if (!to.write(chunk)) from.pause();
    });
    to.on('drain', () => {
      if (!isPaused(fromServer)) from.resume();
    });
    // A clean end (FIN) on one side is passed on as a FIN to the other; half-open is allowed.
    from.on('end', () => to.end());
  };

  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    if (refusing) {
      counters.refused += 1;
      // An error after the reset (EPIPE/ECONNRESET) is the point of refusing; nothing to report.
      client.on('error', () => undefined);
      kill(client);
      return;
    }
    counters.accepted += 1;
    const upstream = connect({ host: target.host, port: target.port, allowHalfOpen: true });
    const link: Link = { client, server: upstream, broken: false };
    links.add(link);
    if (isPaused(false)) client.pause();
    if (isPaused(true)) upstream.pause();
    forward(client, upstream, false, (n) => (counters.bytesToServer += n));
    forward(upstream, client, true, (n) => (counters.bytesToClient += n));
    const closed =
      (other: Socket) =>
      (hadError: boolean): void => {
        if (hadError) {
          // A reset or a failure on one side: the other side is reset too, as a broken path would.
          kill(other);
        } else {
          // A clean close: let the other side receive what is still in flight, then its FIN.
          other.end();
          setTimeout(() => other.destroy(), 1000).unref();
        }
        broken(link);
      };
    // Errors (ECONNRESET after a cut, ECONNREFUSED when the target is down) end the link; the
    // 'close' that follows every error does the bookkeeping.
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.on('close', closed(upstream));
    upstream.on('close', closed(client));
    notify();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the fault proxy has no TCP address');
  const { port } = address;

  const cutAll = (): void => {
    for (const link of [...links]) {
      kill(link.client);
      kill(link.server);
      broken(link);
    }
  };

  return {
    port,
    host: HOST,
    url(scheme, path = '/') {
      return `${scheme}://${HOST}:${port}${path.startsWith('/') ? path : `/${path}`}`;
    },
    cutAll,
    pause(direction = 'both') {
      paused = true;
      toClientOnly = direction === 'to-client';
      for (const link of links) {
        if (!toClientOnly) link.client.pause();
        link.server.pause();
      }
    },
    resume() {
      paused = false;
      toClientOnly = false;
      for (const { client, server: upstream } of links) {
        // Resume a reader only if its writer is not waiting for 'drain' (which resumes it).
        if (!upstream.writableNeedDrain) client.resume();
        if (!client.writableNeedDrain) upstream.resume();
      }
    },
    get paused() {
      return paused;
    },
    refuse(on) {
      refusing = on;
    },
    connections() {
      return links.size;
    },
    waitForConnections(predicate, timeoutMs = 5000) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!predicate(links.size)) return;
          clearTimeout(timer);
          watchers.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`fault proxy: condition not met within ${timeoutMs} ms (${links.size} open)`));
        }, timeoutMs);
        watchers.add(check);
        check();
      });
    },
    stats() {
      return { ...counters };
    },
    close() {
      refusing = true;
      cutAll();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
