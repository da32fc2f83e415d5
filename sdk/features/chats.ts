import type { ChatError } from '../errors.js';
import type { Emit } from '../events.js';
import { enableCarbons } from '../transport/disco.js';
import type { InboundMessage, Transport } from '../transport/xmpp.js';
import type { Discovery } from './discovery.js';
import type { Jid, Message, MessageState } from '../types.js';
import { bareJid } from '../jid.js';

/** One-to-one chat. Internal; exposed through the client facade. */
export interface Chats {
  send(to: Jid, body: string): Message;
}

function newId(): string {
  return globalThis.crypto.randomUUID();
}

/** How far a state is along the delivery path; a message never moves backwards. */
const ORDER: Record<MessageState, number> = {
  queued: 0,
  sent: 1,
  acked: 2,
  delivered: 3,
  displayed: 4,
  failed: 5,
};

/**
 * Remembers which incoming messages were seen, by every id they carry (server stanza id, and the
 * sender's origin id or stanza id scoped to the sender), so a re-delivery after a resume or a
 * resend after a fresh session is recognized whichever id it comes with. Bounded.
 */
export function createSeenSet(limit = 10_000): { check(message: InboundMessage): boolean } {
  const seen = new Set<string>();
  const remember = (key: string): void => {
    seen.add(key);
    if (seen.size > limit) seen.delete(seen.values().next().value as string);
  };
  return {
    /** True if the message was seen before; otherwise remembers it and returns false. */
    check(message) {
      const from = bareJid(message.from);
      const keys = [
        message.stanzaId ? `s:${message.stanzaId}` : undefined,
        message.originId ? `o:${from}:${message.originId}` : undefined,
        message.id ? `o:${from}:${message.id}` : undefined,
      ].filter((k): k is string => k !== undefined);
      if (keys.some((k) => seen.has(k))) return true;
      keys.forEach(remember);
      return false;
    },
  };
}

/** Creates the one-to-one chat feature with its outbox. */
export function createChats({
  transport,
  emit,
  discovery,
}: {
  transport: Transport;
  emit: Emit;
  discovery: Discovery;
}): Chats {
  const seen = createSeenSet();
  /** Every outgoing message not yet acked by the server, in the order it was written. */
  const outbox = new Map<string, { message: Message; written: boolean }>();
  const states = new Map<string, MessageState>();

  const setState = (id: string, state: MessageState): void => {
    const current = states.get(id);
    if (current !== undefined && ORDER[current] >= ORDER[state]) return;
    states.set(id, state);
    emit('message:state', { id, state });
  };

  const write = (message: Message): void => {
    transport.sendMessage({ id: message.id, to: message.conversation, type: 'chat', body: message.body });
    const entry = outbox.get(message.id);
    if (entry) entry.written = true;
    setState(message.id, 'sent');
  };

  const flush = (): void => {
    for (const { message, written } of outbox.values()) {
      if (written) continue;
      if (!transport.online) return;
      write(message);
    }
  };

  transport.on('online', ({ resumed }) => {
    flush();
    // Carbons belong to the session: a fresh one (not a resume) must turn them on again.
    if (resumed) return;
    discovery
      .ready()
      .then(
        (server) => (server.carbons ? enableCarbons(transport) : undefined),
        () => undefined, // discovery failures are reported by discovery itself
      )
      .catch((error: unknown) => emit('error', { error: error as ChatError }));
  });
  transport.on('message:acked', ({ id }) => {
    if (!outbox.delete(id)) return;
    setState(id, 'acked');
  });
  transport.on('message:unacked', ({ id }) => {
    // The session it went out on ended before an ack: write it again on the next session, in its
    // original place in the order (the receiver drops the copy if the first one did arrive).
    const entry = outbox.get(id);
    if (entry) entry.written = false;
  });

  transport.on('message', (inbound: InboundMessage) => {
    if (inbound.body === undefined || (inbound.type !== 'chat' && inbound.type !== 'normal')) return;
    if (seen.check(inbound)) return;
    const message: Message = {
      id: inbound.originId ?? inbound.id ?? inbound.stanzaId ?? newId(),
      ...(inbound.stanzaId ? { stanzaId: inbound.stanzaId } : {}),
      conversation: bareJid(inbound.from),
      from: inbound.from,
      direction: 'in',
      kind: 'chat',
      body: inbound.body,
      time: inbound.delay ?? new Date(),
    };
    emit('message', { message });
  });

  return {
    send(to, body) {
      const message: Message = {
        id: newId(),
        conversation: bareJid(to),
        from: transport.jid ?? '',
        direction: 'out',
        kind: 'chat',
        body,
        time: new Date(),
        state: 'queued',
      };
      outbox.set(message.id, { message, written: false });
      setState(message.id, 'queued');
      if (transport.online) flush();
      return { ...message, state: states.get(message.id) ?? 'queued' };
    },
  };
}
