// Message stanzas as plain data, both ways: a pure parser from StanzaJS's received messages
// (receipts, markers, chat states, corrections, carbons, OOB, /me, XEP-0359 ids, delay) and a pure
// builder for the messages the features send. Plus the one place that listens to StanzaJS's
// `message` event, so that nothing above the transport sees StanzaJS's own message handling.
import { Namespaces, type Agent, type Stanzas } from 'stanza';
import { bareJid as bare } from '../jid.js';

type ReceivedMessage = Stanzas.ReceivedMessage;

/** XEP-0085 chat states. */
export type ChatStateValue = 'active' | 'composing' | 'paused' | 'inactive' | 'gone';

const CHAT_STATES: ReadonlySet<string> = new Set(['active', 'composing', 'paused', 'inactive', 'gone']);

/** A marker that answers a message (XEP-0333); `markable` is a flag of its own. */
export interface MarkerReply {
  type: 'received' | 'displayed' | 'acknowledged';
  /** The `id` of the message it is about. */
  id: string;
}

/** An incoming message stanza as plain data. */
export interface InboundMessage {
  id?: string;
  /** Sender. For a carbon: the sender of the forwarded message (for `sent`: our other device). */
  from: string;
  /** Addressee. For a `sent` carbon: the peer we wrote to from another device. */
  to: string;
  type: 'chat' | 'groupchat' | 'normal' | 'headline' | 'error';
  body?: string;
  /** XEP-0359 stanza id assigned by our own server (by = our bare JID), if any. */
  stanzaId?: string;
  /** XEP-0359 origin id the sender assigned, if any. */
  originId?: string;
  /** XEP-0203 delay stamp (for a carbon: the forwarded message's, else the forward's). */
  delay?: Date;
  /**
   * XEP-0280: this came as a carbon copy (from our own bare JID; forged carbons are dropped by
   * {@link toInbound}). `sent`: we sent it from another device; `received`: another of our
   * devices received it.
   */
  carbon?: 'sent' | 'received';
  /** XEP-0184: the sender asks for a receipt. */
  receiptRequest?: boolean;
  /** XEP-0184: a receipt for the message with this id. */
  receiptFor?: string;
  /** XEP-0333: the sender wants chat markers for this message. */
  markable?: boolean;
  /** XEP-0333: a marker about an earlier message. */
  marker?: MarkerReply;
  /** XEP-0085 chat state. */
  chatState?: ChatStateValue;
  /** XEP-0308: this corrects the message with this id. */
  replace?: string;
  /** XEP-0066 out-of-band links. */
  links?: Array<{ url: string; description?: string }>;
  /** XEP-0245: the body starts with `/me `. */
  action?: boolean;
  /** For `type: 'error'`: why our message with this `id` bounced. */
  error?: { condition: string; text?: string };
  /** A room invitation or decline (XEP-0045 mediated, XEP-0249 direct); the rooms feature owns it. */
  roomInvite?: boolean;
}

/** An outgoing message as plain data. Everything but `to` and `type` is optional. */
export interface OutboundMessage {
  /** Stanza id; also sent as XEP-0359 origin id when there is a body. Required with a body. */
  id?: string;
  to: string;
  type: 'chat' | 'groupchat' | 'normal';
  body?: string;
  /** XEP-0184: ask for a receipt. */
  requestReceipt?: boolean;
  /** XEP-0333: ask for chat markers. */
  markable?: boolean;
  /** XEP-0085 chat state; alone (no body) it is a typing notification. */
  chatState?: ChatStateValue;
  /** XEP-0308: the id of the message this corrects. */
  replace?: string;
  /** XEP-0184: the id of the message this is a receipt for. */
  receiptFor?: string;
  /** XEP-0333: a marker about an earlier message. */
  marker?: MarkerReply;
  /** XEP-0066: an out-of-band link. */
  link?: { url: string; description?: string };
}

const toDate = (value: Date | string | undefined): Date | undefined => {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
};

/**
 * Converts a StanzaJS message into an {@link InboundMessage}; pure. Carbons (XEP-0280) are
 * unwrapped; a carbon whose outer `from` is not our own bare JID is forged (anyone can wrap a
 * `<sent/>` around a message "from" us) and yields `undefined`.
 */
