import { afterEach, describe, expect, it } from 'vitest';
import { loadView, saveView, viewKey } from './view-state.js';

/** A stand-in for the tab's sessionStorage; `full` makes writes throw as a full storage does. */
function useStorage(entries: Record<string, string> = {}, full = false): Map<string, string> {
  const map = new Map(Object.entries(entries));
  Object.defineProperty(globalThis, 'sessionStorage', {
    configurable: true,
    value: {
      getItem: (key: string) => map.get(key) ?? null,
      setItem: (key: string, value: string) => {
        if (full) throw new DOMException('full', 'QuotaExceededError');
        map.set(key, value);
      },
    },
  });
  return map;
}

afterEach(() => {
  delete (globalThis as { sessionStorage?: unknown }).sessionStorage;
});

describe('the panel’s state kept for the next page', () => {
  it('is kept per element: under its id when it has one', () => {
    expect(viewKey('')).toBe('mailbox-chat:view');
    expect(viewKey('support')).toBe('mailbox-chat:view:support');
  });

  it('reads back what was saved', () => {
    useStorage();
    const state = {
      open: true,
      tab: 'rooms',
      active: { account: 'anna@example.com', jid: 'ben@example.com' },
      login: 'anna@example.com',
    };
    saveView('mailbox-chat:view', state);
    expect(loadView('mailbox-chat:view')).toEqual(state);
    expect(loadView('mailbox-chat:view:other')).toEqual({});
  });

  it('takes nothing from a malformed or foreign value', () => {
    useStorage({
      a: 'not json',
      b: 'null',
      c: '42',
      d: JSON.stringify({ open: 'yes', tab: 3, active: { account: 'anna@example.com' }, login: true }),
      e: JSON.stringify({ open: false, tab: 'contacts', active: 'ben@example.com' }),
    });
    expect(loadView('a')).toEqual({});
    expect(loadView('b')).toEqual({});
    expect(loadView('c')).toEqual({});
    expect(loadView('d')).toEqual({});
    expect(loadView('e')).toEqual({ tab: 'contacts' });
  });

  it('does without storage: none at all, or full', () => {
    expect(loadView('mailbox-chat:view')).toEqual({});
    expect(() => saveView('mailbox-chat:view', { open: true })).not.toThrow();
    const map = useStorage({}, true);
    expect(() => saveView('mailbox-chat:view', { open: true })).not.toThrow();
    expect(map.size).toBe(0);
  });
});
