// XEP-0352 Client State Indication, made to work.
//
// StanzaJS ships CSI but it never does anything: there is no JXT definition for the
// `<csi xmlns='urn:xmpp:csi:0'/>` stream feature, so `features.clientStateIndication` is never set
// and the feature never counts as negotiated; and `markActive()`/`markInactive()` export
// `{ type }` while the nonza definitions read the state from a field called `state`, so even a
// forced send would produce an empty element. And after a stream-management resume StanzaJS stops
// negotiating features before it reaches CSI. {@link csiPlugin} fixes all three;
// {@link setClientState} sends the state only where the server advertised the feature.
import { JXT, Namespaces, type Agent } from 'stanza';

/** What the user is doing with the client: looking at it (`active`) or not (`inactive`). */
export type ClientState = 'active' | 'inactive';

const NS_CSI = Namespaces.NS_CSI_0;
const FEATURE = 'clientStateIndication';

/**
 * The JXT definitions CSI needs: the stream feature (`features.clientStateIndication`), and the
 * `<active/>` / `<inactive/>` nonzas under the top-level path `csi`, typed by the field `type` —
 * which is what StanzaJS's own `CSI` type and `markActive()` use.
 */
export const csiDefinitions: JXT.DefinitionOptions[] = [
  JXT.extendStreamFeatures({ [FEATURE]: JXT.childBoolean(NS_CSI, 'csi') }),
  { element: 'active', namespace: NS_CSI, path: 'csi', type: 'active', typeField: 'type' },
  { element: 'inactive', namespace: NS_CSI, path: 'csi', type: 'inactive', typeField: 'type' },
];

const availableListeners = new WeakMap<Agent, Set<() => void>>();

/**
 * A StanzaJS plugin: `agent.use(csiPlugin)`. Adds {@link csiDefinitions} and marks CSI available
 * once the server advertised it on the current stream:
 * - on a fresh session, when StanzaJS negotiates the stream features (after resource binding);
 * - after a stream-management resume too, which StanzaJS alone never does: a resume halts its
 *   feature processing before CSI, so stock StanzaJS sees CSI as unavailable on resumed streams.
 * Availability is reset at every stream restart.
 */
export function csiPlugin(agent: Agent, registry: JXT.Registry): void {
  registry.define(csiDefinitions);
  let offered = false;
  const markAvailable = (): void => {
    agent.features.negotiated[FEATURE] = true;
    for (const listener of availableListeners.get(agent) ?? []) listener();
  };
  // Replaces StanzaJS's handler of the same name (which only sets the flag) at the same priority.
  agent.registerFeature(FEATURE, 400, (_features, done) => {
    markAvailable();
    done();
  });
  agent.on('features', (features) => {
    offered = Boolean((features as Record<string, unknown>)[FEATURE]);
  });
  agent.on('--reset-stream-features', () => {
    offered = false;
    agent.features.negotiated[FEATURE] = false;
  });
  agent.on('stream:management:resumed', () => {
    if (offered) markAvailable();
  });
}

/**
 * Calls `listener` each time CSI becomes available on a new or resumed stream of `agent` (which
 * must use {@link csiPlugin}). Returns a function that removes the listener.
 */
export function onCsiAvailable(agent: Agent, listener: () => void): () => void {
  let listeners = availableListeners.get(agent);
  if (!listeners) {
    listeners = new Set();
    availableListeners.set(agent, listeners);
  }
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Whether the server advertised CSI on the current stream (needs {@link csiPlugin}). */
export function csiAvailable(agent: Agent): boolean {
  return Boolean(agent.features.negotiated[FEATURE]);
}

/**
 * Tells the server whether the user is looking at the client. An inactive client lets the server
 * hold back traffic that is not urgent (presence updates, typing notifications) until something
 * urgent arrives (a message with a body) or the client becomes active again, which saves battery
 * and data on mobile devices. Sends nothing when the server did not advertise CSI on this stream.
 *
 * @returns whether the indication was sent.
 */
export function setClientState(agent: Agent, state: ClientState): boolean {
  if (!csiAvailable(agent)) return false;
  agent.send('csi', { type: state }).catch(() => {
    // The link died under the write. The state belongs to the stream: the next stream starts
    // active and {@link trackClientState} re-sends the wanted state there.
  });
  if (state === 'inactive') {
    // Prosody's mod_csi_simple pauses writes at <inactive/>, and what it had queued for us in the
    // same turn (checked while we were still active, e.g. a message) stays held until something
    // else comes for us. Its answer to an ack request (or a ping) counts as urgent and flushes it.
    if (agent.sm.started) agent.sm.request();
    else agent.ping().catch(() => undefined);
  }
  return true;
}

/** The client state a session should be in, kept across stream restarts. */
export interface ClientStateTracker {
  /** The state last asked for. */
  readonly state: ClientState;
  /** Asks for a state: sent now when possible, and again after every new or resumed stream. */
  set(state: ClientState): void;
  /** Stops listening to the agent. */
  stop(): void;
}

/**
 * Keeps an agent in the wanted client state. A server treats every new stream as active, so an
 * inactive state is re-sent each time CSI becomes available on a new stream; also after a
 * stream-management resume, which costs one nonza and removes any doubt about what the server
 * kept. Active needs no re-sending: it is the default. Needs {@link csiPlugin}.
 */
export function trackClientState(agent: Agent, initial: ClientState = 'active'): ClientStateTracker {
  let state = initial;
  const stop = onCsiAvailable(agent, () => {
    if (state === 'inactive') setClientState(agent, state);
  });
  return {
    get state() {
      return state;
    },
    set(next) {
      if (next === state) return;
      state = next;
      setClientState(agent, next);
    },
    stop,
  };
}
