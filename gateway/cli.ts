#!/usr/bin/env node
// The `mailbox-chat` command. One subcommand so far:
//
//   mailbox-chat gateway --listen 127.0.0.1:5280 --path /xmpp-websocket --domain example.com
//                        [--upstream host:port] [--ca file] [--origin https://portal.example.com]
//
// It runs the WebSocket-to-TCP gateway (see docs/gateway.md) and writes one JSON line per
// connection event to stdout — never stanza content, credentials or message bodies.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createGateway, parseUpstream, type GatewayOptions } from './index.js';

const USAGE = `Usage: mailbox-chat gateway --domain DOMAIN [options]

A WebSocket (RFC 7395) to XMPP TCP (RFC 6120) gateway: browsers connect to it over WebSocket,
it connects to the XMPP server with STARTTLS and a verified certificate.

Options:
  --listen HOST:PORT       where to listen (default 127.0.0.1:5280); put TLS termination in front
  --path PATH              the WebSocket path (default /xmpp-websocket)
  --domain DOMAIN          an XMPP domain the gateway connects to (repeatable; at least one)
  --upstream HOST:PORT     connect here instead of DNS SRV (xmpps://HOST:PORT for direct TLS)
  --ca FILE                an extra trusted CA certificate, PEM (repeatable)
  --origin ORIGIN          a page origin allowed to connect, or * (repeatable; default: same host)
  --max-per-ip N           open connections per client address (default 20)
  --max-connections N      open connections in total (default 10000)
  --max-frame-bytes N      largest frame from a browser (default 262144)
  --idle-timeout SECONDS   end idle connections (default 300)
  --trust-proxy            take the client address from X-Forwarded-For (behind nginx)
  --quiet                  no connection log
  -h, --help               this text
`;

/** Parses the command line of `mailbox-chat gateway …` into gateway options and a listen address. */
function parseGatewayArgs(args: string[]): {
  options: GatewayOptions;
  listen: { host: string; port: number };
  quiet: boolean;
  help: boolean;
} {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      listen: { type: 'string', default: '127.0.0.1:5280' },
      path: { type: 'string', default: '/xmpp-websocket' },
      domain: { type: 'string', multiple: true, default: [] },
      upstream: { type: 'string' },
      ca: { type: 'string', multiple: true, default: [] },
      origin: { type: 'string', multiple: true },
      'max-per-ip': { type: 'string' },
      'max-connections': { type: 'string' },
      'max-frame-bytes': { type: 'string' },
      'idle-timeout': { type: 'string' },
      'trust-proxy': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const number = (name: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive whole number`);
    return n;
  };
  const listen = parseUpstream(values.listen);
  const idle = number('idle-timeout', values['idle-timeout']);
  const maxPerIp = number('max-per-ip', values['max-per-ip']);
  const maxConnections = number('max-connections', values['max-connections']);
  const maxFrameBytes = number('max-frame-bytes', values['max-frame-bytes']);
  const options: GatewayOptions = {
    domains: values.domain,
    path: values.path,
    ...(values.upstream ? { upstream: parseUpstream(values.upstream) } : {}),
    ...(values.ca.length > 0 ? { ca: values.ca.map((file) => readFileSync(file, 'utf8')) } : {}),
    ...(values.origin ? { origins: values.origin } : {}),
    ...(maxPerIp ? { maxConnectionsPerIp: maxPerIp } : {}),
    ...(maxConnections ? { maxConnections } : {}),
    ...(maxFrameBytes ? { maxFrameBytes } : {}),
    ...(idle ? { idleTimeoutMs: idle * 1000 } : {}),
    trustProxy: values['trust-proxy'],
  };
  return {
    options,
    listen: { host: listen.host, port: listen.port },
    quiet: values.quiet,
    help: values.help,
  };
}

/** Runs the command; resolves with the process exit code once it should exit. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'gateway') {
    process.stderr.write(command === '-h' || command === '--help' ? USAGE : `Unknown command\n\n${USAGE}`);
    return command === '-h' || command === '--help' ? 0 : 2;
  }
  let parsed: ReturnType<typeof parseGatewayArgs>;
  try {
    parsed = parseGatewayArgs(rest);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.options.domains.length === 0) {
    process.stderr.write(`At least one --domain is needed: the gateway is never an open relay.\n\n${USAGE}`);
    return 2;
  }
  const log = (entry: object): void => {
    process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
  };
  const gateway = createGateway({ ...parsed.options, ...(parsed.quiet ? {} : { log }) });
  const address = await gateway.listen(parsed.listen);
  log({
    event: 'listening',
    url: address.url,
    domains: parsed.options.domains,
    upstream: parsed.options.upstream ?? 'dns-srv',
  });
  return new Promise<number>((resolve) => {
    const stop = (): void => {
      log({ event: 'stopping' });
      gateway.close().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
