// The Node-only TCP transport for StanzaJS, which ships none: RFC 6120 over TCP with STARTTLS,
// XEP-0368 direct TLS, and DNS SRV lookup. TLS is mandatory (a server without STARTTLS is
// refused), SNI is the XMPP domain, and certificates are always verified against the XMPP domain.
// Registered from `sdk/node.ts`; browser bundles never import this module.
//
// It follows StanzaJS's own transports (transports/websocket.js): the client calls
// connect(config) / restart() / send(name, data) / disconnect(cleanly), and the transport emits
// 'connected', 'stream:start', 'stream:data', 'stream:end', 'stream:error', 'raw' and
// '--transport-disconnected' (exactly once per transport) on the client. Why a connection could not
// be opened is reported on '--transport-failure' (a ChatError: `certificate` or
// `connection-failed`) right before the disconnect, so that the session layer can tell a
// certificate failure (retrying cannot help) from an unreachable server.
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import {
  checkServerIdentity,
  connect as tlsConnect,
  rootCertificates,
  type ConnectionOptions,
  type TLSSocket,
} from 'node:tls';
import {
  JXT,
  type Agent,
  type Stanzas,
  type Transport as StanzaTransport,
  type TransportConfig,
} from 'stanza';
import { ChatError, ErrorCodes } from '../errors.js';
import type { PlatformTransportOptions, StanzaTransportClass } from './registry.js';
import { lookupTargets, type ConnectTarget } from './srv.js';

/** The port used for `xmpps://host` without a port (XEP-0368 has none; 5223 is the convention). */
const DEFAULT_DIRECT_TLS_PORT = 5223;
/** Upper bound, in seconds, for reaching one target up to its first stream features over TLS. */
const MAX_ATTEMPT_SECONDS = 10;
/** Milliseconds to wait for the server's `</stream:stream>` after ours before closing anyway. */
const CLOSE_GRACE_MS = 1000;

/** OpenSSL verification results (as Node reports them in `error.code`) that mean "bad certificate". */
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

type Registry = ConstructorParameters<StanzaTransportClass>[2];
type StreamManager = ConstructorParameters<StanzaTransportClass>[1];

/** Where and how to connect, from a transport URL. */
interface ParsedUrl {
  host: string;
  port?: number;
  directTls: boolean;
}

/** Reads `xmpp://host[:port]` (STARTTLS) or `xmpps://host[:port]` (direct TLS). */
function parseUrl(url: string): ParsedUrl | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL at all: the caller reports it as an unusable service.
    return undefined;
  }
  const scheme = parsed.protocol.toLowerCase();
  if ((scheme !== 'xmpp:' && scheme !== 'xmpps:') || !parsed.hostname) return undefined;
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host,
    ...(parsed.port ? { port: Number(parsed.port) } : {}),
    directTls: scheme === 'xmpps:',
  };
}

/** Escapes a value for a single-quoted XML attribute. */
function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');
}

/** Turns a socket/TLS error into the ChatError the session layer understands. */
function failureFrom(error: (Error & { code?: string }) | undefined, target: ConnectTarget, domain: string) {
  const where = `${target.host}:${target.port}`;
  if (error?.code && CERTIFICATE_CODES.has(error.code)) {
    return new ChatError(
      ErrorCodes.certificate,
      `The TLS certificate of ${where} is not valid for ${domain} (${error.code})`,
      { condition: error.code, cause: error },
    );
  }
  return new ChatError(
    ErrorCodes.connectionFailed,
    `Could not open an XMPP stream to ${where}${error ? `: ${error.message}` : ''}`,
    error ? { cause: error } : {},
  );
}

/** One connection attempt in progress: how to end it. */
interface PendingAttempt {
  target: ConnectTarget;
  succeed(): void;
  fail(error: ChatError): void;
}

/**
 * Builds the StanzaJS transport class for TCP (`xmpp://`, `xmpps://`) for one client. The URL it
 * gets from StanzaJS decides how it connects:
 * - `xmpp://host:port` — TCP, then STARTTLS (required);
 * - `xmpps://host:port` — direct TLS (XEP-0368) with ALPN `xmpp-client`;
 * - `xmpp://domain` without a port — DNS SRV (`_xmpps-client` and `_xmpp-client`, see
 *   {@link lookupTargets}), trying the targets in order until one opens a stream;
 * - `xmpps://host` without a port — direct TLS on port 5223.
 *
 * In every case SNI and certificate verification use `options.domain` (the XMPP domain), never the
 * host connected to, and `options.ca` only adds trust anchors to Node's built-in ones.
 */
