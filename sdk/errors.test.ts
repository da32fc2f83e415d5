import { describe, expect, it } from 'vitest';
import { ChatError, isChatError } from './errors.js';

describe('ChatError', () => {
  it('carries a stable code, the XMPP condition and the cause', () => {
    const cause = new Error('socket closed');
    const error = new ChatError('auth-failed', 'rejected', { condition: 'not-authorized', cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('auth-failed');
    expect(error.condition).toBe('not-authorized');
    expect(error.cause).toBe(cause);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'ChatError',
      code: 'auth-failed',
      condition: 'not-authorized',
      message: 'rejected',
    });
  });

  it('is recognized across two bundled copies of the SDK, and nothing else is', () => {
    // A second copy of the class, as another bundle would carry it.
    const copy = JSON.parse(JSON.stringify({ __mailboxChatError: true, code: 'timeout' })) as unknown;
    expect(isChatError(copy)).toBe(true);
    expect(isChatError(new ChatError('timeout', 'slow'))).toBe(true);
    expect(isChatError(new Error('plain'))).toBe(false);
    expect(isChatError({ code: 'timeout' })).toBe(false);
    expect(isChatError(null)).toBe(false);
  });
});
