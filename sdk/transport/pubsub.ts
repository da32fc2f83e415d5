// The few publish-subscribe (XEP-0060) requests and notifications the SDK uses on PEP nodes
// (XEP-0163): our bookmarks (XEP-0402) and contacts' avatars (XEP-0084). They are sent and read
// here, with StanzaJS's pubsub stanza definitions, so that nothing needs its pubsub, PEP and
// avatar plugins, which the browser build leaves out (scripts/rollup-stanza-subset.mjs): they
// add some forty methods to every client and cost ~1.2 KB gzip for the four used here.
import type { Agent, Stanzas } from 'stanza';

/** An item of a pubsub node, its content typed by the node's definition. */
export type PubsubItem<T> = Stanzas.PubsubItem<T & Stanzas.PubsubItemContent>;

/** A node's items (all of them, or those with the given ids). Rejects as `sendIQ` does. */
export async function fetchItems<T>(
  agent: Agent,
  jid: string,
  node: string,
  ids?: string[],
): Promise<Array<PubsubItem<T>>> {
  const answer = await agent.sendIQ({
    type: 'get',
    to: jid,
    pubsub: { context: 'user', fetch: { node, ...(ids ? { items: ids.map((id) => ({ id })) } : {}) } },
  });
  return (answer.pubsub?.fetch?.items ?? []) as Array<PubsubItem<T>>;
}

/** Removes an item from a node; `notify` has the subscribers told. Rejects as `sendIQ` does. */
export async function retractItem(
  agent: Agent,
  jid: string,
  node: string,
  id: string,
  notify: boolean,
): Promise<void> {
  await agent.sendIQ({ type: 'set', to: jid, pubsub: { context: 'user', retract: { node, id, notify } } });
}

/** What a notification of a node tells: items published, or the ids of items retracted. */
export interface NodeEvent {
  /** Who published (a bare JID for PEP); absent when the server left it out. */
  from?: string;
  published: Array<PubsubItem<unknown>>;
  retracted: string[];
}

/** Calls `listener` for each notification (XEP-0060 `<event/>`) about items of `node`. */
export function watchNode(agent: Agent, node: string, listener: (event: NodeEvent) => void): void {
  agent.on('message', (message) => {
    const pubsub = message.pubsub;
    if (pubsub?.context !== 'event' || pubsub.items?.node !== node) return;
    // Retracted items come as their ids (read as items with an id too, to be safe).
    const retracted = ((pubsub.items.retracted ?? []) as unknown[])
      .map((item) => (typeof item === 'string' ? item : (item as { id?: string } | undefined)?.id))
      .filter((id): id is string => !!id);
    listener({
      ...(message.from ? { from: message.from } : {}),
      published: pubsub.items.published ?? [],
      retracted,
    });
  });
}
