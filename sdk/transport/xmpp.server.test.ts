import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../../test/rig/accounts.js';
import { transportOf } from '../client.js';
import { createChat } from '../node.js';
import { agentOf, createTransport, type Transport } from './xmpp.js';

const xmpp = inject('xmpp');
const rejections: unknown[] = [];
const onRejection = (reason: unknown): void => {
  rejections.push(reason);
};

beforeEach(() => {
  rejections.length = 0;
  process.on('unhandledRejection', onRejection);
});
afterEach(() => {
  process.off('unhandledRejection', onRejection);
});

function waitFor<T>(subscribe: (resolve: (value: T) => void) => void, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    subscribe((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

describe('the StanzaJS transport', () => {
  it('lets no "Socket closed" rejection escape when sending right before disconnecting', async () => {
    const [anna, ben] = await createAccounts(2);
    for (let round = 0; round < 5; round += 1) {
      const chat = createChat({ jid: anna!.jid, password: anna!.password, service: xmpp.websocketUrl });
      await chat.connect();
      chat.send(ben!.jid, `message ${round}`);
      await chat.disconnect();
    }
    // Give rejected promises a chance to surface.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(rejections).toEqual([]);
  });

  it('notices a socket that died while a stanza was being written (the dead-socket hang)', async () => {
    const [anna, ben] = await createAccounts(2);
    const transport: Transport = createTransport({
      jid: anna!.jid,
      service: xmpp.websocketUrl,
      credentials: async () => ({ password: anna!.password }),
    });
    expect((await transport.connect()).ok).toBe(true);
    const offline = waitFor((resolve) => transport.on('offline', resolve), 5000, 'the offline event');
    // Kill the socket under StanzaJS and write at once, before it has seen the close.
    const socket = (agentOf(transport).transport as unknown as { socket: { terminate(): void } }).socket;
    socket.terminate();
    transport.sendMessage({ id: 'm1', to: ben!.jid, type: 'chat', body: 'into the void' });
    expect(((await offline) as { fatal: boolean }).fatal).toBe(false);
    expect(transport.online).toBe(false);
    // And it can come back: the session resumes.
    expect(await transport.connect()).toEqual({ ok: true, resumed: true });
    await transport.disconnect();
  });
});

describe('stream-management acks', () => {
  const services = [
    ['WebSocket', () => ({ service: xmpp.websocketUrl })],
    ['TCP', () => ({ service: `xmpp://${xmpp.host}:${xmpp.ports.c2s}`, tls: { ca: xmpp.ca } })],
    ['BOSH', () => ({ service: xmpp.boshUrl })],
  ] as const;
  for (const [name, options] of services) {
    // The server's `<a/>` is its last write until something else comes for us; with Nagle's
    // algorithm on (Prosody's default) that something waits for the TCP acknowledgement of the
    // `<a/>`, which a receiver with nothing to send delays up to ~40 ms. Data from us carries it.
    it(`${name}: ${name === 'BOSH' ? 'sends no ack of its own over HTTP' : 'answers the answer to its ack request with an ack of its own'}`, async () => {
      const [anna, ben] = await createAccounts(2);
      const chat = createChat({
        jid: anna!.jid,
        password: anna!.password,
        resumeStorage: false,
        ...options(),
      });
      // Stream-management elements on the wire, in order.
      const wire: string[] = [];
      const record = (dir: string) => (data: string) => {
        for (const [, tag] of data.matchAll(/<([ar]) [^>]*xmlns=["']urn:xmpp:sm:3["']/g))
          wire.push(`${dir} ${tag}`);
      };
      await chat.connect();
      const agent = agentOf(transportOf(chat)!);
      agent.on('raw:incoming', record('in'));
      agent.on('raw:outgoing', record('out'));
      try {
        const acked = new Promise<void>((resolve) =>
          chat.on('message:state', ({ state }) => {
            if (state === 'acked') resolve();
          }),
        );
        chat.send(ben!.jid, 'hello');
        await acked;
        // Our request, then the server's answer to it.
        const answer = wire.indexOf('in a');
        expect(wire.slice(0, answer + 1).filter((e) => e !== 'in r' && e !== 'out a')).toEqual([
          'out r',
          'in a',
        ]);
        // Our acks after it that no request of the server's asked for.
        const unprompted = () => {
          let prompts = 0;
          let count = 0;
          for (const e of wire.slice(answer + 1)) {
            if (e === 'in r') prompts += 1;
            else if (e === 'out a' && prompts > 0) prompts -= 1;
            else if (e === 'out a') count += 1;
          }
          return count;
        };
        if (name === 'BOSH') {
          await new Promise((resolve) => setTimeout(resolve, 500));
          expect(unprompted()).toBe(0);
        } else {
          await expect.poll(unprompted, { timeout: 3000 }).toBeGreaterThanOrEqual(1);
        }
      } finally {
        await chat.disconnect();
      }
    });
  }
});
