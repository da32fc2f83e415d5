// A tiny portal backend (Node's http module only) that signs its users in to the chat: the portal
// has its own login; after it, the page's <mailbox-chat> gets the user's XMPP address and password
// from the `credentials` callback, which fetches them from this server. The XMPP password lives
// only here (in a real portal: minted per login, see docs/sso.md) and reaches the browser only in
// that one authenticated response — never in a page's source, never before the portal login.
//
// Run it (after `npm run build`):
//   SSO_USERS='[{"username":"anna","password":"portal-secret","jid":"anna@example.com","xmppPassword":"…"}]' \
//   XMPP_HTTP=127.0.0.1:5280 node examples/sso/server.mjs
// XMPP_HTTP is the XMPP server's HTTP port, which serves WebSocket on /xmpp-websocket.
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { extname, join } from 'node:path';
import { fileURLToPath, URLSearchParams } from 'node:url';

const PUBLIC = fileURLToPath(new URL('./public/', import.meta.url));

/** The Content-Security-Policy of every page: no inline script or style, no eval. */
export const CSP =
  "default-src 'self'; connect-src 'self'; img-src 'self' blob: data: https:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css',
};

/** A salted scrypt hash of a portal password: the portal never keeps its users' passwords. */
export function hashPassword(password, salt = randomBytes(16)) {
  return { salt, hash: scryptSync(password, salt, 32) };
}

function passwordMatches(password, stored) {
  return timingSafeEqual(scryptSync(password, stored.salt, 32), stored.hash);
}

/** Reads a small url-encoded form body (the login form). */
async function readForm(req) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 4096) throw new Error('form too large');
  }
  return new URLSearchParams(body);
}

/**
 * Starts the portal on loopback.
 * @param {{
 *   port?: number,
 *   bundle: string,
 *   upstream: { host: string, port: number },
 *   users: Array<{ username: string, password: string, jid: string, xmppPassword: string }>,
 *   pages?: string,
 * }} options `pages`: the folder with the signed-in page (`portal.html`) and its scripts and
 *   styles (default: `public/` here; the React example brings its own).
 */
