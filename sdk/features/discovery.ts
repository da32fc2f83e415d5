import { ChatError, ErrorCodes, asChatError } from '../errors.js';
import type { Emit } from '../events.js';
import { discoInfo, discoItems, negotiated, type DiscoInfo } from '../transport/disco.js';
import type { Transport } from '../transport/xmpp.js';
import type { ServerInfo } from '../types.js';

const NS = {
  carbons: 'urn:xmpp:carbons:2',
  blocking: 'urn:xmpp:blocking',
  mam: 'urn:xmpp:mam:2',
  push: 'urn:xmpp:push:0',
  upload: 'urn:xmpp:http:upload:0',
  muc: 'http://jabber.org/protocol/muc',
  bytestreams: 'http://jabber.org/protocol/bytestreams',
} as const;

/** Builds {@link ServerInfo} from disco answers. Pure. */
export function summarize(input: {
  domain: string;
  server: DiscoInfo;
  account?: DiscoInfo;
  items: Array<{ jid: string; info: DiscoInfo }>;
  streamManagement: boolean;
  csi: boolean;
}): ServerInfo {
  const has = (info: DiscoInfo | undefined, feature: string): boolean =>
    Boolean(info?.features.includes(feature));
  const upload = input.items.find((i) => has(i.info, NS.upload));
  const maxSize = upload?.info.forms[NS.upload]?.['max-file-size']?.[0];
  const muc = input.items.find(
    (i) => has(i.info, NS.muc) && i.info.identities.some((id) => id.category === 'conference'),
  );
  const proxy = input.items.find(
    (i) => has(i.info, NS.bytestreams) && i.info.identities.some((id) => id.category === 'proxy'),
  );
  return {
    domain: input.domain,
    carbons: has(input.server, NS.carbons),
    blocking: has(input.server, NS.blocking),
    archive: has(input.account, NS.mam) || has(input.server, NS.mam),
    push: has(input.account, NS.push) || has(input.server, NS.push),
    streamManagement: input.streamManagement,
    csi: input.csi,
    ...(upload ? { uploadService: upload.jid } : {}),
    ...(maxSize && Number.isFinite(Number(maxSize)) ? { uploadMaxBytes: Number(maxSize) } : {}),
    ...(muc ? { mucService: muc.jid } : {}),
    ...(proxy ? { proxy65: proxy.jid } : {}),
    features: [...input.server.features].sort(),
  };
}

/** Discovery of what the server offers. Internal; `chat.server` exposes the result. */
export interface Discovery {
  readonly server: ServerInfo | undefined;
  /** Resolves with the info of the current session (waits for a discovery under way). */
  ready(): Promise<ServerInfo>;
}

/** Creates the discovery feature: runs at every fresh session (not after a resume). */
export function createDiscovery({ transport, emit }: { transport: Transport; emit: Emit }): Discovery {
  let server: ServerInfo | undefined;
  let current: Promise<ServerInfo> | undefined;

  const discover = async (jid: string): Promise<ServerInfo> => {
    const bare = jid.split('/')[0] ?? jid;
    const domain = bare.split('@')[1] ?? bare;
    const [serverInfo, account, items] = await Promise.all([
      discoInfo(transport, domain),
      discoInfo(transport, bare).catch(() => undefined),
      discoItems(transport, domain).catch(() => []),
    ]);
    const itemInfos = await Promise.all(
      items.map(async (item) => ({
        jid: item.jid,
        info: await discoInfo(transport, item.jid).catch(() => undefined),
      })),
    );
    return summarize({
      domain,
      server: serverInfo,
      ...(account ? { account } : {}),
      items: itemInfos.filter((i): i is { jid: string; info: DiscoInfo } => i.info !== undefined),
      streamManagement: negotiated(transport, 'streamManagement'),
      csi: transport.csi,
    });
  };

  transport.on('online', ({ jid, resumed }) => {
    if (resumed && server) return;
    const run = discover(jid);
    current = run;
    run.then(
      (info) => {
        if (current !== run) return;
        server = info;
        emit('server', { server: info });
      },
      (error: unknown) => {
        if (current !== run) return;
        emit('error', {
          error: asChatError(error, ErrorCodes.requestFailed, 'Service discovery failed'),
        });
      },
    );
  });

  return {
    get server() {
      return server;
    },
    ready() {
      if (current) return current;
      return server
        ? Promise.resolve(server)
        : Promise.reject(new ChatError(ErrorCodes.notConnected, 'Not connected yet'));
    },
  };
}
