/**
 * `mc-close`: the launcher's panel closed (by the user, Escape, or through `close()`).
 *
 * @example
 * ```ts
 * el.addEventListener('mc-close', () => analytics.track('chat-closed'));
 * ```
 */
export class McCloseEvent extends Event {
  constructor() {
    super('mc-close', { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'mc-close': McCloseEvent;
  }
}
