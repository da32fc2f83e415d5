import { ChatError, ErrorCodes } from './errors.js';
import { createEmitter } from './emitter.js';
import type { ChatEvents } from './events.js';
import { createChats } from './features/chats.js';
import { createDiscovery } from './features/discovery.js';
import { createSession, type ReconnectOptions } from './features/session.js';
import { sessionResumeStorage } from './resume-storage.js';
import { createTransport } from './transport/xmpp.js';
import type { Jid, Message, ResumeStorage, ServerInfo, Status } from './types.js';

/** Options for {@link createChat}. */
export interface ChatOptions {
  /** The account, e.g. `anna@example.com` (on mailbox: the main e-mail address). */
  jid: Jid;
  /** The password. Kept in memory only for this client; prefer `credentials` for portal SSO. */
  password?: string;
  /**
   * Called at each fresh login instead of keeping a password: return it from your portal's
   * backend. The result is used once and never stored.
   */
  credentials?: () => Promise<{ password: string }>;
  /**
   * Where to connect: a WebSocket (`wss://chat.example.com/xmpp-websocket`) or BOSH
   * (`https://chat.example.com/http-bind`) endpoint; in Node also `xmpp://host:5222` (STARTTLS)
   * or `xmpps://host:5223` (direct TLS). Omitted: DNS SRV in Node, XEP-0156 discovery in browsers.
   */
  service?: string;
  /**
   * Node only: TLS settings for TCP connections. `ca` adds trusted CA certificates (PEM), e.g. a
   * company CA. Certificates are always verified; there is no switch to turn that off.
   */
  tls?: { ca?: string | string[] };
  /** Resource to ask the server for; the server may assign another. */
  resource?: string;
  /** Seconds to wait for answers from the server. Default 15. */
  timeout?: number;
  /**
   * Automatic reconnect after a lost link: exponential backoff with jitter, reset after every
   * successful session or resume. `false` turns it off. Never retried: `auth-failed`,
   * `account-disabled`, `certificate`, `conflict`, `policy-violation`.
   */
  reconnect?: ReconnectOptions | false;
  /**
   * Keepalive on an idle link, in seconds: how often to check (XEP-0198 `<r/>`, else XEP-0199
   * ping) and how long to wait for the answer. A dead link is noticed within `interval + timeout`.
   * Default `{ interval: 60, timeout: 15 }`.
   */
  keepalive?: { interval: number; timeout: number };
  /**
   * Where XEP-0198 resume state is kept so that a reload resumes the session instead of starting
   * a new one. Default: `sessionStorage` in browsers, memory in Node. `false`: memory only.
   */
  resumeStorage?: ResumeStorage | false;
}

/** The SDK facade returned by {@link createChat}. */
export interface Chat {
  /** The current connection status. */
  readonly status: Status;
  /** What discovery found on the server in the current session; undefined until then. */
  readonly server: ServerInfo | undefined;
  /** Opens the session. Resolves when online; rejects with a {@link ChatError} (`auth-failed`, …). */
  connect(): Promise<void>;
  /** Closes the session; `status` becomes `offline`. */
  disconnect(): Promise<void>;
  /**
   * Sends a one-to-one message. Works offline: the message is queued and sent once online.
   * Returns the message with its first state (`sent`, or `queued` when offline).
   */
  send(to: Jid, body: string): Message;
  /** Subscribes to an event; returns a function that unsubscribes. */
  on<K extends keyof ChatEvents>(event: K, listener: ChatEvents[K]): () => void;
}

/**
 * In browsers: retry at once when the network comes back or the page becomes visible, instead of
 * waiting for the next backoff step.
 */
function watchConnectivity(retryNow: () => void): void {
  const target = globalThis as { addEventListener?: (type: string, listener: () => void) => void };
  target.addEventListener?.('online', retryNow);
  const doc = (globalThis as { document?: Document }).document;
  doc?.addEventListener('visibilitychange', () => {
    if (doc.visibilityState === 'visible') retryNow();
  });
}

/**
 * Creates a chat client for one account. Nothing goes on the wire until `connect()`.
 *
 * @example
 * ```ts
 * const chat = createChat({ jid: 'anna@example.com', password, service: 'wss://example.com/xmpp-websocket' });
 * chat.on('message', ({ message }) => console.log(message.from, message.body));
 * await chat.connect();
 * chat.send('ben@example.com', 'Hello');
 * ```
 * @throws ChatError `invalid-argument` when neither `password` nor `credentials` is given.
 */
export function createChat(options: ChatOptions): Chat {
  const { password } = options;
  const credentials =
    options.credentials ?? (password !== undefined ? async () => ({ password }) : undefined);
  if (!credentials) {
    throw new ChatError(ErrorCodes.invalidArgument, 'createChat needs `password` or `credentials`');
  }
  const events = createEmitter<ChatEvents>((error) => events.emit('error', { error }));
  const resumeStorage =
    options.resumeStorage === false
      ? undefined
      : (options.resumeStorage ?? sessionResumeStorage(options.jid));
  const transport = createTransport({
    jid: options.jid,
    keepalive: options.keepalive ?? { interval: 60, timeout: 15 },
    ...(resumeStorage ? { resumeStorage } : {}),
    ...(options.service ? { service: options.service } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    credentials,
    ...(options.resource ? { resource: options.resource } : {}),
    ...(options.timeout ? { timeout: options.timeout } : {}),
  });
  transport.on('error', ({ error }) => events.emit('error', { error }));

  // The features, composed in one place. Each subscribes to the transport's `online` event, whose
  // `resumed` flag tells a fresh session (redo per-session set-up: carbons, presence, rooms) from
  // a resumed one (nothing to redo).
  const session = createSession({ transport, emit: events.emit, reconnect: options.reconnect ?? {} });
  watchConnectivity(session.retryNow);
  const discovery = createDiscovery({ transport, emit: events.emit });
  const chats = createChats({ transport, emit: events.emit, discovery });

  return {
    get status() {
      return session.status;
    },
    get server() {
      return discovery.server;
    },
    connect: session.connect,
    disconnect: session.disconnect,
    send: chats.send,
    on: events.on,
  };
}
