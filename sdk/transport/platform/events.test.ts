import { EventEmitter as NodeEventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { EventEmitter } from './events.js';

// The same scenarios against Node's EventEmitter: what StanzaJS and the SDK rely on behaves alike.
describe.each([
  ['the browser shim', EventEmitter],
  ["Node's events", NodeEventEmitter],
] as const)('an EventEmitter (%s)', (_name, Emitter) => {
  const create = (): EventEmitter => new (Emitter as typeof EventEmitter)();

  it('calls listeners in the order they were added, with all arguments and the emitter as this', () => {
    const emitter = create();
    const log: unknown[] = [];
    emitter.on('stanza', (...args: unknown[]) => log.push(['first', ...args]));
    emitter.addListener('stanza', function (this: unknown, kind: string) {
      log.push(['second', kind, this === emitter]);
    });
    expect(emitter.emit('stanza', 'message', { id: 1 })).toBe(true);
    expect(emitter.emit('other')).toBe(false);
    expect(log).toEqual([
      ['first', 'message', { id: 1 }],
      ['second', 'message', true],
    ]);
  });

  it('calls a prepended listener before the ones added earlier', () => {
    const emitter = create();
    const log: string[] = [];
    emitter.on('message', () => log.push('stanza'));
    emitter.prependListener('message', () => log.push('sdk'));
    emitter.prependListener('other', () => log.push('other'));
    emitter.emit('message');
    expect(log).toEqual(['sdk', 'stanza']);
  });

  it('runs a once listener a single time, even when the event is emitted again inside a listener', () => {
    const emitter = create();
    const log: string[] = [];
    emitter.on('x', () => {
      log.push('outer');
      if (log.length === 1) emitter.emit('x');
    });
    emitter.once('x', () => log.push('once'));
    emitter.emit('x');
    emitter.emit('x');
    expect(log.filter((entry) => entry === 'once')).toHaveLength(1);
    expect(emitter.listenerCount('x')).toBe(1);
  });

  it('removes a once listener by the function given to once, before it ran', () => {
    const emitter = create();
    const listener = (): void => {
      throw new Error('removed listeners are not called');
    };
    emitter.once('x', listener);
    expect(emitter.listeners('x')).toEqual([listener]);
    emitter.off('x', listener);
    expect(emitter.emit('x')).toBe(false);
  });

  it('removes the most recently added match only, and keeps an emit that started going', () => {
    const emitter = create();
    const log: string[] = [];
    const a = (): void => void log.push('a');
    const b = (): void => {
      log.push('b');
      emitter.removeListener('x', a);
      emitter.on('x', () => log.push('added during emit'));
    };
    emitter.on('x', a);
    emitter.on('x', b);
    emitter.on('x', a);
    emitter.emit('x');
    expect(log).toEqual(['a', 'b', 'a']); // the removal and the addition apply from the next emit
    log.length = 0;
    emitter.emit('x');
    expect(log).toEqual(['a', 'b', 'added during emit']);
  });

  it('throws an error event nobody listens to, and delivers it to a listener', () => {
    const emitter = create();
    const error = new Error('Socket closed');
    expect(() => emitter.emit('error', error)).toThrow(error);
    expect(() => emitter.emit('error', 'text')).toThrow(/Unhandled error/);
    const seen: unknown[] = [];
    emitter.on('error', (e: unknown) => seen.push(e));
    expect(emitter.emit('error', error)).toBe(true);
    expect(seen).toEqual([error]);
  });

  it('counts, lists and removes all listeners; accepts setMaxListeners', () => {
    const emitter = create();
    const listener = (): void => {};
    expect(emitter.setMaxListeners(100)).toBe(emitter);
    emitter.on('a', listener).on('a', listener).on('b', listener);
    expect(emitter.listenerCount('a')).toBe(2);
    expect(emitter.listenerCount('none')).toBe(0);
    emitter.removeAllListeners('a');
    expect(emitter.listenerCount('a')).toBe(0);
    expect(emitter.listenerCount('b')).toBe(1);
    emitter.removeAllListeners();
    expect(emitter.listenerCount('b')).toBe(0);
  });

  it("keeps working when a subclass aliases off to removeListener (as StanzaJS's client does)", () => {
    class Client extends (Emitter as typeof EventEmitter) {
      constructor() {
        super();
        this.off = this.removeListener;
      }
    }
    const client = new Client();
    const log: string[] = [];
    const listener = (): void => void log.push('called');
    client.on('x', listener);
    client.once('x', () => log.push('once'));
    client.off('x', listener);
    client.emit('x');
    client.emit('x');
    expect(log).toEqual(['once']);
  });

  it('lets a subclass override emit and call the original (as StanzaJS adds its wildcard events)', () => {
    class Client extends (Emitter as typeof EventEmitter) {
      override emit(name: string | symbol, ...args: unknown[]): boolean {
        const result = super.emit(name, ...args);
        super.emit('*', name, ...args);
        return result;
      }
    }
    const client = new Client();
    const log: unknown[] = [];
    client.on('*', (...args: unknown[]) => log.push(args));
    client.once('session:started', () => log.push('started'));
    client.emit('session:started', 'anna@example.com');
    expect(log).toEqual(['started', ['session:started', 'anna@example.com']]);
  });
});
