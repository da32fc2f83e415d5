import { describe, expect, it } from 'vitest';
import { classifyFailure } from './xmpp.js';

describe('why a connection ended, and whether to retry', () => {
  it('never retries a rejected login, a disabled account or a bad certificate', () => {
    expect(classifyFailure({ saslCondition: 'not-authorized' })).toMatchObject({
      fatal: true,
      error: { code: 'auth-failed', condition: 'not-authorized' },
    });
    expect(classifyFailure({ saslCondition: 'account-disabled' })).toMatchObject({
      fatal: true,
      error: { code: 'account-disabled' },
    });
    expect(classifyFailure({ tlsCode: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })).toMatchObject({
      fatal: true,
      error: { code: 'certificate' },
    });
  });

  it('does not fight another client for the resource, nor retry a policy violation', () => {
    expect(classifyFailure({ streamCondition: 'conflict' })).toMatchObject({
      fatal: true,
      error: { code: 'conflict' },
    });
    expect(classifyFailure({ streamCondition: 'policy-violation' })).toMatchObject({
      fatal: true,
      error: { code: 'policy-violation' },
    });
  });

  it('retries a temporary failure, a server shutdown, a timeout and a lost link', () => {
    expect(classifyFailure({ saslCondition: 'temporary-auth-failure' }).fatal).toBe(false);
    expect(classifyFailure({ streamCondition: 'system-shutdown' })).toMatchObject({
      fatal: false,
      error: { code: 'stream-error' },
    });
    expect(classifyFailure({ streamCondition: 'connection-timeout' })).toMatchObject({
      fatal: false,
      error: { code: 'timeout' },
    });
    expect(classifyFailure({})).toMatchObject({ fatal: false, error: { code: 'connection-failed' } });
  });
});
