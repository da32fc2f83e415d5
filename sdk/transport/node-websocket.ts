// Node only: WebSocket connections that trust extra CA certificates (`tls: { ca }`). StanzaJS
// opens its socket with the platform's `WebSocket` class and no options; for the synchronous
// moment of that call, the platform class is swapped for one that adds the CA list.
import { createRequire } from 'node:module';
import { rootCertificates } from 'node:tls';
import WebSocket from 'ws';
import type { PlatformTransportOptions, StanzaTransportClass } from './registry.js';

const require = createRequire(import.meta.url);
const platform = require('stanza/platform/node/index.js') as { WebSocket: unknown };

/** Wraps StanzaJS's WebSocket transport so that `wss:` verifies against the extra CAs too. */
export function createNodeWebSocketTransport(
  options: PlatformTransportOptions & { base: StanzaTransportClass },
): StanzaTransportClass {
  const extra = options.ca === undefined ? [] : Array.isArray(options.ca) ? options.ca : [options.ca];
  if (extra.length === 0) return options.base;
  const ca = [...rootCertificates, ...extra];
  class WebSocketWithCa extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { ca });
    }
  }
  return class extends options.base {
    override connect(config: Parameters<InstanceType<StanzaTransportClass>['connect']>[0]): void {
      const original = platform.WebSocket;
      platform.WebSocket = WebSocketWithCa;
      try {
        super.connect(config);
      } finally {
        platform.WebSocket = original;
      }
    }
  };
}
