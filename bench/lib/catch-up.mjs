/* global performance, setInterval, clearInterval, structuredClone */
// The archive catch-up measurement, shared by Node (bench/lib/archive-worker.mjs, memory store)
// and Chromium (bench/pages/archive.js, IndexedDB store): a fresh client whose store last saw the
// personal archive when it was empty (its catch-up cursor is the archive's start) connects, and
// the SDK's own catch-up brings every archived message into the store. Plain ES, no Node or DOM
// imports: the caller hands in `createChat`, the store, a clock and a memory probe.

/**
 * @param {{ createChat: Function, store: object, jid: string, password: string, service: string,
 *   peers: string[], expected: number, memory: () => number }} options
 *   `peers`: the conversations the archive holds; `expected`: how many messages it holds;
 *   `memory`: the heap in use (bytes), sampled every 10 ms.
 * @returns what it took: times (ms), messages stored, pages, peak memory growth (bytes).
 */
export async function measureCatchUp({ createChat, store, jid, password, service, peers, expected, memory }) {
  const now = () => performance.now();
  // Every message the client writes into its store is counted as the write completes.
  let stored = 0;
  let allStored;
  const whenAllStored = new Promise((resolve) => (allStored = resolve));
  // Every store call is counted and timed (from the call to its settling; calls may overlap).
  const calls = {};
  const timed =
    (key, call) =>
    async (...args) => {
      const began = now();
      try {
        return await call(...args);
      } finally {
        const c = (calls[key] ??= { calls: 0, ms: 0 });
        c.calls += 1;
        c.ms += now() - began;
      }
    };
  const counting = new Proxy(store, {
    get(target, key) {
      // Messages reach the store through putMessages, or in batches through the optional write.
      if (key === 'putMessages' || (key === 'write' && typeof target.write === 'function')) {
        return timed(key, async (changes) => {
          const messages = key === 'write' ? (changes.messages ?? []) : changes;
          await target[key](changes);
          stored += messages.length;
          if (stored >= expected) allStored();
        });
      }
      const value = target[key];
      return typeof value === 'function' ? timed(key, value.bind(target)) : value;
    },
  });
  // The store's cursor for the personal archive at its start: "caught up when it was empty".
  await store.setCursor(jid, '');
  // The store calls of the catch-up only (not the login's, not the read-back below).
  let storeCalls;

  const base = memory();
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, memory())), 10);
  const chat = createChat({ jid, password, service, store: counting, reconnect: false });
  let started;
  let pages;
  const done = new Promise((resolve, reject) => {
    chat.on('archive:catch-up', (event) => {
      if (event.archive !== jid) return;
      if (event.phase === 'started') {
        started = now();
        for (const key of Object.keys(calls)) delete calls[key];
      } else if (event.phase === 'done') {
        pages = event.pages;
        resolve(event);
      } else reject(event.error ?? new Error('catch-up failed'));
    });
  });
  // A catch-up that stalls fails the bench instead of hanging it.
  let timer;
  const stalled = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`catch-up stalled: ${stored} of ${expected} messages stored after 10 min`)),
      600_000,
    );
  });
  const connecting = now();
  await chat.connect();
  const online = now();
  await Promise.race([done, stalled]);
  const fetched = now();
  await Promise.race([whenAllStored, stalled]);
  clearTimeout(timer);
  const finished = now();
  storeCalls = structuredClone(calls);
  clearInterval(sampler);
  peak = Math.max(peak, memory());

  // What the store holds now, read back through its own interface (not timed).
  let held = 0;
  for (const peer of peers) held += (await store.messages(peer, { limit: expected })).length;
  await chat.disconnect();
  await store.close?.();
  return {
    messages: stored,
    held,
    pages,
    loginMs: online - connecting,
    catchUpMs: finished - started,
    fetchedMs: fetched - started,
    totalMs: finished - connecting,
    perSecond: (stored / (finished - started)) * 1000,
    peakMemoryDeltaBytes: peak - base,
    storeCalls,
  };
}
