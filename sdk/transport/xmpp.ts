// The only module family that imports StanzaJS. It creates the agent, contains StanzaJS's traps
// (see the project notes), and turns StanzaJS events into plain domain data for the features above.
import { createClient, type Agent, type Client } from 'stanza';
import { withdrawUnsupportedFeatures } from './caps.js';
import { ChatError, ErrorCodes } from '../errors.js';
import { createEmitter, type Emitter } from '../emitter.js';
import { bareJid as bare } from '../jid.js';
import type { LoginKeyStorage, ResumeState, ResumeStorage } from '../types.js';
import { csiAvailable, csiPlugin, trackClientState, type ClientState } from './csi.js';
import { discoverEndpoints } from './discovery.js';
import { endpointsFor, type Endpoint } from './endpoints.js';
import { listenForMessages, toStanza, type InboundMessage, type OutboundMessage } from './messages.js';
import { platformAgentFactory, platformTransport, type StanzaTransportClass } from './registry.js';
import { useWebCryptoScram } from './scram.js';

// --- Transport failures (the TCP transport, sdk/transport/tcp.ts) -----------------------------
declare module 'stanza' {
  interface AgentEvents {
    /**
     * A transport could not open a stream, and says why (right before '--transport-disconnected'):
     * code `certificate` (condition: the TLS verification code) or `connection-failed`.
     */
    '--transport-failure': ChatError;
  }
}
// --- end transport failures ------------------------------------------------------------------

/** What the features above need to know to open a session. */
export interface TransportOptions {
  jid: string;
  /** See {@link endpointsFor}. */
  service?: string | readonly string[];
  /** Node only: extra trusted CA certificates (PEM) for TCP/TLS connections. */
  tls?: { ca?: string | string[] };
  resource?: string;
  /** Called at every fresh login; the result is used for SASL and dropped. */
  credentials: () => Promise<{ password: string }>;
  /** Seconds to wait for an IQ answer. */
  timeout?: number;
  /** Seconds one connection attempt (connect, authenticate, bind or resume) may take. */
  connectTimeout?: number;
  /** Keepalive: seconds between checks on an idle link, and seconds to wait for the answer. */
  keepalive?: { interval: number; timeout: number };
  /** Persists stream-management state so that another client can resume the session. */
  resumeStorage?: ResumeStorage;
  /** Keeps the key derived from the password for later clients (see `ChatOptions.loginKey`). */
  loginKey?: LoginKeyStorage;
  /** Where XEP-0156 host-meta is fetched from when no service is given (default `https://<domain>`). */
  hostMeta?: string;
}

// Message stanzas as plain data (parser and builder): see ./messages.js.
export type { InboundMessage, OutboundMessage } from './messages.js';

/** The outcome of one connection attempt. */
export type ConnectResult = { ok: true; resumed: boolean } | { ok: false; error: ChatError; fatal: boolean };

/** Events from the transport to the features. */
export interface TransportEvents {
  /**
   * A fresh session is bound, before our presence goes out and before `online` (stream management
   * may still be being enabled): the place for what must precede the presence — the roster query
   * (RFC 6121 §2.2), so its answer is not queued behind the presence flood.
   */
  bound: (event: { jid: string }) => void;
  /** A session is up: `resumed` when XEP-0198 resumed the previous one (nothing was lost). */
  online: (event: { jid: string; resumed: boolean }) => void;
  /** The link is gone. `error` says why; `fatal` when retrying cannot help. */
  offline: (event: { error?: ChatError; fatal: boolean }) => void;
  message: (event: InboundMessage) => void;
  /** The server acknowledged an outgoing message (XEP-0198). */
  'message:acked': (event: { id: string }) => void;
  /**
   * An outgoing message was written but the session it went out on ended before the server
   * acknowledged it: it must be sent again on the next session.
   */
  'message:unacked': (event: {
    id: string;
    /**
     * Writes the message again as it was (same id), for a one-to-one message with a body: the
     * features use it for messages an earlier client wrote (a state this client resumed from),
     * which they do not know. Call it while online.
     */
    resend?: () => void;
    /**
     * What a room message with a body was (its room's bare JID, its text and XEP-0066 link): the
     * rooms feature writes messages an earlier client wrote again once their room is joined.
     */
    room?: { jid: string; body: string; link?: { url: string } };
  }) => void;
  error: (event: { error: ChatError }) => void;
}

/** A connection to one XMPP server for one account; it can be connected again after a loss. */
export interface Transport {
  readonly jid: string | undefined;
  readonly online: boolean;
  /**
   * One connection attempt. Never rejects: says whether a session is up (`resumed` when XEP-0198
   * resumed the previous one) or why not, and whether retrying could help (`fatal: false`).
   */
  connect(): Promise<ConnectResult>;
  /** Closes the session for good (no resume afterwards). */
  disconnect(): Promise<void>;
  /**
   * Closes the connection but not the session, which the server keeps for a while (XEP-0198):
   * its resume state stays in the resume storage (counters written now), for the next client
   * with that storage to resume. The login key stays too. Without a resumable session to leave,
   * the same as `disconnect()` but for the login key.
   */
  suspend(): Promise<void>;
  sendMessage(message: OutboundMessage): void;
  /** XEP-0352: whether the user is looking at the client; kept across reconnects and resumes. */
  setClientState(state: ClientState): void;
  /** Whether the server offered XEP-0352 on the current stream. */
  readonly csi: boolean;
  /**
   * How a fresh session announces itself (default: a bare available presence). The presence
   * feature sends ours here, so contacts never see a plain "online" first. It is sent right after
   * the listeners of `online` ran, in the same task: what they ask for at once (rejoining rooms,
   * the host joining one) reaches the server ahead of the work our broadcast presence makes there
   * (probes, and for entity capabilities every contact's PEP service), with no gap in which the
   * server would not count this resource as available.
   */
  announceWith(send: () => void): void;
  /**
   * Keeps `value` (JSON) under `name` with the resume state, for the client of the next page load
   * that resumes this session (see `kept`). Written at once when it differs from what this client
   * kept under `name` before (the first time always); nothing without a resume storage.
   */
  keep(name: string, value: unknown): void;
  /** What the resume state this client was created with kept under `name` (see `keep`). */
  kept(name: string): Promise<unknown>;
  on: Emitter<TransportEvents>['on'];
}

