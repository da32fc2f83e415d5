// The gateway's leg to the XMPP server (RFC 6120 over TCP): find where the domain's server is,
// connect, and get TLS up — STARTTLS (required: a server that does not offer it is refused) or
// direct TLS (XEP-0368) — with the certificate verified against the XMPP domain. What follows TLS
// (SASL, binding, stanzas) belongs to the browser and passes through the gateway unchanged.
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import {
  checkServerIdentity,
  connect as tlsConnect,
  createSecureContext,
  rootCertificates,
  type ConnectionOptions,
  type SecureContext,
  type TLSSocket,
} from 'node:tls';
import { lookupTargets, type ConnectTarget, type SrvResolver } from '../sdk/transport/srv.js';
import { XmlSplitter, escapeXml, type SplitEvent } from './xml.js';

const TLS_NS = 'urn:ietf:params:xml:ns:xmpp-tls';

/** Why the upstream leg could not be opened. */
export type UpstreamFailure = 'certificate' | 'no-starttls' | 'refused' | 'unreachable' | 'no-service';

/** The upstream leg could not be opened; `kind` says why, `code` carries a TLS or socket code. */
export class UpstreamError extends Error {
  readonly kind: UpstreamFailure;
  readonly code: string | undefined;
  constructor(kind: UpstreamFailure, message: string, code?: string) {
    super(message);
    this.name = 'UpstreamError';
    this.kind = kind;
    this.code = code;
  }
}

/** Where the gateway connects for a domain, when not found by SRV. */
export interface UpstreamTarget {
  /** Host name or IP address of the XMPP server. */
  host: string;
  /** Its client port (usually 5222 for STARTTLS, 5223 for direct TLS). */
  port: number;
  /** `true`: TLS from the first byte (XEP-0368); `false` (default): STARTTLS. */
  directTls?: boolean;
}

/** Options for {@link connectUpstream}. */
export interface UpstreamOptions {
  /** The XMPP domain: SNI, the `to` of the stream header and the name the certificate must show. */
  domain: string;
  /** A fixed target; without it, DNS SRV for the domain decides ({@link lookupTargets}). */
  target?: UpstreamTarget | undefined;
  /** The TLS context with the trust anchors: from {@link trustContext}, made once per gateway. */
  secureContext: SecureContext;
  /** Milliseconds for one target, from TCP connect to TLS up. */
  timeoutMs: number;
  /** SRV resolver (default `node:dns`). */
  resolver?: SrvResolver | undefined;
}

/** An upstream leg with TLS up, before the secure stream's header is sent. */
export interface UpstreamLink {
  socket: TLSSocket;
  target: ConnectTarget;
}

/** OpenSSL and Node codes that mean "the certificate could not be verified". */
const CERTIFICATE_CODE = /CERT|SELF_SIGNED|UNABLE_TO|HOSTNAME|ALTNAME|INVALID_CA|PATH_LENGTH|INVALID_PURPOSE/;

/**
 * The TLS context for upstream connections: Node's built-in CAs plus `extraCa`. Made once and
 * shared, because a context per connection would parse every root certificate again each time
 * (about a megabyte of memory per connection).
 */
export function trustContext(extraCa: readonly (string | Buffer)[]): SecureContext {
  return createSecureContext(extraCa.length > 0 ? { ca: [...rootCertificates, ...extraCa] } : {});
}

/** The stream header the gateway sends to the server. */
export function streamHeader(
  domain: string,
  extra: { lang?: string | undefined; from?: string | undefined } = {},
): string {
  const lang = extra.lang ? ` xml:lang='${escapeXml(extra.lang)}'` : '';
  const from = extra.from ? ` from='${escapeXml(extra.from)}'` : '';
  return (
    `<?xml version='1.0'?><stream:stream xmlns='jabber:client' ` +
    `xmlns:stream='http://etherx.jabber.org/streams' to='${escapeXml(domain)}'${from} version='1.0'${lang}>`
  );
}

/**
 * Opens the upstream leg for `options.domain`: each target in turn (the fixed one, or SRV's) until
 * one has TLS up. A certificate failure is reported in preference to an unreachable backup.
 *
 * @throws {UpstreamError}
 */
