/**
 * `mc-unread`: the number of unread messages that call for the user, over all conversations,
 * changed: every unread one-to-one message, and the room messages that mention the user (by their
 * nickname in that room). Other room messages show as unread in the room's own row only: a busy
 * room does not make the count meaningless (Slack and Converse.js count the same way). The
 * launcher's badge, the Chats tab and the page title's count while the page is hidden show it.
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
