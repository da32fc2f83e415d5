// Node: every StanzaJS client of this SDK shares one protocol registry.
//
// StanzaJS gives each client its own JXT registry and defines every protocol in it: in Node that
// is ~800 KB of heap and ~11 ms per client (96% of a bare client's heap, measured with 200), which
// is what a process running hundreds of bots pays per session. The definitions are the same for
// every client, and a registry only maps XML to data and back (each call gets its own context),
// so one registry serves them all. Browser pages have one client: they keep StanzaJS's own way.
import { createRequire } from 'node:module';
import { createClient, type Agent, type JXT } from 'stanza';
import type { AgentOptions } from './registry.js';

type RegistryClass = new () => JXT.Registry;

/** StanzaJS's `jxt` module object: the one its `Client` constructor reads `Registry` from. */
const jxt = createRequire(import.meta.url)('stanza/jxt') as { Registry: RegistryClass };

let shared: JXT.Registry | undefined;

/**
 * A registry whose `define` skips what it has already defined (by identity): every client's
 * construction and plugins define the same module-level definitions again.
 */
function defineOnce(registry: JXT.Registry): JXT.Registry {
  const defined = new WeakSet<object>();
  const define = registry.define.bind(registry);
  registry.define = (definitions) => {
    if (defined.has(definitions as object)) return;
    defined.add(definitions as object);
    define(definitions);
  };
  return registry;
}

/** `createClient`, with the shared registry in place of a new one. */
export function createSharedRegistryClient(options: AgentOptions): Agent {
  const Own = jxt.Registry;
  const registry = (shared ??= defineOnce(new Own()));
  // The constructor runs synchronously: only this call sees the substitute.
  jxt.Registry = function SharedRegistry() {
    return registry;
  } as unknown as RegistryClass;
  try {
    return createClient(options);
  } finally {
    jxt.Registry = Own;
  }
}
