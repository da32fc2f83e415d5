// The HTTP PUT of an upload, per platform: XMLHttpRequest in browsers (the only API with upload
// progress), a Node uploader registered by `sdk/node.ts` (node:http, so browser bundles never see
// it), else `fetch` (progress only at the start and the end).
import { ChatError, ErrorCodes, UploadFailedError } from '../errors.js';

/**
 * What a PUT sends: a Blob, bytes, or (Node) a file path or a stream of exactly `size` bytes.
 */
export type PutBody = Blob | Uint8Array | { path: string } | { stream: AsyncIterable<Uint8Array> };

/** Bytes sent so far of an upload. */
export interface UploadProgress {
  /** Bytes sent so far. */
  loaded: number;
  /** The file's size in bytes. */
  total: number;
  /** `loaded` in percent of `total`, 0–100 (100 for an empty file). */
  percent: number;
}

/** One HTTP PUT of a whole body. */
export interface PutRequest {
  url: string;
  body: PutBody;
  /** Sent as they are; includes `Content-Type` (and `Content-Length` where the platform lets us). */
  headers: Record<string, string>;
  size: number;
  /** Node: extra trusted CA certificates (PEM) for an HTTPS PUT, added to the system's. */
  ca?: string | string[];
  onProgress?: (progress: UploadProgress) => void;
  signal?: AbortSignal;
}

/** Performs a PUT; resolves on a 2xx answer, rejects with `upload-failed` or `aborted`. */
export type HttpPut = (request: PutRequest) => Promise<void>;

let registered: HttpPut | undefined;

/** Registers the platform's uploader (Node: node:http with progress). Called by `sdk/node.ts`. */
export function registerHttpPut(put: HttpPut): void {
  registered = put;
}

/** Reads a file's size in bytes; rejects with a ChatError. */
export type StatFile = (path: string) => Promise<number>;

let stat: StatFile | undefined;

/** Registers how file paths are read (Node: node:fs). Called by `sdk/node.ts`. */
export function registerStatFile(implementation: StatFile): void {
  stat = implementation;
}

/** The platform's way to size a file path; undefined where paths mean nothing (browsers). */
export function statFile(): StatFile | undefined {
  return stat;
}

const isBlob = (value: unknown): value is Blob => typeof Blob !== 'undefined' && value instanceof Blob;

/**
 * A body that browsers and fetch can send: a stream is read into memory first (checked against
 * `size`); paths have no meaning here.
 */
async function sendable(body: PutBody, size: number): Promise<Blob | Uint8Array> {
  if (isBlob(body) || body instanceof Uint8Array) return body;
  if ('path' in body) throw new ChatError(ErrorCodes.unsupported, 'Uploading from a file path needs Node');
  const bytes = new Uint8Array(size);
  let offset = 0;
  for await (const chunk of body.stream) {
    if (offset + chunk.byteLength > size) throw sizeMismatch(size, offset + chunk.byteLength);
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  if (offset !== size) throw sizeMismatch(size, offset);
  return bytes;
}

/** The error for a stream that did not deliver the announced number of bytes. */
export function sizeMismatch(size: number, got: number): ChatError {
  return new ChatError(
    ErrorCodes.invalidArgument,
    `The stream delivered ${got > size ? 'more than' : 'only'} ${got > size ? size : got} bytes; \`size\` said ${size}`,
  );
}

/** Reports progress, never backwards and never beyond the size. */
export function progressReporter(
  size: number,
  listener: ((progress: UploadProgress) => void) | undefined,
): (loaded: number) => void {
  let last = -1;
  return (loaded) => {
    const value = Math.min(Math.max(loaded, 0), size);
    if (!listener || value <= last) return;
    last = value;
    listener({ loaded: value, total: size, percent: size === 0 ? 100 : (value / size) * 100 });
  };
}

/** The `aborted` error of an upload. */
export function abortedError(cause?: unknown): ChatError {
  return new ChatError(ErrorCodes.aborted, 'The upload was aborted', cause === undefined ? {} : { cause });
}

/** The `upload-failed` error for an HTTP status (0: no response). */
export function failedError(status: number, cause?: unknown): UploadFailedError {
  return new UploadFailedError(
    status === 0 ? 'The upload failed: no response (network error)' : `The upload failed: HTTP ${status}`,
    status,
    cause === undefined ? {} : { cause },
  );
}

/**
 * The error when a browser got no answer at all: XMLHttpRequest cannot tell why, and the usual
 * reason is that the upload service does not allow this page's origin (CORS).
 */
export function blockedError(): ChatError {
  return new ChatError(
    ErrorCodes.uploadBlocked,
    'The upload got no answer: probably the upload service does not allow this origin (CORS), or a proxy or blocker stopped it',
  );
}

/** Browsers: XMLHttpRequest, for its upload progress events. */
const xhrPut: HttpPut = async (request) => {
  const body = await sendable(request.body, request.size);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const report = progressReporter(request.size, request.onProgress);
    const onAbort = (): void => xhr.abort();
    const done = (): void => request.signal?.removeEventListener('abort', onAbort);
    xhr.open('PUT', request.url);
    for (const [name, value] of Object.entries(request.headers)) {
      // Browsers set Content-Length themselves and refuse to let scripts set it.
      if (name.toLowerCase() !== 'content-length') xhr.setRequestHeader(name, value);
    }
    xhr.upload.onprogress = (event) => report(event.loaded);
    xhr.onload = () => {
      done();
      if (xhr.status >= 200 && xhr.status < 300) {
        report(request.size);
        resolve();
      } else reject(failedError(xhr.status));
    };
    xhr.onerror = () => {
      done();
      reject(blockedError());
    };
    xhr.onabort = () => {
      done();
      reject(abortedError(request.signal?.reason));
    };
    request.signal?.addEventListener('abort', onAbort, { once: true });
    report(0);
    xhr.send(body as XMLHttpRequestBodyInit);
  });
};

/** Anywhere else: fetch (no upload progress; reported at the start and the end). */
const fetchPut: HttpPut = async (request) => {
  const body = await sendable(request.body, request.size);
  const report = progressReporter(request.size, request.onProgress);
  report(0);
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: 'PUT',
      headers: request.headers,
      body: body as BodyInit,
      ...(request.signal ? { signal: request.signal } : {}),
    });
  } catch (cause) {
    throw request.signal?.aborted ? abortedError(cause) : failedError(0, cause);
  }
  if (!response.ok) throw failedError(response.status);
  report(request.size);
};

/** The uploader for this platform, picked at call time. */
export function httpPut(): HttpPut {
  if (typeof XMLHttpRequest !== 'undefined') return xhrPut;
  return registered ?? fetchPut;
}
