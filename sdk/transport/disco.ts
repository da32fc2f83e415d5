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

/** Asks an entity (the server when `jid` is omitted) what it offers. Rejects with a ChatError. */
export async function discoInfo(transport: Transport, jid?: string): Promise<DiscoInfo> {
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
    await agentOf(transport).enableCarbons();
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
