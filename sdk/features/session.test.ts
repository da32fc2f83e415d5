import { describe, expect, it } from 'vitest';
import { backoffDelay } from './session.js';

const options = { initialDelay: 1000, maxDelay: 30_000 };

describe('reconnect backoff', () => {
  it('doubles per attempt up to the cap', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, options, 0.999999));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('spreads clients out with jitter between half and the full delay', () => {
    expect(backoffDelay(3, options, 0)).toBe(4000);
    expect(backoffDelay(3, options, 0.5)).toBe(6000);
    for (let i = 0; i < 100; i += 1) {
      const delay = backoffDelay(2, options, Math.random());
      expect(delay).toBeGreaterThanOrEqual(2000);
      expect(delay).toBeLessThanOrEqual(4000);
    }
  });
});
