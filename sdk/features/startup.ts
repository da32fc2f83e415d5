import type { Transport } from '../transport/xmpp.js';

/**
 * Orders a fresh session's set-up. What the first screen needs goes out first: the roster (before
 * our presence), then presence, discovery and rooms. What it does not need — the block list, our
 * own vCard, push — waits until the roster answer is in and the host has had a turn to send its
 * own first requests (joining a room, opening a chat), so none of them queues behind it.
 */
export interface Startup {
  /** The roster of this session is in (or failed): the deferred set-up may go. */
  rosterIn(): void;
  /** Runs `task` once the deferred set-up may go; dropped if this session ends first. */
  later(task: () => void): void;
}

/** For features used without a client's start-up order (tests, other hosts): everything at once. */
export const IMMEDIATE: Startup = {
  rosterIn() {},
  later: (task) => task(),
};

export function createStartup(transport: Transport): Startup {
  let session = 0;
  let gate: Promise<void> = Promise.resolve();
  let open = (): void => {};
  transport.on('bound', () => {
    session += 1;
    gate = new Promise((resolve) => (open = resolve));
  });
  return {
    rosterIn: () => open(),
    later(task) {
      const mine = session;
      const run = (): void => {
        if (mine !== session) return;
        if (transport.online) {
          task();
          return;
        }
        // Bound but not declared up yet (stream management being enabled): once it is.
        const off = transport.on('online', ({ resumed }) => {
          off();
          if (!resumed && mine === session) task();
        });
      };
      void gate.then(() => setTimeout(run, 0));
    },
  };
}
