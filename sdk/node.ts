// `mailbox-chat/sdk` under the `node` export condition: the same API; Node-only transports
// (TCP with SRV, STARTTLS and direct TLS) register here, so browser bundles never see them.
export * from './index.js';
