// HTTP File Upload (XEP-0363): size check against the discovered limit, slot request, HTTP PUT
// with progress and abort.
import { ChatError, ErrorCodes, FileTooLargeError } from '../errors.js';
import { typeForName } from '../mime.js';
import { requestUploadSlot } from '../transport/upload.js';
import type { Transport } from '../transport/xmpp.js';
import type { Discovery } from './discovery.js';
import { abortedError, httpPut, type UploadProgress } from './http-put.js';

export type { UploadProgress } from './http-put.js';

/** What can be uploaded: a `Blob`/`File` (browsers, also Node ≥ 18) or bytes (`Uint8Array`, `Buffer`). */
export type UploadData = Blob | Uint8Array | ArrayBuffer;

/** Options for {@link Files.upload}. */
export interface UploadOptions {
  /** File name, shown to the receiver and part of the URL. Default: the `File`'s name, else `file`. */
  name?: string;
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
   * @example
   * ```ts
   * const file = await chat.files.upload(input.files[0], {
   *   onProgress: ({ percent }) => (bar.value = percent),
   *   signal: controller.signal,
   * });
   * ```
   * @throws ChatError `file-too-large` ({@link FileTooLargeError}, with `limit`) before anything is
   *   sent when the file exceeds `chat.server.uploadMaxBytes`, or when the service refuses it;
   *   `service-unavailable` without an upload service; `forbidden` (quota, not allowed);
   *   `upload-failed` ({@link UploadFailedError}, with the HTTP `status`); `aborted`;
   *   `not-connected`; `invalid-argument` for data that is not a Blob or bytes.
   */
  upload(data: UploadData, options?: UploadOptions): Promise<UploadedFile>;
}

/** The MIME type for a file name, from its extension. Pure. */
export function guessType(name: string): string {
  return typeForName(name) ?? 'application/octet-stream';
}

/** Creates the files feature. */
export function createFiles({ transport, discovery }: { transport: Transport; discovery: Discovery }): Files {
  return {
    async upload(data, options = {}) {
      const { signal } = options;
      const isBlob = typeof Blob !== 'undefined' && data instanceof Blob;
      let body: Blob | Uint8Array;
      if (isBlob) body = data;
      else if (data instanceof Uint8Array) body = data;
      else if (data instanceof ArrayBuffer) body = new Uint8Array(data);
      else throw new ChatError(ErrorCodes.invalidArgument, 'upload() takes a Blob, File or Uint8Array');
      const size = body instanceof Uint8Array ? body.byteLength : body.size;
      const fileName = isBlob ? (data as Blob & { name?: unknown }).name : undefined;
      const name = options.name ?? (typeof fileName === 'string' && fileName ? fileName : 'file');
      const type = options.type ?? (isBlob && data.type ? data.type : guessType(name));

      if (signal?.aborted) throw abortedError(signal.reason);
      if (!transport.online) throw new ChatError(ErrorCodes.notConnected, 'Uploading needs a session');
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
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(signal ? { signal } : {}),
      });
      return { url: slot.getUrl, name, type, size };
    },
  };
}
