// The Node uploader: node:http / node:https with chunked writes, so progress is reported as the
// bytes go out; bodies from bytes, Blobs, file paths (node:fs) or streams. Registered by
// `sdk/node.ts`; browser bundles never import this module.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { ChatError, ErrorCodes } from '../errors.js';
import {
  abortedError,
  failedError,
  progressReporter,
  sizeMismatch,
  type HttpPut,
  type PutBody,
  type StatFile,
} from './http-put.js';

/** Bytes per write: small enough for smooth progress, large enough to be cheap. */
const CHUNK = 64 * 1024;

/** OpenSSL verification results (Node's `error.code`) that mean "certificate not trusted". */
const CERTIFICATE_CODES =
  /^(CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|ERR_TLS_CERT_ALTNAME_INVALID)/;

/** The size of a file, for `files.upload(path)`. */
export const nodeStatFile: StatFile = async (path) => {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    return info.size;
  } catch (cause) {
    throw new ChatError(ErrorCodes.invalidArgument, `Cannot upload ${path}: ${(cause as Error).message}`, {
      cause,
    });
  }
};

/** The body as chunks of bytes. */
async function* chunks(body: PutBody): AsyncIterable<Uint8Array> {
  if (body instanceof Uint8Array || body instanceof Blob) {
    const bytes = body instanceof Uint8Array ? body : new Uint8Array(await body.arrayBuffer());
    for (let offset = 0; offset < bytes.byteLength; offset += CHUNK) {
      yield bytes.subarray(offset, offset + CHUNK);
    }
  } else if ('path' in body) {
    yield* createReadStream(body.path, { highWaterMark: CHUNK }) as AsyncIterable<Uint8Array>;
  } else {
    yield* body.stream;
  }
}

/** Uploads with node:http(s), writing in chunks and honouring back-pressure. */
export const nodeHttpPut: HttpPut = async (request) => {
  if (request.signal?.aborted) throw abortedError(request.signal.reason);
  const url = new URL(request.url);
  const report = progressReporter(request.size, request.onProgress);
  const extraCa = request.ca === undefined ? [] : [request.ca].flat();

  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      request.signal?.removeEventListener('abort', onAbort);
      if (error) {
        req.destroy();
        reject(error);
      } else resolve();
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req: ClientRequest = send(url, {
      method: 'PUT',
      headers: { ...request.headers, 'Content-Length': String(request.size) },
      ...(url.protocol === 'https:' && extraCa.length > 0 ? { ca: [...rootCertificates, ...extraCa] } : {}),
    });
    const onAbort = (): void => finish(abortedError(request.signal?.reason));
    request.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (cause: NodeJS.ErrnoException) => {
      if (cause.code && CERTIFICATE_CODES.test(cause.code)) {
        finish(
          new ChatError(
            ErrorCodes.certificate,
            `The upload server's certificate was rejected (${cause.code})`,
            {
              condition: cause.code,
              cause,
            },
          ),
        );
      } else finish(failedError(0, cause));
    });
    req.on('response', (response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      // Drain the answer so the socket is released; its content is not needed.
      response.resume();
      response.on('end', () => {
        if (status >= 200 && status < 300) {
          report(request.size);
          finish();
        } else finish(failedError(status));
      });
      response.on('error', (cause) => finish(failedError(status, cause)));
    });

    const drained = (): Promise<void> =>
      new Promise((done) => {
        const stop = (): void => {
          req.off('drain', stop);
          req.off('close', stop);
          done();
        };
        req.once('drain', stop);
        req.once('close', stop);
      });

    const pump = async (): Promise<void> => {
      report(0);
      let written = 0;
      for await (const chunk of chunks(request.body)) {
        if (settled) return;
        written += chunk.byteLength;
        if (written > request.size) throw sizeMismatch(request.size, written);
        const sent = written;
        if (!req.write(chunk, () => report(sent))) await drained();
      }
      if (settled) return;
      if (written !== request.size) throw sizeMismatch(request.size, written);
      req.end();
    };
    pump().catch((error: unknown) => finish(error instanceof ChatError ? error : failedError(0, error)));
  });
};
