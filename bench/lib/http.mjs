// The bench's web server on loopback: static files compressed as a production server would send
// them (gzip, the best Chromium accepts over plain http), a JSON config for the pages, and a
// WebSocket reverse proxy to Prosody's /xmpp-websocket, so every page talks to its own origin.
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.ttf']);

/** The strict policy the widget is built for; the floor page runs under it too. */
export const STRICT_CSP =
  "default-src 'self'; connect-src 'self' ws: wss: http: https:; img-src 'self' blob: data: https: http:";

/**
 * Starts the server.
 * @param {{ mounts: Record<string, string>, files?: Record<string, string>, csp: (path: string) => string | undefined,
 *   config: unknown, upstream: { host: string, port: number } }} options
 *   `mounts`: URL prefix → folder; `files`: exact URL → file; `csp`: the policy for a path (none: undefined).
 */
export async function startBenchServer({ mounts, files = {}, csp, config, upstream }) {
  const cache = new Map();
  const resolveFile = (path) => {
    if (files[path]) return files[path];
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (!path.startsWith(prefix)) continue;
      const file = normalize(join(dir, decodeURIComponent(path.slice(prefix.length)) || 'index.html'));
      if (file.startsWith(dir) && existsSync(file) && statSync(file).isFile()) return file;
    }
    return undefined;
  };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const headers = { 'cache-control': 'no-store' };
    const policy = csp(path);
    if (policy) headers['content-security-policy'] = policy;
    if (path === '/bench/config.json') {
      res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify(config));
      return;
    }
    const file = resolveFile(path);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const type = extname(file);
    let body = readFileSync(file);
    headers['content-type'] = TYPES[type] ?? 'application/octet-stream';
    if (COMPRESSIBLE.has(type) && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      if (!cache.has(file)) cache.set(file, gzipSync(body, { level: 9 }));
      body = cache.get(file);
      headers['content-encoding'] = 'gzip';
      headers.vary = 'accept-encoding';
    }
    headers['content-length'] = body.length;
    res.writeHead(200, headers).end(body);
  });

  server.on('upgrade', (req, socket, head) => {
    if (!(req.url ?? '').startsWith('/xmpp-websocket')) {
      socket.destroy();
      return;
    }
    // Small frames go out as written, both ways, as from a reverse proxy in production (nginx
    // sets TCP_NODELAY on such connections): with Nagle's algorithm a burst of stanzas waits for
    // the acknowledgement of the first, up to the peer's delayed ACK (~40 ms).
    socket.setNoDelay(true);
    const up = connect({ port: upstream.port, host: upstream.host, noDelay: true }, () => {
      const lines = Object.entries(req.headers).map(
        ([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`,
      );
      up.write(`${req.method} ${req.url} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    const close = () => {
      up.destroy();
      socket.destroy();
    };
    for (const s of [up, socket]) {
      s.on('error', close);
      s.on('close', close);
    }
  });

  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
