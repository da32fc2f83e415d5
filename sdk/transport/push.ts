// Push notifications (XEP-0357) as plain data over the StanzaJS agent. The requests are sent
// here, as StanzaJS's account plugin would (the browser build leaves that plugin out).
import { toChatError } from './iq.js';
import { agentOf, type Transport } from './xmpp.js';

const PUBLISH_OPTIONS = 'http://jabber.org/protocol/pubsub#publish-options';

/** Asks our server to notify `service` (node `node`) while we are away. Rejects with a ChatError. */
export async function enablePush(
  transport: Transport,
  target: { service: string; node: string; secret?: string },
): Promise<void> {
  const fields = target.secret ? [{ name: 'secret', value: target.secret }] : [];
  try {
    await agentOf(transport).sendIQ({
      type: 'set',
      push: {
        action: 'enable',
        jid: target.service,
        node: target.node,
        form: {
          type: 'submit',
          fields: [{ name: 'FORM_TYPE', type: 'hidden', value: PUBLISH_OPTIONS }, ...fields],
        },
      },
    });
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
    await agentOf(transport).sendIQ({
      type: 'set',
      push: { action: 'disable', jid: target.service, ...(target.node ? { node: target.node } : {}) },
    });
  } catch (cause) {
    throw toChatError(cause, 'Disabling push notifications');
  }
}
