import * as node from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Duplex, Transform } from './stream.js';

type Callback = (error?: Error | null) => void;
type Log = string[];

/** Lets queued microtasks (and Node's nextTick queue) run. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * A transport as StanzaJS writes them (its BOSH transport): writes are held until `release()`
 * calls them back, and a `_writev` (when `batches`) takes the writes that waited in one go.
 */
function transport(Base: typeof Duplex | typeof node.Duplex, batches: boolean) {
  const log: Log = [];
  const held: Callback[] = [];
  class Transport extends (Base as typeof Duplex) {
    constructor() {
      super({ objectMode: true });
      this.on('data', (data: unknown) => log.push(`data ${String(data)}`));
      this.on('end', () => log.push('end'));
      this.on('finish', () => log.push('finish'));
    }
    _read(): void {}
    override _write(chunk: unknown, _encoding: string, done: Callback): void {
      log.push(`_write ${String(chunk)}`);
      held.push(done);
    }
  }
  if (batches) {
    Transport.prototype._writev = function (chunks, done) {
      log.push(`_writev ${chunks.map((c) => String(c.chunk)).join('+')}`);
      held.push(done);
    };
  }
  const stream = new Transport();
  const write = (chunk: string): void => {
    stream.write(chunk, 'utf8', (error) => log.push(`written ${chunk}${error ? ` ${error.message}` : ''}`));
  };
  const release = (): void => held.shift()?.();
  return { stream, log, write, release };
}

// The same scenarios run against Node's own streams: what StanzaJS relies on behaves alike.
const implementations = [
  ['the browser shim', Duplex],
  ["Node's stream", node.Duplex],
] as const;

describe.each(implementations)('a Duplex in object mode (%s)', (_name, Base) => {
  it('starts a write made while another is pending only after that one called back', async () => {
    const { log, write, release } = transport(Base, false);
    write('a');
    write('b');
    write('c');
    expect(log).toEqual(['_write a']);
    release();
    await settle();
    expect(log).toEqual(['_write a', '_write b', 'written a']);
    release();
    release();
    await settle();
    expect(log).toEqual(['_write a', '_write b', 'written a', '_write c', 'written b', 'written c']);
  });

  it('hands the writes that waited to _writev together, in order', async () => {
    const { log, write, release } = transport(Base, true);
    write('a');
    write('b');
    write('c');
    release();
    await settle();
    expect(log).toEqual(['_write a', '_writev b+c', 'written a']);
    release();
    await settle();
    expect(log.slice(3)).toEqual(['written b', 'written c']);
  });

  it('calls back a write that completed synchronously only after write() returned', async () => {
    const log: Log = [];
    class Sync extends (Base as typeof Duplex) {
      _read(): void {}
      override _write(chunk: unknown, _encoding: string, done: Callback): void {
        log.push(`_write ${String(chunk)}`);
        done();
      }
    }
    const stream = new Sync({ objectMode: true });
    stream.write('a', () => log.push('written a'));
    stream.write('b', () => log.push('written b'));
    log.push('returned');
    await settle();
    expect(log).toEqual(['_write a', '_write b', 'returned', 'written a', 'written b']);
  });

  it('finishes on end() only after the pending writes called back', async () => {
    const { stream, log, write, release } = transport(Base, true);
    write('a');
    write('b');
    stream.end(() => log.push('end() called back'));
    await settle();
    expect(log).toEqual(['_write a']);
    release();
    await settle();
    release();
    await settle();
    expect(log.slice(0, 4)).toEqual(['_write a', '_write b', 'written a', 'written b']);
    expect(log.slice(4).sort()).toEqual(['end() called back', 'finish']);
    expect(stream.writableEnded).toBe(true);
  });

  it('writes the chunk given to end() before finishing', async () => {
    const { stream, log, release } = transport(Base, false);
    stream.end('last');
    release();
    await settle();
    expect(log).toEqual(['_write last', 'finish']);
  });

  it('reports a failed write to its callback and as an error', async () => {
    const log: Log = [];
    class Failing extends (Base as typeof Duplex) {
      _read(): void {}
      override _write(_chunk: unknown, _encoding: string, done: Callback): void {
        done(new Error('Socket closed'));
      }
    }
    const stream = new Failing({ objectMode: true });
    stream.on('error', (error: Error) => log.push(`error ${error.message}`));
    stream.write('a', (error) => log.push(`written a ${error?.message}`));
    await settle();
    expect(log.sort()).toEqual(['error Socket closed', 'written a Socket closed']);
  });

  it('reports a write after end() to its callback and as an error', async () => {
    const { stream, log, release } = transport(Base, false);
    const errors: string[] = [];
    stream.on('error', (error: Error) => errors.push(error.message));
    stream.end();
    release();
    await settle();
    const failed = await new Promise<Error | null | undefined>((resolve) => stream.write('late', resolve));
    expect(failed).toBeInstanceOf(Error);
    expect(errors).toEqual([failed?.message]);
    expect(log).toEqual(['finish']);
  });

  it('emits pushed objects as data, then end after push(null)', async () => {
    const { stream, log } = transport(Base, false);
    await settle();
    stream.push('x');
    stream.push('y');
    stream.push(null);
    await settle();
    expect(log).toEqual(['data x', 'data y', 'end']);
  });

  it('keeps what is pushed before a data listener and delivers it in order', async () => {
    class Source extends (Base as typeof Duplex) {
      _read(): void {}
    }
    const stream = new Source({ objectMode: true });
    stream.push(1);
    stream.push(2);
    stream.push(null);
    await settle();
    const log: Log = [];
    stream.on('end', () => log.push('end'));
    stream.on('data', (data: number) => {
      log.push(`data ${data}`);
    });
    await settle();
    expect(log).toEqual(['data 1', 'data 2', 'end']);
  });

  it('delivers a push synchronously to a flowing stream with nothing queued', async () => {
    const { stream, log } = transport(Base, false);
    await settle();
    stream.push('now');
    expect(log).toEqual(['data now']);
  });

  it('refuses a push after push(null) with an error', async () => {
    const { stream } = transport(Base, false);
    const errors: unknown[] = [];
    stream.on('error', (error: unknown) => errors.push(error));
    stream.push(null);
    stream.push('late');
    await settle();
    expect(errors).toHaveLength(1);
  });

  it('ends both sides on destroy(error), then emits the error and close', async () => {
    const { stream, log } = transport(Base, false);
    stream.on('error', (error: Error) => log.push(`error ${error.message}`));
    stream.on('close', () => log.push('close'));
    stream.destroy(new Error('broken'));
    expect(stream.destroyed).toBe(true);
    await settle();
    expect(log).toContain('error broken');
    expect(log.at(-1)).toBe('close');
  });
});

