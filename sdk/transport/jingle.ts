// Jingle file transfer signalling as plain data: XEP-0166 sessions carrying one XEP-0234 file
// (name, size, type, XEP-0300 SHA-256) over a XEP-0260 SOCKS5 bytestream transport, plus the
// XEP-0065 proxy queries (streamhost, activate). Sessions of this kind are taken out of
// StanzaJS's own Jingle session manager (which only knows WebRTC sessions) before it sees them;
// everything else still goes to it. Only the feature above decides what the signals mean.
import { JID, Namespaces, type Agent, type Stanzas } from 'stanza';
import { ChatError, ErrorCodes } from '../errors.js';
import { toChatError } from './iq.js';
import { agentOf, type Transport } from './xmpp.js';

/** What we advertise in disco/caps when file transfers are available (Node). */
export const FILE_TRANSFER_FEATURES = [
  Namespaces.NS_JINGLE_1,
  Namespaces.NS_JINGLE_FILE_TRANSFER_5,
  Namespaces.NS_JINGLE_SOCKS5_1,
  Namespaces.NS_HASHES_2,
  Namespaces.NS_HASH_NAME('sha-256'),
] as const;

/** A XEP-0260 candidate: where a party can be reached for the bytestream. */
export interface S5bCandidate {
  cid: string;
  host: string;
  port: number;
  /** The streamhost's JID (required for `proxy` candidates). */
  jid?: string;
  priority: number;
  type: 'direct' | 'assisted' | 'tunnel' | 'proxy';
}

/** The file a session is about (XEP-0234). */
export interface JingleFile {
  name?: string;
  size?: number;
  type?: string;
  /** Lower-case hex SHA-256 of the content, when the sender gave one. */
  sha256?: string;
}

/** The S5B transport of a session: its stream id, DST.ADDR and candidates. */
export interface S5bTransport {
  sid: string;
  address?: string;
  candidates: S5bCandidate[];
}

/** An incoming `session-initiate` for a file over S5B. */
export interface JingleFileOffer {
  /** The Jingle session id. */
  sid: string;
  /** The sender's full JID. */
  from: string;
  /** The content's name and creator, echoed in every later signal. */
  content: string;
  file: JingleFile;
  transport: S5bTransport;
}

/** Later signals within one session, as plain data. */
export type JingleSignal =
  | { action: 'session-accept'; transport: S5bTransport }
  | {
      action: 'transport-info';
      candidateUsed?: string;
      candidateError?: boolean;
      activated?: string;
      proxyError?: boolean;
    }
  | { action: 'session-terminate'; reason: string; text?: string }
  | { action: 'other'; name: string };

/** What a transport-info may report (XEP-0260). */
export type TransportReport =
  { candidateUsed: string } | { candidateError: true } | { activated: string } | { proxyError: true };

/** A streamhost of a SOCKS5 proxy (XEP-0065). */
export interface Streamhost {
  jid: string;
  host: string;
  port: number;
}

/** Jingle file-transfer signalling on one transport. */
export interface JingleChannel {
  /** Our full JID in the current session. */
  readonly jid: string | undefined;
  /** Receives new file offers (one handler). Offers arriving without a handler are declined. */
  onOffer(handler: (offer: JingleFileOffer) => void): void;
  /**
   * Receives the later signals of session `sid`, only from `peer` (others get `unknown-session`).
   * Returns a function that stops watching (the session is then unknown again).
   */
  watch(sid: string, peer: string, handler: (signal: JingleSignal) => void): () => void;
  /** Sends `session-initiate` for one file; resolves when the peer acknowledged it. */
  initiate(
    to: string,
    session: { sid: string; content: string; file: JingleFile; transport: S5bTransport },
  ): Promise<void>;
  /** Accepts an offer (`session-accept`, with our own transport details). */
  accept(offer: JingleFileOffer, transport: S5bTransport): Promise<void>;
  /** Sends a XEP-0260 transport-info report. */
  report(
    to: string,
    session: { sid: string; content: string; transportSid: string },
    report: TransportReport,
  ): Promise<void>;
  /** Ends a session (`session-terminate` with a Jingle reason). */
  terminate(to: string, sid: string, reason: string): Promise<void>;
  /** Asks a proxy for its streamhost (host and port to connect to). */
  streamhost(proxy: string, sid: string): Promise<Streamhost>;
  /** Asks a proxy to join the two connections of bytestream `sid` (ours and `target`'s). */
  activate(proxy: string, sid: string, target: string): Promise<void>;
}

const NS = {
  fileTransfer: Namespaces.NS_JINGLE_FILE_TRANSFER_5,
  s5b: Namespaces.NS_JINGLE_SOCKS5_1,
} as const;

type JingleIq = Stanzas.IQ & { jingle: Stanzas.Jingle };
type Socks5Transport = Stanzas.JingleSocks5 & {
  candidates?: Array<Stanzas.JingleSocks5Candidate & { jid?: unknown }>;
};

