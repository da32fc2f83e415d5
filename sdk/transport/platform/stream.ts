// Object-mode `Duplex` and `Transform` streams for the browser build, in place of the Node stream
// polyfill StanzaJS ships (readable-stream 2 with a string decoder, ≈ 7 KB gzip). StanzaJS uses
// streams in three places, all in object mode: the WebSocket and BOSH transports (Duplex: writes
// go out through `_write`/`_writev`, stanzas come in through `push`) and the XML stream parser
// (Transform). This covers exactly what those use, with the polyfill's semantics:
//
// - writes are serialized: a write made while a `_write` is pending waits for its callback; if the
//   stream has `_writev`, the waiting writes go out together in one call (BOSH batches them into
//   one HTTP request). A write's callback runs after its `_write` called back — on a later
//   microtask when that was synchronous. A failed write calls back with the error and emits
//   `'error'`; a write after `end()` does too;
// - `end()` waits for the pending writes, then emits `'finish'`;
// - `push(obj)` delivers `'data'` once a `'data'` listener is attached (synchronously when nothing
//   is queued, in order otherwise); `push(null)` then emits `'end'` on a microtask;
// - `destroy(err)` ends both sides and emits `'error'` (when given) and `'close'` on a microtask.
//
// Two things follow Node rather than the polyfill: `writableEnded` exists (the SDK's transport
// wrapper reads it to skip writes to an ended stream), and the writes that waited behind a failed
// write still go through `_write` and call back, instead of waiting forever.
//
// Not covered, because StanzaJS's browser code never uses them: byte streams and encodings,
// back-pressure (`push` and `write` report it, nothing waits for it), `pipe`, `cork`, `pause`.
// Used only by the browser bundles (scripts/rollup-stanza-subset.mjs); Node keeps its own streams.
import { EventEmitter, type Listener } from './events.js';

type Callback = (error?: Error | null) => void;

/** A write waiting for, or going through, `_write`/`_writev`. */
interface Write {
  chunk: unknown;
  encoding: string;
  callback: Callback;
}

const noop = (): void => {};

/** An object-mode duplex stream: what StanzaJS's transports extend. */
export class Duplex extends EventEmitter {
  // Readable side.
  #queue: unknown[] = [];
  #flowing = false;
  #flushScheduled = false;
  #eof = false;
  #endEmitted = false;

  // Writable side.
  #buffered: Write[] = [];
  #writing = false;
  #clearing = false;
  /** Writes accepted whose callbacks have not run yet. */
  #pending = 0;
  #ending = false;
  #finished = false;
  #prefinished = false;

  #destroyed = false;

  constructor(_options?: { objectMode?: boolean }) {
    super();
  }

  /** Implemented by subclasses: sends one chunk and calls `callback` once it is written. */
  _write(_chunk: unknown, _encoding: string, callback: Callback): void {
    callback(new Error('_write() is not implemented'));
  }

  /** Optionally implemented by subclasses: sends the chunks that waited for a pending write. */
  _writev?(chunks: Array<{ chunk: unknown; encoding: string }>, callback: Callback): void;

  /** Whether `end()` was called. */
  get writableEnded(): boolean {
    return this.#ending;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  override on(event: string | symbol, listener: Listener): this {
    super.on(event, listener);
    if (event === 'data' && !this.#flowing) {
      this.#flowing = true;
      this.#scheduleFlush();
    }
    return this;
  }

  override addListener(event: string | symbol, listener: Listener): this {
    return this.on(event, listener);
  }

