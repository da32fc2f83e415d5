// Per-call `{ signal, timeout }` on requests to the server, over a link the fault proxy freezes:
// the caller stops waiting when it says so, long before the session's own timeout.
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { startFaultProxy, type FaultProxy } from '../test/rig/fault-proxy.js';
import { createChat, isChatError, type Chat } from './index.js';

const xmpp = inject('xmpp');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A client behind a fault proxy whose session waits a full minute for any answer. */
async function patientClient(): Promise<{ chat: Chat; link: FaultProxy }> {
  const [anna] = await createAccounts(1);
  const link = await startFaultProxy({ target: { host: xmpp.host, port: xmpp.ports.http } });
  cleanups.push(() => link.close());
  const chat = createChat({
    jid: anna!.jid,
    password: anna!.password,
    service: link.url('ws', '/xmpp-websocket'),
    resumeStorage: false,
    timeout: 60,
  });
  cleanups.push(() => chat.disconnect());
  await chat.connect();
  return { chat, link };
}

const codeOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (isChatError(error) ? error.code : String(error)),
  );

describe('requests with a signal or a timeout of their own', () => {
  it('give up after their own timeout while the server does not answer (the session would wait a minute)', async () => {
    const { chat, link } = await patientClient();
    link.pause();
    const results = await Promise.all([
      codeOf(chat.contacts.add('ben@example.com', { timeout: 0.5 })),
      codeOf(chat.blocking.block('spam@example.com', { timeout: 0.5 })),
      codeOf(chat.profile.get({ timeout: 0.5 })),
    ]);
    expect(results).toEqual(['timeout', 'timeout', 'timeout']);
    link.resume();
  });

  it('reject with `aborted` when their signal fires, and send nothing when it already has', async () => {
    const { chat, link } = await patientClient();
    const controller = new AbortController();
    link.pause();
    const pending = codeOf(chat.blocking.unblock('spam@example.com', { signal: controller.signal }));
    controller.abort();
    expect(await pending).toBe('aborted');
    link.resume();
    // Already aborted: rejected without asking the server, so the roster stays as it was.
    expect(await codeOf(chat.contacts.add('carol@example.com', { signal: controller.signal }))).toBe(
      'aborted',
    );
    // A later request's answer comes after any roster push the add would have caused (one
    // stream, in order): by then carol would be a contact if anything had been sent.
    await chat.blocking.block('spam@example.com', { timeout: 10 });
    expect(chat.blocking.isBlocked('spam@example.com')).toBe(true);
    expect(chat.contacts.get('carol@example.com')).toBeUndefined();
  });

  it('rejects a timeout that is not a positive number of seconds', async () => {
    const { chat } = await patientClient();
    expect(await codeOf(chat.profile.get({ timeout: 0 }))).toBe('invalid-argument');
  });
});
