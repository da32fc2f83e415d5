// Per-call limits for requests to the server: `{ signal, timeout }` (see RequestOptions).
import { ChatError, ErrorCodes } from './errors.js';
import type { RequestOptions } from './types.js';

/**
 * Sends `send()` and lets the caller stop waiting for it: rejects with `aborted` when
 * `options.signal` fires (without sending anything if it already has) and with `timeout` after
 * `options.timeout` seconds. Without either, the request is returned as it is (the session's own
 * timeout applies). A request on its way is not called back: a change the server has already
 * received may still take effect, and a late answer is dropped.
 */
export function limited<T>(
  send: () => Promise<T>,
  options: RequestOptions | undefined,
  what: string,
): Promise<T> {
  const { signal, timeout } = options ?? {};
  if (!signal && timeout === undefined) return send();
  if (timeout !== undefined && !(timeout > 0)) {
    return Promise.reject(
      new ChatError(ErrorCodes.invalidArgument, '`timeout` must be a positive number of seconds'),
    );
  }
  const aborted = (): ChatError =>
    new ChatError(ErrorCodes.aborted, `${what} was aborted`, { cause: signal?.reason });
  if (signal?.aborted) return Promise.reject(aborted());
  const request = send();
  return new Promise<T>((resolve, reject) => {
    const done = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      done();
      request.catch(() => undefined); // nobody waits for the answer any more
      reject(aborted());
    };
    const timer =
      timeout === undefined
        ? undefined
        : setTimeout(() => {
            done();
            request.catch(() => undefined);
            reject(new ChatError(ErrorCodes.timeout, `${what}: no answer within ${timeout} s`));
          }, timeout * 1000);
    signal?.addEventListener('abort', onAbort, { once: true });
    request.then(
      (value) => {
        done();
        resolve(value);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}