export async function connectUpstream(options: UpstreamOptions): Promise<UpstreamLink> {
  const { domain } = options;
  const targets: ConnectTarget[] = options.target
    ? [{ host: options.target.host, port: options.target.port, directTls: options.target.directTls ?? false }]
    : await lookupTargets(domain, options.resolver ? { resolver: options.resolver } : {});
  if (targets.length === 0) {
    throw new UpstreamError('no-service', `${domain} offers no XMPP client service`);
  }
  const tls: ConnectionOptions = {
    // An IP literal cannot be SNI; the certificate is then checked against it directly.
    ...(isIP(domain)
      ? { checkServerIdentity: (_host: string, cert) => checkServerIdentity(domain, cert) }
      : { servername: domain }),
    secureContext: options.secureContext,
    // The default, spelled out: the gateway never talks to a server it could not verify.
    rejectUnauthorized: true,
  };
  const failures: UpstreamError[] = [];
  for (const target of targets) {
    try {
      const socket = await attempt(domain, target, tls, options.timeoutMs);
      return { socket, target };
    } catch (error) {
      failures.push(error as UpstreamError);
    }
  }
  throw failures.find((f) => f.kind === 'certificate') ?? failures[failures.length - 1]!;
}

/** Turns a socket or TLS error into an {@link UpstreamError}. */
function classify(error: Error & { code?: string }, where: string, domain: string): UpstreamError {
  const code = error.code;
  if (code && CERTIFICATE_CODE.test(code)) {
    return new UpstreamError(
      'certificate',
      `The certificate of ${where} could not be verified for ${domain} (${code})`,
      code,
    );
  }
  return new UpstreamError('unreachable', `Could not reach ${where} (${code ?? error.message})`, code);
}

/** One target: TCP, then STARTTLS or direct TLS; resolves with the TLS socket. */
function attempt(
  domain: string,
  target: ConnectTarget,
  tls: ConnectionOptions,
  timeoutMs: number,
): Promise<TLSSocket> {
  const where = `${target.host}:${target.port}`;
  return new Promise<TLSSocket>((resolve, reject) => {
    let settled = false;
    let current: Socket | TLSSocket | undefined;
    const timer = setTimeout(() => {
      fail(new UpstreamError('unreachable', `No TLS stream from ${where} within ${timeoutMs} ms`));
    }, timeoutMs);
    const fail = (error: UpstreamError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      current?.destroy();
      reject(error);
    };
    const onError = (error: Error & { code?: string }): void => fail(classify(error, where, domain));
    const onClose = (): void =>
      fail(new UpstreamError('unreachable', `${where} closed the connection during TLS set-up`));

    const secure = (socket: TLSSocket): void => {
      current = socket;
      socket.on('error', onError);
      socket.once('close', onClose);
      socket.once('secureConnect', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off('error', onError);
        socket.off('close', onClose);
        resolve(socket);
      });
    };

    if (target.directTls) {
      secure(tlsConnect({ host: target.host, port: target.port, ALPNProtocols: ['xmpp-client'], ...tls }));
      return;
    }

    const plain = netConnect({ host: target.host, port: target.port });
    current = plain;
    plain.setNoDelay(true);
    plain.on('error', onError);
    plain.once('close', onClose);
    const decoder = new StringDecoder('utf8');
    const splitter = new XmlSplitter('stream', { maxElementLength: 64 * 1024 });
    plain.once('connect', () => plain.write(streamHeader(domain)));
    const onData = (chunk: Buffer): void => {
      let events: SplitEvent[];
      try {
        events = splitter.feed(decoder.write(chunk));
      } catch (error) {
        fail(
          new UpstreamError('refused', `${where} sent invalid XML before TLS (${(error as Error).message})`),
        );
        return;
      }
      events.forEach((event, index) => {
        if (settled) return;
        if (event.type === 'close') {
          fail(new UpstreamError('refused', `${where} closed the stream before TLS`));
        } else if (event.type === 'element' && event.name === 'stream:features') {
          if (/<starttls\s[^>]*xmlns=(['"])urn:ietf:params:xml:ns:xmpp-tls\1/.test(event.xml)) {
            plain.write(`<starttls xmlns='${TLS_NS}'/>`);
          } else {
            fail(
              new UpstreamError(
                'no-starttls',
                `${where} does not offer STARTTLS; refusing to go on without TLS`,
              ),
            );
          }
        } else if (event.type === 'element' && event.name === 'proceed' && event.attrs.xmlns === TLS_NS) {
          // Nothing may follow <proceed/> in clear: bytes after it would be injected into the
          // secure stream (a known STARTTLS attack), so the attempt ends if any are there.
          if (index !== events.length - 1 || !splitter.idle) {
            fail(new UpstreamError('refused', `${where} sent data after <proceed/>`));
            return;
          }
          plain.off('data', onData);
          plain.off('error', onError);
          plain.off('close', onClose);
          secure(tlsConnect({ socket: plain, ...tls }));
        } else if (event.type === 'element' && event.name === 'stream:error') {
          fail(new UpstreamError('refused', `${where} refused the stream before TLS`));
        } else if (event.type === 'element' && event.name === 'failure') {
          fail(new UpstreamError('refused', `${where} refused STARTTLS`));
        }
      });
    };
    plain.on('data', onData);
  });
}
