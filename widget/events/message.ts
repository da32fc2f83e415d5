import type { Message } from '../../sdk/index.js';

/**
 * `mc-message`: a message arrived, or the user sent one (`detail.message.direction` tells which).
 *
 * @example
 * ```ts
 * el.addEventListener('mc-message', ({ detail }) => {
 *   if (detail.message.direction === 'in') portal.flashTab();
 * });
 * ```
 */
export class McMessageEvent extends Event {
  readonly detail: { readonly message: Message };

  constructor(detail: { message: Message }) {
    super('mc-message', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'mc-message': McMessageEvent;
  }
}
