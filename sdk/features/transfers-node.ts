// The Node transfer engine: Jingle file transfer (XEP-0234) over a SOCKS5 bytestream (XEP-0260)
// through the server's XEP-0065 proxy. Registered by `sdk/node.ts`; browser bundles never import
// this module (it needs node:net and node:crypto).
//
// The flow, with us as sender (initiator) and the peer as receiver (responder):
//   1. ask the proxy for its streamhost; session-initiate with the file (name, size, type,
//      SHA-256) and the proxy as our only candidate;
//   2. the peer answers session-accept (or session-terminate/decline), connects to the proxy and
//      reports `candidate-used`; we report `candidate-error` for the peer's candidates (we only
//      use the proxy), so the proxy candidate is the one nominated;
//   3. we connect to the proxy, activate the stream, report `activated`, write the bytes;
//   4. the peer checks the SHA-256 and ends the session: `success`, or `media-error`.
import { createHash, randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { ChatError, ErrorCodes, asChatError } from '../errors.js';
import {
  jingleChannel,
  normalJid,
  type JingleChannel,
  type JingleFileOffer,
  type JingleSignal,
  type S5bCandidate,
} from '../transport/jingle.js';
import { bytestreamAddress, connectSocks5 } from '../transport/socks5.js';
import { progressReporter } from './http-put.js';
import {
  typeFor,
  type AcceptOptions,
  type SentTransfer,
  type TransferEngineFactory,
  type TransferOffer,
  type TransferRequest,
} from './transfers.js';

/** Milliseconds for each negotiation step after the offer was answered. */
const STEP = 30_000;
/** Milliseconds for connecting to one candidate. */
const CONNECT = 10_000;
/** Bytes per socket write. */
const CHUNK = 64 * 1024;

const aborted = (signal?: AbortSignal): ChatError =>
  new ChatError(ErrorCodes.aborted, 'The transfer was aborted', signal ? { cause: signal.reason } : {});

/** The error for a session the peer ended with a Jingle reason. Pure. */
export function reasonError(reason: string, text?: string): ChatError {
  const detail = text ? ` (${text})` : '';
  const options = { condition: reason };
  switch (reason) {
    case 'decline':
    case 'busy':
      return new ChatError(ErrorCodes.declined, `The peer declined the file${detail}`, options);
    case 'cancel':
    case 'gone':
      return new ChatError(ErrorCodes.cancelled, `The peer cancelled the transfer${detail}`, options);
    case 'timeout':
    case 'expired':
      return new ChatError(ErrorCodes.timeout, `The transfer timed out at the peer${detail}`, options);
    case 'media-error':
      return new ChatError(ErrorCodes.hashMismatch, `The peer received different bytes${detail}`, options);
    case 'connectivity-error':
    case 'failed-transport':
      return new ChatError(ErrorCodes.proxyFailed, `No bytestream could be set up${detail}`, options);
    default:
      return new ChatError(ErrorCodes.transferFailed, `The transfer failed: ${reason}${detail}`, options);
  }
}

/** The Jingle reason we end a session with after a local failure. Pure. */
function terminateReason(error: ChatError): string {
  switch (error.code) {
    case ErrorCodes.aborted:
      return 'cancel';
    case ErrorCodes.proxyFailed:
      return 'failed-transport';
    case ErrorCodes.timeout:
      return 'timeout';
    default:
      return 'general-error';
  }
}

/** The signals of one session, consumed in order. */
class Inbox {
  private readonly queue: JingleSignal[] = [];
  private wake: (() => void) | undefined;

  push(signal: JingleSignal): void {
    this.queue.push(signal);
    this.wake?.();
  }

  /** The next signal; rejects with `timeout` after `ms` or `aborted` through `signal`. */
  next(ms: number, signal?: AbortSignal): Promise<JingleSignal> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (signal?.aborted) return Promise.reject(aborted(signal));
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.wake = undefined;
      };
      const onAbort = (): void => {
        done();
        reject(aborted(signal));
      };
      const timer = Number.isFinite(ms)
        ? setTimeout(() => {
            done();
            reject(new ChatError(ErrorCodes.timeout, 'The peer did not answer in time'));
          }, ms)
        : undefined;
      signal?.addEventListener('abort', onAbort, { once: true });
      this.wake = () => {
        done();
        resolve(this.queue.shift()!);
      };
    });
  }

  /**
   * Waits for a signal that ends or breaks the stream; rejects with the matching error. A
   * `success` end is not a failure: it is put back for whoever reads next, and watching stops.
   */
  async failure(signal: AbortSignal): Promise<never> {
    for (;;) {
      const next = await this.next(Infinity, signal);
      if (next.action === 'session-terminate' && next.reason === 'success') {
        this.queue.unshift(next);
        return new Promise<never>(() => undefined); // settles never: the race is decided elsewhere
      }
      if (next.action === 'session-terminate') throw reasonError(next.reason, next.text);
      // (A `candidate-error` here is about the other side's candidates, not the chosen one.)
      if (next.action === 'transport-info' && next.proxyError) {
        throw new ChatError(ErrorCodes.proxyFailed, 'The peer lost the bytestream');
      }
    }
  }
}

