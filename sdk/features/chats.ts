import type { Emit } from '../events.js';
import type { InboundMessage, Transport } from '../transport/xmpp.js';
import type { Jid, Message, MessageState } from '../types.js';
import { bareJid } from '../jid.js';

/** One-to-one chat. Internal; exposed through the client facade. */
export interface Chats {
  send(to: Jid, body: string): Message;
}

function newId(): string {
  return globalThis.crypto.randomUUID();
}

/** Creates the one-to-one chat feature. */
export function createChats({ transport, emit }: { transport: Transport; emit: Emit }): Chats {
  const seen = new Set<string>();
  const outbox: Message[] = [];

  const setState = (message: Message, state: MessageState): Message => {
    const next = { ...message, state };
    emit('message:state', { id: message.id, state });
    return next;
  };

  const write = (message: Message): void => {
    transport.sendMessage({ id: message.id, to: message.conversation, type: 'chat', body: message.body });
    setState(message, 'sent');
  };

  transport.on('online', () => {
    // Messages queued while offline go out in the order they were written.
    for (const message of outbox.splice(0)) write(message);
  });

  transport.on('message', (inbound: InboundMessage) => {
    if (inbound.body === undefined || (inbound.type !== 'chat' && inbound.type !== 'normal')) return;
    const key =
      inbound.stanzaId ?? inbound.originId ?? (inbound.id ? `${inbound.from}#${inbound.id}` : undefined);
    if (key) {
      if (seen.has(key)) return;
      seen.add(key);
    }
    const message: Message = {
      id: inbound.id ?? inbound.stanzaId ?? newId(),
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
      try {
        write(message);
        return { ...message, state: 'sent' };
      } catch {
        // Not connected: keep it, it goes out when the session is up.
        outbox.push(message);
        emit('message:state', { id: message.id, state: 'queued' });
        return message;
      }
    },
  };
}
