import type { Jid, ResumeState, ResumeStorage } from './types.js';

/**
 * Resume state in the browser's `sessionStorage` under a namespaced key, so a reload of the same
 * tab resumes the session. Returns undefined where there is no `sessionStorage` (Node, or
 * storage blocked by the browser).
 */
export function sessionResumeStorage(jid: Jid): ResumeStorage | undefined {
  let storage: Storage | undefined;
  try {
    storage = globalThis.sessionStorage;
  } catch {
    // Access throws when the browser blocks storage (e.g. third-party iframes): no persistence.
    return undefined;
  }
  if (!storage) return undefined;
  const key = `mailbox-chat:resume:${jid.toLowerCase()}`;
  return {
    load() {
      const raw = storage.getItem(key);
      if (!raw) return undefined;
      try {
        return JSON.parse(raw) as ResumeState;
      } catch {
        // Corrupt entry: start a fresh session instead of failing.
        storage.removeItem(key);
        return undefined;
      }
    },
    save(state) {
      if (state) storage.setItem(key, JSON.stringify(state));
      else storage.removeItem(key);
    },
  };
}