const CANDIDATE_TYPES = new Set(['direct', 'assisted', 'tunnel', 'proxy']);

/** Reads an S5B transport element. Pure. */
export function parseTransport(transport: Stanzas.JingleTransport | undefined): S5bTransport | undefined {
  if (transport?.transportType !== NS.s5b) return undefined;
  const s5b = transport as Socks5Transport;
  const candidates: S5bCandidate[] = [];
  for (const c of s5b.candidates ?? []) {
    if (!c.cid || !c.host || !c.port) continue;
    const type = c.type && CANDIDATE_TYPES.has(c.type) ? (c.type as S5bCandidate['type']) : 'direct';
    candidates.push({
      cid: c.cid,
      host: c.host,
      port: c.port,
      priority: c.priority ?? 0,
      type,
      ...(c.jid ? { jid: String(c.jid) } : {}),
    });
  }
  return { sid: s5b.sid, ...(s5b.address ? { address: s5b.address } : {}), candidates };
}

/** Reads a XEP-0234 file description. Pure. */
export function parseFile(application: Stanzas.JingleApplication | undefined): JingleFile | undefined {
  if (application?.applicationType !== NS.fileTransfer) return undefined;
  const file = (application as Stanzas.FileTransferDescription).file ?? {};
  const sha = file.hashes?.find((h) => h.algorithm === 'sha-256' && h.value);
  return {
    ...(file.name ? { name: file.name } : {}),
    ...(file.size !== undefined && Number.isSafeInteger(file.size) && file.size >= 0
      ? { size: file.size }
      : {}),
    ...(file.mediaType ? { type: file.mediaType } : {}),
    ...(sha?.value ? { sha256: Buffer.from(sha.value).toString('hex') } : {}),
  };
}

/** The XEP-0234 description of a file. Pure. */
export function fileDescription(file: JingleFile): Stanzas.FileTransferDescription {
  return {
    applicationType: NS.fileTransfer,
    file: {
      ...(file.name !== undefined ? { name: file.name } : {}),
      ...(file.size !== undefined ? { size: file.size } : {}),
      ...(file.type !== undefined ? { mediaType: file.type } : {}),
      ...(file.sha256
        ? { hashes: [{ version: '2', algorithm: 'sha-256', value: Buffer.from(file.sha256, 'hex') }] }
        : {}),
    },
  };
}

/** The XEP-0260 transport element. Pure. */
export function transportElement(transport: S5bTransport): Socks5Transport {
  return {
    transportType: NS.s5b,
    sid: transport.sid,
    mode: 'tcp',
    ...(transport.address ? { address: transport.address } : {}),
    candidates: transport.candidates.map((c) => ({
      cid: c.cid,
      host: c.host,
      port: c.port,
      priority: c.priority,
      type: c.type,
      ...(c.jid ? { jid: c.jid } : {}),
    })),
  };
}

/** Reads a later signal of a session. Pure. */
export function parseSignal(jingle: Stanzas.Jingle): JingleSignal {
  const content = jingle.contents?.[0];
  switch (jingle.action) {
    case 'session-accept':
      return {
        action: 'session-accept',
        transport: parseTransport(content?.transport) ?? { sid: '', candidates: [] },
      };
    case 'transport-info': {
      const t = content?.transport as Socks5Transport | undefined;
      return {
        action: 'transport-info',
        ...(t?.candidateUsed ? { candidateUsed: t.candidateUsed } : {}),
        ...(t?.candidateError ? { candidateError: true } : {}),
        ...(t?.activated ? { activated: t.activated } : {}),
        ...(t?.proxyError ? { proxyError: true } : {}),
      };
    }
    case 'session-terminate':
      return {
        action: 'session-terminate',
        reason: jingle.reason?.condition ?? 'success',
        ...(jingle.reason?.text ? { text: jingle.reason.text } : {}),
      };
    default:
      return { action: 'other', name: String(jingle.action) };
  }
}

/** A JID in its normalized form (as the server writes it), e.g. for hashing. Pure. */
export function normalJid(jid: string): string {
  return JID.parse(jid).full;
}

const channels = new WeakMap<Transport, JingleChannel>();

/** The Jingle file-transfer channel of a transport (one per transport; advertises the features). */
export function jingleChannel(transport: Transport): JingleChannel {
  let channel = channels.get(transport);
  if (!channel) {
    channel = createChannel(agentOf(transport));
    channels.set(transport, channel);
  }
  return channel;
}