export function createTcpTransport(options: PlatformTransportOptions): StanzaTransportClass {
  const domain = options.domain;
  const extraCa = options.ca === undefined ? [] : Array.isArray(options.ca) ? options.ca : [options.ca];
  const tlsOptions: ConnectionOptions = {
    // An IP literal cannot be sent as SNI; the certificate is then checked against it directly.
    ...(isIP(domain)
      ? { checkServerIdentity: (_host: string, cert) => checkServerIdentity(domain, cert) }
      : { servername: domain }),
    ...(extraCa.length > 0 ? { ca: [...rootCertificates, ...extraCa] } : {}),
    // The default, spelled out: this transport never talks to a server it could not verify.
    rejectUnauthorized: true,
  };

  return class TcpTransport implements StanzaTransport {
    hasStream = false;
    stream?: Stanzas.Stream;
    authenticated = false;

    private readonly client: Agent;
    private readonly sm: StreamManager;
    private readonly stanzas: Registry;
    private config?: TransportConfig;
    /** The current socket: plain TCP until STARTTLS, then the TLS socket on top of it. */
    private conn: Socket | TLSSocket | undefined;
    private decoder: StringDecoder | undefined;
    private parser: JXT.StreamParser | undefined;
    /** TLS is up on {@link conn}. */
    private secure = false;
    /** The secure stream is open and the client drives it (first features seen over TLS). */
    private ready = false;
    /** `disconnect()` was called or the transport finished: no more attempts. */
    private stopped = false;
    /** '--transport-disconnected' was emitted: nothing else happens on this transport. */
    private ended = false;
    /** We sent `</stream:stream>` and wait for the server's. */
    private closing = false;
    private closeTimer?: ReturnType<typeof setTimeout>;
    private pending: PendingAttempt | undefined;
    private lastError: (Error & { code?: string }) | undefined;

    constructor(client: Agent, sm: StreamManager, stanzas: Registry) {
      this.client = client;
      this.sm = sm;
      this.stanzas = stanzas;
    }

    connect(config: TransportConfig): void {
      this.config = config;
      this.hasStream = false;
      this.open(config.url ?? '').catch((error: unknown) => {
        // A resolver that threw, or a bug: report it like any other failure to connect.
        this.fail(new ChatError(ErrorCodes.connectionFailed, 'Could not connect over TCP', { cause: error }));
      });
    }

    restart(): void {
      // After SASL success: a new stream on the same (TLS) socket, with a fresh parser.
      this.hasStream = false;
      this.startStream();
    }

    /**
     * Writes a top-level element. Once the stream is closing or the link is gone, nothing is
     * written and the promise resolves: the stanza is tracked by stream management, which replays
     * it after a resume or reports it failed after a fresh login (as the WebSocket workaround in
     * xmpp.ts does); the socket's close reports the loss. This keeps StanzaJS from logging every
     * write that raced a disconnect.
     */
    async send(name: string, data?: JXT.JSONData): Promise<void> {
      const output = data ? this.stanzas.export(name, data)?.toString() : undefined;
      if (!output || this.ended || this.closing) return;
      if (!this.ready) throw new Error('The XMPP stream is not open yet');
      await this.write(output).catch(() => {
        // The link died under the write: the close handler reports it (see above).
      });
    }

    disconnect(cleanly = true): void {
      if (this.ended) return;
      if (cleanly && this.ready && this.hasStream && !this.closing && this.conn?.writable) {
        this.closing = true;
        this.write('</stream:stream>').catch(() => {
          // The socket is already gone: its close handler finishes the transport.
        });
        this.closeTimer = setTimeout(() => this.finish(), CLOSE_GRACE_MS);
        return;
      }
      this.stopped = true;
      this.pending?.fail(new ChatError(ErrorCodes.connectionFailed, 'Disconnected while connecting'));
      this.finish(false);
    }

    /** Resolves the URL to targets and tries them in order; reports the failure if none works. */
    private async open(url: string): Promise<void> {
      const parsed = parseUrl(url);
      if (!parsed) {
        this.fail(new ChatError(ErrorCodes.connectionFailed, `Not a TCP service URL: ${url}`));
        return;
      }
      let targets: ConnectTarget[];
      if (parsed.port !== undefined) {
        targets = [{ host: parsed.host, port: parsed.port, directTls: parsed.directTls }];
      } else if (parsed.directTls) {
        targets = [{ host: parsed.host, port: DEFAULT_DIRECT_TLS_PORT, directTls: true }];
      } else {
        targets = await lookupTargets(parsed.host);
      }
      if (this.stopped) return;
      if (targets.length === 0) {
        this.fail(
          new ChatError(
            ErrorCodes.connectionFailed,
            `${parsed.host} offers no XMPP client service (SRV ".")`,
          ),
        );
        return;
      }
      const failures: ChatError[] = [];
      for (const target of targets) {
        try {
          await this.attempt(target);
          return;
        } catch (error) {
          if (this.stopped) return;
          failures.push(error as ChatError);
        }
      }
      // A certificate problem says more than "the backup host was unreachable".
      this.fail(failures.find((f) => f.code === ErrorCodes.certificate) ?? failures[failures.length - 1]!);
    }

    /** One target: resolves when its stream over TLS offers its first features. */
    private attempt(target: ConnectTarget): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        const seconds = Math.min(this.client.config.timeout ?? MAX_ATTEMPT_SECONDS, MAX_ATTEMPT_SECONDS);
        const timer = setTimeout(() => {
          pending.fail(
            new ChatError(
              ErrorCodes.connectionFailed,
              `No XMPP stream from ${target.host}:${target.port} within ${seconds} s`,
            ),
          );
        }, seconds * 1000);
        const settle = (): boolean => {
          if (this.pending !== pending) return false;
          this.pending = undefined;
          clearTimeout(timer);
          return true;
        };
        const pending: PendingAttempt = {
          target,
          succeed: () => {
            if (settle()) resolve();
          },
          fail: (error) => {
            if (!settle()) return;
            this.dropSocket();
            reject(error);
          },
        };
        this.pending = pending;
        this.lastError = undefined;
        this.secure = false;
        const socket = target.directTls
          ? tlsConnect({
              host: target.host,
              port: target.port,
              ALPNProtocols: ['xmpp-client'],
              ...tlsOptions,
            })
          : netConnect({ host: target.host, port: target.port });
        this.attach(socket);
        socket.once(target.directTls ? 'secureConnect' : 'connect', () => {
          if (this.conn !== socket) return;
          if (target.directTls) this.secured();
          else this.startStream();
        });
      });
    }

    /** Makes `socket` the current one and routes its events. */
    private attach(socket: Socket | TLSSocket): void {
      this.conn = socket;
      this.decoder = new StringDecoder('utf8');
      socket.setNoDelay(true);
      socket.setKeepAlive(true, 60_000);
      socket.on('data', (chunk: Buffer) => {
        if (this.conn !== socket || !this.decoder) return;
        const text = this.decoder.write(chunk);
        if (!text) return;
        this.client.emit('raw', 'incoming', text);
        this.parser?.write(text);
      });
      socket.on('error', (error: Error & { code?: string }) => {
        // Errors of a socket we no longer use (the plain one under TLS) need no report: the
        // current socket reports its own.
        if (this.conn !== socket) return;
        this.lastError ??= error;
        this.pending?.fail(failureFrom(error, this.pending.target, domain));
      });
      socket.on('close', () => {
        if (this.conn !== socket) return;
        if (this.pending) this.pending.fail(failureFrom(this.lastError, this.pending.target, domain));
        else this.finish();
      });
    }

    /** TLS is up (direct, or after STARTTLS): the stream the client will drive starts now. */
    private secured(): void {
      this.secure = true;
      (this.sm as unknown as { started: boolean }).started = false;
      this.client.emit('connected');
      this.startStream();
    }

    /** Opens a stream on the current socket with a fresh parser. */
    private startStream(): void {
      const parser = new JXT.StreamParser({
        acceptLanguages: this.config?.acceptLanguages ?? [],
        allowComments: false,
        ...(this.config?.lang ? { lang: this.config.lang } : {}),
        registry: this.stanzas,
        rootKey: 'stream',
        wrappedStream: true,
      });
      parser.on('data', (event: JXT.ParsedData) => {
        if (this.parser === parser) this.onParsed(event);
      });
      parser.on('error', (error: Error) => {
        if (this.parser === parser) this.onParseError(error);
      });
      this.parser = parser;
      const lang = this.config?.lang ? ` xml:lang='${attr(this.config.lang)}'` : '';
      this.write(
        `<?xml version='1.0'?><stream:stream xmlns='jabber:client' ` +
          `xmlns:stream='http://etherx.jabber.org/streams' to='${attr(domain)}' version='1.0'${lang}>`,
      ).catch(() => {
        // The socket is already gone: its close handler reports it.
      });
    }

    private onParsed(event: JXT.ParsedData): void {
      if (event.event === 'stream-start') {
        this.stream = event.stanza as Stanzas.Stream;
        if (this.secure) {
          this.hasStream = true;
          this.client.emit('stream:start', this.stream);
        }
        return;
      }
      if (event.event === 'stream-end') {
        if (this.secure) this.client.emit('stream:end');
        if (this.pending) {
          this.pending.fail(
            failureFrom(new Error('the server closed the stream'), this.pending.target, domain),
          );
        } else if (this.closing) {
          this.finish();
        } else {
          this.disconnect();
        }
        return;
      }
      if (event.kind === 'streamError') {
        const streamError = event.stanza as Stanzas.StreamError;
        // Before TLS a stream error is unauthenticated (anyone on the path can inject one), so it
        // must not reach the session layer, which treats some conditions as final; it only ends
        // this attempt. Over TLS it is the server's word.
        if (this.secure) this.client.emit('stream:error', streamError);
        // The server closes the stream next; an attempt in progress ends here.
        this.pending?.fail(
          new ChatError(
            ErrorCodes.connectionFailed,
            `The server refused the stream: ${streamError.condition}`,
            {
              condition: streamError.condition,
            },
          ),
        );
        return;
      }
      if (!this.secure) {
        this.negotiateTls(event);
        return;
      }
      if (event.kind === 'features' && this.pending) {
        this.ready = true;
        this.pending.succeed();
      }
      this.client.emit('stream:data', event.stanza, event.kind);
    }

    /** Before TLS: only STARTTLS is negotiated; nothing reaches the client. */
    private negotiateTls(event: JXT.ParsedData): void {
      const pending = this.pending;
      if (!pending) return;
      if (event.kind === 'features') {
        if ((event.stanza as Stanzas.StreamFeatures).tls) {
          this.write(`<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>`).catch(() => {
            // The socket is already gone: its close handler reports it.
          });
        } else {
          pending.fail(
            new ChatError(
              ErrorCodes.connectionFailed,
              `${pending.target.host}:${pending.target.port} does not offer STARTTLS; ` +
                'refusing to continue without TLS',
            ),
          );
        }
        return;
      }
      if (event.kind === 'tls') {
        if ((event.stanza as { type?: string }).type === 'proceed') this.upgrade();
        else pending.fail(new ChatError(ErrorCodes.connectionFailed, 'The server refused STARTTLS'));
      }
    }

    /** STARTTLS `<proceed/>`: TLS on the same socket, verified as the XMPP domain. */
    private upgrade(): void {
      const plain = this.conn as Socket;
      this.parser = undefined;
      const socket = tlsConnect({ socket: plain, ...tlsOptions });
      this.attach(socket);
      socket.once('secureConnect', () => {
        if (this.conn === socket) this.secured();
      });
    }

    private onParseError(error: Error): void {
      if (this.pending) {
        this.pending.fail(failureFrom(error, this.pending.target, domain));
        return;
      }
      const streamError: Stanzas.StreamError = { condition: 'invalid-xml' };
      this.client.emit('stream:error', streamError, error);
      const xml = this.stanzas.export('error', streamError)?.toString() ?? '';
      this.write(`${xml}</stream:stream>`).catch(() => {
        // The socket is already gone: its close handler finishes the transport.
      });
      this.finish();
    }

    /** Reports why no stream could be opened, then ends the transport. */
    private fail(error: ChatError): void {
      if (this.ended) return;
      if (this.client.transport === this) this.client.emit('--transport-failure', error);
      this.finish();
    }

    /** Ends the transport: closes the socket (`graceful`: after a flush) and tells StanzaJS, once. */
    private finish(graceful = true): void {
      if (this.ended) return;
      this.ended = true;
      this.stopped = true;
      clearTimeout(this.closeTimer);
      this.dropSocket(graceful);
      this.hasStream = false;
      this.ready = false;
      delete this.stream;
      if (this.client.transport === this) this.client.emit('--transport-disconnected');
    }

    /** Forgets the current socket; `graceful` flushes pending writes before closing it. */
    private dropSocket(graceful = false): void {
      const socket = this.conn;
      this.conn = undefined;
      this.parser = undefined;
      this.decoder = undefined;
      this.secure = false;
      if (!socket || socket.destroyed) return;
      if (!graceful) {
        socket.destroy();
        return;
      }
      // Let what was written (our `</stream:stream>`, a stream error) go out, then close.
      const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
      timer.unref();
      socket.end(() => {
        clearTimeout(timer);
        socket.destroy();
      });
    }

    private write(text: string): Promise<void> {
      const socket = this.conn;
      if (!socket || socket.destroyed || !socket.writable) return Promise.reject(new Error('Socket closed'));
      this.client.emit('raw', 'outgoing', text);
      return new Promise<void>((resolve, reject) => {
        socket.write(text, 'utf8', (error) => (error ? reject(error) : resolve()));
      });
    }
  };
}
