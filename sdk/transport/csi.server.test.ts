// XEP-0352 against the private Prosody (mod_csi_simple): with csiPlugin the feature is seen and
// the state has the effect a user notices — an inactive client is not woken by typing
// notifications, but still gets messages at once; going active delivers what was held.
import { createClient, type Agent, type Stanzas } from 'stanza';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createAccounts, type TestAccount } from '../../test/rig/accounts.js';
import { startFaultProxy } from '../../test/rig/fault-proxy.js';
import { csiAvailable, csiPlugin, onCsiAvailable, setClientState, trackClientState } from './csi.js';

const xmpp = inject('xmpp');
const cleanups: Array<() => Promise<unknown>> = [];

/** Ends an agent's session if it still has one (a second disconnect only makes StanzaJS log). */
async function hangUp(agent: Agent): Promise<void> {
  if (!agent.transport) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 2000);
    agent.once('disconnected', () => {
      clearTimeout(timer);
      resolve();
    });
    void agent.disconnect();
  });
}
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** How long a held stanza must stay held for the test to count it as held. */
const HOLD_MS = 1500;
/**
 * How long after <inactive/> the server starts holding: the SDK flushes once right after it, and
 * Prosody lets everything through for `csi_resume_inactive_delay` after a flush (1 s in the rig).
 */
const SETTLE_MS = 1600;

interface Connected {
  agent: Agent;
  /** Resolves once CSI was marked available (never, without the plugin). */
  csi: Promise<void>;
  /** Every message received, with the time it arrived. */
  inbox: Array<{ message: Stanzas.ReceivedMessage; at: number }>;
}

function newAgent(account: TestAccount, service: string, withCsi: boolean): Agent {
  const agent = createClient({
    jid: account.jid,
    password: account.password,
    transports: { websocket: service, bosh: false },
  });
  if (withCsi) agent.use(csiPlugin);
  return agent;
}

async function connect(
  account: TestAccount,
  { csi = true, service = xmpp.websocketUrl }: { csi?: boolean; service?: string } = {},
): Promise<Connected> {
  const agent = newAgent(account, service, csi);
  const inbox: Connected['inbox'] = [];
  agent.on('message', (message) => inbox.push({ message, at: performance.now() }));
  const available = new Promise<void>((resolve) => onCsiAvailable(agent, resolve));
  cleanups.push(() => hangUp(agent));
  await new Promise<void>((resolve, reject) => {
    agent.once('session:started', () => resolve());
    agent.once('disconnected', () => reject(new Error('could not connect')));
    void agent.connect();
  });
  // Wait for the echo of our own presence: after it, nothing else is on its way to us.
  const echoed = new Promise<void>((resolve) => agent.once('available', () => resolve()));
  agent.sendPresence();
  await echoed;
  return { agent, csi: available, inbox };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A typing notification: a chat state and nothing else (no body, no origin-id). */
function typing(from: Agent, to: string): void {
  // `originId: undefined` must be present to stop StanzaJS adding one (exactOptionalPropertyTypes
  // does not allow it in the type, hence the cast).
  const message = { to, type: 'chat', chatState: 'composing', originId: undefined };
  from.sendMessage(message as unknown as Stanzas.Message);
}

async function waitFor<T>(find: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (performance.now() > deadline) throw new Error('not received in time');
    await sleep(10);
  }
}

