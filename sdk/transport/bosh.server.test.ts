// BOSH against the real Prosody through an HTTP fault-injection proxy that adds what other
// servers (ejabberd) put into a terminate body.
import { createServer, request, type Server } from 'node:http';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../../test/rig/accounts.js';
import { createChat } from '../index.js';

const xmpp = inject('xmpp');
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** Forwards BOSH requests to Prosody; a terminate answer gets an SM `<r/>` inside. */
async function terminateWithPayload(): Promise<string> {
  const server = createServer((req, res) => {
    const upstream = request(
      { host: xmpp.host, port: xmpp.ports.http, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          let body = Buffer.concat(chunks).toString('utf8');
          if (/type=['"]terminate['"]/.test(body)) {
            body = body
              .replace(/\/>\s*$/, "><r xmlns='urn:xmpp:sm:3'/></body>")
              .replace(/><\/body>\s*$/, "><r xmlns='urn:xmpp:sm:3'/></body>");
          }
          const headers = { ...answer.headers, 'content-length': String(Buffer.byteLength(body)) };
          res.writeHead(answer.statusCode ?? 502, headers).end(body);
        });
      },
    );
    req.pipe(upstream);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/http-bind`;
}

describe('BOSH', () => {
  it('survives a terminate body that carries stanzas', async () => {
    const [anna] = await createAccounts(1);
    const errors: unknown[] = [];
    const onError = (error: unknown): void => {
      errors.push(error);
    };
    process.on('uncaughtException', onError);
    try {
      const chat = createChat({
        jid: anna!.jid,
        password: anna!.password,
        service: await terminateWithPayload(),
        resumeStorage: false,
      });
      await chat.connect();
      await chat.disconnect();
      expect(chat.status).toBe('offline');
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(errors).toEqual([]);
  });
});
