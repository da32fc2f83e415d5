// Message archive queries (XEP-0313 with XEP-0059 result set management) and archive preferences
// as plain data over the StanzaJS agent.
import type { Stanzas } from 'stanza';
import { ChatError } from '../errors.js';
import { limited } from '../request.js';
import { bareJid as bare } from '../jid.js';
import { toChatError } from './iq.js';
import { toInbound, type InboundMessage } from './messages.js';
import { agentOf, type Transport } from './xmpp.js';

/** One page request against an archive. */
export interface ArchiveQuery {
  /** The archive to ask: a room's bare JID, or undefined for our own (personal) archive. */
  archive?: string;
  /** Personal archive only: the peer to filter by (bare JID). */
  with?: string;
  /** RSM `before`: `''` asks for the newest page; an archive id for the page before it. */
  before?: string;
  /** RSM `after`: an archive id for the page after it. */
  after?: string;
  /** Neither `before` nor `after`: the oldest page (from `start`, if given). */
  fromStart?: boolean;
  /** RSM `max`. */
  max: number;
  start?: Date;
  end?: Date;
}

/** A message from the archive. */
export interface ArchivedMessage {
  /** The archive's id for it (opaque; an RSM cursor, and the archive's XEP-0359 stanza id). */
  archiveId: string;
  /** The forwarded message, parsed like a live one (`delay` is the archive's timestamp). */
  message: InboundMessage;
}

/** One page of archive results, oldest first, as the server returned it. */
export interface ArchivePage {
  messages: ArchivedMessage[];
  /** RSM `first`: the archive id of the page's first result. */
  first?: string;
  /** RSM `last`: the archive id of the page's last result. */
  last?: string;
  /** The server says nothing is left in the direction of the query. */
  complete: boolean;
}

/** XEP-0313 archive preferences. */
export interface ArchivePrefs {
  default: 'always' | 'never' | 'roster';
  always: string[];
  never: string[];
}

/** Turns one archive result into an {@link ArchivedMessage}; undefined when it holds no message. */
export function toArchived(result: Stanzas.MAMResult, archiveOwner: string): ArchivedMessage | undefined {
  const forwarded = result.item?.message;
  if (!forwarded?.from) return undefined;
  const delay = result.item.delay ?? forwarded.delay;
  const received = {
    ...forwarded,
    from: forwarded.from,
    to: forwarded.to ?? '',
    ...(delay ? { delay } : {}),
  } as Stanzas.ReceivedMessage;
  // Never a carbon: archived messages are taken as they are.
  delete (received as { carbon?: unknown }).carbon;
  const message = toInbound(received, archiveOwner);
  if (!message) return undefined;
  return { archiveId: result.id, message: { ...message, stanzaId: result.id } };
}

/**
 * Asks an archive for one page (XEP-0313 with RSM). A fresh options object is built for every
 * call: StanzaJS's `searchHistory` writes into the one it gets. Rejects with a ChatError
 * (`item-not-found` for an unknown cursor, `timeout`, `aborted`, …).
 */
export async function queryArchive(
  transport: Transport,
  query: ArchiveQuery,
  options: { timeout: number; signal?: AbortSignal },
): Promise<ArchivePage> {
  const agent = agentOf(transport);
  const owner = query.archive ?? bare(agent.jid || transport.jid || '');
  const paging: Stanzas.Paging = { max: query.max };
  if (query.after !== undefined) paging.after = query.after;
  else if (!query.fromStart) paging.before = query.before ?? '';
  const opts = {
    ...(query.with ? { with: query.with } : {}),
    ...(query.start ? { start: query.start } : {}),
    ...(query.end ? { end: query.end } : {}),
    paging,
  };
  try {
    const fin = await limited(
      () => (query.archive ? agent.searchHistory(query.archive, opts) : agent.searchHistory(opts)),
      { timeout: options.timeout, ...(options.signal ? { signal: options.signal } : {}) },
      'The archive query',
    );
    const messages = (fin.results ?? [])
      .map((result) => toArchived(result, owner))
      .filter((m): m is ArchivedMessage => m !== undefined);
    return {
      messages,
      ...(fin.paging?.first ? { first: fin.paging.first } : {}),
      ...(fin.paging?.last ? { last: fin.paging.last } : {}),
      complete: fin.complete === true,
    };
  } catch (cause) {
    if (cause instanceof ChatError) throw cause;
    throw toChatError(cause, `Querying the archive of ${owner}`);
  }
}

const POLICIES: ReadonlySet<string> = new Set(['always', 'never', 'roster']);

const toPrefs = (prefs: Partial<Stanzas.MAMPrefs> | undefined): ArchivePrefs => ({
  default: prefs?.default && POLICIES.has(prefs.default) ? prefs.default : 'always',
  always: (prefs?.always ?? []).map(String),
  never: (prefs?.never ?? []).map(String),
});

/** Reads our archive preferences. Rejects with a ChatError. */
export async function getArchivePrefs(transport: Transport, timeout: number): Promise<ArchivePrefs> {
  try {
    return toPrefs(
      await limited(
        () => agentOf(transport).getHistoryPreferences(),
        { timeout },
        'Reading the archive preferences',
      ),
    );
  } catch (cause) {
    if (cause instanceof ChatError) throw cause;
    throw toChatError(cause, 'Reading the archive preferences');
  }
}

/** Writes our archive preferences; resolves with what the server now has. Rejects with a ChatError. */
export async function setArchivePrefs(
  transport: Transport,
  prefs: ArchivePrefs,
  timeout: number,
): Promise<ArchivePrefs> {
  try {
    const answer = await limited(
      () =>
        agentOf(transport).setHistoryPreferences({
          type: 'preferences',
          default: prefs.default,
          always: [...prefs.always],
          never: [...prefs.never],
        }),
      { timeout },
      'Writing the archive preferences',
    );
    const stored = answer.archive?.type === 'preferences' ? answer.archive : undefined;
    return stored ? toPrefs(stored) : await getArchivePrefs(transport, timeout);
  } catch (cause) {
    if (cause instanceof ChatError) throw cause;
    throw toChatError(cause, 'Writing the archive preferences');
  }
}