function createChannel(agent: Agent): JingleChannel {
  let offerHandler: ((offer: JingleFileOffer) => void) | undefined;
  const sessions = new Map<string, { peer: string; handler: (signal: JingleSignal) => void }>();

  for (const feature of FILE_TRANSFER_FEATURES) agent.disco.addFeature(feature);
  // Announced with our next presence (the capabilities hash is computed as it goes out).

  const reply = (iq: Stanzas.IQ): void => {
    agent.sendIQResult(iq, {});
  };
  const refuse = (iq: Stanzas.IQ, condition: string, jingleError?: string): void => {
    agent.sendIQError(iq, {
      error: {
        type: 'cancel',
        condition,
        ...(jingleError ? { jingleError } : {}),
      } as Stanzas.StanzaError,
    });
  };
  const send = async (to: string, jingle: Stanzas.Jingle, what: string): Promise<void> => {
    try {
      await agent.sendIQ({ type: 'set', to, jingle });
    } catch (cause) {
      throw toChatError(cause, what);
    }
  };

  /** Handles a Jingle set that belongs to us; false to leave it to StanzaJS. */
  const handle = (iq: JingleIq): boolean => {
    const { jingle } = iq;
    const from = iq.from ? String(iq.from) : '';
    const session = sessions.get(jingle.sid);
    if (session) {
      if (!JID.equal(session.peer, from)) {
        refuse(iq, 'item-not-found', 'unknown-session');
        return true;
      }
      reply(iq);
      session.handler(parseSignal(jingle));
      return true;
    }
    if (jingle.action !== 'session-initiate') return false;
    const content = jingle.contents?.[0];
    const file = parseFile(content?.application);
    if (!content || !file) return false;
    const transport = parseTransport(content.transport);
    reply(iq);
    if (!transport || !offerHandler || !from.includes('/')) {
      void send(
        from,
        {
          sid: jingle.sid,
          action: 'session-terminate',
          reason: { condition: transport ? 'decline' : 'unsupported-transports' },
        },
        'Declining a file offer',
      ).catch(
        () => undefined, // Best effort: the peer may be gone already.
      );
      return true;
    }
    offerHandler({ sid: jingle.sid, from, content: content.name, file, transport });
    return true;
  };

  const process = agent.jingle.process.bind(agent.jingle);
  agent.jingle.process = (request) => {
    if (request.type === 'set' && request.jingle?.sid && handle(request as JingleIq)) return;
    process(request);
  };

  return {
    get jid() {
      return agent.jid || undefined;
    },
    onOffer(handler) {
      offerHandler = handler;
    },
    watch(sid, peer, handler) {
      sessions.set(sid, { peer, handler });
      return () => {
        if (sessions.get(sid)?.handler === handler) sessions.delete(sid);
      };
    },
    initiate(to, session) {
      return send(
        to,
        {
          action: 'session-initiate',
          sid: session.sid,
          initiator: agent.jid,
          contents: [
            {
              creator: 'initiator',
              name: session.content,
              senders: 'initiator',
              application: fileDescription(session.file),
              transport: transportElement(session.transport),
            },
          ],
        },
        'Offering a file',
      );
    },
    accept(offer, transport) {
      return send(
        offer.from,
        {
          action: 'session-accept',
          sid: offer.sid,
          responder: agent.jid,
          contents: [
            {
              creator: 'initiator',
              name: offer.content,
              senders: 'initiator',
              application: fileDescription(offer.file),
              transport: transportElement(transport),
            },
          ],
        },
        'Accepting a file',
      );
    },
    report(to, session, report) {
      const transport: Socks5Transport = { transportType: NS.s5b, sid: session.transportSid, ...report };
      return send(
        to,
        {
          action: 'transport-info',
          sid: session.sid,
          contents: [{ creator: 'initiator', name: session.content, transport }],
        },
        'Reporting on the bytestream',
      );
    },
    terminate(to, sid, reason) {
      return send(
        to,
        {
          action: 'session-terminate',
          sid,
          reason: { condition: reason as Stanzas.JingleReason['condition'] },
        },
        'Ending a file transfer',
      );
    },
    async streamhost(proxy, sid) {
      let answer: Stanzas.IQ;
      try {
        answer = await agent.sendIQ({ type: 'get', to: proxy, socks5: { sid } });
      } catch (cause) {
        throw toChatError(cause, 'Asking the SOCKS5 proxy for its address');
      }
      const host = answer.socks5?.candidates?.find((c) => c.host && c.port);
      if (!host?.host || !host.port) {
        throw new ChatError(ErrorCodes.proxyFailed, `The proxy ${proxy} sent no streamhost`);
      }
      return { jid: host.jid ? String(host.jid) : proxy, host: host.host, port: host.port };
    },
    async activate(proxy, sid, target) {
      try {
        await agent.sendIQ({ type: 'set', to: proxy, socks5: { sid, activate: target } });
      } catch (cause) {
        const error = toChatError(cause, 'Activating the bytestream');
        throw new ChatError(ErrorCodes.proxyFailed, error.message, {
          ...(error.condition ? { condition: error.condition } : {}),
          cause,
        });
      }
    },
  };
}
