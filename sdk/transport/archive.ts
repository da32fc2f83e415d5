// Message archive queries (XEP-0313 with XEP-0059 result set management) and archive preferences
// as plain data over the StanzaJS agent. The requests are sent and the results collected here, as
// StanzaJS's MAM plugin would (the browser build leaves that plugin out).
import { JID, Namespaces, type Agent, type Stanzas } from 'stanza';
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

/** A filter field of an archive query's form. */
const field = (name: string, value: string): Stanzas.DataFormField => ({ name, type: 'text-single', value });

/**
 * Sends one archive query to `to` ('' for our own archive) and collects the results it brings:
 * the messages from the archive (or our server for our own) that carry the query's id.
 */
async function search(
  agent: Agent,
  to: string,
  filter: { with?: string; start?: Date; end?: Date },
  paging: Stanzas.Paging,
): Promise<Stanzas.MAMFin & { results: Stanzas.MAMResult[] }> {
  const queryId = agent.nextId();
  const fields: Stanzas.DataFormField[] = [{ name: 'FORM_TYPE', type: 'hidden', value: Namespaces.NS_MAM_2 }];
  if (filter.with) fields.push(field('with', filter.with));
  if (filter.start) fields.push(field('start', filter.start.toISOString()));
  if (filter.end) fields.push(field('end', filter.end.toISOString()));
  const allowed = JID.allowedResponders(agent.jid, to);
  const results: Stanzas.MAMResult[] = [];
  const collect = (message: Stanzas.ReceivedMessage): void => {
    if (message.archive?.queryId === queryId && allowed.has(message.from)) results.push(message.archive);
  };
  agent.on('message', collect);
  try {
    const answer = await agent.sendIQ({
      id: queryId,
      to,
      type: 'set',
      archive: { type: 'query', queryId, form: { type: 'submit', fields }, paging },
    });
    // The answer's `archive` is the query's end (StanzaJS types it as the query).
    return { ...(answer.archive as unknown as Stanzas.MAMFin), results };
  } finally {
    agent.off('message', collect);
  }
}

/**
 * Asks an archive for one page (XEP-0313 with RSM). Rejects with a ChatError
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
  const filter = {
    ...(query.with ? { with: query.with } : {}),
    ...(query.start ? { start: query.start } : {}),
    ...(query.end ? { end: query.end } : {}),
  };
  try {
    const fin = await limited(
      () => search(agent, query.archive ?? '', filter, paging),
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
        async () =>
          (await agentOf(transport).sendIQ({ type: 'get', archive: { type: 'preferences' } })).archive as
            Stanzas.MAMPrefs | undefined,
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
        agentOf(transport).sendIQ({
          type: 'set',
          archive: {
            type: 'preferences',
            default: prefs.default,
            always: [...prefs.always],
            never: [...prefs.never],
          },
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
