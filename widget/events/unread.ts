/**
 * `mc-unread`: the number of unread messages, over all conversations, changed.
 *
 * @example
 * ```ts
 * el.addEventListener('mc-unread', ({ detail }) => (badge.textContent = String(detail.count)));
 * ```
 */
export class McUnreadEvent extends Event {
  readonly detail: { readonly count: number };

  constructor(detail: { count: number }) {
    super('mc-unread', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'mc-unread': McUnreadEvent;
  }
}
