/**
 * The worker's file, beside the bundle that starts it. The browser builds copy the worker there and
 * set its name here (rollup.config.mjs); in the package's modules it stays unset, as a bundler's
 * build of them has no such file.
 */
let workerFile: string | undefined;

let started = false;

/**
 * Has a worker thread create the page's first date format and collator. In Chromium the first
 * date format costs 40–60 ms (time zone and calendar data), the first collator 12–18 ms, and what
 * they load serves every thread of the page's process: once a worker has done that on another
 * core, the widget's own first time stamp and contact sort cost the main thread well under a
 * millisecond. Once per page. Where no worker can start — the bundle served from another origin, a
 * Content-Security-Policy without workers, the file not deployed beside the bundle — the main
 * thread does that work when it first needs them, as it would without this.
 */
export function prepareDateFormats(): void {
  if (started || workerFile === undefined || typeof Worker === 'undefined') return;
  started = true;
  try {
    const worker = new Worker(new URL(workerFile, import.meta.url));
    // A missing or refused file: the browser reports it; there is nothing else to do.
    worker.addEventListener('error', (event) => event.preventDefault());
  } catch {
    // Another origin (SecurityError) or a policy that forbids workers: nothing to prepare.
  }
}
