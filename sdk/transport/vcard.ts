// vcard-temp (XEP-0054) and avatars (XEP-0084 PEP, XEP-0153 vCard photo hashes) as plain data
// over the StanzaJS agent.
import { Namespaces, Platform, type Agent, type Stanzas } from 'stanza';
import { toChatError } from './iq.js';
import { fetchItems, watchNode } from './pubsub.js';
import { agentOf, type Transport } from './xmpp.js';

/** An image as bytes plus its media type. */
export interface ImageData {
  data: Uint8Array;
  type: string;
}

/** The parts of a vCard the SDK reads and writes. */
export interface VCardData {
  fullName?: string;
  nickname?: string;
  photo?: ImageData;
}

type Record_ = { type: string; value?: unknown; data?: unknown; mediaType?: string };

/**
 * StanzaJS types a vCard photo as a Buffer but maps it as the base64 text of BINVAL (writing a
 * Buffer there puts raw bytes on the wire, and the server ends the stream). Accept both.
 */
function photoBytes(data: unknown): Uint8Array {
  if (typeof data === 'string')
    return new Uint8Array(Platform.Buffer.from(data.replace(/\s+/g, ''), 'base64'));
  return new Uint8Array(data as Uint8Array);
}

function toVCardData(vcard: { fullName?: string; records?: Record_[] } | undefined): VCardData {
  const records = vcard?.records ?? [];
  const nickname = records.find((r) => r.type === 'nickname')?.value;
  const photo = records.find((r) => r.type === 'photo' && r.data);
  return {
    ...(vcard?.fullName ? { fullName: vcard.fullName } : {}),
    ...(typeof nickname === 'string' && nickname ? { nickname } : {}),
    ...(photo?.data ? { photo: { data: photoBytes(photo.data), type: photo.mediaType ?? 'image/png' } } : {}),
  };
}

/**
 * Asks for a vCard (sent here, as StanzaJS's account plugin would: the browser build leaves that
 * plugin out). Our own is addressed to our bare JID.
 */
async function getVCard(agent: Agent, jid: string): Promise<unknown> {
  return (await agent.sendIQ({ to: jid, type: 'get', vcard: { format: Namespaces.NS_VCARD_TEMP } })).vcard;
}

/** Reads a vCard (our own when `jid` is omitted). A missing vCard is an empty one. */
export async function fetchVCard(transport: Transport, jid?: string): Promise<VCardData> {
  const agent = agentOf(transport);
  try {
    const vcard = await getVCard(agent, jid ?? agent.jid.split('/')[0] ?? '');
    return toVCardData(vcard as Parameters<typeof toVCardData>[0]);
  } catch (cause) {
    const error = toChatError(cause, `Fetching the vCard of ${jid ?? 'the account'}`);
    if (error.condition === 'item-not-found') return {};
    throw error;
  }
}

/**
 * Changes fields of our own vCard and keeps every other field as it was. `photo: null` removes
 * the photo. Rejects with a ChatError.
 */
export async function updateOwnVCard(
  transport: Transport,
  changes: { fullName?: string; nickname?: string; photo?: ImageData | null },
): Promise<void> {
  const agent = agentOf(transport);
  try {
    let current: { fullName?: string; records?: Record_[] } = {};
    try {
      current = ((await getVCard(agent, agent.jid.split('/')[0] ?? '')) ?? {}) as typeof current;
    } catch (cause) {
      // No vCard yet is the one failure we expect here; anything else is a real failure.
      if ((cause as { error?: { condition?: string } }).error?.condition !== 'item-not-found') throw cause;
    }
    let records = [...(current.records ?? [])];
    if (changes.nickname !== undefined) {
      records = records.filter((r) => r.type !== 'nickname');
      if (changes.nickname) records.push({ type: 'nickname', value: changes.nickname });
    }
    if (changes.photo !== undefined) {
      records = records.filter((r) => r.type !== 'photo');
      if (changes.photo) {
        records.push({
          type: 'photo',
          data: Platform.Buffer.from(changes.photo.data).toString('base64'),
          mediaType: changes.photo.type,
        });
      }
    }
    const fullName = changes.fullName !== undefined ? changes.fullName : current.fullName;
    await agent.sendIQ({
      type: 'set',
      vcard: {
        format: Namespaces.NS_VCARD_TEMP,
        ...(fullName ? { fullName } : {}),
        records: records as never,
      },
    });
  } catch (cause) {
    throw toChatError(cause, 'Updating the vCard');
  }
}

/** SHA-1 of the bytes as hex: the id of an avatar in XEP-0084 and XEP-0153. */
export function avatarHash(data: Uint8Array): string {
  return Platform.createHash('sha1').update(Platform.Buffer.from(data)).digest('hex');
}

/** Fetches an XEP-0084 avatar's bytes from a contact's PEP. Rejects with a ChatError. */
export async function fetchPepAvatar(transport: Transport, jid: string, id: string): Promise<Uint8Array> {
  try {
    const [item] = await fetchItems<Stanzas.AvatarData>(agentOf(transport), jid, Namespaces.NS_AVATAR_DATA, [
      id,
    ]);
    const data = item?.content?.data;
    if (!data) throw new Error('empty avatar item');
    return new Uint8Array(data);
  } catch (cause) {
    throw toChatError(cause, `Fetching the avatar of ${jid}`);
  }
}

/** An avatar announcement: XEP-0084 metadata (`pep`) or a XEP-0153 photo hash (`vcard`). */
export interface AvatarAnnouncement {
  /** Bare JID. */
  jid: string;
  source: 'pep' | 'vcard';
  /** The avatar's hash; undefined when the contact removed its avatar. */
  id?: string;
  type?: string;
}

/** Avatar announcements from PEP notifications and presence. */
export function watchAvatars(
  transport: Transport,
  listener: (announcement: AvatarAnnouncement) => void,
): void {
  const agent = agentOf(transport);
  agent.disco.addFeature(Namespaces.NS_PEP_NOTIFY(Namespaces.NS_AVATAR_METADATA));
  const announce = (
    from: string,
    source: AvatarAnnouncement['source'],
    version?: Stanzas.AvatarVersion,
  ): void =>
    listener({
      jid: from.split('/')[0]?.toLowerCase() ?? from,
      source,
      ...(version?.id ? { id: version.id } : {}),
      ...(version?.mediaType ? { type: version.mediaType } : {}),
    });
  watchNode(agent, Namespaces.NS_AVATAR_METADATA, (event) => {
    const metadata = event.published[0]?.content as Stanzas.AvatarMetaData | undefined;
    // No versions: the contact removed its avatar.
    if (event.from && metadata) announce(event.from, 'pep', metadata.versions?.[0]);
  });
  agent.on('presence', (presence) => {
    const hash = presence.vcardAvatar;
    if (presence.type !== 'error' && typeof hash === 'string' && hash)
      announce(presence.from, 'vcard', { id: hash });
  });
}