/** How long to wait, after the stream broke, for the peer to say why. */
const EXPLAIN = 2000;

/**
 * After the bytestream broke (`transfer-failed` without a reason): the peer's reason, when it
 * ends the session within a moment — it usually does, e.g. `cancel` after its user aborted.
 */
async function explained(inbox: Inbox, error: ChatError): Promise<ChatError> {
  if (error.code !== ErrorCodes.transferFailed || error.condition) return error;
  const deadline = Date.now() + EXPLAIN;
  for (;;) {
    let next: JingleSignal;
    try {
      next = await inbox.next(Math.max(0, deadline - Date.now()));
    } catch {
      return error; // no word from the peer: the broken stream is all we know
    }
    if (next.action === 'session-terminate') {
      return next.reason === 'success' ? error : reasonError(next.reason, next.text);
    }
  }
}

const id = (): string => randomUUID().replace(/-/g, '').slice(0, 20);

/** Writes all bytes, reporting progress as they are handed to the kernel. */
function writeAll(socket: Socket, bytes: Uint8Array, report: (loaded: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let offset = 0;
    const onError = (error: Error): void =>
      reject(new ChatError(ErrorCodes.transferFailed, error.message, { cause: error }));
    const onClose = (): void =>
      reject(new ChatError(ErrorCodes.transferFailed, 'The bytestream closed while sending'));
    socket.once('error', onError);
    socket.once('close', onClose);
    const more = (): void => {
      while (offset < bytes.byteLength) {
        const chunk = bytes.subarray(offset, offset + CHUNK);
        offset += chunk.byteLength;
        const sent = offset;
        const last = sent === bytes.byteLength;
        const flowing = socket.write(chunk, () => {
          report(sent);
          if (last) {
            socket.off('error', onError);
            socket.off('close', onClose);
            resolve();
          }
        });
        if (!flowing) {
          socket.once('drain', more);
          return;
        }
      }
    };
    if (bytes.byteLength === 0) {
      socket.off('error', onError);
      socket.off('close', onClose);
      resolve();
      return;
    }
    more();
  });
}

/** Reads `size` bytes (or until the end when the size is unknown), hashing as it goes. */
function readAll(
  socket: Socket,
  size: number | undefined,
  report: (loaded: number) => void,
): Promise<{ bytes: Buffer; sha256: string }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const hash = createHash('sha256');
    let loaded = 0;
    const finish = (error?: ChatError): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      socket.off('close', onEnd);
      if (error) reject(error);
      else resolve({ bytes: Buffer.concat(chunks, loaded), sha256: hash.digest('hex') });
    };
    const onData = (data: Buffer): void => {
      const take = size === undefined ? data : data.subarray(0, size - loaded);
      chunks.push(take);
      hash.update(take);
      loaded += take.byteLength;
      report(loaded);
      if (size !== undefined && loaded >= size) finish();
    };
    const onEnd = (): void => {
      if (size === undefined) finish();
      else
        finish(
          new ChatError(ErrorCodes.transferFailed, `The bytestream ended after ${loaded} of ${size} bytes`),
        );
    };
    const onError = (error: Error): void =>
      finish(new ChatError(ErrorCodes.transferFailed, error.message, { cause: error }));
    if (size === 0) {
      finish();
      return;
    }
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
    socket.once('error', onError);
    socket.resume();
  });
}

/** Tells the peer the session is over; best effort (the peer may be gone). */
function endSession(channel: JingleChannel, peer: string, sid: string, reason: string): void {
  void channel.terminate(peer, sid, reason).catch(() => undefined); // nothing more to tell anyone
}