describe('XEP-0352 CSI against Prosody', () => {
  it('is seen with the plugin, and never without it (stock StanzaJS)', async () => {
    const [anna, ben] = await createAccounts(2);
    const withPlugin = await connect(anna!);
    await withPlugin.csi;
    expect(csiAvailable(withPlugin.agent)).toBe(true);

    const stock = await connect(ben!, { csi: false });
    expect(stock.agent.features.negotiated.clientStateIndication).toBeFalsy();
  });

  it('holds typing notifications while inactive and delivers them, stamped, on going active', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = await connect(anna!);
    const b = await connect(ben!);
    await b.csi;
    expect(setClientState(b.agent, 'inactive')).toBe(true);
    await sleep(SETTLE_MS);

    typing(a.agent, b.agent.jid);
    await sleep(HOLD_MS);
    expect(b.inbox).toEqual([]);

    const activeAt = performance.now();
    expect(setClientState(b.agent, 'active')).toBe(true);
    const held = await waitFor(() => b.inbox.find((m) => m.message.chatState === 'composing'));
    const flushMs = held.at - activeAt;
    expect(flushMs).toBeLessThan(1000);
    // Prosody stamps what it held with the time it arrived (XEP-0203).
    expect(held.message.delay?.timestamp).toBeInstanceOf(Date);
    console.info(`held typing notification delivered ${flushMs.toFixed(0)} ms after <active/>`);
  });

  it('still delivers a message with a body at once while inactive, after what was held', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = await connect(anna!);
    const b = await connect(ben!);
    await b.csi;
    setClientState(b.agent, 'inactive');
    await sleep(SETTLE_MS);

    typing(a.agent, b.agent.jid);
    await sleep(300);
    expect(b.inbox).toEqual([]);
    const sentAt = performance.now();
    a.agent.sendMessage({ to: b.agent.jid, type: 'chat', body: 'are you there?' });
    const message = await waitFor(() => b.inbox.find((m) => m.message.body === 'are you there?'));
    const latencyMs = message.at - sentAt;
    expect(latencyMs).toBeLessThan(1000);
    expect(b.inbox.map((m) => m.message.body ?? m.message.chatState)).toEqual([
      'composing',
      'are you there?',
    ]);
    console.info(`message with a body reached the inactive client in ${latencyMs.toFixed(0)} ms`);
  });

  it('does not hold a message the server was about to send us as we went inactive', async () => {
    // Prosody (mod_csi_simple) pauses writes at <inactive/>; a message queued for us in the same
    // turn of its event loop was checked while we were still active, so nothing would flush it
    // until something else came for us. Here the message (to ourselves) and the indication go out
    // back to back, so the server handles both in one turn.
    const [anna] = await createAccounts(1);
    const a = await connect(anna!);
    await a.csi;
    for (let i = 0; i < 3; i += 1) {
      a.agent.sendMessage({ to: a.agent.jid, type: 'chat', body: `note ${i}` });
      setClientState(a.agent, 'inactive');
      await waitFor(() => a.inbox.find((m) => m.message.body === `note ${i}`), 3000);
      setClientState(a.agent, 'active');
      await sleep(100);
    }
  });

  it('without the plugin, markInactive() does nothing: typing notifications arrive at once', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = await connect(anna!);
    const b = await connect(ben!, { csi: false });
    b.agent.markInactive();
    await sleep(200);
    const sentAt = performance.now();
    typing(a.agent, b.agent.jid);
    const arrived = await waitFor(() => b.inbox.find((m) => m.message.chatState === 'composing'), HOLD_MS);
    expect(arrived.at - sentAt).toBeLessThan(HOLD_MS);
  });

  it('is available again after a stream-management resume, and the inactive state is restored', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = await connect(anna!);
    const proxy = await startFaultProxy({ target: { host: xmpp.host, port: xmpp.ports.http } });
    cleanups.push(() => proxy.close());

    // Ben's first connection, through the proxy, with SM state kept as a page would keep it.
    const first = newAgent(ben!, proxy.url('ws', '/xmpp-websocket'), true);
    let saved: Parameters<Parameters<Agent['sm']['cache']>[0]>[0] | undefined;
    first.sm.cache((state) => void (saved = state));
    trackClientState(first, 'inactive');
    const firstDown = new Promise<void>((resolve) => first.once('disconnected', () => resolve()));
    cleanups.push(() => hangUp(first));
    const firstCsi = new Promise<void>((resolve) => onCsiAvailable(first, resolve));
    void first.connect();
    await firstCsi;
    await waitFor(() => (first.sm.started ? true : undefined));
    const fullJid = first.jid;

    // The link dies; Prosody keeps the session (hibernation). A new agent resumes it.
    proxy.cutAll();
    await firstDown;
    expect(saved?.id).toBeTruthy();
    const second = newAgent(ben!, xmpp.websocketUrl, true);
    const inbox: Array<Stanzas.ReceivedMessage> = [];
    second.on('message', (message) => inbox.push(message));
    const tracker = trackClientState(second, 'inactive');
    const secondCsi = new Promise<void>((resolve) => onCsiAvailable(second, resolve));
    const resumed = new Promise<void>((resolve) => second.once('stream:management:resumed', () => resolve()));
    cleanups.push(() => hangUp(second));
    second.sm.load(saved!);
    void second.connect();
    await resumed;
    await secondCsi;
    expect(second.jid).toBe(fullJid);
    expect(csiAvailable(second)).toBe(true);
    expect(tracker.state).toBe('inactive');
    await sleep(SETTLE_MS);

    // The resumed session is inactive again: typing is held, a message still goes through.
    typing(a.agent, fullJid);
    await sleep(HOLD_MS);
    expect(inbox.filter((m) => m.chatState === 'composing')).toEqual([]);
    a.agent.sendMessage({ to: fullJid, type: 'chat', body: 'welcome back' });
    await waitFor(() => inbox.find((m) => m.body === 'welcome back'));
  });
});
