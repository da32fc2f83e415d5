import { createClient, JXT, type Agent } from 'stanza';
import { describe, expect, it, vi } from 'vitest';
import { csiAvailable, csiPlugin, onCsiAvailable, setClientState, trackClientState } from './csi.js';

const FEATURES = `<stream:features xmlns:stream='http://etherx.jabber.org/streams'>
  <csi xmlns='urn:xmpp:csi:0'/><sm xmlns='urn:xmpp:sm:3'/></stream:features>`;

/** An agent whose writes are recorded: CSI nonzas in `sent`, everything else in `other`. */
function agentWithCsi(): { agent: Agent; sent: Array<[string, unknown]>; other: Array<[string, unknown]> } {
  const agent = createClient({ jid: 'anna@example.com' });
  agent.use(csiPlugin);
  const sent: Array<[string, unknown]> = [];
  const other: Array<[string, unknown]> = [];
  vi.spyOn(agent, 'send').mockImplementation(async (kind: string, data: unknown) => {
    (kind === 'csi' ? sent : other).push([kind, data]);
  });
  return { agent, sent, other };
}

/** Emits a stream's features as StanzaJS's parser would deliver them. */
function offer(agent: Agent, features: Record<string, unknown>): void {
  (agent.emit as (name: string, data: unknown) => boolean)('features', features);
}

