/**
 * Stable error codes carried by every {@link ChatError}. Open-ended so that newer versions can add
 * codes without breaking exhaustive `switch` statements in your code.
 */
export const ErrorCodes = {
  /** The server rejected the credentials. Retrying with the same password cannot help. */
  authFailed: 'auth-failed',
  /** A command needs a session and there is none. */
  notConnected: 'not-connected',
  /** The server did not answer in time. */
  timeout: 'timeout',
  /** No transport could reach the server. */
  connectionFailed: 'connection-failed',
  /** The server's TLS certificate could not be verified. */
  certificate: 'certificate',
  /** The account is disabled on the server. Retrying cannot help. */
  accountDisabled: 'account-disabled',
  /** Another client took over this session's resource. Not retried, to avoid a tug of war. */
  conflict: 'conflict',
  /** The server ended the session for a policy violation (e.g. rate limits). Not retried. */
  policyViolation: 'policy-violation',
  /** The server does not offer the feature a command needs. */
  serviceUnavailable: 'service-unavailable',
  /** The entity or item asked for does not exist. */
  itemNotFound: 'item-not-found',
  /** The server refused the request for lack of permission. */
  forbidden: 'forbidden',
  /** A request failed for another reason; `condition` has the XMPP condition. */
  requestFailed: 'request-failed',
  /** The server ended the stream with an error. */
  streamError: 'stream-error',
  /** The request was aborted through its `AbortSignal`. */
  aborted: 'aborted',
  /** The options passed to a call are not valid. */
  invalidArgument: 'invalid-argument',
  /** A listener threw; reported on the `error` event. */
  listener: 'listener',
  /** Rooms: the nickname is taken by another occupant (see `retryWithSuffix` on `rooms.join`). */
  nicknameConflict: 'nickname-conflict',
  /** Rooms: the room needs a password, or the one given is wrong. */
  passwordRequired: 'password-required',
  /** Rooms: we are banned from the room. */
  banned: 'banned',
  /** Rooms: the room is members-only and we are not a member. */
  membersOnly: 'members-only',
  /**
   * Files: the file is larger than the upload service accepts (see `limit` on
   * {@link FileTooLargeError}, and `chat.server.uploadMaxBytes`).
   */
  fileTooLarge: 'file-too-large',
  /** Files: the HTTP upload failed; `status` on {@link UploadFailedError} has the HTTP status. */
  uploadFailed: 'upload-failed',
  /**
   * Files: an HTTP upload got no answer at all in a browser — most likely the upload service does
   * not allow this page's origin (CORS), or a proxy or content blocker stopped the request.
   */
  uploadBlocked: 'upload-blocked',
  /** This platform cannot do what was asked (e.g. SOCKS5 file transfers in a browser). */
  unsupported: 'unsupported',
  /** Transfers: the peer declined the file offer. */
  declined: 'declined',
  /** Transfers: the peer cancelled the transfer. */
  cancelled: 'cancelled',
  /**
   * Transfers: no bytestream could be set up — the SOCKS5 proxy could not be reached, refused the
   * connection, or could not be activated.
   */
  proxyFailed: 'proxy-failed',
  /** Transfers: the received bytes do not match the sender's SHA-256 hash (XEP-0300). */
  hashMismatch: 'hash-mismatch',
  /** Transfers: the transfer failed for another reason; `condition` has the Jingle reason. */
  transferFailed: 'transfer-failed',
} as const;

/** One of the {@link ErrorCodes}, or a newer code. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes] | (string & {});

const BRAND = '__mailboxChatError';

/** Options for constructing a {@link ChatError}. */
export interface ChatErrorOptions {
  /** The XMPP error condition, where the server gave one (`not-authorized`, `item-not-found`, …). */
  condition?: string;
  /** What caused this error. */
  cause?: unknown;
}

/**
 * The one error type every SDK command rejects with. `code` is stable: branch on it, and map it
 * to text in your UI (the SDK has no user-facing strings).
 *
 * @example
 * ```ts
 * try {
 *   await chat.connect();
 * } catch (error) {
 *   if (isChatError(error) && error.code === 'auth-failed') showLoginForm();
 * }
 * ```
 */
export class ChatError extends Error {
  /** Marks instances so that {@link isChatError} works across two bundled copies of the SDK. */
  readonly [BRAND] = true;
  /** Stable, machine-readable code. */
  readonly code: ErrorCode;
  /** The XMPP condition, where there is one. */
  readonly condition?: string;

  constructor(code: ErrorCode, message: string, options: ChatErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ChatError';
    this.code = code;
    if (options.condition) this.condition = options.condition;
  }

  /** A plain object for logs and `postMessage`; never contains credentials. */
  toJSON(): { name: string; code: ErrorCode; condition?: string; message: string } {
    return {
      name: this.name,
      code: this.code,
      ...(this.condition ? { condition: this.condition } : {}),
      message: this.message,
    };
  }
}

/**
 * Tells whether `value` is a {@link ChatError}, also when it comes from another bundled copy of
 * the SDK (where `instanceof` would fail).
 *
 * @example
 * ```ts
 * chat.on('error', ({ error }) => {
 *   if (isChatError(error)) console.warn(error.code);
 * });
 * ```
 */
export function isChatError(value: unknown): value is ChatError {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[BRAND] === true;
}

/** `error` itself when it is a {@link ChatError}, else a new one with `code`, `message` and it as cause. Internal. */
export function asChatError(error: unknown, code: ErrorCode, message: string): ChatError {
  return isChatError(error) ? error : new ChatError(code, message, { cause: error });
}

/**
 * A file is larger than the upload service accepts (code `file-too-large`). `limit` is the
 * largest size in bytes, where known.
 *
 * @example
 * ```ts
 * if (error instanceof FileTooLargeError) showError('file-too-large', { max: error.limit });
 * ```
 */
export class FileTooLargeError extends ChatError {
  /** The largest size the service accepts, in bytes, where known. */
  readonly limit?: number;

  constructor(message: string, limit: number | undefined, options: ChatErrorOptions = {}) {
    super(ErrorCodes.fileTooLarge, message, options);
    if (limit !== undefined) this.limit = limit;
  }
}

/**
 * An HTTP upload failed (code `upload-failed`). `status` is the HTTP status, or 0 when there was
 * no response (network error, or a CORS refusal in browsers).
 */
export class UploadFailedError extends ChatError {
  /** The HTTP status of the failed PUT; 0 when there was no response. */
  readonly status: number;

  constructor(message: string, status: number, options: ChatErrorOptions = {}) {
    super(ErrorCodes.uploadFailed, message, options);
    this.status = status;
  }
}
