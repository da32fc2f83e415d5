import { describe, expect, it, vi } from 'vitest';
import { createEmitter } from './emitter.js';
import type { ChatError } from './errors.js';

interface Events {
  ping: (event: { n: number }) => void;
  error: (event: { error: ChatError }) => void;
}

describe('the event emitter', () => {
  it('delivers to every listener even when one throws, and reports the failure', () => {
    const reported: ChatError[] = [];
    const events = createEmitter<Events>((error) => reported.push(error));
    const got: number[] = [];
    events.on('ping', () => {
      throw new Error('app bug');
    });
    events.on('ping', ({ n }) => got.push(n));
    events.emit('ping', { n: 1 });
    expect(got).toEqual([1]);
    expect(reported).toHaveLength(1);
    expect(reported[0]?.code).toBe('listener');
    expect((reported[0]?.cause as Error).message).toBe('app bug');
  });

  it('stops delivering after unsubscribe', () => {
    const events = createEmitter<Events>(() => {});
    const listener = vi.fn();
    const off = events.on('ping', listener);
    events.emit('ping', { n: 1 });
    off();
    events.emit('ping', { n: 2 });
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
