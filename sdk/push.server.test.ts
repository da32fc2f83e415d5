// Push notifications (XEP-0357): a test account plays the app server and receives the pubsub
// publish that Prosody sends while our client is hibernated. The app server is a raw StanzaJS
// agent, since the SDK has no API for the app-server side.
// The app-server side is a raw StanzaJS agent (tests may use it; the SDK code may not).
// eslint-disable-next-line no-restricted-imports
import { createClient, type Agent, type Stanzas } from 'stanza';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createAccounts, type TestAccount } from '../test/rig/accounts.js';
import { startFaultProxy } from '../test/rig/fault-proxy.js';
import { createChat, type Chat, type ChatOptions } from './index.js';

const xmpp = inject('xmpp');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function client(account: TestAccount, options: Partial<ChatOptions> = {}): Chat {
  const chat = createChat({
    jid: account.jid,
    password: account.password,
    service: xmpp.websocketUrl,
    resumeStorage: false,
    ...options,
  });
  cleanups.push(() => chat.disconnect());
  return chat;
}

interface Notification {
  from: string;
  node?: string;
  secret?: string;
}

/** A raw agent that answers pubsub publishes like an app server and records them. */
async function appServer(account: TestAccount): Promise<{ jid: string; received: Notification[] }> {
  const agent: Agent = createClient({
    jid: account.jid,
    password: account.password,
    transports: { websocket: xmpp.websocketUrl, bosh: false },
  });
  const received: Notification[] = [];
  type PublishIq = Stanzas.ReceivedIQ & { pubsub: Stanzas.Pubsub };
  // StanzaJS emits 'iq:set:<payload>' for incoming IQs but does not declare those event names.
  const on = agent.on.bind(agent) as unknown as (event: string, listener: (iq: PublishIq) => void) => void;
  on('iq:set:pubsub', (iq) => {
    const secret = iq.pubsub.publishOptions?.fields?.find((f) => f.name === 'secret')?.value;
    received.push({
      from: iq.from,
      ...(iq.pubsub.publish?.node ? { node: iq.pubsub.publish.node } : {}),
      ...(typeof secret === 'string' ? { secret } : {}),
    });
    agent.sendIQResult(iq);
  });
  await new Promise<void>((resolve, reject) => {
    agent.once('session:started', () => resolve());
    agent.once('disconnected', () => reject(new Error('app server could not log in')));
    void agent.connect();
  });
  cleanups.push(async () => {
    await agent.disconnect();
  });
  return { jid: agent.jid, received };
}

async function eventually<T>(check: () => T, ms = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('push notifications', () => {
  it('the app server is notified while the client is hibernated', async () => {
    const [anna, pusher, carl] = await createAccounts(3);
    const app = await appServer(pusher!);
    const link = await startFaultProxy({ target: { host: xmpp.host, port: xmpp.ports.http } });
    cleanups.push(() => link.close());
    const a = client(anna!, { service: link.url('ws', '/xmpp-websocket'), reconnect: false });
    const c = client(carl!);
    await Promise.all([a.connect(), c.connect()]);
    expect(a.server?.push ?? (await new Promise((r) => a.on('server', ({ server }) => r(server.push))))).toBe(
      true,
    );
    // The app server's full JID: an IQ to a bare JID would be answered by the server itself (PEP).
    await a.push.enable({ service: app.jid, node: 'device-1', secret: 's3cret' });

    // Nothing is pushed while the client is online.
    c.send(anna!.jid, 'while online');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(app.received).toEqual([]);

    // Cut the link: the session hibernates on the server and the client stays away.
    link.cutAll();
    await eventually(() => a.status === 'disconnected');
    c.send(anna!.jid, 'while away');
    const [notification] = await eventually(() => (app.received.length > 0 ? app.received : undefined));
    expect(notification).toMatchObject({ node: 'device-1', secret: 's3cret' });
    // Prosody publishes from the account's server (XEP-0357 allows the account's JID too).
    expect([anna!.jid, xmpp.domain]).toContain(notification!.from);
  });

  it('disable stops the notifications', async () => {
    const [anna, pusher, carl] = await createAccounts(3);
    const app = await appServer(pusher!);
    const link = await startFaultProxy({ target: { host: xmpp.host, port: xmpp.ports.http } });
    cleanups.push(() => link.close());
    const a = client(anna!, { service: link.url('ws', '/xmpp-websocket'), reconnect: false });
    const c = client(carl!);
    await Promise.all([a.connect(), c.connect()]);
    await a.push.enable({ service: app.jid, node: 'device-2' });
    await a.push.disable({ service: app.jid, node: 'device-2' });
    link.cutAll();
    await eventually(() => a.status === 'disconnected');
    c.send(anna!.jid, 'while away');
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(app.received).toEqual([]);
  });

  it('rejects enable while offline with not-connected, and without a node with invalid-argument', async () => {
    const [anna] = await createAccounts(1);
    const a = client(anna!);
    await expect(a.push.enable({ service: 'push.example.com', node: 'x' })).rejects.toMatchObject({
      code: 'not-connected',
    });
    await expect(a.push.enable({ service: 'push.example.com', node: '' })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
  });
});
