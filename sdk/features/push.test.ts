import { describe, expect, it } from 'vitest';
import type { Transport } from '../transport/xmpp.js';
import type { ServerInfo } from '../types.js';
import type { Discovery } from './discovery.js';
import { createPush } from './push.js';

/** A transport that is online and never says anything: enough for the checks before the wire. */
const quietTransport = {
  online: true,
  jid: 'anna@example.com/x',
  on: () => () => undefined,
} as unknown as Transport;

function discoveryWith(push: boolean): Discovery {
  const server = { domain: 'example.com', push } as ServerInfo;
  return { server, ready: () => Promise.resolve(server) };
}

describe('push', () => {
  it('rejects enable and disable with service-unavailable when the server has no XEP-0357', async () => {
    const push = createPush({
      transport: quietTransport,
      emit: () => undefined,
      discovery: discoveryWith(false),
    });
    await expect(push.enable({ service: 'push.example.com', node: 'n' })).rejects.toMatchObject({
      code: 'service-unavailable',
    });
    await expect(push.disable({ service: 'push.example.com' })).rejects.toMatchObject({
      code: 'service-unavailable',
    });
  });
});
