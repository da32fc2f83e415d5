// A bare StanzaJS client for server tests that must send what the SDK never would (forged
// carbons, corrections of someone else's message, OOB links). Lives in the rig because only
// sdk/transport/ may import stanza inside sdk/.
import { createHash } from 'node:crypto';
import { createClient, type Stanzas } from 'stanza';

/** A connected raw client. `send` takes StanzaJS's message shape, unchecked. */
export interface RawAgent {
  /** Full JID of the session. */
  readonly jid: string;
  send(message: Record<string, unknown>): void;
  /** Sends a presence in StanzaJS's shape, unchecked. */
  sendPresence(presence: Record<string, unknown>): void;
  /** Calls `listener` with every presence received, in StanzaJS's shape. */
  onPresence(listener: (presence: Stanzas.ReceivedPresence) => void): void;
  /** The features `jid` advertises (XEP-0030 disco#info). */
  discoFeatures(jid: string): Promise<string[]>;
  /** Identities and features `jid` lists for `node` (XEP-0030 disco#info with a node). */
  discoInfo(
    jid: string,
    node: string,
  ): Promise<{
    identities: Array<{ category: string; type: string; name?: string; lang?: string }>;
    features: string[];
  }>;
  /** Reads the account's XEP-0048 bookmarks from private storage, as a client that knows only those. */
  legacyBookmarks(): Promise<Array<{ jid: string; name?: string; autojoin: boolean }>>;
  /**
   * Publishes an avatar to the account's PEP as XEP-0084 clients do (the data item, then the
   * metadata that announces it); without an image, metadata with no versions (avatar removed).
   */
  publishPepAvatar(image?: { data: Uint8Array; type: string }): Promise<void>;
  close(): Promise<void>;
}

/**
 * Logs `account` in over `websocketUrl` (no presence sent) and resolves once the session is up;
 * with `resource`, binds that one (the server ends another session holding it).
 */
export async function connectRawAgent(
  account: { jid: string; password: string },
  websocketUrl: string,
  resource?: string,
): Promise<RawAgent> {
  const agent = createClient({
    jid: account.jid,
    password: account.password,
    ...(resource ? { resource } : {}),
    transports: { websocket: websocketUrl, bosh: false },
    // No XEP-0198: StanzaJS sends its ack requests unawaited and rejects unhandled when the socket
    // has just closed; tests of plain clients do not need it.
    useStreamManagement: false,
  });
  await new Promise<void>((resolve, reject) => {
    agent.once('session:started', () => resolve());
    agent.once('disconnected', () => reject(new Error('could not connect')));
    void agent.connect();
  });
  return {
    get jid() {
      return agent.jid;
    },
    send(message) {
      agent.sendMessage(message as unknown as Stanzas.Message);
    },
    sendPresence(presence) {
      agent.sendPresence(presence as unknown as Stanzas.Presence);
    },
    onPresence(listener) {
      agent.on('presence', listener);
    },
    async discoFeatures(jid) {
      return (await agent.getDiscoInfo(jid)).features ?? [];
    },
    async discoInfo(jid, node) {
      const info = await agent.getDiscoInfo(jid, node);
      return { identities: info.identities ?? [], features: info.features ?? [] };
    },
    async legacyBookmarks() {
      return (await agent.getBookmarks()).map((b) => ({
        jid: String(b.jid),
        ...(b.name ? { name: b.name } : {}),
        autojoin: Boolean(b.autoJoin),
      }));
    },
    async publishPepAvatar(image) {
      if (!image) {
        await agent.useAvatars([]);
        return;
      }
      const id = createHash('sha1').update(image.data).digest('hex');
      await agent.publishAvatar(id, Buffer.from(image.data));
      await agent.useAvatars([{ id, bytes: image.data.length, mediaType: image.type, width: 1, height: 1 }]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (!agent.transport) return resolve();
        const timer = setTimeout(resolve, 2000);
        agent.once('disconnected', () => {
          clearTimeout(timer);
          resolve();
        });
        void agent.disconnect();
      }),
  };
}
