// A SOCKS5 client (RFC 1928, "no authentication", CONNECT to a domain name) as XEP-0065 uses it:
// the "domain name" is the bytestream's hash, the port 0. Node only (node:net): reached through
// `sdk/node.ts`, so browser bundles never see it. The connection carries no TLS; the proxy is the
// XMPP server's own, and the file's SHA-256 is checked after the transfer.
import { createHash } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { ChatError, ErrorCodes } from '../errors.js';

/** The DST.ADDR of a bytestream: hex SHA-1 of the stream id and the two full JIDs (XEP-0065). */
export function bytestreamAddress(sid: string, requester: string, target: string): string {
  return createHash('sha1').update(`${sid}${requester}${target}`).digest('hex');
}

/** Where to connect, and the bytestream's address. */
export interface Socks5Target {
  host: string;
  port: number;
  /** The DST.ADDR (see {@link bytestreamAddress}); at most 255 bytes. */
  address: string;
  /** Milliseconds for the TCP connection and the SOCKS5 handshake. */
  timeout: number;
  signal?: AbortSignal;
}

const VERSION = 5;
const NO_AUTH = 0;
const CONNECT = 1;
const DOMAIN = 3;

/** How long a CONNECT reply is, from its first five bytes; undefined for an unknown type. */
function replyLength(head: Uint8Array): number | undefined {
  switch (head[3]) {
    case 1:
      return 10; // IPv4
    case 4:
      return 22; // IPv6
    case DOMAIN:
      return 7 + (head[4] ?? 0);
    default:
      return undefined;
  }
}

/**
 * Opens a TCP connection to a SOCKS5 server and asks it to CONNECT to `address`. Resolves with the
 * socket, paused, once the server said yes; bytes that came with the reply are put back.
 * Rejects with `proxy-failed` (unreachable, refused, malformed answer, timeout) or `aborted`.
 */
export function connectSocks5(target: Socks5Target): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const address = Buffer.from(target.address, 'utf8');
    if (address.byteLength > 255) {
      reject(new ChatError(ErrorCodes.invalidArgument, 'SOCKS5 addresses have at most 255 bytes'));
      return;
    }
    const socket = connect({ host: target.host, port: target.port });
    let received = Buffer.alloc(0);
    let stage: 'greeting' | 'connect' = 'greeting';
    let settled = false;

    const finish = (error?: ChatError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      target.signal?.removeEventListener('abort', onAbort);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
      if (error) {
        socket.destroy();
        reject(error);
      } else {
        socket.pause();
        // Later errors end the stream: whoever uses the socket sees 'close' (and the session's
        // own signals); without a listener an 'error' would crash the process.
        socket.on('error', () => undefined);
        resolve(socket);
      }
    };
    const fail = (message: string, cause?: unknown): void =>
      finish(
        new ChatError(
          ErrorCodes.proxyFailed,
          `SOCKS5 ${target.host}:${target.port}: ${message}`,
          cause === undefined ? {} : { cause },
        ),
      );
    const onAbort = (): void =>
      finish(new ChatError(ErrorCodes.aborted, 'The transfer was aborted', { cause: target.signal?.reason }));
    const onError = (cause: Error): void => fail(cause.message, cause);
    const onClose = (): void => fail('the connection closed during the handshake');
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      if (stage === 'greeting') {
        if (received.byteLength < 2) return;
        if (received[0] !== VERSION || received[1] !== NO_AUTH) {
          fail('the server wants authentication');
          return;
        }
        received = received.subarray(2);
        stage = 'connect';
        // One write: some proxies (Prosody's) expect the whole request in one read.
        socket.write(
          Buffer.concat([
            Buffer.from([VERSION, CONNECT, 0, DOMAIN, address.byteLength]),
            address,
            Buffer.from([0, 0]),
          ]),
        );
      }
      if (received.byteLength < 5) return;
      if (received[0] !== VERSION) {
        fail('not a SOCKS5 answer');
        return;
      }
      if (received[1] !== 0) {
        fail(`the server refused the connection (reply ${received[1]})`);
        return;
      }
      const length = replyLength(received);
      if (length === undefined) {
        fail('unknown address type in the answer');
        return;
      }
      if (received.byteLength < length) return;
      const rest = received.subarray(length);
      finish();
      if (rest.byteLength > 0) socket.unshift(rest);
    };

    const timer = setTimeout(() => fail('no answer in time'), target.timeout);
    if (target.signal?.aborted) {
      onAbort();
      return;
    }
    target.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.once('connect', () => {
      socket.setNoDelay(true);
      socket.write(Buffer.from([VERSION, 1, NO_AUTH]));
    });
  });
}
