/**
 * `mc-open`: the launcher's panel opened (by the user or through `open()`).
 *
 * @example
 * ```ts
 * el.addEventListener('mc-open', () => analytics.track('chat-opened'));
 * ```
 */
export class McOpenEvent extends Event {
  constructor() {
    super('mc-open', { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'mc-open': McOpenEvent;
  }
}
