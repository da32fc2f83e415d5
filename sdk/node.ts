// `mailbox-chat/sdk` under the `node` export condition: the same API; Node-only transports
// (TCP with SRV, STARTTLS and direct TLS) register here, so browser bundles never see them.
import { registerAgentFactory, registerTransport } from './transport/registry.js';
import { createSharedRegistryClient } from './transport/shared-registry.js';
import { createNodeWebSocketTransport } from './transport/node-websocket.js';
import { createTcpTransport } from './transport/tcp.js';
import { registerHttpPut, registerStatFile } from './features/http-put.js';
import { nodeHttpPut, nodeStatFile } from './features/http-put-node.js';
import { registerTransfers } from './features/transfers.js';
import { nodeTransfers } from './features/transfers-node.js';

registerAgentFactory(createSharedRegistryClient);
registerTransport('tcp', createTcpTransport);
registerTransport('websocket', (options) =>
  createNodeWebSocketTransport({ ...options, base: options.base! }),
);

registerHttpPut(nodeHttpPut);
registerStatFile(nodeStatFile);
registerTransfers(nodeTransfers);

export * from './index.js';
