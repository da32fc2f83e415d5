// Serves the example intranet portal (examples/intranet/) with the single-file build, under a
// strict Content-Security-Policy, and reverse-proxies /xmpp-websocket and /http-bind to the XMPP
// server, as a portal's own web server would. Used by `npm run demo` and the browser tests.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { connect } from 'node:net';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The CSP the widget must work under (see the widget contract). */
export const STRICT_CSP =
  "default-src 'self'; connect-src 'self' ws: wss: http: https:; img-src 'self' blob: data: https: http:";

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * Starts the portal server on loopback.
 * @param {{ port?: number, bundle: string, upstream: { host: string, port: number }, pages?: string }} options
 * @returns {Promise<{ url: string, port: number, close(): Promise<void> }>}
 */
export async function startPortal({ port = 0, bundle, upstream, pages = join(root, 'examples/intranet') }) {
  const files = (path) => {
    if (path === '/mailbox-chat.js' || path === '/mailbox-chat.js.map') {
      return path.endsWith('.map') ? `${bundle}.map` : bundle;
    }
    // The date formats' worker the build writes beside the bundle.
    if (path === '/mailbox-chat-intl.js') return join(dirname(bundle), 'mailbox-chat-intl.js');
    const file = normalize(join(pages, path === '/' ? 'index.html' : path));
    return file.startsWith(pages) ? file : undefined;
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/http-bind')) {
      // BOSH: plain HTTP forwarding.
      const upstreamReq = request(
        {
          host: upstream.host,
          port: upstream.port,
          path: url.pathname + url.search,
          method: req.method,
          headers: req.headers,
        },
        (upstreamRes) => {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
        },
      );
      upstreamReq.on('error', () => {
        res.writeHead(502).end();
      });
      req.pipe(upstreamReq);
      return;
    }
    const file = files(url.pathname);
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': STRICT_CSP,
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(res);
  });

  // WebSocket: pass the upgrade request and then the raw bytes through to the XMPP server.
  server.on('upgrade', (req, socket, head) => {
    if (!(req.url ?? '').startsWith('/xmpp-websocket')) {
      socket.destroy();
      return;
    }
    const upstreamSocket = connect(upstream.port, upstream.host, () => {
      const headers = Object.entries(req.headers)
        .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`)
        .join('\r\n');
      upstreamSocket.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers}\r\n\r\n`);
      if (head.length) upstreamSocket.write(head);
      upstreamSocket.pipe(socket);
      socket.pipe(upstreamSocket);
    });
    const close = () => {
      upstreamSocket.destroy();
      socket.destroy();
    };
    upstreamSocket.on('error', close);
    socket.on('error', close);
    upstreamSocket.on('close', close);
    socket.on('close', close);
  });

  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolvePromise);
  });
  const actual = server.address().port;
  return {
    url: `http://127.0.0.1:${actual}/`,
    port: actual,
    close: () =>
      new Promise((resolveClose) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolveClose());
      }),
  };
}
