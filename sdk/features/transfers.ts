// Peer-to-peer file transfers: Jingle file transfer (XEP-0234) over SOCKS5 bytestreams (XEP-0260)
// through the server's proxy (XEP-0065). The API lives here, for every platform; the engine that
// speaks SOCKS5 needs raw TCP and is registered by `sdk/node.ts` only, so in browsers `send()`
// rejects with `unsupported` and no offers arrive.
import { ChatError, ErrorCodes } from '../errors.js';
import type { Emit } from '../events.js';
import { typeForName } from '../mime.js';
import type { Transport } from '../transport/xmpp.js';
import type { Jid } from '../types.js';
import type { Discovery } from './discovery.js';
import type { UploadProgress } from './http-put.js';

/** Bytes of a transfer so far: `loaded` of `total`, and `percent` (0–100). */
export type TransferProgress = UploadProgress;

/** What can be sent: bytes (`Uint8Array`, a Node `Buffer`, `ArrayBuffer`) or a `Blob`. */
export type TransferData = Uint8Array | ArrayBuffer | Blob;

/** Options for {@link Transfers.send}. */
export interface TransferOptions {
  /** The file name the receiver sees. Default: the `Blob`'s name, else `file`. */
  name?: string;
  /** MIME type. Default: the `Blob`'s type, else guessed from the name, else `application/octet-stream`. */
  type?: string;
  /** Called as bytes go out, never backwards, ending at 100 %. */
  onProgress?: (progress: TransferProgress) => void;
  /** Aborts the transfer (the peer is told); the call then rejects with `aborted`. */
  signal?: AbortSignal;
  /** Seconds the peer has to accept or decline the offer. Default 60. */
  timeout?: number;
}

/** A file the peer received and confirmed. */
export interface SentTransfer {
  /** The full JID it was sent to. */
  to: Jid;
  name: string;
  type: string;
  /** Size in bytes. */
  size: number;
  /** Lower-case hex SHA-256 of the content, as announced to and checked by the receiver. */
  sha256: string;
}

/** Options for {@link TransferOffer.accept}. */
export interface AcceptOptions {
  /** Called as bytes arrive, never backwards, ending at 100 %. */
  onProgress?: (progress: TransferProgress) => void;
  /** Aborts the transfer (the sender is told); `accept()` then rejects with `aborted`. */
  signal?: AbortSignal;
}

/**
 * A file someone offers us (the `transfer:offer` event). Answer with `accept()` or `decline()`;
 * an offer left unanswered expires at the sender (its `timeout`).
 */
export interface TransferOffer {
  /** The transfer's id (the Jingle session id). */
  readonly id: string;
  /** The sender's full JID. Decide whether to trust it before accepting. */
  readonly from: Jid;
  /** The file name as the sender gave it (not a safe path: never use it as one unchecked). */
  readonly name: string;
  readonly type: string;
  /** Size in bytes, as announced; `accept()` reads at most this much. */
  readonly size: number | undefined;
  /** The sender's hex SHA-256 of the content, if it gave one; `accept()` checks it. */
  readonly sha256: string | undefined;
  /**
   * Set when the sender withdrew the offer before it was answered: why (`timeout` when it
   * waited too long for an answer, `cancelled`, …). `accept()` then rejects with this error.
   */
  readonly withdrawn: ChatError | undefined;
  /**
   * Accepts the offer and receives the whole file into memory. Resolves with its bytes (a
   * `Buffer` in Node) once they are complete and match the announced SHA-256. It connects to the
   * addresses the sender names (its server's proxy, or its own addresses): accept offers from
   * senders you trust. Without an announced `size` it reads until the sender closes the stream.
   *
   * @throws ChatError `hash-mismatch` (the sender is told), `proxy-failed` (no bytestream could be
   *   set up), `cancelled` (the sender cancelled), `aborted` (through `signal`), `transfer-failed`
   *   (the stream ended early; `condition` has the Jingle reason, if any), `timeout`.
   */
  accept(options?: AcceptOptions): Promise<Uint8Array>;
  /** Declines the offer; the sender's `send()` rejects with `declined`. */
  decline(): Promise<void>;
}

/**
 * Direct file transfers between two online clients (Jingle file transfer over SOCKS5 bytestreams,
 * through the server's proxy: `chat.server.proxy65`). Node only — browsers cannot open SOCKS5
 * connections; share files there with `files.upload()`/`sendFile()`. The bytes go through the
 * proxy unencrypted (the proxy is the server's own) and are checked against their SHA-256.
 * Exposed as `chat.transfers`.
 */
