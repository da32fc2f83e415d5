// HTTP File Upload (XEP-0363): size check against the discovered limit, slot request, HTTP PUT
// with progress and abort.
import { ChatError, ErrorCodes, FileTooLargeError } from '../errors.js';
import { typeForName } from '../mime.js';
import { requestUploadSlot } from '../transport/upload.js';
import type { Transport } from '../transport/xmpp.js';
import type { Discovery } from './discovery.js';
import { abortedError, httpPut, statFile, type PutBody, type UploadProgress } from './http-put.js';

export type { UploadProgress } from './http-put.js';

/**
 * What can be uploaded:
 * - a `Blob`/`File` (browsers, also Node ≥ 18) or bytes (`Uint8Array`, a Node `Buffer`, `ArrayBuffer`);
 * - Node only: a file path (`string`; its size is read with `stat` before asking for a slot);
 * - Node only: a stream — a `Readable` or any async iterable of bytes. A slot needs the size up
 *   front, so pass it as `size`; the stream must then deliver exactly that many bytes. (Streams
 *   are not buffered: the bytes go out as they are read.)
 */
export type UploadData = Blob | Uint8Array | ArrayBuffer | string | AsyncIterable<Uint8Array>;

/** Options for {@link Files.upload}. */
export interface UploadOptions {
  /**
   * File name, shown to the receiver and part of the URL. Default: the `File`'s name, the path's
   * last part, else `file`.
   */
  name?: string;
  /** The size in bytes of a stream (required for streams, ignored otherwise). */
  size?: number;
  /**
   * MIME type. Default: the `Blob`'s type, else guessed from the name's extension, else
   * `application/octet-stream`. Give files a correct extension: some servers serve by it.
   */
  type?: string;
  /** Called as bytes go out, never backwards, ending at 100 % when the upload succeeded. */
  onProgress?: (progress: UploadProgress) => void;
  /** Aborts the upload; the call then rejects with `aborted`. */
  signal?: AbortSignal;
}

/** A finished upload. */
export interface UploadedFile {
  /** Where the file can be downloaded (share this URL). */
  url: string;
  name: string;
  type: string;
  /** Size in bytes. */
  size: number;
}

/** File sharing. Exposed as `chat.files`. */
export interface Files {
  /**
   * Uploads a file to the server's upload service (XEP-0363) and resolves with its download URL.
   *
   * The file is stored **unencrypted** on the server, readable by anyone who has the URL, and is
   * deleted after the server's expiry (1 hour on mailbox; see `files.expiresAfter` in
   * `createChat` options). In browsers progress comes from XMLHttpRequest; in Node (through the
   * `node` export condition) from node:http; elsewhere only at the start and the end.
   *
   * In Node, `tls.ca` from `createChat` options is trusted for the PUT too (in addition to the
   * system's CAs); certificates are always verified.
   *
   * @example
   * ```ts
   * const file = await chat.files.upload(input.files[0], {
   *   onProgress: ({ percent }) => (bar.value = percent),
   *   signal: controller.signal,
   * });
   * // Node: a path, or a stream with its size
   * await bot.files.upload('/var/reports/week-47.pdf');
   * await bot.files.upload(createReadStream(path), { name: 'dump.sql', size: (await stat(path)).size });
   * ```
   *
   * @throws ChatError `file-too-large` ({@link FileTooLargeError}, with `limit`) before anything is
   *   sent when the file exceeds `chat.server.uploadMaxBytes`, or when the service refuses it;
   *   `service-unavailable` without an upload service; `forbidden` (quota, not allowed);
   *   `upload-failed` ({@link UploadFailedError}, with the HTTP `status`; 0 when there was no
   *   answer in Node); `upload-blocked` in browsers when the PUT got no answer at all — most
   *   likely the upload service does not allow this page's origin (CORS); `certificate` (Node:
   *   the upload server's certificate could not be verified); `aborted`; `not-connected`;
   *   `unsupported` for a file path outside Node; `invalid-argument` for other data, a stream
   *   without `size`, or a stream that delivered another number of bytes.
   */
  upload(data: UploadData, options?: UploadOptions): Promise<UploadedFile>;
}

/** The MIME type for a file name, from its extension. Pure. */
export function guessType(name: string): string {
  return typeForName(name) ?? 'application/octet-stream';
}

/** The last part of a path (either separator). Pure. */
function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? '';
}

const isAsyncIterable = (value: unknown): value is AsyncIterable<Uint8Array> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/** What is sent, its size, and the defaults its kind suggests for name and type. */
async function bodyOf(
  data: UploadData,
  options: UploadOptions,
): Promise<{ body: PutBody; size: number; name?: string; type?: string }> {
  if (typeof Blob !== 'undefined' && data instanceof Blob) {
    const fileName = (data as Blob & { name?: unknown }).name;
    return {
      body: data,
      size: data.size,
      ...(typeof fileName === 'string' && fileName ? { name: fileName } : {}),
      ...(data.type ? { type: data.type } : {}),
    };
  }
  if (data instanceof Uint8Array) return { body: data, size: data.byteLength };
  if (data instanceof ArrayBuffer) return { body: new Uint8Array(data), size: data.byteLength };
  if (typeof data === 'string') {
    const stat = statFile();
    if (!stat) throw new ChatError(ErrorCodes.unsupported, 'Uploading from a file path needs Node');
    return { body: { path: data }, size: await stat(data), name: baseName(data) };
  }
  if (isAsyncIterable(data)) {
    const { size } = options;
    if (size === undefined || !Number.isSafeInteger(size) || size < 0) {
      throw new ChatError(ErrorCodes.invalidArgument, 'Uploading a stream needs its `size` in bytes');
    }
    return { body: { stream: data }, size };
  }
  throw new ChatError(ErrorCodes.invalidArgument, 'upload() takes a Blob, bytes, a file path or a stream');
}

/** Creates the files feature. */
export function createFiles({
  transport,
  discovery,
  tls,
}: {
  transport: Transport;
  discovery: Discovery;
  /** Node: extra trusted CAs for the HTTPS PUT (the `tls` option of `createChat`). */
  tls?: { ca?: string | string[] };
}): Files {
  return {
    async upload(data, options = {}) {
      const { signal } = options;
      if (signal?.aborted) throw abortedError(signal.reason);
      if (!transport.online) throw new ChatError(ErrorCodes.notConnected, 'Uploading needs a session');
      const source = await bodyOf(data, options);
      const { body, size } = source;
      const name = options.name ?? (source.name || 'file');
      const type = options.type ?? source.type ?? guessType(name);

      const server = await discovery.ready();
      if (!server.uploadService) {
        throw new ChatError(ErrorCodes.serviceUnavailable, 'The server offers no upload service');
      }
      const limit = server.uploadMaxBytes;
      if (limit !== undefined && size > limit) {
        throw new FileTooLargeError(`The file has ${size} bytes; the server accepts ${limit}`, limit);
      }

      const slot = await requestUploadSlot(transport, server.uploadService, { name, size, type });
      if (signal?.aborted) throw abortedError(signal.reason);
      await httpPut()({
        url: slot.putUrl,
        body,
        headers: { ...slot.headers, 'Content-Type': type },
        size,
        ...(tls?.ca ? { ca: tls.ca } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(signal ? { signal } : {}),
      });
      return { url: slot.getUrl, name, type, size };
    },
  };
}