  /** Queues `chunk` for the readable side; `null` ends it. */
  push(chunk: unknown): boolean {
    if (chunk === null) {
      if (!this.#eof) {
        this.#eof = true;
        this.#scheduleFlush();
      }
      return false;
    }
    if (this.#eof) {
      this.emit('error', new Error('stream.push() after EOF'));
      return false;
    }
    if (this.#flowing && this.#queue.length === 0) this.emit('data', chunk);
    else {
      this.#queue.push(chunk);
      this.#scheduleFlush();
    }
    return true;
  }

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      while (this.#flowing && this.#queue.length > 0) this.emit('data', this.#queue.shift());
      if (this.#flowing && this.#eof && this.#queue.length === 0 && !this.#endEmitted) {
        this.#endEmitted = true;
        this.emit('end');
      }
    });
  }

  write(chunk: unknown, encoding?: string | Callback, callback?: Callback): boolean {
    if (typeof encoding === 'function') {
      callback = encoding;
      encoding = undefined;
    }
    const done = callback ?? noop;
    if (this.#ending || chunk === null) {
      const error = this.#ending
        ? new Error('write after end')
        : new TypeError('May not write null values to stream');
      this.emit('error', error);
      queueMicrotask(() => done(error));
      return false;
    }
    this.#pending++;
    const write = { chunk, encoding: encoding ?? 'utf8', callback: done };
    if (this.#writing) this.#buffered.push(write);
    else this.#doWrite([write]);
    return this.#buffered.length < 16;
  }

  #doWrite(writes: Write[]): void {
    this.#writing = true;
    let sync = true;
    let called = false;
    const onWrite: Callback = (error) => {
      if (called) {
        this.emit('error', new Error('write callback called multiple times'));
        return;
      }
      called = true;
      this.#afterWrite(writes, error ?? undefined, sync);
    };
    const [first] = writes;
    if (writes.length === 1 && first) this._write(first.chunk, first.encoding, onWrite);
    else this._writev!(writes, onWrite);
    sync = false;
  }

  #afterWrite(writes: Write[], error: Error | undefined, sync: boolean): void {
    this.#writing = false;
    const callBack = (): void => {
      this.#pending -= writes.length;
      for (const write of writes) write.callback(error);
      this.#finishMaybe();
    };
    // A write that completed synchronously calls back on a microtask, as in Node.
    if (sync) queueMicrotask(callBack);
    if (error) {
      if (!sync) callBack();
      this.emit('error', error);
    }
    // The next writes start; after a failure too, so that they call back (with their own outcome)
    // instead of waiting forever.
    if (!this.#clearing && !this.#needFinish()) this.#clearBuffer();
    if (!error && !sync) callBack();
  }

  /** Starts the writes that waited: all at once through `_writev` when there is one. */
  #clearBuffer(): void {
    this.#clearing = true;
    while (this.#buffered.length > 0 && !this.#writing) {
      this.#doWrite(this.#buffered.splice(0, this._writev ? this.#buffered.length : 1));
    }
    this.#clearing = false;
  }

  /** Ends the writable side (after writing `chunk`, when given): `'finish'` follows the pending writes. */
  end(chunk?: unknown, encoding?: string | Callback, callback?: Callback): this {
    if (typeof chunk === 'function') {
      callback = chunk as Callback;
      chunk = undefined;
    } else if (typeof encoding === 'function') {
      callback = encoding;
      encoding = undefined;
    }
    if (chunk !== null && chunk !== undefined) this.write(chunk, encoding);
    if (!this.#ending) {
      this.#ending = true;
      this.#finishMaybe();
      if (callback) {
        if (this.#finished) queueMicrotask(callback);
        else this.once('finish', callback);
      }
    }
    return this;
  }

  #needFinish(): boolean {
    return this.#ending && !this.#finished && !this.#writing && this.#buffered.length === 0;
  }

  #finishMaybe(): void {
    if (!this.#needFinish()) return;
    if (!this.#prefinished) {
      this.#prefinished = true;
      this.emit('prefinish');
    }
    if (this.#pending === 0 && !this.#finished) {
      this.#finished = true;
      this.emit('finish');
    }
  }

  /** Ends both sides at once; emits `error` (when given), then `close`, on a microtask. */
  destroy(error?: Error | null): this {
    if (this.#destroyed) return this;
    this.#destroyed = true;
    this.push(null);
    this.end();
    queueMicrotask(() => {
      if (error) this.emit('error', error);
      this.emit('close');
    });
    return this;
  }
}

/** An object-mode transform stream: what StanzaJS's XML stream parser extends. */
export class Transform extends Duplex {
  constructor(options?: { objectMode?: boolean }) {
    super(options);
    // When the writable side is done, so is the readable side.
    this.on('prefinish', () => this.push(null));
  }

  /** Implemented by subclasses: pushes what `chunk` turns into, then calls `callback`. */
  _transform(
    _chunk: unknown,
    _encoding: string,
    callback: (error?: Error | null, data?: unknown) => void,
  ): void {
    callback(new Error('_transform() is not implemented'));
  }

  override _write(chunk: unknown, encoding: string, callback: Callback): void {
    this._transform(chunk, encoding, (error, data) => {
      if (data !== null && data !== undefined) this.push(data);
      callback(error);
    });
  }
}
