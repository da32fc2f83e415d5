// Service discovery (XEP-0030) and carbons (XEP-0280) as plain data over the StanzaJS agent.
import { toChatError } from './iq.js';
import { agentOf, type Transport } from './xmpp.js';

/** What an entity says about itself. */
export interface DiscoInfo {
  features: string[];
  identities: Array<{ category: string; type: string; name?: string }>;
  /** XEP-0128 extension forms by FORM_TYPE: field name → values. */
  forms: Record<string, Record<string, string[]>>;
}

/**
 * disco#info requests under way, per transport, by entity. At sign-in several features want the
 * same answer at once (service discovery and the bookmarks both ask about the account: 2.8 KB
 * each from Prosody); a second asker joins the request under way instead of sending another. Only
 * requests still unanswered are shared, so an asker never gets an answer older than its question:
 * the server answers a stream's requests in order, and a request sent before a change the asker
 * waited for (a room's configuration, say) is answered before that change is. Dropped when the
 * link goes down (a new session asks again).
 */
const underWay = new WeakMap<Transport, Map<string, Promise<DiscoInfo>>>();

/**
 * Asks an entity (the server when `jid` is omitted) what it offers. Rejects with a ChatError.
 * Callers asking about the same entity at the same time share one request and one answer object:
 * read it, do not change it.
 */
export function discoInfo(transport: Transport, jid?: string): Promise<DiscoInfo> {
  let requests = underWay.get(transport);
  if (!requests) {
    const map = new Map<string, Promise<DiscoInfo>>();
    transport.on('offline', () => map.clear());
    underWay.set(transport, (requests = map));
  }
  const key = jid ?? '';
  const known = requests.get(key);
  if (known) return known;
  const request = askDiscoInfo(transport, jid).finally(() => {
    if (requests.get(key) === request) requests.delete(key);
  });
  requests.set(key, request);
  return request;
}

async function askDiscoInfo(transport: Transport, jid: string | undefined): Promise<DiscoInfo> {
  const agent = agentOf(transport);
  try {
    const info = await agent.getDiscoInfo(jid);
    const forms: DiscoInfo['forms'] = {};
    for (const form of info.extensions ?? []) {
      const fields: Record<string, string[]> = {};
      let type = '';
      for (const field of form.fields ?? []) {
        const values = (field.rawValues ?? []).map(String);
        if (field.name === 'FORM_TYPE') type = values[0] ?? '';
        else if (field.name) fields[field.name] = values;
      }
      if (type) forms[type] = fields;
    }
    return {
      features: [...(info.features ?? [])],
      identities: (info.identities ?? []).map((i) => ({
        category: i.category,
        type: i.type,
        ...(i.name ? { name: i.name } : {}),
      })),
      forms,
    };
  } catch (cause) {
    throw toChatError(cause, `disco#info of ${jid ?? 'the server'}`);
  }
}

/** Lists the items (components, rooms, …) of an entity. Rejects with a ChatError. */
export async function discoItems(
  transport: Transport,
  jid?: string,
): Promise<Array<{ jid: string; name?: string }>> {
  const agent = agentOf(transport);
  try {
    const result = await agent.getDiscoItems(jid);
    return (result.items ?? [])
      .filter((item) => item.jid)
      .map((item) => ({ jid: String(item.jid), ...(item.name ? { name: item.name } : {}) }));
  } catch (cause) {
    throw toChatError(cause, `disco#items of ${jid ?? 'the server'}`);
  }
}

/** Turns on message carbons for this session. Rejects with a ChatError. */
export async function enableCarbons(transport: Transport): Promise<void> {
  try {
    // Sent here, as StanzaJS's messaging plugin would (the browser build leaves that plugin out).
    await agentOf(transport).sendIQ({ type: 'set', carbons: { action: 'enable' } });
  } catch (cause) {
    throw toChatError(cause, 'Enabling carbons');
  }
}

/** Whether the server offered a stream feature in this session's negotiation. */
export function negotiated(
  transport: Transport,
  feature: 'streamManagement' | 'clientStateIndication',
): boolean {
  const negotiatedFeatures = agentOf(transport).features.negotiated as Record<string, boolean | undefined>;
  return Boolean(negotiatedFeatures[feature]);
}
