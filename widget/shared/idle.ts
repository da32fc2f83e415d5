/**
 * Runs `callback` when the main thread is idle (`requestIdleCallback`), at the latest after
 * `timeout` ms; where there is no such API (Safari), after `fallback` ms.
 */
export function whenIdle(callback: () => void, { timeout = 1000, fallback = 50 } = {}): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(callback, { timeout });
  else setTimeout(callback, fallback);
}