export interface Transfers {
  /** Whether this platform can transfer files this way (true in Node, false in browsers). */
  readonly supported: boolean;
  /**
   * Offers a file to one device of a contact (a full JID, e.g. from `contact.resources`) and
   * sends it once accepted. Resolves when the receiver got it and confirmed its SHA-256.
   *
   * @example
   * ```ts
   * const sent = await chat.transfers.send('ben@example.com/bot', readFileSync('report.pdf'), {
   *   name: 'report.pdf',
   *   onProgress: ({ percent }) => console.log(`${percent.toFixed(0)} %`),
   * });
   * ```
   * @throws ChatError `unsupported` (browsers), `invalid-argument` (not a full JID, or not bytes),
   *   `not-connected`, `service-unavailable` (the server has no SOCKS5 proxy, or the device is
   *   offline or its client does not do Jingle file transfer), `declined`,
   *   `timeout` (no answer to the offer in time), `proxy-failed`, `hash-mismatch` (the receiver
   *   got different bytes), `cancelled`, `aborted`, `transfer-failed`.
   */
  send(to: Jid, data: TransferData, options?: TransferOptions): Promise<SentTransfer>;
}

/** One send, as the engine gets it. Internal. */
export interface TransferRequest {
  to: Jid;
  bytes: Uint8Array;
  name: string;
  type: string;
  /** Milliseconds the peer has to answer the offer. */
  timeout: number;
  onProgress?: (progress: TransferProgress) => void;
  signal?: AbortSignal;
}

/** The platform's transfer engine. Internal. */
export interface TransferEngine {
  send(request: TransferRequest): Promise<SentTransfer>;
}

/** Builds the engine for one client; `offer` hands incoming offers to the app. Internal. */
export type TransferEngineFactory = (deps: {
  transport: Transport;
  discovery: Discovery;
  offer: (offer: TransferOffer) => void;
}) => TransferEngine;

let registered: TransferEngineFactory | undefined;

/** Registers the platform's transfer engine (Node: SOCKS5 over node:net). Called by `sdk/node.ts`. */
export function registerTransfers(factory: TransferEngineFactory): void {
  registered = factory;
}

/** The default type for a file name. Pure. */
export function typeFor(name: string): string {
  return typeForName(name) ?? 'application/octet-stream';
}

/** Creates the transfers feature. */
export function createTransfers({
  transport,
  discovery,
  emit,
}: {
  transport: Transport;
  discovery: Discovery;
  emit: Emit;
}): Transfers {
  const engine = registered?.({ transport, discovery, offer: (offer) => emit('transfer:offer', { offer }) });
  return {
    supported: engine !== undefined,
    async send(to, data, options = {}) {
      if (!engine) {
        throw new ChatError(
          ErrorCodes.unsupported,
          'SOCKS5 file transfers need Node: browsers cannot open SOCKS5 connections (use files.upload)',
        );
      }
      const [bare, resource] = [to.split('/')[0] ?? '', to.split('/').slice(1).join('/')];
      if (!bare.includes('@') || !resource) {
        throw new ChatError(
          ErrorCodes.invalidArgument,
          `A transfer needs a full JID (user@domain/resource): ${to}`,
        );
      }
      const isBlob = typeof Blob !== 'undefined' && data instanceof Blob;
      let bytes: Uint8Array;
      if (isBlob) bytes = new Uint8Array(await data.arrayBuffer());
      else if (data instanceof Uint8Array) bytes = data;
      else if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
      else throw new ChatError(ErrorCodes.invalidArgument, 'send() takes a Blob, Uint8Array or ArrayBuffer');
      const blobName = isBlob ? (data as Blob & { name?: unknown }).name : undefined;
      const name = options.name ?? (typeof blobName === 'string' && blobName ? blobName : 'file');
      const type = options.type ?? (isBlob && data.type ? data.type : typeFor(name));
      if (options.signal?.aborted) {
        throw new ChatError(ErrorCodes.aborted, 'The transfer was aborted', { cause: options.signal.reason });
      }
      if (!transport.online) throw new ChatError(ErrorCodes.notConnected, 'Sending a file needs a session');
      return engine.send({
        to,
        bytes,
        name,
        type,
        timeout: (options.timeout ?? 60) * 1000,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    },
  };
}