/** An XML-parser-like transform (as StanzaJS's StreamParser): one chunk in, several objects out. */
function splitter(Base: typeof Transform | typeof node.Transform) {
  class Splitter extends (Base as typeof Transform) {
    override _transform(chunk: unknown, _encoding: string, done: Callback): void {
      for (const part of String(chunk).split(',')) {
        if (part === '!') return void this.destroy(new Error('not well-formed'));
        this.push(part);
      }
      done();
    }
  }
  return new Splitter({ objectMode: true });
}

describe.each([
  ['the browser shim', Transform],
  ["Node's stream", node.Transform],
] as const)('a Transform in object mode (%s)', (_name, Base) => {
  it('delivers what one write pushes before write() returns', () => {
    const parser = splitter(Base);
    const log: Log = [];
    parser.on('data', (data: string) => log.push(data));
    parser.write('a,b');
    parser.write('c');
    log.push('returned');
    expect(log).toEqual(['a', 'b', 'c', 'returned']);
  });

  it('ends its readable side once the writable side finished', async () => {
    const parser = splitter(Base);
    const log: Log = [];
    parser.on('data', (data: string) => log.push(data));
    parser.on('finish', () => log.push('finish'));
    parser.on('end', () => log.push('end'));
    parser.write('a');
    parser.end();
    await settle();
    expect(log[0]).toBe('a');
    expect(log.slice(1).sort()).toEqual(['end', 'finish']);
  });

  it('reports destroy(error) from inside _transform as an error, once', async () => {
    const parser = splitter(Base);
    const log: Log = [];
    parser.on('data', (data: string) => log.push(data));
    parser.on('error', (error: Error) => log.push(`error ${error.message}`));
    parser.write('a,!,b');
    expect(parser.destroyed).toBe(true);
    await settle();
    expect(log).toEqual(['a', 'error not well-formed']);
  });
});

describe('the browser shim beyond what Node guarantees', () => {
  it('lets writes that waited behind a failed write go on and call back', async () => {
    const log: Log = [];
    let fail: Callback = () => {};
    class Flaky extends Duplex {
      override _write(chunk: unknown, _encoding: string, done: Callback): void {
        if (chunk === 'a') fail = done;
        else done();
      }
    }
    const stream = new Flaky({ objectMode: true });
    stream.on('error', (error: Error) => log.push(`error ${error.message}`));
    stream.write('a', (error) => log.push(`written a ${error?.message}`));
    stream.write('b', (error) => log.push(`written b ${error?.message}`));
    fail(new Error('Socket closed'));
    await settle();
    expect(log).toEqual(['written a Socket closed', 'error Socket closed', 'written b undefined']);
  });

  it('sends writes to _writev only when there is one', async () => {
    const { log, write, release } = transport(Duplex, false);
    write('a');
    write('b');
    write('c');
    release();
    release();
    await settle();
    expect(log.filter((line) => line.startsWith('_write'))).toEqual(['_write a', '_write b', '_write c']);
  });
});
