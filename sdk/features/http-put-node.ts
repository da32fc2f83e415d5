// The Node uploader: node:http / node:https with chunked writes, so progress is reported as the
// bytes go out. Registered by `sdk/node.ts`; browser bundles never import this module.
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { abortedError, failedError, progressReporter, type HttpPut } from './http-put.js';

/** Bytes per write: small enough for smooth progress, large enough to be cheap. */
const CHUNK = 64 * 1024;

/** Uploads with node:http(s), writing in chunks and honouring back-pressure. */
export const nodeHttpPut: HttpPut = async (request) => {
  const bytes =
    request.body instanceof Uint8Array ? request.body : new Uint8Array(await request.body.arrayBuffer());
  if (request.signal?.aborted) throw abortedError(request.signal.reason);
  const url = new URL(request.url);
  const report = progressReporter(request.size, request.onProgress);

  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      request.signal?.removeEventListener('abort', onAbort);
      if (error) reject(error);
      else resolve();
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req: ClientRequest = send(url, {
      method: 'PUT',
      headers: { ...request.headers, 'Content-Length': String(bytes.byteLength) },
    });
    const onAbort = (): void => {
      finish(abortedError(request.signal?.reason));
      req.destroy();
    };
    request.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (cause) => finish(failedError(0, cause)));
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

    report(0);
    let offset = 0;
    const writeMore = (): void => {
      while (offset < bytes.byteLength && !settled) {
        const chunk = bytes.subarray(offset, offset + CHUNK);
        offset += chunk.byteLength;
        const sent = offset;
        const more = req.write(chunk, () => report(sent));
        if (!more) {
          req.once('drain', writeMore);
          return;
        }
      }
      if (offset >= bytes.byteLength && !settled) req.end();
    };
    writeMore();
  });
};