/** XEP-0115 node: the software, as a URI. */
const CAPS_NODE = 'https://www.npmjs.com/package/mailbox-chat';

/** Stream errors after which reconnecting cannot help. */
const FATAL_STREAM_ERRORS = new Set([
  'conflict',
  'not-authorized',
  'policy-violation',
  'host-unknown',
  'improper-addressing',
  'invalid-from',
  'invalid-namespace',
  'unsupported-version',
]);

/** SASL failures mapped to our codes; all are fatal except a temporary one. */
const SASL_CODES: Record<string, string> = {
  'account-disabled': 'account-disabled',
  'credentials-expired': 'auth-failed',
  'not-authorized': 'auth-failed',
  'invalid-mechanism': 'auth-failed',
  'mechanism-too-weak': 'auth-failed',
  'encryption-required': 'auth-failed',
};

/** Classifies why a connection attempt or a session ended. Pure. */
export function classifyFailure(facts: {
  saslCondition?: string;
  streamCondition?: string;
  tlsCode?: string;
  timedOut?: boolean;
}): { error: ChatError; fatal: boolean } {
  if (facts.saslCondition) {
    const code = SASL_CODES[facts.saslCondition];
    if (code) {
      return {
        error: new ChatError(code, 'The server rejected the login', { condition: facts.saslCondition }),
        fatal: true,
      };
    }
    return {
      error: new ChatError(ErrorCodes.connectionFailed, 'The login failed for now', {
        condition: facts.saslCondition,
      }),
      fatal: false,
    };
  }
  if (facts.tlsCode) {
    return {
      error: new ChatError(
        ErrorCodes.certificate,
        `The server's certificate was rejected (${facts.tlsCode})`,
        {
          condition: facts.tlsCode,
        },
      ),
      fatal: true,
    };
  }
  if (facts.streamCondition && facts.streamCondition !== 'connection-timeout') {
    const fatal = FATAL_STREAM_ERRORS.has(facts.streamCondition);
    const code =
      facts.streamCondition === 'conflict'
        ? ErrorCodes.conflict
        : facts.streamCondition === 'policy-violation'
          ? ErrorCodes.policyViolation
          : ErrorCodes.streamError;
    return {
      error: new ChatError(code, `The server ended the stream: ${facts.streamCondition}`, {
        condition: facts.streamCondition,
      }),
      fatal,
    };
  }
  if (facts.timedOut || facts.streamCondition === 'connection-timeout') {
    return { error: new ChatError(ErrorCodes.timeout, 'The server did not answer in time'), fatal: false };
  }
  return { error: new ChatError(ErrorCodes.connectionFailed, 'Could not reach the server'), fatal: false };
}

/** The parts of a StanzaJS WebSocket transport the workarounds below touch. */
interface SocketHolder {
  socket?: {
    readyState?: number | string;
    onclose: ((event: unknown) => void) | null;
    onerror: ((event: unknown) => void) | null;
  };
  client: Agent;
  push(chunk: unknown): boolean;
}

const WS_OPEN = 1;

/** How long an ack request waits, so that one covers what is written meanwhile (see `hardened`). */
const ACK_REQUEST_DELAY_MS = 100;
const DEFERRED_ACK_REQUEST = { type: 'request' } as Parameters<InstanceType<StanzaTransportClass>['send']>[1];

/**
 * Wraps a StanzaJS transport class against its bugs:
 * - the dead-socket hang: a write after the socket died destroys the stream without `'end'`, so
 *   StanzaJS never notices the disconnect. Writes to a socket that is not open are not attempted
 *   (stream management replays or fails them), and the socket's own close is treated as the
 *   disconnect (duplicates are dropped by {@link dedupeDisconnects});
 * - a write to a closed socket became an unhandled rejection (the SM ack request is sent without
 *   awaiting it), which kills a Node process with "Socket closed";
 * - noise: socket errors were written to the console. They are reported as `--socket-error` on
 *   the agent instead, where the transport reads certificate failures from them.
 * It also sends one stream-management ack request a moment after a write instead of one per
 * stanza, and over a socket (`overSocket`: WebSocket or TCP, not BOSH) reports each as
 * `--ack-requested` (see {@link answerAcks}).
 */
