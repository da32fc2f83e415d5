// Vitest global setup: one private Prosody for the tier, stopped at the end (also on failure;
// if this process dies, the rig's watchdog stops Prosody).
import type { TestProject } from 'vitest/node';
import { startProsody } from './prosody.mjs';

export interface XmppRig {
  domain: string;
  host: string;
  configPath: string;
  ca: string;
  ports: { c2s: number; directTls: number; http: number; https: number; proxy65: number };
  websocketUrl: string;
  secureWebsocketUrl: string;
  boshUrl: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    xmpp: XmppRig;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startProsody();
  project.provide('xmpp', {
    domain: server.domain,
    host: server.host,
    configPath: server.configPath,
    ca: server.ca,
    ports: server.ports,
    websocketUrl: server.websocketUrl,
    secureWebsocketUrl: server.secureWebsocketUrl,
    boshUrl: server.boshUrl,
  });
  return () => server.dispose();
}
