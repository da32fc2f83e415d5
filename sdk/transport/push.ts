// Push notifications (XEP-0357) as plain data over the StanzaJS agent.
import { toChatError } from './iq.js';
import { agentOf, type Transport } from './xmpp.js';

/** Asks our server to notify `service` (node `node`) while we are away. Rejects with a ChatError. */
export async function enablePush(
  transport: Transport,
  target: { service: string; node: string; secret?: string },
): Promise<void> {
  const fields = target.secret ? [{ name: 'secret', value: target.secret }] : [];
  try {
    await agentOf(transport).enableNotifications(target.service, target.node, fields);
  } catch (cause) {
    throw toChatError(cause, 'Enabling push notifications');
  }
}

/** Stops notifications to `service` (only `node` of it, when given). Rejects with a ChatError. */
export async function disablePush(
  transport: Transport,
  target: { service: string; node?: string },
): Promise<void> {
  try {
    await agentOf(transport).disableNotifications(target.service, target.node);
  } catch (cause) {
    throw toChatError(cause, 'Disabling push notifications');
  }
}
