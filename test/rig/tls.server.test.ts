import { connect, type TLSSocket } from 'node:tls';
import { describe, expect, inject, it } from 'vitest';

const xmpp = inject('xmpp');

function handshake(ca?: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: xmpp.host,
      port: xmpp.ports.directTls,
      servername: xmpp.domain,
      ALPNProtocols: ['xmpp-client'],
      ...(ca ? { ca } : {}),
    });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('the test server TLS', () => {
  it('is trusted with the test CA, for the XMPP domain', async () => {
    const socket = await handshake(xmpp.ca);
    expect(socket.authorized).toBe(true);
    expect(socket.getPeerCertificate().subjectaltname).toContain(`DNS:${xmpp.domain}`);
    socket.destroy();
  });

  it('is rejected by a client that does not know the test CA', async () => {
    const error = await handshake().then(
      (socket) => {
        socket.destroy();
        return undefined;
      },
      (e: NodeJS.ErrnoException) => e,
    );
    expect(error?.code).toMatch(/UNABLE_TO_VERIFY|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
  });
});
