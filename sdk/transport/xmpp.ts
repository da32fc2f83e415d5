// The only module family that imports StanzaJS. It creates the agent, contains StanzaJS's traps
// (see the project notes), and turns StanzaJS events into plain domain data for the features above.
import { createClient, type Agent, type Stanzas } from 'stanza';

type ReceivedMessage = Stanzas.ReceivedMessage;
import { ChatError, ErrorCodes } from '../errors.js';
import { createEmitter, type Emitter } from '../emitter.js';
import { bareJid as bare } from '../jid.js';
import { endpointsFor } from './endpoints.js';
import { platformTransport, type StanzaTransportClass } from './registry.js';

/** What the features above need to know to open a session. */
export interface TransportOptions {
  jid: string;
  /** See {@link endpointsFor}. */
  service?: string;
  /** Node only: extra trusted CA certificates (PEM) for TCP/TLS connections. */
  tls?: { ca?: string | string[] };
  resource?: string;
  /** Called at every fresh login; the result is used for SASL and dropped. */
  credentials: () => Promise<{ password: string }>;
  /** Seconds to wait for an IQ answer. */
  timeout?: number;
}

/** An incoming message stanza as plain data. */
export interface InboundMessage {
  id?: string;
  from: string;
  to: string;
  type: 'chat' | 'groupchat' | 'normal' | 'headline' | 'error';
  body?: string;
  /** XEP-0359 stanza id assigned by our own server (by = our bare JID), if any. */
  stanzaId?: string;
  /** XEP-0359 origin id the sender assigned, if any. */
  originId?: string;
  /** XEP-0203 delay stamp. */
  delay?: Date;
}

/** An outgoing chat message as plain data. */
export interface OutboundMessage {
  id: string;
  to: string;
  type: 'chat' | 'groupchat';
  body: string;
}

/** Events from the transport to the features. */
export interface TransportEvents {
  online: (event: { jid: string }) => void;
  offline: (event: { error?: ChatError }) => void;
  message: (event: InboundMessage) => void;
  error: (event: { error: ChatError }) => void;
}

/** A connection to one XMPP server for one account. */
export interface Transport {
  readonly jid: string | undefined;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  sendMessage(message: OutboundMessage): void;
  on: Emitter<TransportEvents>['on'];
}

/** Converts a StanzaJS message into {@link InboundMessage}; pure. */
export function toInbound(msg: ReceivedMessage, ownBareJid: string): InboundMessage {
  const stanzaId = msg.stanzaIds?.find((s) => s.by === ownBareJid)?.id;
  return {
    ...(msg.id ? { id: msg.id } : {}),
    from: msg.from,
    to: msg.to,
    type: (msg.type ?? 'normal') as InboundMessage['type'],
    ...(msg.body !== undefined ? { body: msg.body } : {}),
    ...(stanzaId ? { stanzaId } : {}),
    ...(msg.originId ? { originId: msg.originId } : {}),
    ...(msg.delay?.timestamp ? { delay: new Date(msg.delay.timestamp) } : {}),
  };
}

type TransportClass = StanzaTransportClass;

/**
 * Wraps a StanzaJS transport class so that a write to a socket that already closed cannot become
 * an unhandled rejection (StanzaJS sends the SM ack request without awaiting it, which kills a
 * Node process with "Socket closed"). Callers that await `send` still see the rejection.
 */
function withHandledSends(Base: TransportClass): TransportClass {
  return class extends Base {
    override send(name: string, data?: Parameters<InstanceType<TransportClass>['send']>[1]): Promise<void> {
      const sending = super.send(name, data);
      sending.catch(() => {
        // Handled: the link is gone; the disconnect handling reports it and SM replays the stanza.
      });
      return sending;
    }
  };
}

/** Creates a transport backed by a StanzaJS agent. */
export function createTransport(options: TransportOptions): Transport {
  const events = createEmitter<TransportEvents>((error) => events.emit('error', { error }));
  let agent: Agent | undefined;
  let connected = false;

  const domain = bare(options.jid).split('@')[1] ?? '';
  const tcp = platformTransport('tcp');
  const endpoints = endpointsFor(options.service, domain, Boolean(tcp));
  if (endpoints.length === 0) {
    throw new ChatError(ErrorCodes.invalidArgument, `Unsupported service URL: ${options.service}`);
  }

  const newAgent = (): Agent => {
    const client = createClient({
      jid: options.jid,
      ...(options.resource ? { resource: options.resource } : {}),
      transports: Object.fromEntries(endpoints.map((e) => [e.transport, e.url || true])),
      transportPreferenceOrder: endpoints.map((e) => e.transport),
      timeout: options.timeout ?? 15,
    });
    if (tcp) {
      client.transports.tcp = tcp({ domain, ...(options.tls?.ca ? { ca: options.tls.ca } : {}) });
    }
    for (const name of Object.keys(client.transports)) {
      client.transports[name] = withHandledSends(client.transports[name]!);
    }
    // Credentials are asked for at each login and never kept on the agent's config.
    client.getCredentials = async () => {
      const { password } = await options.credentials();
      return { username: options.jid.split('@')[0] ?? '', password };
    };
    client.on('message', (msg) => events.emit('message', toInbound(msg, bare(client.jid || options.jid))));
    return client;
  };

  return {
    get jid() {
      return agent?.jid;
    },
    on: events.on,
    connect() {
      agent = newAgent();
      const current = agent;
      return new Promise<void>((resolve, reject) => {
        let settled = false;
        let failure: ChatError | undefined;
        current.on('auth:failed', () => {
          failure = new ChatError(ErrorCodes.authFailed, 'The server rejected the credentials', {
            condition: 'not-authorized',
          });
        });
        current.on('stream:error', (streamError) => {
          failure ??= new ChatError(ErrorCodes.streamError, `Stream error: ${streamError.condition}`, {
            condition: streamError.condition,
          });
        });
        current.on('session:started', () => {
          connected = true;
          settled = true;
          current.sendPresence();
          events.emit('online', { jid: current.jid });
          resolve();
        });
        current.on('disconnected', () => {
          if (agent !== current) return;
          const wasConnected = connected;
          connected = false;
          const error =
            failure ??
            (settled ? undefined : new ChatError(ErrorCodes.connectionFailed, 'Could not reach the server'));
          if (!settled) {
            settled = true;
            reject(error);
          }
          if (wasConnected || error) events.emit('offline', error ? { error } : {});
        });
        current.connect();
      });
    },
    async disconnect() {
      const current = agent;
      if (!current) return;
      await new Promise<void>((resolve) => {
        if (!connected && !current.transport) return resolve();
        current.once('disconnected', () => resolve());
        current.disconnect();
      });
    },
    sendMessage(message) {
      if (!agent || !connected) throw new ChatError(ErrorCodes.notConnected, 'Not connected');
      agent.sendMessage({ id: message.id, to: message.to, type: message.type, body: message.body });
    },
  };
}
