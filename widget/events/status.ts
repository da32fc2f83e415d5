import type { ChatError, Status } from '../../sdk/index.js';

/**
 * `mc-status`: the connection status changed. `detail.error` says why, for `disconnected` and
 * `reconnecting`.
 *
 * @example
 * ```ts
 * el.addEventListener('mc-status', (event) => console.log(event.detail.status));
 * ```
 */
export class McStatusEvent extends Event {
  readonly detail: { readonly status: Status; readonly error?: ChatError };

  constructor(detail: { status: Status; error?: ChatError }) {
    super('mc-status', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'mc-status': McStatusEvent;
  }
}
