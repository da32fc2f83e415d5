// Transports that only exist on some platforms (the Node TCP transport) register here, from the
// platform's entry point (`sdk/node.ts`), so browser bundles never import `net`, `tls` or `dns`.
import type { Agent } from 'stanza';

/** A StanzaJS transport class. */
export type StanzaTransportClass = Agent['transports'][string];

/** What a platform transport needs from the client options. */
export interface PlatformTransportOptions {
  /** The XMPP domain (from the JID): used for SRV lookup, SNI and certificate verification. */
  domain: string;
  /** Extra trusted CA certificates (PEM). Verification itself is never switched off. */
  ca?: string | string[];
  /** StanzaJS's own class for this transport name, where it has one (to wrap rather than replace). */
  base?: StanzaTransportClass;
}

/** Builds a StanzaJS transport class for one client. */
export type PlatformTransportFactory = (options: PlatformTransportOptions) => StanzaTransportClass;

const factories = new Map<string, PlatformTransportFactory>();

/** Registers a platform transport under a StanzaJS transport name (`tcp`, or `websocket` to wrap it). */
export function registerTransport(name: string, factory: PlatformTransportFactory): void {
  factories.set(name, factory);
}

/** The registered factory for `name`, if this platform has one. */
export function platformTransport(name: string): PlatformTransportFactory | undefined {
  return factories.get(name);
}

/** What StanzaJS's `createClient` takes. */
export type AgentOptions = Parameters<typeof import('stanza').createClient>[0];

/** Creates a StanzaJS client (a platform may do it its own way). */
export type AgentFactory = (options: AgentOptions) => Agent;

let agentFactory: AgentFactory | undefined;

/** Registers the platform's way of creating StanzaJS clients (Node: with one shared registry). */
export function registerAgentFactory(factory: AgentFactory): void {
  agentFactory = factory;
}

/** The registered client factory, if this platform has one. */
export function platformAgentFactory(): AgentFactory | undefined {
  return agentFactory;
}
