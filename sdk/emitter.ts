import { createNanoEvents } from 'nanoevents';
import { ChatError, ErrorCodes, isChatError } from './errors.js';

type Listener = (payload: never) => void;

/** A typed event emitter whose listeners cannot break delivery to each other. Internal. */
export interface Emitter<Events extends { [K in keyof Events]: Listener }> {
  on<K extends keyof Events>(event: K, listener: Events[K]): () => void;
  emit<K extends keyof Events>(event: K, payload: Parameters<Events[K]>[0]): void;
}

/**
 * Creates an emitter. A listener that throws does not stop the others: its error is handed to
 * `onListenerError` (the client reports it on its `error` event). Errors thrown by `error`
 * listeners themselves are written to the console, since reporting them again would loop.
 */
export function createEmitter<Events extends { [K in keyof Events]: Listener }>(
  onListenerError: (error: ChatError) => void,
): Emitter<Events> {
  const inner = createNanoEvents<Record<string, (payload: unknown) => void>>();
  return {
    on(event, listener) {
      const name = event as string;
      return inner.on(name, (payload: unknown) => {
        try {
          (listener as unknown as (payload: unknown) => void)(payload);
        } catch (cause) {
          if (name === 'error') {
            // An `error` listener failed: reporting it on `error` again could loop forever.
            console.error('mailbox-chat: an error listener threw', cause);
            return;
          }
          onListenerError(
            isChatError(cause)
              ? cause
              : new ChatError(ErrorCodes.listener, `A "${name}" listener threw`, { cause }),
          );
        }
      });
    },
    emit(event, payload) {
      inner.emit(event as string, payload);
    },
  };
}
