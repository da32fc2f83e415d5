// Maps StanzaJS IQ failures (it rejects with the error stanza) to ChatErrors. Pure.
import { ChatError, ErrorCodes } from '../errors.js';

const CODES: Record<string, string> = {
  timeout: ErrorCodes.timeout,
  'item-not-found': ErrorCodes.itemNotFound,
  forbidden: ErrorCodes.forbidden,
  'not-allowed': ErrorCodes.forbidden,
  'not-authorized': ErrorCodes.forbidden,
  'service-unavailable': ErrorCodes.serviceUnavailable,
  'feature-not-implemented': ErrorCodes.serviceUnavailable,
  'bad-request': ErrorCodes.invalidArgument,
  conflict: ErrorCodes.conflict,
};

/** Turns whatever a StanzaJS request rejected with into a ChatError with a stable code. */
export function toChatError(cause: unknown, what: string): ChatError {
  const error = (cause as { error?: { condition?: string; text?: string } } | undefined)?.error;
  const condition = error?.condition;
  if (!condition) {
    return new ChatError(ErrorCodes.requestFailed, `${what} failed`, { cause });
  }
  const code = CODES[condition] ?? ErrorCodes.requestFailed;
  return new ChatError(code, `${what} failed: ${condition}${error?.text ? ` (${error.text})` : ''}`, {
    condition,
    cause,
  });
}
