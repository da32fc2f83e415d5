import { ChatError, ErrorCodes } from '../errors.js';
import type { Emit } from '../events.js';
import type { Transport } from '../transport/xmpp.js';
import type { Status } from '../types.js';

/** The session: status and the connect/disconnect lifecycle. Internal. */
export interface Session {
  readonly status: Status;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}

/** Creates the session feature. */
export function createSession({ transport, emit }: { transport: Transport; emit: Emit }): Session {
  let status: Status = 'offline';
  let pending: Promise<void> | undefined;
  let closing = false;

  const setStatus = (next: Status, error?: ChatError): void => {
    if (next === status && !error) return;
    status = next;
    emit('status', error ? { status, error } : { status });
  };

  transport.on('online', () => setStatus('online'));
  transport.on('offline', ({ error }) => {
    // While connect() is pending, its rejection reports the failure (once).
    if (closing || pending) return;
    // Until automatic reconnect lands, a lost link ends in `disconnected`.
    setStatus('disconnected', error ?? new ChatError(ErrorCodes.connectionFailed, 'The connection was lost'));
  });

  return {
    get status() {
      return status;
    },
    connect() {
      if (status === 'online') return Promise.resolve();
      if (pending) return pending;
      closing = false;
      setStatus('connecting');
      pending = transport.connect().then(
        () => {
          pending = undefined;
        },
        (cause: unknown) => {
          pending = undefined;
          const error =
            cause instanceof ChatError
              ? cause
              : new ChatError(ErrorCodes.connectionFailed, 'Could not connect', { cause });
          setStatus('disconnected', error);
          throw error;
        },
      );
      return pending;
    },
    async disconnect() {
      closing = true;
      await transport.disconnect();
      setStatus('offline');
    },
  };
}
