import { ChatError, ErrorCodes, asChatError } from '../errors.js';
import type { Emit } from '../events.js';
import { disablePush, enablePush } from '../transport/push.js';
import { IMMEDIATE, type Startup } from './startup.js';
import type { Transport } from '../transport/xmpp.js';
import type { Jid, PushTarget, RequestOptions } from '../types.js';
import type { Discovery } from './discovery.js';
import { limited } from '../request.js';

/**
 * Push notifications (XEP-0357): `chat.push`. While this client is away (its session hibernated
 * or gone), the server notifies your app server, which wakes the app (e.g. through a mobile push
 * service). Enabled once, it is enabled again at every fresh session.
 *
 * @example
 * ```ts
 * await chat.push.enable({ service: 'push.example.com', node: deviceToken, secret });
 * // …
 * await chat.push.disable({ service: 'push.example.com' });
 * ```
 */
export interface Push {
  /**
   * Asks the server to notify `service` on `node` while this client is away.
   *
   * @throws ChatError `not-connected` when offline; `service-unavailable` when the server has no
   * XEP-0357 (`chat.server.push` is false); `timeout` or the server's error otherwise.
   */
  enable(target: PushTarget, options?: RequestOptions): Promise<void>;
  /**
   * Stops notifications to `service` (only to `node` of it, when given).
   *
   * @throws ChatError `not-connected`, `service-unavailable`, `timeout`, as for {@link Push.enable}.
   */
  disable(target: { service: Jid; node?: string }, options?: RequestOptions): Promise<void>;
}

/** Creates the push feature. */
export function createPush({
  transport,
  emit,
  discovery,
  startup = IMMEDIATE,
}: {
  transport: Transport;
  emit: Emit;
  discovery: Discovery;
  /** Orders re-enabling after the first screen's requests (see {@link Startup}). */
  startup?: Startup;
}): Push {
  /** What is enabled, so that a fresh session can enable it again. */
  const enabled = new Map<string, PushTarget>();
  const key = (service: Jid, node: string): string => `${service}\u0000${node}`;

  const available = async (): Promise<void> => {
    if (!transport.online) throw new ChatError(ErrorCodes.notConnected, 'Not connected');
    const server = await discovery.ready();
    if (!server.push) {
      throw new ChatError(
        ErrorCodes.serviceUnavailable,
        'The server does not support push notifications (XEP-0357)',
      );
    }
  };

  const reenable = (): void => {
    if (enabled.size === 0) return;
    discovery
      .ready()
      .then(
        (server) =>
          server.push ? Promise.all([...enabled.values()].map((t) => enablePush(transport, t))) : undefined,
        () => undefined, // discovery failures are reported by discovery itself
      )
      .catch((error: unknown) =>
        emit('error', {
          error: asChatError(error, ErrorCodes.requestFailed, 'Re-enabling push failed'),
        }),
      );
  };
  // Push belongs to the session: a fresh one enables it again, after the first screen's requests.
  transport.on('online', ({ resumed }) => {
    if (resumed) return;
    startup.later(reenable);
  });

  return {
    async enable(target, options) {
      if (!target.service || !target.node) {
        throw new ChatError(ErrorCodes.invalidArgument, 'push.enable needs `service` and `node`');
      }
      await limited(
        async () => {
          await available();
          await enablePush(transport, target);
        },
        options,
        'Enabling push',
      );
      enabled.set(key(target.service, target.node), { ...target });
    },
    async disable(target, options) {
      await limited(
        async () => {
          await available();
          await disablePush(transport, target);
        },
        options,
        'Disabling push',
      );
      for (const [k, t] of enabled) {
        if (t.service === target.service && (target.node === undefined || t.node === target.node)) {
          enabled.delete(k);
        }
      }
    },
  };
}