export function toInbound(msg: ReceivedMessage, ownBareJid: string): InboundMessage | undefined {
  let inner: Stanzas.Message = msg;
  let carbon: InboundMessage['carbon'];
  let forwardDelay: Date | undefined;
  if (msg.carbon) {
    if (!msg.from || bare(msg.from) !== ownBareJid) return undefined;
    const forwarded = msg.carbon.forward?.message;
    if (!forwarded) return undefined;
    inner = forwarded;
    carbon = msg.carbon.type;
    forwardDelay = toDate(msg.carbon.forward.delay?.timestamp);
  }
  const from = inner.from ?? (carbon === 'sent' ? ownBareJid : '');
  const to = inner.to ?? (carbon === 'received' ? ownBareJid : '');
  if (!from) return undefined;
  const stanzaId = (inner.stanzaIds ?? msg.stanzaIds ?? []).find((s) => bare(s.by) === ownBareJid)?.id;
  const delay = toDate(inner.delay?.timestamp) ?? forwardDelay;
  const receipt = inner.receipt;
  const marker = inner.marker;
  const links = (inner.links ?? [])
    .filter((l): l is { url: string; description?: string } => typeof l.url === 'string' && l.url !== '')
    .map((l) => ({ url: l.url, ...(l.description ? { description: l.description } : {}) }));
  const chatState = inner.chatState && CHAT_STATES.has(inner.chatState) ? inner.chatState : undefined;
  const muc = inner.muc as
    { type?: string; action?: string; invite?: unknown[]; decline?: unknown } | undefined;
  const roomInvite = Boolean(
    inner.legacyMUC ||
    (muc && (muc.type === 'direct-invite' || muc.action || muc.invite?.length || muc.decline)),
  );
  return {
    ...(roomInvite ? { roomInvite } : {}),
    ...(inner.id ? { id: inner.id } : {}),
    from,
    to,
    type: (inner.type ?? 'normal') as InboundMessage['type'],
    ...(inner.body !== undefined ? { body: inner.body } : {}),
    ...(stanzaId ? { stanzaId } : {}),
    ...(inner.originId ? { originId: inner.originId } : {}),
    ...(delay ? { delay } : {}),
    ...(carbon ? { carbon } : {}),
    ...(receipt?.type === 'request' ? { receiptRequest: true } : {}),
    ...(receipt?.type === 'received' && receipt.id ? { receiptFor: receipt.id } : {}),
    ...(marker?.type === 'markable' ? { markable: true } : {}),
    ...(marker && marker.type !== 'markable' && marker.id
      ? { marker: { type: marker.type, id: marker.id } }
      : {}),
    ...(chatState ? { chatState: chatState as ChatStateValue } : {}),
    ...(inner.replace ? { replace: inner.replace } : {}),
    ...(links.length > 0 ? { links } : {}),
    ...(inner.body?.startsWith('/me ') ? { action: true } : {}),
    ...(inner.type === 'error'
      ? {
          error: {
            condition: inner.error?.condition ?? 'undefined-condition',
            ...(inner.error?.text ? { text: inner.error.text } : {}),
          },
        }
      : {}),
  };
}

/**
 * Builds the StanzaJS message for an {@link OutboundMessage}; pure. Only messages with a body get
 * an XEP-0359 origin id: StanzaJS adds `<origin-id/>` to every message unless `originId` is
 * explicitly `undefined`, and a chat-state-only message that carries anything else is not held
 * back by ejabberd's CSI (see the project notes).
 */
export function toStanza(message: OutboundMessage): Stanzas.Message {
  const hasBody = message.body !== undefined;
  const receipt = message.requestReceipt
    ? ({ type: 'request' } as const)
    : message.receiptFor
      ? ({ type: 'received', id: message.receiptFor } as const)
      : undefined;
  const marker = message.marker ?? (message.markable ? ({ type: 'markable' } as const) : undefined);
  return {
    ...(message.id ? { id: message.id } : {}),
    // Present on purpose even when undefined: that keeps StanzaJS from adding one (its type does
    // not allow undefined, hence the cast).
    originId: (hasBody ? message.id : undefined) as string,
    to: message.to,
    type: message.type,
    ...(hasBody ? { body: message.body } : {}),
    ...(receipt ? { receipt } : {}),
    ...(marker ? { marker } : {}),
    ...(message.chatState ? { chatState: message.chatState } : {}),
    ...(message.replace ? { replace: message.replace } : {}),
    ...(message.link
      ? {
          links: [
            {
              url: message.link.url,
              ...(message.link.description ? { description: message.link.description } : {}),
            },
          ],
        }
      : {}),
  };
}

/**
 * Listens to StanzaJS's incoming messages and hands each one over once, parsed:
 * - StanzaJS's messaging plugin (Node; the browser build leaves it out) unwraps carbons itself and
 *   emits the forwarded message as a second `message` event; we unwrap (and check) carbons
 *   ourselves, so that second copy is skipped. Our listener runs before the plugin's, to see the
 *   wrapper first.
 * - Archive results (XEP-0313 `<result/>` wrappers) are skipped: the archive query collects them.
 * - The plugin sends receipts and `received` markers for every message, also for duplicates,
 *   carbons and senders the user blocked; that is turned off here and done by the chats feature.
 * - What the SDK handles of messages is advertised here (the messaging and entity plugins did
 *   that too), so that other clients ask for receipts and markers and send chat states,
 *   corrections and file links.
 */
export function listenForMessages(
  agent: Agent,
  ownBareJid: () => string,
  listener: (message: InboundMessage) => void,
): void {
  agent.config.sendReceipts = false;
  agent.config.chatMarkers = false;
  const { NS_RECEIPTS, NS_CHAT_MARKERS_0, NS_CHAT_STATES, NS_CORRECTION_0, NS_OOB, NS_FORWARD_0, NS_DELAY } =
    Namespaces;
  for (const feature of [
    NS_RECEIPTS,
    NS_CHAT_MARKERS_0,
    NS_CHAT_STATES,
    NS_CORRECTION_0,
    NS_OOB, // shared files' links
    NS_FORWARD_0, // carbons and archive results
    NS_DELAY,
  ]) {
    agent.disco.addFeature(feature);
  }
  const unwrapped = new WeakSet<object>();
  const prepend = (
    agent as unknown as { prependListener(name: string, fn: (msg: ReceivedMessage) => void): void }
  ).prependListener;
  prepend.call(agent, 'message', (msg) => {
    if (unwrapped.has(msg)) return;
    // Archive query results (XEP-0313) belong to the query that asked for them
    // (./archive.js), never to the live message stream.
    if (msg.archive) return;
    if (msg.carbon?.forward?.message) unwrapped.add(msg.carbon.forward.message);
    const inbound = toInbound(msg, ownBareJid());
    if (inbound) listener(inbound);
  });
}
