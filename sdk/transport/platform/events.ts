// An `EventEmitter` for the browser build, in place of the `events` package (Node's EventEmitter
// ported to browsers, ≈ 2 KB gzip). StanzaJS's client, its stream management and its XML parser
// extend it; the SDK listens to the client. This covers what they use, with Node's semantics:
//
// - `on`/`addListener` append, `prependListener` puts first, `once` removes itself before it runs,
//   `off`/`removeListener` remove the most recently added match (a `once` listener by the function
//   given to `once`);
// - `emit` calls the listeners registered when it starts, in order, and says whether there were
//   any; an `'error'` without listeners throws it;
// - `listenerCount`, `listeners`, `removeAllListeners`; `setMaxListeners` is accepted and ignored
//   (there is no leak warning).
//
// Not covered, because nothing in the browser build uses them: `prependOnceListener`, the
// `'newListener'`/`'removeListener'` events, `captureRejections`, the static `once`/`on` helpers.
// Used only by the browser bundles (scripts/rollup-stanza-subset.mjs); Node keeps its own.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- listeners take any arguments
export type Listener = (...args: any[]) => void;

type Registered = Listener & { listener?: Listener };

export class EventEmitter {
  #events = new Map<string | symbol, Registered[]>();

  on(event: string | symbol, listener: Listener): this {
    return this.#add(event, listener);
  }

  addListener(event: string | symbol, listener: Listener): this {
    return this.#add(event, listener);
  }

  #add(event: string | symbol, listener: Listener): this {
    const listeners = this.#events.get(event);
    if (listeners) listeners.push(listener);
    else this.#events.set(event, [listener]);
    return this;
  }

  /** Adds `listener` before the others (the SDK reads messages before StanzaJS's own handlers). */
  prependListener(event: string | symbol, listener: Listener): this {
    this.#events.set(event, [listener, ...(this.#events.get(event) ?? [])]);
    return this;
  }

  once(event: string | symbol, listener: Listener): this {
    let fired = false;
    const once: Registered = (...args) => {
      this.removeListener(event, once);
      // An emit that started before the removal still holds it: run only once all the same.
      if (fired) return;
      fired = true;
      listener.apply(this, args);
    };
    once.listener = listener;
    return this.on(event, once);
  }

  // `off` and `removeListener` do not call each other: StanzaJS's client sets `this.off =
  // this.removeListener`, as Node's are one function.
  off(event: string | symbol, listener: Listener): this {
    return this.#remove(event, listener);
  }

  removeListener(event: string | symbol, listener: Listener): this {
    return this.#remove(event, listener);
  }

  #remove(event: string | symbol, listener: Listener): this {
    const listeners = this.#events.get(event) ?? [];
    for (let i = listeners.length - 1; i >= 0; i--) {
      if (listeners[i] === listener || listeners[i]?.listener === listener) {
        listeners.splice(i, 1);
        if (listeners.length === 0) this.#events.delete(event);
        break;
      }
    }
    return this;
  }

  removeAllListeners(event?: string | symbol): this {
    if (event === undefined) this.#events.clear();
    else this.#events.delete(event);
    return this;
  }

  emit(event: string | symbol, ...args: unknown[]): boolean {
    const listeners = this.#events.get(event);
    if (!listeners) {
      if (event !== 'error') return false;
      const [error] = args;
      throw error instanceof Error ? error : new Error(`Unhandled error. (${String(error)})`);
    }
    for (const listener of [...listeners]) listener.apply(this, args);
    return true;
  }

  listenerCount(event: string | symbol): number {
    return this.#events.get(event)?.length ?? 0;
  }

  listeners(event: string | symbol): Listener[] {
    return (this.#events.get(event) ?? []).map((listener) => listener.listener ?? listener);
  }

  setMaxListeners(_count: number): this {
    return this;
  }
}
