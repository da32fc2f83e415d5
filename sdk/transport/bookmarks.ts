// Room bookmarks as plain data over the StanzaJS agent, in both stores servers offer:
// - XEP-0402: one PEP item per room on the node `urn:xmpp:bookmarks:1` (StanzaJS has no
//   definition for it; one is added here), with live notifications to our other resources;
// - XEP-0048 in private XML storage (XEP-0049): the whole list as one document, no notifications.
// The requests are sent here, as StanzaJS's plugins would (the browser build leaves them out).
import { JXT, type Agent } from 'stanza';
import { bareJid } from '../jid.js';
import { discoInfo } from './disco.js';
import { toChatError } from './iq.js';
import { fetchItems, retractItem, watchNode } from './pubsub.js';
import { agentOf, type Transport } from './xmpp.js';

/** The XEP-0402 PEP node (and the namespace of its items). */
export const NS_BOOKMARKS2 = 'urn:xmpp:bookmarks:1';
/** Offered on the account when XEP-0402 and XEP-0048 see the same bookmarks. */
export const NS_BOOKMARKS2_COMPAT = `${NS_BOOKMARKS2}#compat`;

/** A room bookmark as plain data. */
export interface BookmarkData {
  /** The room's bare JID. */
  jid: string;
  name?: string;
  nick?: string;
  password?: string;
  autojoin: boolean;
}

/** The shape of a `<conference xmlns='urn:xmpp:bookmarks:1'/>` item in StanzaJS terms. */
interface Conference2 {
  itemType: typeof NS_BOOKMARKS2;
  name?: string;
  autoJoin?: boolean;
  nick?: string;
  password?: string;
}

/** The XEP-0402 `<conference/>` element as PEP item content (one object: registries may be shared). */
const BOOKMARKS2_DEFINITION: JXT.DefinitionOptions = {
  aliases: JXT.pubsubItemContentAliases(),
  element: 'conference',
  namespace: NS_BOOKMARKS2,
  type: NS_BOOKMARKS2,
  typeField: 'itemType',
  fields: {
    autoJoin: JXT.booleanAttribute('autojoin'),
    name: JXT.attribute('name'),
    nick: JXT.childText(null, 'nick'),
    password: JXT.childText(null, 'password'),
  },
};

/** Teaches StanzaJS the XEP-0402 `<conference/>` element as PEP item content. */
function bookmarks2Plugin(_agent: Agent, registry: JXT.Registry): void {
  registry.define(BOOKMARKS2_DEFINITION);
}

const plugged = new WeakSet<Agent>();
/** Adds the XEP-0402 definitions to the agent once. */
function prepare(transport: Transport): Agent {
  const agent = agentOf(transport);
  if (!plugged.has(agent)) {
    plugged.add(agent);
    agent.use(bookmarks2Plugin);
  }
  return agent;
}

/** Converts a XEP-0402 item (id = room JID) to {@link BookmarkData}. Pure. */
export function fromConference2(id: string, content: Partial<Conference2> | undefined): BookmarkData {
  return {
    jid: bareJid(id),
    ...(content?.name ? { name: content.name } : {}),
    ...(content?.nick ? { nick: content.nick } : {}),
    ...(content?.password ? { password: content.password } : {}),
    autojoin: Boolean(content?.autoJoin),
  };
}

/** Converts a XEP-0048 `<conference/>` to {@link BookmarkData}. Pure. */
export function fromConference1(room: {
  jid?: unknown;
  name?: string;
  nick?: string;
  password?: string;
  autoJoin?: boolean;
}): BookmarkData | undefined {
  if (!room.jid) return undefined;
  return {
    jid: bareJid(String(room.jid)),
    ...(room.name ? { name: room.name } : {}),
    ...(room.nick ? { nick: room.nick } : {}),
    ...(room.password ? { password: room.password } : {}),
    autojoin: Boolean(room.autoJoin),
  };
}

/**
 * Which store the account's server offers for bookmarks: XEP-0402 (`pep`) only when the account
 * advertises `urn:xmpp:bookmarks:1#compat` (then XEP-0048 clients see the same list), else
 * XEP-0048 private storage (`private`). Rejects with a ChatError.
 */
export async function bookmarkStore(transport: Transport): Promise<'pep' | 'private'> {
  const own = bareJid(transport.jid ?? '');
  const info = await discoInfo(transport, own);
  return info.features.includes(NS_BOOKMARKS2_COMPAT) ? 'pep' : 'private';
}

/** Reads every XEP-0402 bookmark. A missing node is an empty list. Rejects with a ChatError. */
export async function fetchPepBookmarks(transport: Transport): Promise<BookmarkData[]> {
  const agent = prepare(transport);
  try {
    const items = await fetchItems<Conference2>(agent, bareJid(agent.jid), NS_BOOKMARKS2);
    return items
      .filter((item) => item.id && item.content?.itemType === NS_BOOKMARKS2)
      .map((item) => fromConference2(item.id!, item.content));
  } catch (cause) {
    const error = toChatError(cause, 'Reading the bookmarks');
    if (error.condition === 'item-not-found') return [];
    throw error;
  }
}

