// A minimal RFC 7395 client for tests that must see frames exactly (stream errors, closes) or
// open many connections cheaply: a `ws` socket with subprotocol `xmpp`, every text frame kept, and
// a SASL PLAIN login (only over a link the server considers secure).
import WebSocket from 'ws';

const FRAMING = 'urn:ietf:params:xml:ns:xmpp-framing';

/** An open raw WebSocket XMPP connection. */
export interface RawWebSocket {
  readonly socket: WebSocket;
  /** Every text frame received so far, in order. */
  readonly frames: string[];
  send(xml: string): void;
  /** Sends `<open to=domain/>`. */
  open(domain: string): void;
  /** Resolves with the first frame (from the start, or after `from` frames) matching `test`. */
  next(
    test: RegExp | ((frame: string) => boolean),
    options?: { from?: number; timeoutMs?: number },
  ): Promise<string>;
  /** Resolves with the WebSocket close code once the socket is closed. */
  closed(timeoutMs?: number): Promise<number>;
  /** Logs in with SASL PLAIN and binds a resource (the server's choice if none is given); resolves with the full JID. */
  login(domain: string, user: string, password: string, resource?: string): Promise<string>;
  close(): void;
}

/**
 * Opens a WebSocket to `url` offering the `xmpp` subprotocol. Rejects with the HTTP status
 * (`error.status`) when the upgrade is refused.
 */
export function connectRaw(url: string, options: { origin?: string } = {}): Promise<RawWebSocket> {
  const socket = new WebSocket(url, 'xmpp', options.origin ? { origin: options.origin } : {});
  const frames: string[] = [];
  const waiters = new Set<() => void>();
  let closeCode: number | undefined;
  socket.on('message', (data) => {
    frames.push(String(data));
    for (const waiter of [...waiters]) waiter();
  });
  socket.on('close', (code) => {
    closeCode = code;
    for (const waiter of [...waiters]) waiter();
  });
  const wait = <T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const attempt = (): void => {
        const value = check();
        if (value === undefined) return;
        waiters.delete(attempt);
        clearTimeout(timer);
        resolve(value);
      };
      const timer = setTimeout(() => {
        waiters.delete(attempt);
        reject(new Error(`${what} not seen within ${timeoutMs} ms; frames: ${frames.join('\n')}`));
      }, timeoutMs);
      waiters.add(attempt);
      attempt();
    });

  const raw: RawWebSocket = {
    socket,
    frames,
    send: (xml) => socket.send(xml),
    open: (domain) => socket.send(`<open xmlns='${FRAMING}' to='${domain}' version='1.0'/>`),
    next(test, { from = 0, timeoutMs = 5000 } = {}) {
      const matches = typeof test === 'function' ? test : (frame: string) => test.test(frame);
      return wait(
        () => frames.slice(from).find(matches) ?? (closeCode !== undefined ? failClosed() : undefined),
        timeoutMs,
        `a frame matching ${String(test)}`,
      );
      function failClosed(): never {
        throw new Error(
          `closed (${closeCode}) before a frame matching ${String(test)}; frames: ${frames.join('\n')}`,
        );
      }
    },
    closed: (timeoutMs = 5000) => wait(() => closeCode, timeoutMs, 'the close'),
    async login(domain, user, password, resource) {
      const start = frames.length;
      raw.open(domain);
      await raw.next(/<mechanism>PLAIN<\/mechanism>/, { from: start });
      const token = Buffer.from(`\0${user}\0${password}`).toString('base64');
      const afterAuth = frames.length;
      raw.send(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${token}</auth>`);
      const outcome = await raw.next(/^<(success|failure)/, { from: afterAuth });
      if (outcome.startsWith('<failure')) throw new Error(`login failed: ${outcome}`);
      const afterRestart = frames.length;
      raw.open(domain);
      await raw.next(/urn:ietf:params:xml:ns:xmpp-bind/, { from: afterRestart });
      const wanted = resource ? `<resource>${resource}</resource>` : '';
      raw.send(
        `<iq xmlns='jabber:client' type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>${wanted}</bind></iq>`,
      );
      const bound = await raw.next(/id=['"]bind1['"]/, { from: afterRestart });
      const jid = /<jid>([^<]+)<\/jid>/.exec(bound)?.[1];
      if (!jid) throw new Error(`bind failed: ${bound}`);
      return jid;
    },
    close: () => socket.close(),
  };

  return new Promise<RawWebSocket>((resolve, reject) => {
    socket.once('open', () => resolve(raw));
    socket.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`upgrade refused: HTTP ${res.statusCode}`), { status: res.statusCode }));
      res.resume();
      socket.terminate();
    });
    socket.on('error', (error) => reject(error));
  });
}