function hardened(Base: StanzaTransportClass, overSocket: boolean): StanzaTransportClass {
  const basePush = (
    Base.prototype as unknown as { push: (chunk: unknown, encoding?: BufferEncoding) => boolean }
  ).push;
  return class extends Base {
    /** Settles when this transport's stream is over: pending writes then stop waiting. */
    #over: Promise<void> = new Promise<void>((resolve) => {
      const stream = this as unknown as { once?: (event: string, listener: () => void) => void };
      for (const event of ['end', 'close', 'error']) stream.once?.(event, () => resolve());
    }).then(() => clearTimeout(this.#ackRequest));

    #eof = false;

    /** A stream-management ack request waiting to go out (see `send`). */
    #ackRequest: ReturnType<typeof setTimeout> | undefined;

    /**
     * StanzaJS's BOSH transport ends its stream on a terminate `<body>` and then pushes the body's
     * children (ejabberd sends e.g. `<r/>` there): ERR_STREAM_PUSH_AFTER_EOF, emitted as an
     * unhandled 'error' that exits a Node process. What comes after the end is dropped.
     */
    push(chunk: unknown, encoding?: BufferEncoding): boolean {
      if (chunk === null) this.#eof = true;
      else if (this.#eof) return false;
      return basePush.call(this, chunk, encoding);
    }

    override connect(config: Parameters<InstanceType<StanzaTransportClass>['connect']>[0]): void {
      super.connect(config);
      if (!overSocket) endBoshWithPage(this, this.#over);
      const self = this as unknown as SocketHolder;
      const socket = self.socket;
      if (!socket || !('onclose' in socket)) return;
      const onclose = socket.onclose;
      socket.onclose = (event: unknown) => {
        onclose?.call(socket, event);
        // Let StanzaJS's own 'end' path run first; if it did not, report the loss ourselves.
        setTimeout(() => {
          if (self.client.transport === (this as unknown)) {
            (self.client.emit as (name: string) => void)('--transport-disconnected');
          }
        }, 0);
      };
      socket.onerror = (event: unknown) => {
        (self.client.emit as (name: string, e: unknown) => void)('--socket-error', event);
        self.push(null);
      };
    }

    override send(
      name: string,
      data?: Parameters<InstanceType<StanzaTransportClass>['send']>[1],
    ): Promise<void> {
      const socket = (this as unknown as SocketHolder).socket;
      // `isEnded` is the BOSH transport's flag: after a terminate it queues writes it never sends.
      const stream = this as unknown as { writableEnded?: boolean; destroyed?: boolean; isEnded?: boolean };
      // A WebSocket's readyState is a number (a TCP socket's is a string and not ours to judge).
      const dead = typeof socket?.readyState === 'number' && socket.readyState !== WS_OPEN;
      if (dead || stream.writableEnded || stream.destroyed || stream.isEnded) {
        // The link is gone. Stanzas are tracked by stream management: replayed after a resume,
        // or reported unacked after a fresh login; the outbox resends those.
        return Promise.resolve();
      }
      if (name === 'sm' && (data as { type?: string } | undefined)?.type === 'request') {
        // StanzaJS asks for an ack after every stanza. Prosody answers at once, alone in its own
        // TCP segment, and with Nagle on (its default) its next write to us — the reply we are
        // waiting for — is held until our delayed ACK of that segment: ~40 ms on every exchange.
        // One request a moment later covers a whole exchange or burst, and costs the server less.
        if (data !== DEFERRED_ACK_REQUEST) {
          this.#ackRequest ??= setTimeout(() => {
            this.#ackRequest = undefined;
            void this.send(name, DEFERRED_ACK_REQUEST);
          }, ACK_REQUEST_DELAY_MS);
          return Promise.resolve();
        }
        // Over a socket, the server's answer is to be answered in turn (see `answerAcks`).
        if (overSocket) {
          ((this as unknown as SocketHolder).client.emit as (name: string) => void)('--ack-requested');
        }
      }
      const sending = super.send(name, data);
      sending.catch(() => {
        // Handled: the disconnect handling reports the loss and the outbox resends.
      });
      // BOSH queues a write until a request slot frees up; once the session is terminated it
      // never calls back, which would block StanzaJS's outgoing queue (and its disconnect) forever.
      return Promise.race([sending, this.#over]);
    }
  };
}

/**
 * XEP-0115: StanzaJS recomputes the capabilities hash (SHA-1, in JavaScript in browsers) at every
 * `updateCaps()`, and it was called for each feature set-up and each presence — ~10 ms of main
 * thread at sign-in in a profile. It is now computed when a broadcast presence is about to carry
 * it, and again only when our features, identities or forms changed.
 */
function memoizeCaps(agent: Agent): void {
  const compute = agent.updateCaps.bind(agent);
  const disco = agent.disco as unknown as {
    features: Map<string, Set<string>>;
    identities: Map<string, unknown[]>;
    extensions: Map<string, unknown[]>;
  };
  let input: string | undefined;
  agent.updateCaps = () => {
    const now = JSON.stringify([
      [...(disco.features.get('') ?? [])],
      disco.identities.get(''),
      disco.extensions.get(''),
    ]);
    if (now === input) return agent.disco.getCaps();
    input = now;
    return compute();
  };
}

/**
 * Answers the server's answer to our ack request with an ack of our own (XEP-0198 lets either
 * side send `<a/>` at any time). The server's `<a/>` is a small write that nothing of ours
 * follows, and with Nagle's algorithm on (Prosody's default) the server's next write to us — a
 * message arriving a moment later — waits until that segment is acknowledged at the TCP level,
 * which the receiving side delays by up to ~40 ms when it has no data to send. Our `<a/>` is
 * such data and carries the acknowledgement at once. Only over sockets (WebSocket, TCP): over
 * BOSH it would cost an HTTP request.
 */
function answerAcks(agent: Agent): void {
  // Requests whose answer is still to come (a server answers in order, after what it read
  // before them: one can wait behind a slow query while the next is sent).
  let asked = 0;
  (agent.on as (name: string, listener: () => void) => void)('--ack-requested', () => {
    asked += 1;
  });
  agent.on('disconnected', () => {
    asked = 0;
  });
  agent.on('stream:management:ack', () => {
    if (asked === 0 || !agent.sm.started) return;
    asked -= 1;
    agent.sm.ack();
  });
}

/**
 * In browsers: a BOSH session ends with its page. A page that goes (closed, reloaded, another page
 * of the site) takes its long-polling requests along, but the server holds the BOSH session until
 * its inactivity timeout (Prosody: 60 s): contacts see the user online for that minute, and what
 * they send to that resource waits there. Sessions over BOSH are not resumable (see `connect`), so
 * nothing is lost by ending it: on `pagehide` the transport sends the terminating request as a
 * beacon, which the browser delivers after the page is gone.
 *
 * It is the page's last request. A dying page can still send one (its timers run on for a moment:
 * the deferred ack request, `<r/>`, was seen leaving after the beacon). Such a request took the
 * terminate's `rid` or overtook it, and the server ignored the terminate as a repeated request.
 * A page kept in the back/forward cache (`persisted`) may come back: its session stays, as a
 * hidden tab's does.
 */
function endBoshWithPage(transport: object, over: Promise<void>): void {
  type PageHide = { persisted?: boolean };
  const page = globalThis as {
    document?: unknown;
    navigator?: { sendBeacon?: (url: string, data: string) => boolean };
    addEventListener?: (type: string, listener: (event: PageHide) => void) => void;
    removeEventListener?: (type: string, listener: (event: PageHide) => void) => void;
  };
  if (!page.document || !page.navigator?.sendBeacon || !page.addEventListener) return;
  const bosh = transport as { url?: string; sid?: string; rid?: number; isEnded?: boolean };
  const attribute = (value: string): string =>
    value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  const onPageHide = (event: PageHide): void => {
    if (event.persisted || !bosh.url || !bosh.sid || bosh.rid === undefined || bosh.isEnded) return;
    const rid = bosh.rid++;
    bosh.isEnded = true; // StanzaJS's flag: it sends nothing more (`send` above drops writes too)
    page.navigator!.sendBeacon!(
      bosh.url,
      `<body xmlns="http://jabber.org/protocol/httpbind" sid="${attribute(bosh.sid)}" rid="${rid}" type="terminate"/>`,
    );
  };
  page.addEventListener('pagehide', onPageHide);
  void over.then(() => page.removeEventListener?.('pagehide', onPageHide));
}

/** Lets StanzaJS see each transport's disconnect once, however many paths report it. */
function dedupeDisconnects(agent: Agent): void {
  const reported = new WeakSet<object>();
  const emit = agent.emit.bind(agent) as (name: string, ...args: unknown[]) => boolean;
  agent.emit = ((name: string, ...args: unknown[]) => {
    if (name === '--transport-disconnected' && agent.transport) {
      if (reported.has(agent.transport)) return false;
      reported.add(agent.transport);
    }
    return emit(name, ...args);
  }) as Agent['emit'];
}

/**
 * StanzaJS re-sends unacknowledged stanzas after a resume without tracking them again, so they
 * never get acked and are lost if the link drops once more. Re-sent stanzas go through the normal
 * (tracked) path instead; the outgoing queue is paused during the resend, so order is kept.
 */
function trackResends(agent: Agent): void {
  const send = agent.send.bind(agent) as (kind: string, stanza: unknown, replay?: boolean) => Promise<void>;
  // The third argument (replay) is dropped on purpose: a replayed stanza is tracked like a new one.
  (agent as unknown as { send: typeof send }).send = (kind, stanza) => send(kind, stanza);
}

const agents = new WeakMap<Transport, Agent>();

/** The StanzaJS agent behind a transport: for sibling transport modules and tests only. */
export function agentOf(transport: Transport): Agent {
  const agent = agents.get(transport);
  if (!agent) throw new Error('not a transport created by createTransport');
  return agent;
}

/** StanzaJS's send queue: every agent here is a Client, whose queue the Agent type leaves out. */
const sendQueueOf = (agent: Agent): Client['outgoingDataQueue'] =>
  (agent as Agent & Pick<Client, 'outgoingDataQueue'>).outgoingDataQueue;

/** Stanzas on their way to a transport's send queue (see `willSend`), and who waits for them. */
const onTheirWay = new WeakMap<Transport, { count: number; waiters: (() => void)[] }>();

/**
 * Tells `sending` that a stanza is on its way to the send queue: a request that first checks what
 * it needs (a few promise callbacks, as a history page does) is waited for as if queued already.
 * Call the function returned once the stanza is queued, or the request gave up before; more calls
 * do nothing.
 */
export function willSend(transport: Transport): () => void {
  let entry = onTheirWay.get(transport);
  if (!entry) onTheirWay.set(transport, (entry = { count: 0, waiters: [] }));
  const mine = entry;
  mine.count += 1;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    mine.count -= 1;
    if (mine.count === 0) for (const waiter of mine.waiters.splice(0)) waiter();
  };
}

/**
 * While the session is up and stanzas wait in the agent's send queue, or are on their way to it
 * (`willSend`): a promise that resolves once they are written to the connection — over WebSocket,
 * StanzaJS writes them one at a time, each through a chain of microtasks, so no task passes — or
 * in the next task at the latest: over BOSH and TCP each write waits for a request or the socket,
 * and a failing link may stall the queue. Otherwise (nothing queued, or the link down) undefined.
 */
export function sending(transport: Transport): Promise<void> | undefined {
  const agent = agents.get(transport);
  const queue = agent && sendQueueOf(agent);
  const coming = onTheirWay.get(transport);
  if (!transport.online || !queue || (queue.idle() && !coming?.count)) return undefined;
  return new Promise<void>((resolve) => {
    const late = setTimeout(resolve);
    const drain = (): void =>
      void queue.drain().then(() => {
        clearTimeout(late);
        resolve();
      });
    if (coming?.count) coming.waiters.push(drain);
    else drain();
  });
}

/** Creates a transport backed by one long-lived StanzaJS agent (so SM state survives reconnects). */
export function createTransport(options: TransportOptions): Transport {
  const events = createEmitter<TransportEvents>((error) => events.emit('error', { error }));
  const domain = bare(options.jid).split('@')[1] ?? '';
  const tcp = platformTransport('tcp');
  const endpoints = endpointsFor(options.service, domain, Boolean(tcp));
  if (endpoints.length === 0) {
    throw new ChatError(ErrorCodes.invalidArgument, `Unsupported service URL: ${String(options.service)}`);
  }

  const agent = (platformAgentFactory() ?? createClient)({
    jid: options.jid,
    ...(options.resource ? { resource: options.resource } : {}),
    transports: Object.fromEntries(endpoints.map((e) => [e.transport, e.url || true])),
    transportPreferenceOrder: endpoints.map((e) => e.transport),
    timeout: options.timeout ?? 15,
  });
  const ca = options.tls?.ca ? { ca: options.tls.ca } : {};
  if (tcp) agent.transports.tcp = tcp({ domain, ...ca });
  const websocket = platformTransport('websocket');
  if (websocket && agent.transports.websocket) {
    agent.transports.websocket = websocket({ domain, ...ca, base: agent.transports.websocket });
  }
  for (const name of Object.keys(agent.transports)) {
    agent.transports[name] = hardened(agent.transports[name]!, name !== 'bosh');
  }
  dedupeDisconnects(agent);
  trackResends(agent);
  answerAcks(agent);
  // Mechanisms we cannot complete must never be chosen (StanzaJS picks by priority alone), nor
  // logging in anonymously or with a token: the account logs in with its password.
  const unwanted = ['EXTERNAL', 'SCRAM-SHA-256-PLUS', 'SCRAM-SHA-1-PLUS', 'DIGEST-MD5', 'X-OAUTH2'];
  for (const mechanism of [...unwanted, 'OAUTHBEARER', 'ANONYMOUS']) agent.sasl.disable(mechanism);
  // PLAIN sends the password itself: only over TLS (wss, https, or TCP, which always has TLS;
  // discovery '' only yields wss/https). Plain ws:// and http:// keep SCRAM.
  if (!endpoints.every((e) => e.transport === 'tcp' || e.url === '' || /^(wss|https):/i.test(e.url))) {
    agent.sasl.disable('PLAIN');
  }
  // SCRAM on WebCrypto (./scram.ts): replaces StanzaJS's SCRAM and SASL negotiation, checks the
  // server's signature, and keeps the salted password (in memory, and in `loginKey` if given)
  // until disconnect().
  const scram = useWebCryptoScram(agent, {
    username: () => options.jid.split('@')[0] ?? '',
    storage: options.loginKey,
  });
  // Credentials are asked for once per login attempt (StanzaJS asks at every SASL step) and
  // dropped when the attempt ends; they are never kept on the agent's config.
  let attemptCredentials: Promise<{ password: string }> | undefined;
  agent.getCredentials = async () => {
    attemptCredentials ??= options.credentials();
    const { password } = await attemptCredentials;
    return { username: options.jid.split('@')[0] ?? '', password };
  };
  // XEP-0352: StanzaJS's own CSI never negotiates (see csi.ts).
  agent.use(csiPlugin);
  const clientState = trackClientState(agent);
  // XEP-0115: every broadcast presence carries our capabilities, whoever sends it.
  agent.config.capsNode = CAPS_NODE;
  withdrawUnsupportedFeatures(agent);
  memoizeCaps(agent);
  const sendPresence = agent.sendPresence.bind(agent);
  agent.sendPresence = (presence = {}) => {
    if (presence.to || presence.type || presence.legacyCapabilities) return sendPresence(presence);
    agent.updateCaps();
    return sendPresence({ ...presence, legacyCapabilities: agent.disco.getCaps() ?? [] });
  };

  const storage = options.resumeStorage;
  const restored = storage ? Promise.resolve(storage.load()) : Promise.resolve(undefined);
  let loaded = false;
  // Stream-management state changes with every stanza in or out, and writing it each time (JSON
  // of the unacknowledged queue into sessionStorage) took ~180 ms of a login's main thread in the
  // bench. A new session is written at once, its counters at most every 250 ms, at once before we
  // acknowledge stanzas to the server, and at once when the client goes inactive (the page is
  // hidden, which browsers also signal before leaving it), so a reload resumes from the exact state.
  let unsaved: { state: ResumeState | undefined } | undefined;
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** What features keep with the state (`keep`), and the last state of a session. */
  const keptNow: Record<string, unknown> = {};
  /** What this client kept under each name, as JSON (`keep` skips a value kept already). */
  const keptJson = new Map<string, string>();
  let session: ResumeState | undefined;
  /** The state to write: the session's, with what the features keep. */
  const toSave = (): ResumeState | undefined => session && { ...session, kept: { ...keptNow } };
  const saveNow = (): Promise<void> => {
    clearTimeout(saveTimer);
    saveTimer = undefined;
    if (!unsaved) return Promise.resolve();
    const { state } = unsaved;
    unsaved = undefined;
    return Promise.resolve(storage?.save(state));
  };
  const forget = (): Promise<void> => {
    clearTimeout(saveTimer);
    saveTimer = undefined;
    unsaved = undefined;
    return Promise.resolve(storage?.save(undefined));
  };
  if (storage) {
    // The server refuses a resume whose count of handled stanzas is below one we acknowledged
    // (Prosody ends the session): the state is saved before each of our acks goes out.
    const ack = agent.sm.ack.bind(agent.sm);
    agent.sm.ack = () => {
      // Leaving the session (see `suspend`): what we acknowledge stays what was written.
      if (suspending) return;
      void saveNow();
      ack();
    };
    let savedId: string | undefined;
    agent.sm.cache((state) => {
      // Ending deliberately: the state is forgotten at once (see `disconnect`), and stays so.
      if (!loaded || closing) return;
      session = state.id ? (state as ResumeState) : undefined;
      unsaved = { state: toSave() };
      // A new session (or its end) is written at once; counters as they change, in batches.
      if (state.id !== savedId) {
        savedId = state.id;
        void saveNow();
      } else {
        saveTimer ??= setTimeout(saveNow, 250);
      }
    });
  }

  let online = false;
  let closing = false;
  /** `suspend` waits for the server's acknowledgement before closing (see there). */
  let suspending = false;
  let working: Endpoint | undefined;
  let streamStarted = false;
  agent.on('stream:start', () => {
    streamStarted = true;
  });
  // A resume sent after the login of the attempt under way (see `connect`).
  let resumeSent = false;
  (agent.sm as unknown as { on(name: 'send', listener: (sm: { type: string }) => void): void }).on(
    'send',
    (sm) => {
      if (sm.type === 'resume') resumeSent = true;
    },
  );
  let attempt: { fail: (error: ChatError, fatal: boolean) => void } | undefined;
  let facts: Parameters<typeof classifyFailure>[0] = {};

  let offeredSm = false;
  agent.on('features', (features) => {
    if (features.streamManagement) offeredSm = true;
  });
  agent.on('--reset-stream-features', () => {
    offeredSm = false;
  });
  listenForMessages(
    agent,
    () => bare(agent.jid || options.jid),
    (message) => events.emit('message', message),
  );
  agent.on('message:acked', (msg) => {
    if (msg.id) events.emit('message:acked', { id: msg.id });
  });
  agent.on('stanza:failed', ({ kind, stanza }) => {
    const message = stanza as {
      id?: string;
      to?: string;
      type?: string;
      body?: string;
      links?: Array<{ url?: string }>;
    };
    const { id, to, body } = message;
    if (kind !== 'message' || !id) return;
    if (typeof body !== 'string') {
      events.emit('message:unacked', { id });
    } else if (message.type === 'groupchat') {
      const url = message.links?.[0]?.url;
      events.emit('message:unacked', {
        id,
        ...(to ? { room: { jid: bare(to), body, ...(url ? { link: { url } } : {}) } } : {}),
      });
    } else {
      events.emit('message:unacked', {
        id,
        resend: () => agent.sendMessage(message as Parameters<Agent['sendMessage']>[0]),
      });
    }
  });
  agent.on('sasl', (sasl) => {
    if (sasl.type === 'failure') facts.saslCondition = sasl.condition ?? 'not-authorized';
  });
  agent.on('auth:failed', () => {
    facts.saslCondition ??= 'not-authorized';
  });
  (agent.on as (name: string, listener: (event: unknown) => void) => void)('--socket-error', (event) => {
    const code = (event as { error?: { code?: string } } | undefined)?.error?.code;
    if (code && /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS/i.test(code)) facts.tlsCode = code;
  });
  // A <stream:error/> the server sends over WebSocket or BOSH arrives as a top-level element of
  // kind 'streamError' (StanzaJS emits 'stream:error' only for errors it raises itself).
  (agent.on as (name: string, listener: (event: { condition?: string }) => void) => void)(
    'streamError',
    (streamError) => {
      if (streamError.condition) facts.streamCondition ??= streamError.condition;
    },
  );
  agent.on('stream:error', (streamError, cause) => {
    facts.streamCondition ??= streamError.condition;
    const code = (cause as { code?: string } | undefined)?.code;
    if (code && /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS/i.test(code)) facts.tlsCode = code;
  });
  // The TCP transport reports a certificate it could not verify (see '--transport-failure').
  agent.on('--transport-failure', (error) => {
    if (error.code === ErrorCodes.certificate) facts.tlsCode ??= error.condition ?? 'certificate';
  });
  // StanzaJS cleans up after a lost transport asynchronously (drains queues, hibernates SM) and
  // then emits 'disconnected'. A new connect() must wait for that, or the cleanup deletes the new
  // transport. Writes stop at once.
  let settling: Promise<void> | undefined;
  let wasOnline = false;
  agent.on('--transport-disconnected', () => {
    wasOnline ||= online;
    online = false;
    settling ??= new Promise((resolve) => agent.once('disconnected', () => resolve()));
  });
  agent.on('disconnected', () => {
    settling = undefined;
    const { error, fatal } = classifyFailure(facts);
    facts = {};
    const reportable = wasOnline && !closing;
    wasOnline = false;
    if (attempt) {
      attempt.fail(error, fatal);
      return;
    }
    if (reportable) events.emit('offline', { error, fatal });
  });

  let announce = (): void => {
    agent.sendPresence();
  };
  const up = (resumed: boolean): void => {
    online = true;
    facts = {};
    events.emit('online', { jid: agent.jid, resumed });
    if (!resumed && online) announce();
  };

  /** One attempt on the endpoint currently configured on the agent. Never rejects. */
  const attemptOn = (): Promise<ConnectResult> => {
    return new Promise<ConnectResult>((resolve) => {
      const timer = setTimeout(
        () => {
          finish();
          agent.transport?.disconnect(false);
          resolve({ ok: false, ...classifyFailure({ timedOut: true }) });
        },
        (options.connectTimeout ?? 30) * 1000,
      );
      const finish = (): void => {
        clearTimeout(timer);
        attempt = undefined;
        agent.off('session:started', onStarted);
        agent.off('stream:management:resumed', onResumed);
      };
      let bound = false;
      const onStarted = (): void => {
        // The session is bound: what must precede our presence (the roster query) goes out now,
        // without waiting for stream management's answer below — a round trip and a turn sooner.
        // (Stanzas written before `<enable/>` are counted by neither side, those after by both.)
        if (!bound) {
          bound = true;
          events.emit('bound', { jid: agent.jid });
          // Our capabilities' hash (SHA-1 in JavaScript in browsers, ~3 ms at sign-in) is worked
          // out while the roster's answer is awaited, not between stream management's answer and
          // our first requests; the presence then finds it memoized (see `memoizeCaps`).
          setTimeout(() => agent.updateCaps(), 0);
        }
        // StanzaJS starts the session at bind, before it enables stream management. Declaring
        // the session up only once SM is on means a loss right after login can still resume.
        if (offeredSm && !agent.sm.started) {
          const onSm = (sm: { type: string }): void => {
            if (sm.type !== 'enabled' && sm.type !== 'failed') return;
            agent.off('sm', onSm);
            // Once every listener has seen the answer: StanzaJS's own marks SM started then,
            // synchronously. Not a task later, which would let a render or a frame go first.
            queueMicrotask(onStarted);
          };
          agent.on('sm', onSm);
          return;
        }
        finish();
        up(false);
        resolve({ ok: true, resumed: false });
      };
      const onResumed = (): void => {
        finish();
        up(true);
        resolve({ ok: true, resumed: true });
      };
      attempt = {
        fail: (error, fatal) => {
          finish();
          resolve({ ok: false, error, fatal });
        },
      };
      agent.on('session:started', onStarted);
      agent.on('stream:management:resumed', onResumed);
      if (options.keepalive) {
        agent.enableKeepAlive({ interval: options.keepalive.interval, timeout: options.keepalive.timeout });
      }
      void agent.connect();
    });
  };

  /** The endpoints to try, in order: the one that worked last first; XEP-0156 when needed. */
  const resolveEndpoints = async (): Promise<Endpoint[]> => {
    let list = endpoints;
    if (endpoints.some((e) => e.url === '')) {
      const found = await discoverEndpoints(domain, options.hostMeta ? { baseUrl: options.hostMeta } : {});
      list = [
        ...found.websocket.map((url) => ({ transport: 'websocket' as const, url })),
        ...found.bosh.map((url) => ({ transport: 'bosh' as const, url })),
      ];
      // Discovery accepts plain ws:/http: on loopback only; PLAIN still needs TLS.
      if (list.some((e) => !/^(wss|https):/i.test(e.url))) agent.sasl.disable('PLAIN');
    }
    const first = working;
    return first ? [first, ...list.filter((e) => e.url !== first.url)] : list;
  };

  /**
   * Waits (at most `ms`) until what was written is sent and acknowledged by the server: its
   * answers to it have come in by then.
   */
  const acknowledged = async (ms: number): Promise<void> => {
    const deadline = Date.now() + ms;
    const queue = sendQueueOf(agent);
    while (online && agent.sm.started && Date.now() < deadline) {
      if (queue.idle() && agent.sm.unacked.length === 0) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 500);
        agent.once('stream:management:ack', () => {
          clearTimeout(timer);
          resolve();
        });
        if (queue.idle()) agent.sm.request();
      });
    }
  };

  /** Ends the session (`forgetKey`: and the login key; `suspend` keeps it when it cannot suspend). */
  const end = async (forgetKey: boolean): Promise<void> => {
    closing = true;
    if (forgetKey) scram.forget();
    agent.disableKeepAlive();
    // The session is over for whoever comes next: a client created while this one still waits
    // for its acks and the close (a sign-in right after a sign-out) must start a new session,
    // not resume the one being ended.
    const forgotten = forget();
    if (!agent.transport) {
      online = false;
      await forgotten;
      return;
    }
    // Before closing, wait (briefly) until the server has acknowledged everything written, so
    // messages it did receive are not reported as unacked and sent again next time.
    await acknowledged(3000);
    await new Promise<void>((resolve) => {
      agent.once('disconnected', () => resolve());
      void agent.disconnect();
    });
    online = false;
    await forgotten;
  };

  const transport: Transport = {
    get jid() {
      // After a resume StanzaJS leaves its own jid empty; stream management still knows it.
      return agent.jid || agent.sm.jid || undefined;
    },
    get online() {
      return online;
    },
    on: events.on,
    async connect() {
      closing = false;
      suspending = false;
      if (settling) await Promise.race([settling, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (!loaded) {
        const state = await restored;
        loaded = true;
        // Carried on until the features say otherwise (a resumed session's state is written first).
        if (state?.kept && typeof state.kept === 'object') Object.assign(keptNow, state.kept);
        if (state?.id) agent.sm.load(state as Parameters<Agent['sm']['load']>[0]);
      }
      const candidates = await resolveEndpoints();
      if (candidates.length === 0) {
        const error = new ChatError(
          ErrorCodes.connectionFailed,
          `No XMPP endpoint found for ${domain} (XEP-0156)`,
        );
        return { ok: false, error, fatal: false };
      }
      let result: ConnectResult | undefined;
      // Try each endpoint in order (WebSocket before BOSH); fall back only when one could not even
      // start a stream. The one that worked is tried first next time.
      for (const endpoint of candidates) {
        // Closed (disconnect or suspend) while the endpoints were looked up: no connection.
        if (closing)
          return { ok: false, error: new ChatError(ErrorCodes.notConnected, 'Closed'), fatal: true };
        agent.updateConfig({
          transports: { [endpoint.transport]: endpoint.url },
          transportPreferenceOrder: [endpoint.transport],
        });
        // Sessions over BOSH are not resumable. Prosody (0.12) fails on a resume into a BOSH
        // connection and never answers it, and a session left resumable hibernates after the BOSH
        // session ends (contacts would see the user online for minutes after signing out). A BOSH
        // session rides out a lost request by itself; a session that did end gives way to a new
        // one, what was not acknowledged is sent again there (and missed messages come from the
        // server's offline store and the archive).
        const bosh = endpoint.transport === 'bosh';
        if (bosh && agent.sm.id) await agent.sm.failed({ type: 'failed' });
        agent.sm.allowResume = !bosh;
        streamStarted = false;
        resumeSent = false;
        result = await attemptOn();
        if (!result.ok && resumeSent && !closing) {
          // The server took the login but ended the stream over the resume, where it should have
          // said <failed/> (after which StanzaJS starts a new session by itself): the session is
          // gone. Start a new one at once; stanzas it never acknowledged are sent again there.
          await agent.sm.failed({ type: 'failed' });
          resumeSent = false;
          result = await attemptOn();
        }
        attemptCredentials = undefined;
        if (result.ok) {
          working = endpoint;
          return result;
        }
        if (result.fatal || streamStarted || closing) return result;
      }
      return result!;
    },
    setClientState(state) {
      if (state === 'inactive') void saveNow();
      clientState.set(state);
    },
    announceWith(send) {
      announce = send;
    },
    keep(name, value) {
      // Unchanged since this client last kept it: nothing to write (features keep on every change
      // of what they track, most often the same empty list).
      const json = JSON.stringify(value);
      if (keptJson.get(name) === json) return;
      keptJson.set(name, json);
      keptNow[name] = value;
      if (!storage || !loaded || closing || !session) return;
      unsaved = { state: toSave() };
      void saveNow();
    },
    async kept(name) {
      return (await restored.catch(() => undefined))?.kept?.[name];
    },
    get csi() {
      return csiAvailable(agent);
    },
    async suspend() {
      // A session the server cannot resume (no stream management, or nowhere to keep its state)
      // ends. Not yet online, a resume or a login may be under way: its connection is closed
      // below, and a stored state stays for the next client.
      if (!storage || (online && session?.allowResume !== true)) return end(false);
      agent.disableKeepAlive();
      // What was written goes out and is acknowledged first (briefly). Prosody handles a
      // WebSocket close before the stanzas read with it, and writes its answers to them after its
      // own close, which browsers report as an error ("Data frame received after close"). We
      // acknowledge nothing more ourselves meanwhile: a client created in the meantime (an element
      // shown again at once) has read the resume state, and its resume must not fall behind what
      // we acknowledged (the server would refuse it).
      suspending = true;
      await acknowledged(1000);
      suspending = false;
      closing = true;
      // Written before the socket closes: what this client handled and what the server has yet
      // to acknowledge, so the next client's resume neither loses nor repeats anything.
      const written = saveNow();
      const socket = agent.transport;
      if (socket) {
        // The connection ends without the stream's end: the server keeps the session (and what
        // comes for it) for the next client's resume, as when a page is left. Resuming a session
        // whose connection it has not seen close yet, Prosody closes that connection itself.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 3000);
          agent.once('disconnected', () => {
            clearTimeout(timer);
            resolve();
          });
          socket.disconnect(false);
        });
      }
      online = false;
      await written;
    },
    disconnect: () => end(true),
    sendMessage(message) {
      if (!online) throw new ChatError(ErrorCodes.notConnected, 'Not connected');
      agent.sendMessage(toStanza(message));
    },
  };
  agents.set(transport, agent);
  return transport;
}