/** Lets StanzaJS's feature negotiation (async listeners) run. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('StanzaJS CSI as shipped (canaries: if these fail, StanzaJS fixed it — revisit csi.ts)', () => {
  it('does not see the CSI stream feature', () => {
    const agent = createClient({ jid: 'anna@example.com' });
    const features = agent.stanzas.import(JXT.parse(FEATURES)) as Record<string, unknown>;
    expect(features.streamManagement).toBe(true);
    expect(features.clientStateIndication).toBeUndefined();
  });

  it('exports nothing for the { type } its own type and markInactive() use', () => {
    const agent = createClient({ jid: 'anna@example.com' });
    expect(agent.stanzas.export('csi', { type: 'inactive' })).toBeUndefined();
  });
});

describe('csiPlugin', () => {
  it('reads the stream feature and exports <active/> and <inactive/>', () => {
    const { agent } = agentWithCsi();
    const features = agent.stanzas.import(JXT.parse(FEATURES)) as Record<string, unknown>;
    expect(features.clientStateIndication).toBe(true);
    expect(agent.stanzas.export('csi', { type: 'inactive' })?.toString()).toBe(
      '<inactive xmlns="urn:xmpp:csi:0"/>',
    );
    expect(agent.stanzas.export('csi', { type: 'active' })?.toString()).toBe(
      '<active xmlns="urn:xmpp:csi:0"/>',
    );
  });

  it('imports the nonzas as { type } too', () => {
    const { agent } = agentWithCsi();
    expect(agent.stanzas.import(JXT.parse("<inactive xmlns='urn:xmpp:csi:0'/>"))).toEqual({
      type: 'inactive',
    });
  });

  it('marks CSI available when the server advertises it, and not otherwise', async () => {
    const { agent } = agentWithCsi();
    const seen = vi.fn();
    onCsiAvailable(agent, seen);
    offer(agent, { streamManagement: true });
    await settle();
    expect(csiAvailable(agent)).toBe(false);
    offer(agent, { clientStateIndication: true });
    await settle();
    expect(csiAvailable(agent)).toBe(true);
    expect(seen).toHaveBeenCalledTimes(1);
  });

  it('forgets availability at a stream restart', async () => {
    const { agent } = agentWithCsi();
    offer(agent, { clientStateIndication: true });
    await settle();
    agent.emit('--reset-stream-features');
    expect(csiAvailable(agent)).toBe(false);
  });

  it('marks CSI available after a resume when the resumed stream advertised it', async () => {
    const { agent } = agentWithCsi();
    const seen = vi.fn();
    onCsiAvailable(agent, seen);
    // A resume halts StanzaJS's feature processing before CSI: only the features event is seen.
    agent.emit('--reset-stream-features');
    (agent.features.handlers as Record<string, unknown>).clientStateIndication = undefined;
    offer(agent, { clientStateIndication: true, streamManagement: true });
    await settle();
    expect(csiAvailable(agent)).toBe(false);
    agent.emit('stream:management:resumed', { type: 'resumed', handled: 0, previousSession: 'x' });
    expect(csiAvailable(agent)).toBe(true);
    expect(seen).toHaveBeenCalledTimes(1);
  });

  it('does not mark CSI available after a resume on a stream that did not advertise it', () => {
    const { agent } = agentWithCsi();
    agent.emit('--reset-stream-features');
    offer(agent, { streamManagement: true });
    agent.emit('stream:management:resumed', { type: 'resumed', handled: 0, previousSession: 'x' });
    expect(csiAvailable(agent)).toBe(false);
  });
});

describe('setClientState', () => {
  it('sends nothing where CSI was not advertised', () => {
    const { agent, sent } = agentWithCsi();
    expect(setClientState(agent, 'inactive')).toBe(false);
    expect(sent).toEqual([]);
  });

  it('sends the state where CSI was advertised', async () => {
    const { agent, sent } = agentWithCsi();
    offer(agent, { clientStateIndication: true });
    await settle();
    expect(setClientState(agent, 'inactive')).toBe(true);
    expect(setClientState(agent, 'active')).toBe(true);
    expect(sent).toEqual([
      ['csi', { type: 'inactive' }],
      ['csi', { type: 'active' }],
    ]);
  });

  it('asks for an answer right after <inactive/>, which makes the server flush what it queued', async () => {
    const withSm = agentWithCsi();
    offer(withSm.agent, { clientStateIndication: true });
    await settle();
    Object.assign(withSm.agent.sm, { inboundStarted: true, outboundStarted: true }); // SM is on
    setClientState(withSm.agent, 'inactive');
    await settle();
    expect(withSm.other).toEqual([['sm', { type: 'request' }]]);
    setClientState(withSm.agent, 'active');
    await settle();
    expect(withSm.other).toHaveLength(1); // going active flushes by itself

    const withoutSm = agentWithCsi();
    offer(withoutSm.agent, { clientStateIndication: true });
    await settle();
    setClientState(withoutSm.agent, 'inactive');
    await settle();
    expect(withoutSm.other).toEqual([['iq', expect.objectContaining({ type: 'get', ping: true })]]);
  });

  it('lets no rejection escape when the link died under the write', async () => {
    const { agent } = agentWithCsi();
    vi.mocked(agent.send).mockRejectedValue(new Error('Socket closed'));
    offer(agent, { clientStateIndication: true });
    await settle();
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown): void => void rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      expect(setClientState(agent, 'inactive')).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('unhandledRejection', onRejection);
    }
    expect(rejections).toEqual([]);
  });
});

describe('trackClientState', () => {
  it('remembers an inactive state asked for before CSI was available and sends it once it is', async () => {
    const { agent, sent } = agentWithCsi();
    const tracker = trackClientState(agent);
    tracker.set('inactive');
    expect(sent).toEqual([]);
    offer(agent, { clientStateIndication: true });
    await settle();
    expect(sent).toEqual([['csi', { type: 'inactive' }]]);
    expect(tracker.state).toBe('inactive');
  });

  it('re-sends inactive on every new stream, and nothing while active', async () => {
    const { agent, sent } = agentWithCsi();
    const tracker = trackClientState(agent);
    offer(agent, { clientStateIndication: true });
    await settle();
    expect(sent).toEqual([]);
    tracker.set('inactive');
    agent.emit('--reset-stream-features');
    offer(agent, { clientStateIndication: true });
    await settle();
    expect(sent).toEqual([
      ['csi', { type: 'inactive' }],
      ['csi', { type: 'inactive' }],
    ]);
    tracker.set('active');
    tracker.set('active');
    expect(sent).toHaveLength(3);
    tracker.stop();
    tracker.set('inactive');
    agent.emit('--reset-stream-features');
    offer(agent, { clientStateIndication: true });
    await settle();
    expect(sent).toHaveLength(4); // the set() itself; no re-send after stop()
  });
});
