import type { Jid } from './types.js';

/**
 * The bare part of a JID (`user@domain`), lower-cased in the local part and domain as XMPP
 * compares them.
 *
 * @example
 * ```ts
 * bareJid('Anna@Example.com/phone'); // 'anna@example.com'
 * ```
 */
export function bareJid(jid: Jid): Jid {
  const slash = jid.indexOf('/');
  return (slash === -1 ? jid : jid.slice(0, slash)).toLowerCase();
}
