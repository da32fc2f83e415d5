// XEP-0156 discovery against the private Prosody, which serves host-meta through the rig's
// mod_rig_altconnect (built from http_external_url and http_paths, like Prosody's own URLs).
import { request } from 'node:https';
import { createClient } from 'stanza';
import { describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../../test/rig/accounts.js';
import { startFaultProxy } from '../../test/rig/fault-proxy.js';
import { createChat } from '../index.js';
import { discoverEndpoints, type FetchLike } from './discovery.js';

const xmpp = inject('xmpp');
const httpBase = `http://${xmpp.host}:${xmpp.ports.http}`;

/**
 * A fetch over node:https that trusts the rig's test CA (verification stays on). No SNI: the URL
 * host is an IP address, and Prosody refuses an SNI name it serves no HTTP host for.
 */
const fetchWithTestCa: FetchLike = (url, { signal, headers }) =>
  new Promise((resolve, reject) => {
    const req = request(url, { ca: xmpp.ca, headers, signal }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        resolve({ ok: status >= 200 && status < 300, status, text: async () => body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });

describe('XEP-0156 discovery against Prosody', () => {
  it('serves both host-meta documents, with CORS for browsers', async () => {
    for (const [path, type] of [
      ['/.well-known/host-meta', 'application/xrd+xml'],
      ['/.well-known/host-meta.json', 'application/json'],
    ] as const) {
      const response = await fetch(`${httpBase}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain(type);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
    }
  });

  it('finds the WebSocket and BOSH endpoints the rig exposes', async () => {
    const found = await discoverEndpoints(xmpp.domain, { baseUrl: httpBase, cache: null });
    expect(found).toEqual({ websocket: [xmpp.websocketUrl], bosh: [xmpp.boshUrl] });
  });

  it('finds the same endpoints over https with the certificate verified', async () => {
    const found = await discoverEndpoints(xmpp.domain, {
      baseUrl: `https://${xmpp.host}:${xmpp.ports.https}`,
      fetch: fetchWithTestCa,
      cache: null,
    });
    expect(found).toEqual({ websocket: [xmpp.websocketUrl], bosh: [xmpp.boshUrl] });
  });

  it('finds nothing, without throwing, when the certificate does not verify', async () => {
    const found = await discoverEndpoints(xmpp.domain, {
      baseUrl: `https://${xmpp.host}:${xmpp.ports.https}`, // the global fetch does not trust the test CA
      cache: null,
      timeoutMs: 3000,
    });
    expect(found).toEqual({ websocket: [], bosh: [] });
  });

  it('finds nothing, without throwing, when the server is down', async () => {
    const proxy = await startFaultProxy({ target: { host: xmpp.host, port: xmpp.ports.http } });
    try {
      proxy.refuse(true);
      const found = await discoverEndpoints(xmpp.domain, { baseUrl: proxy.url('http'), cache: null });
      expect(found).toEqual({ websocket: [], bosh: [] });
    } finally {
      await proxy.close();
    }
  });

  it('gives endpoints one can log in through: the SDK over WebSocket, StanzaJS over BOSH', async () => {
    const [anna] = await createAccounts(1);
    const found = await discoverEndpoints(xmpp.domain, { baseUrl: httpBase, cache: null });

    const chat = createChat({ jid: anna!.jid, password: anna!.password, service: found.websocket[0]! });
    try {
      await chat.connect();
      expect(chat.status).toBe('online');
    } finally {
      await chat.disconnect();
    }

    const agent = createClient({
      jid: anna!.jid,
      password: anna!.password,
      transports: { bosh: found.bosh[0]!, websocket: false },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        agent.once('session:started', () => resolve());
        agent.once('disconnected', () => reject(new Error('no BOSH session')));
        void agent.connect();
      });
      expect(agent.transport?.constructor.name).toMatch(/bosh/i);
    } finally {
      await agent.disconnect();
    }
  });
});
