import { afterEach, describe, expect, it } from 'vitest';
import {
  STATUS_MESSAGE_MAX,
  loadAvailability,
  loadStatusMessage,
  saveAvailability,
  saveStatusMessage,
} from './availability.js';

/** A stand-in for the browser's localStorage. */
function useStorage(): Map<string, string> {
  const map = new Map<string, string>();
  Object.defineProperty(globalThis, 'localStorage', {
    configurable: true,
    value: {
      getItem: (key: string) => map.get(key) ?? null,
      setItem: (key: string, value: string) => map.set(key, value),
      removeItem: (key: string) => map.delete(key),
    },
  });
  return map;
}

afterEach(() => {
  delete (globalThis as { localStorage?: unknown }).localStorage;
});

describe('the availability kept for an account', () => {
  it('is kept per account (in any case), and available is kept as nothing', () => {
    const map = useStorage();
    expect(loadAvailability('anna@example.com')).toBe('online');
    saveAvailability('Anna@Example.com', 'dnd');
    expect([...map]).toEqual([['mailbox-chat:availability:anna@example.com', 'dnd']]);
    expect(loadAvailability('anna@example.com')).toBe('dnd');
    expect(loadAvailability('ben@example.com')).toBe('online');
    saveAvailability('anna@example.com', 'online');
    expect(map.size).toBe(0);
  });

  it('takes nothing it does not know, and does without storage', () => {
    const map = useStorage();
    map.set('mailbox-chat:availability:anna@example.com', 'offline');
    expect(loadAvailability('anna@example.com')).toBe('online');
    delete (globalThis as { localStorage?: unknown }).localStorage;
    expect(loadAvailability('anna@example.com')).toBe('online');
    expect(() => saveAvailability('anna@example.com', 'away')).not.toThrow();
  });

  it('keeps the status message per account beside it, an empty one as nothing, never longer than allowed', () => {
    const map = useStorage();
    expect(loadStatusMessage('anna@example.com')).toBe('');
    saveStatusMessage('Anna@Example.com', 'Im Meeting');
    saveAvailability('anna@example.com', 'away');
    expect(Object.fromEntries(map)).toEqual({
      'mailbox-chat:availability:anna@example.com': 'away',
      'mailbox-chat:status:anna@example.com': 'Im Meeting',
    });
    expect(loadStatusMessage('anna@example.com')).toBe('Im Meeting');
    expect(loadStatusMessage('ben@example.com')).toBe('');
    saveStatusMessage('anna@example.com', '');
    expect(map.has('mailbox-chat:status:anna@example.com')).toBe(false);
    map.set('mailbox-chat:status:anna@example.com', 'x'.repeat(500));
    expect(loadStatusMessage('anna@example.com')).toHaveLength(STATUS_MESSAGE_MAX);
    delete (globalThis as { localStorage?: unknown }).localStorage;
    expect(loadStatusMessage('anna@example.com')).toBe('');
    expect(() => saveStatusMessage('anna@example.com', 'Hi')).not.toThrow();
  });
});
