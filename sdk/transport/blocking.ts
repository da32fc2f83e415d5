// Blocking (XEP-0191) as plain data over the StanzaJS agent.
import { toChatError } from './iq.js';
import { agentOf, type Transport } from './xmpp.js';

/** Fetches the block list; afterwards the server sends us pushes. Rejects with a ChatError. */
export async function fetchBlocked(transport: Transport): Promise<string[]> {
  try {
    const list = await agentOf(transport).getBlocked();
    return (list.jids ?? []).map((jid) => String(jid).toLowerCase());
  } catch (cause) {
    throw toChatError(cause, 'Fetching the block list');
  }
}

/** Blocks or unblocks one JID. Rejects with a ChatError. */
export async function setBlocked(transport: Transport, jid: string, blocked: boolean): Promise<void> {
  const agent = agentOf(transport);
  try {
    await (blocked ? agent.block(jid) : agent.unblock(jid));
  } catch (cause) {
    throw toChatError(cause, `${blocked ? 'Blocking' : 'Unblocking'} ${jid}`);
  }
}

/**
 * Block-list pushes (from our own or another resource). An unblock push with no JIDs means
 * "everything was unblocked".
 */
export function watchBlocking(
  transport: Transport,
  onPush: (push: { action: 'block' | 'unblock'; jids: string[] }) => void,
): void {
  const agent = agentOf(transport);
  agent.on('block', ({ jids }) =>
    onPush({ action: 'block', jids: jids.map((j) => String(j).toLowerCase()) }),
  );
  agent.on('unblock', ({ jids }) =>
    onPush({ action: 'unblock', jids: jids.map((j) => String(j).toLowerCase()) }),
  );
}