/** The Node engine. */
export const nodeTransfers: TransferEngineFactory = ({ transport, discovery, offer }) => {
  const channel = jingleChannel(transport);

  async function send(request: TransferRequest): Promise<SentTransfer> {
    const own = channel.jid;
    if (!own) throw new ChatError(ErrorCodes.notConnected, 'Sending a file needs a session');
    const server = await discovery.ready();
    const proxy = server.proxy65;
    if (!proxy) throw new ChatError(ErrorCodes.serviceUnavailable, 'The server offers no SOCKS5 proxy');
    const { bytes, signal } = request;
    // As the server writes it: both sides hash the JIDs for the proxy, and must agree.
    const to = normalJid(request.to);
    const sid = id();
    const transportSid = id();
    const cid = id();
    let streamhost;
    try {
      streamhost = await channel.streamhost(proxy, transportSid);
    } catch (cause) {
      throw new ChatError(ErrorCodes.proxyFailed, `The SOCKS5 proxy ${proxy} did not answer`, { cause });
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const address = bytestreamAddress(transportSid, own, to);
    const candidate: S5bCandidate = {
      cid,
      host: streamhost.host,
      port: streamhost.port,
      jid: streamhost.jid,
      type: 'proxy',
      // XEP-0260's recommended priority for proxy candidates (type preference 10).
      priority: (10 << 16) + 1,
    };
    const inbox = new Inbox();
    const unwatch = channel.watch(sid, to, (s) => inbox.push(s));
    const session = { sid, content: 'file', transportSid };
    let socket: Socket | undefined;
    let ended = false;
    const end = (reason: string): void => {
      if (ended) return;
      ended = true;
      endSession(channel, to, sid, reason);
    };

    try {
      if (signal?.aborted) throw aborted(signal);
      await channel.initiate(to, {
        sid,
        content: session.content,
        file: { name: request.name, size: bytes.byteLength, type: request.type, sha256 },
        transport: { sid: transportSid, address, candidates: [candidate] },
      });

      // The peer's answer.
      for (;;) {
        let answer: JingleSignal;
        try {
          answer = await inbox.next(request.timeout, signal);
        } catch (error) {
          end((error as ChatError).code === ErrorCodes.timeout ? 'timeout' : 'cancel');
          throw error;
        }
        if (answer.action === 'session-terminate') {
          ended = true;
          throw reasonError(answer.reason, answer.text);
        }
        if (answer.action === 'session-accept') break;
      }
      // We only offer and use the proxy: none of the peer's candidates will be tried.
      await channel.report(to, session, { candidateError: true });

      // Which candidate the peer reached.
      for (;;) {
        const next = await inbox.next(STEP, signal);
        if (next.action === 'session-terminate') {
          ended = true;
          throw reasonError(next.reason, next.text);
        }
        if (next.action !== 'transport-info') continue;
        if (next.candidateUsed === cid) break;
        if (next.candidateError || next.candidateUsed) {
          end('failed-transport');
          throw new ChatError(ErrorCodes.proxyFailed, 'The peer could not connect to the SOCKS5 proxy');
        }
      }

      // Our side of the proxy, then activation.
      try {
        socket = await connectSocks5({
          host: streamhost.host,
          port: streamhost.port,
          address,
          timeout: CONNECT,
          ...(signal ? { signal } : {}),
        });
        await channel.activate(streamhost.jid, transportSid, to);
      } catch (error) {
        if ((error as ChatError).code !== ErrorCodes.aborted) {
          await channel.report(to, session, { proxyError: true }).catch(() => undefined); // ending anyway
        }
        throw error;
      }
      await channel.report(to, session, { activated: cid });

      // The bytes, then the receiver's verdict (it ends the session).
      const report = progressReporter(bytes.byteLength, request.onProgress);
      report(0);
      const stop = new AbortController();
      const peerFailure = inbox.failure(stop.signal);
      peerFailure.catch(() => undefined); // observed through the race below
      const onAbort = (): void => {
        socket?.destroy();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        await Promise.race([writeAll(socket, bytes, report), peerFailure]);
      } catch (error) {
        if (signal?.aborted) throw aborted(signal);
        stop.abort();
        const why = await explained(inbox, error as ChatError);
        if (why.condition) ended = true; // the receiver ended the session
        throw why;
      } finally {
        stop.abort();
        signal?.removeEventListener('abort', onAbort);
      }
      // End of data, as XEP-0065 senders do. It also matters: Prosody's proxy (0.12, epoll) can
      // hold the last few kilobytes it read until the sender's end-of-stream wakes it up again.
      socket.end();
      for (;;) {
        const verdict = await inbox.next(STEP, signal);
        if (verdict.action !== 'session-terminate') continue;
        ended = true;
        if (verdict.reason === 'success') break;
        throw reasonError(verdict.reason, verdict.text);
      }
      return { to, name: request.name, type: request.type, size: bytes.byteLength, sha256 };
    } catch (error) {
      const chatError = asChatError(error, ErrorCodes.transferFailed, 'The transfer failed');
      end(terminateReason(chatError));
      throw chatError;
    } finally {
      unwatch();
      socket?.destroy();
    }
  }

  /** An incoming offer, wrapped for the app. */
  function incoming(jingle: JingleFileOffer): TransferOffer {
    const own = channel.jid ?? '';
    const inbox = new Inbox();
    let answered = false;
    let withdrawn: ChatError | undefined;
    const unwatch = channel.watch(jingle.sid, jingle.from, (s) => {
      if (!answered && s.action === 'session-terminate') {
        withdrawn = reasonError(s.reason, s.text);
        unwatch();
      } else inbox.push(s);
    });
    const name = jingle.file.name || 'file';
    const once = (): void => {
      if (withdrawn) throw withdrawn;
      if (answered) throw new ChatError(ErrorCodes.invalidArgument, 'This offer was answered already');
      answered = true;
    };

    async function accept(options: AcceptOptions = {}): Promise<Uint8Array> {
      once();
      const { signal } = options;
      const peer = jingle.from;
      const session = { sid: jingle.sid, content: jingle.content, transportSid: jingle.transport.sid };
      let socket: Socket | undefined;
      let ended = false;
      const end = (reason: string): void => {
        if (ended) return;
        ended = true;
        endSession(channel, peer, jingle.sid, reason);
      };
      try {
        if (signal?.aborted) throw aborted(signal);
        try {
          await channel.accept(jingle, {
            sid: jingle.transport.sid,
            address: bytestreamAddress(jingle.transport.sid, own, peer),
            candidates: [],
          });
        } catch (error) {
          // The sender forgot the session: it gave up on the offer just now.
          if ((error as ChatError).condition !== 'item-not-found') throw error;
          ended = true;
          throw new ChatError(ErrorCodes.cancelled, 'The sender withdrew the offer', { cause: error });
        }
        // The sender's candidates, best first; the DST.ADDR is the sender's (XEP-0260).
        const address = bytestreamAddress(jingle.transport.sid, peer, own);
        let used: S5bCandidate | undefined;
        let lastError: unknown;
        for (const candidate of [...jingle.transport.candidates].sort((a, b) => b.priority - a.priority)) {
          try {
            socket = await connectSocks5({
              host: candidate.host,
              port: candidate.port,
              address,
              timeout: CONNECT,
              ...(signal ? { signal } : {}),
            });
            used = candidate;
            break;
          } catch (error) {
            if ((error as ChatError).code === ErrorCodes.aborted) throw error;
            lastError = error;
          }
        }
        if (!used || !socket) {
          await channel.report(peer, session, { candidateError: true });
          throw new ChatError(ErrorCodes.proxyFailed, 'None of the sender’s candidates could be reached', {
            ...(lastError ? { cause: lastError } : {}),
          });
        }
        await channel.report(peer, session, { candidateUsed: used.cid });

        // The bytes arrive once the sender activated the stream; a terminate or proxy error
        // from the sender breaks off the read.
        const report = progressReporter(jingle.file.size ?? 0, options.onProgress);
        const stop = new AbortController();
        const peerFailure = inbox.failure(stop.signal);
        peerFailure.catch(() => undefined); // observed through the race below
        const reading = socket;
        const onAbort = (): void => {
          reading.destroy();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        let received: { bytes: Buffer; sha256: string };
        try {
          received = await Promise.race([readAll(reading, jingle.file.size, report), peerFailure]);
        } catch (error) {
          if (signal?.aborted) throw aborted(signal);
          stop.abort();
          const why = await explained(inbox, error as ChatError);
          if (why.condition) ended = true; // the sender ended the session
          throw why;
        } finally {
          stop.abort();
          signal?.removeEventListener('abort', onAbort);
        }
        if (jingle.file.sha256 && received.sha256 !== jingle.file.sha256) {
          end('media-error');
          throw new ChatError(
            ErrorCodes.hashMismatch,
            'The received bytes do not match the sender’s SHA-256',
          );
        }
        end('success');
        return received.bytes;
      } catch (error) {
        const chatError = asChatError(error, ErrorCodes.transferFailed, 'The transfer failed');
        end(terminateReason(chatError));
        throw chatError;
      } finally {
        unwatch();
        socket?.destroy();
      }
    }

    return {
      id: jingle.sid,
      from: jingle.from,
      name,
      type: jingle.file.type || typeFor(name),
      size: jingle.file.size,
      sha256: jingle.file.sha256,
      get withdrawn() {
        return withdrawn;
      },
      accept,
      async decline() {
        once();
        unwatch();
        await channel.terminate(jingle.from, jingle.sid, 'decline');
      },
    };
  }

  channel.onOffer((jingle) => offer(incoming(jingle)));
  return { send };
};