/**
 * Adds or replaces one XEP-0402 bookmark, with the publish options XEP-0402 asks for (items kept,
 * as many as needed, visible to the account only). Rejects with a ChatError.
 */
export async function publishPepBookmark(transport: Transport, bookmark: BookmarkData): Promise<void> {
  const agent = prepare(transport);
  const content: Conference2 = {
    itemType: NS_BOOKMARKS2,
    autoJoin: bookmark.autojoin,
    ...(bookmark.name ? { name: bookmark.name } : {}),
    ...(bookmark.nick ? { nick: bookmark.nick } : {}),
    ...(bookmark.password ? { password: bookmark.password } : {}),
  };
  try {
    await agent.sendIQ({
      type: 'set',
      pubsub: {
        context: 'user',
        publish: { node: NS_BOOKMARKS2, item: { id: bareJid(bookmark.jid), content } },
        publishOptions: {
          type: 'submit',
          fields: [
            { name: 'FORM_TYPE', type: 'hidden', value: 'http://jabber.org/protocol/pubsub#publish-options' },
            { name: 'pubsub#persist_items', value: true },
            { name: 'pubsub#max_items', value: 'max' },
            { name: 'pubsub#send_last_published_item', value: 'never' },
            { name: 'pubsub#access_model', value: 'whitelist' },
          ],
        },
      },
    } as unknown as Parameters<Agent['sendIQ']>[0]);
  } catch (cause) {
    throw toChatError(cause, `Saving the bookmark of ${bookmark.jid}`);
  }
}

/** Removes one XEP-0402 bookmark (our other resources are notified). Rejects with a ChatError. */
export async function retractPepBookmark(transport: Transport, jid: string): Promise<void> {
  const agent = prepare(transport);
  try {
    await retractItem(agent, bareJid(agent.jid), NS_BOOKMARKS2, bareJid(jid), true);
  } catch (cause) {
    throw toChatError(cause, `Removing the bookmark of ${jid}`);
  }
}

/** Reads the XEP-0048 bookmarks from private storage. Rejects with a ChatError. */
export async function fetchPrivateBookmarks(transport: Transport): Promise<BookmarkData[]> {
  try {
    const answer = await agentOf(transport).sendIQ({ type: 'get', privateStorage: { bookmarks: {} } });
    const rooms = answer.privateStorage?.bookmarks?.rooms ?? [];
    return rooms.map(fromConference1).filter((b): b is BookmarkData => b !== undefined);
  } catch (cause) {
    const error = toChatError(cause, 'Reading the bookmarks');
    if (error.condition === 'item-not-found') return [];
    throw error;
  }
}

/** Replaces the XEP-0048 bookmarks in private storage. Rejects with a ChatError. */
export async function storePrivateBookmarks(transport: Transport, bookmarks: BookmarkData[]): Promise<void> {
  try {
    await agentOf(transport).sendIQ({
      type: 'set',
      privateStorage: {
        bookmarks: {
          rooms: bookmarks.map((b) => ({
            jid: bareJid(b.jid),
            autoJoin: b.autojoin,
            ...(b.name ? { name: b.name } : {}),
            ...(b.nick ? { nick: b.nick } : {}),
            ...(b.password ? { password: b.password } : {}),
          })),
        },
      },
    });
  } catch (cause) {
    throw toChatError(cause, 'Saving the bookmarks');
  }
}

/** What {@link watchBookmarks} reports: XEP-0402 notifications about our own bookmarks. */
export interface BookmarkHandlers {
  published(bookmark: BookmarkData): void;
  retracted(jid: string): void;
}

/**
 * Subscribes to XEP-0402 notifications (announcing `urn:xmpp:bookmarks:1+notify` in our
 * capabilities, so the server sends them). Only notifications from our own account count.
 */
export function watchBookmarks(transport: Transport, handlers: BookmarkHandlers): void {
  const agent = prepare(transport);
  agent.disco.addFeature(`${NS_BOOKMARKS2}+notify`);
  // Announced with our next presence (the capabilities hash is computed as it goes out).
  const own = (from: string | undefined): boolean =>
    !from || bareJid(from) === bareJid(agent.jid || transport.jid || '');
  watchNode(agent, NS_BOOKMARKS2, (event) => {
    if (!own(event.from)) return;
    for (const item of event.published) {
      if (item.id)
        handlers.published(fromConference2(item.id, item.content as Partial<Conference2> | undefined));
    }
    for (const id of event.retracted) handlers.retracted(bareJid(id));
  });
}