export async function startSsoPortal({ port = 0, bundle, upstream, users, pages = PUBLIC }) {
  // Portal accounts: the portal password only as a hash; the XMPP password stays server-side.
  const accounts = new Map(
    users.map((u) => [
      u.username,
      { login: hashPassword(u.password), jid: u.jid, xmppPassword: u.xmppPassword },
    ]),
  );
  /** Session id → username. In memory: a restart signs everyone out. */
  const sessions = new Map();

  const sessionOf = (req) => {
    const match = /(?:^|;\s*)sid=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '');
    return match ? sessions.get(match[1]) : undefined;
  };
  const send = (res, status, headers, body) => {
    res.writeHead(status, { 'cache-control': 'no-store', 'content-security-policy': CSP, ...headers });
    res.end(body);
  };
  const redirect = (res, location, headers = {}) => send(res, 303, { location, ...headers });
  const file = (res, path) => {
    if (!existsSync(path)) return send(res, 404, { 'content-type': 'text/plain' }, 'not found');
    res.writeHead(200, {
      'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
      'content-security-policy': CSP,
      'cache-control': 'no-store',
    });
    createReadStream(path).pipe(res);
  };

  const server = createServer(async (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const user = sessionOf(req);
    try {
      if (req.method === 'GET' && pathname === '/login') {
        const page = await readFile(join(PUBLIC, 'login.html'), 'utf8');
        const failed = new URL(req.url ?? '/', 'http://localhost').searchParams.has('failed');
        const html = failed ? page.replace('data-login-failed hidden', 'data-login-failed') : page;
        return send(res, failed ? 401 : 200, { 'content-type': TYPES['.html'] }, html);
      }
      if (req.method === 'POST' && pathname === '/login') {
        const form = await readForm(req);
        const account = accounts.get(form.get('username') ?? '');
        if (!account || !passwordMatches(form.get('password') ?? '', account.login)) {
          return redirect(res, '/login?failed');
        }
        const sid = randomBytes(32).toString('base64url');
        sessions.set(sid, form.get('username'));
        // HttpOnly: page scripts cannot read it. Add `Secure` when served over https (always, in
        // production).
        return redirect(res, '/', { 'set-cookie': `sid=${sid}; HttpOnly; SameSite=Strict; Path=/` });
      }
      if (req.method === 'POST' && pathname === '/logout') {
        const match = /(?:^|;\s*)sid=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '');
        if (match) sessions.delete(match[1]);
        return redirect(res, '/login', {
          'set-cookie': 'sid=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0',
        });
      }
      if (req.method === 'POST' && pathname === '/chat-credentials') {
        // Only for a signed-in user, and only from our own pages: the custom header cannot be sent
        // cross-site without a CORS preflight, which this server never answers.
        if (!user || req.headers['x-portal-request'] !== 'chat') {
          return send(res, 401, { 'content-type': 'application/json' }, '{"error":"not signed in"}');
        }
        const account = accounts.get(user);
        return send(
          res,
          200,
          { 'content-type': 'application/json' },
          JSON.stringify({ jid: account.jid, password: account.xmppPassword }),
        );
      }
      if (req.method === 'GET' && pathname === '/mailbox-chat.js') return file(res, bundle);
      if (req.method === 'GET' && pathname === '/') {
        return user ? file(res, join(pages, 'portal.html')) : redirect(res, '/login');
      }
      if (req.method === 'GET' && /^\/[\w-]+\.(js|css)$/.test(pathname)) {
        const own = join(pages, pathname.slice(1));
        return file(res, existsSync(own) ? own : join(PUBLIC, pathname.slice(1)));
      }
      return send(res, 404, { 'content-type': 'text/plain' }, 'not found');
    } catch (error) {
      console.error(`portal: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) send(res, 400, { 'content-type': 'text/plain' }, 'bad request');
    }
  });

  // The chat's WebSocket: passed through to the XMPP server, as a portal's reverse proxy would
  // (same origin, so no CORS). Only for signed-in users.
  server.on('upgrade', (req, socket, head) => {
    if (!(req.url ?? '').startsWith('/xmpp-websocket') || !sessionOf(req)) return void socket.destroy();
    const upstreamSocket = connect(upstream.port, upstream.host, () => {
      const headers = Object.entries(req.headers)
        .filter(([name]) => name !== 'cookie') // the portal's session stays with the portal
        .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : value}`)
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
    for (const s of [upstreamSocket, socket]) {
      s.on('error', close);
      s.on('close', close);
    }
  });

  const connections = new Set();
  server.on('connection', (s) => {
    connections.add(s);
    s.on('close', () => connections.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actual = server.address().port;
  return {
    url: `http://127.0.0.1:${actual}/`,
    close: () =>
      new Promise((resolve) => {
        for (const s of connections) s.destroy();
        server.close(() => resolve());
      }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const users = JSON.parse(process.env.SSO_USERS ?? '[]');
  const [host = '127.0.0.1', upstreamPort = '5280'] = (process.env.XMPP_HTTP || '127.0.0.1:5280').split(':');
  const bundle = fileURLToPath(new URL('../../dist/mailbox-chat.js', import.meta.url));
  if (!users.length || !existsSync(bundle)) {
    console.error(
      "usage: npm run build, then SSO_USERS='[…]' XMPP_HTTP=host:port node examples/sso/server.mjs",
    );
    process.exit(2);
  }
  const portal = await startSsoPortal({
    port: Number(process.env.PORT ?? 8090),
    bundle,
    upstream: { host, port: Number(upstreamPort) },
    users,
  });
  console.log(`portal on ${portal.url}`);
  process.on('SIGINT', () => void portal.close().then(() => process.exit(0)));
}
