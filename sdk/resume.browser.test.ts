// A page reload in a real browser resumes the XEP-0198 session from sessionStorage: same
// resource, and what arrived meanwhile is delivered. The page runs under the strict CSP.
import { describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { useSdkPage, waitReady } from '../test/rig/sdk-page.js';
import { createChat } from './index.js';

const xmpp = inject('xmpp');

// The page script: starts a client from the single-file build and keeps what it sees.
const PAGE_SCRIPT = `
import { createChat } from './mailbox-chat.js';
const params = new URLSearchParams(location.hash.slice(1));
const chat = createChat({ jid: params.get('jid'), password: params.get('password'), service: params.get('service') });
window.received = [];
chat.on('message', ({ message }) => message.direction === 'in' && window.received.push(message.body));
window.ready = chat.connect().then(() => chat.jid);
`;

const sdkPage = useSdkPage(PAGE_SCRIPT);

describe('a page reload', () => {
  it('resumes the same session from sessionStorage and delivers what came meanwhile', async () => {
    const [anna, ben] = await createAccounts(2);
    const { page, errors, ready: before } = await sdkPage.open(anna!, xmpp.websocketUrl);
    expect(before).toMatch(new RegExp(`^${anna!.jid}/`));

    const peer = createChat({
      jid: ben!.jid,
      password: ben!.password,
      service: xmpp.websocketUrl,
      resumeStorage: false,
    });
    try {
      await peer.connect();
      await page.reload({ waitUntil: 'commit' });
      peer.send(anna!.jid, 'während des Neuladens');
      const after = await waitReady(page);
      expect(after).toBe(before); // the same resource: resumed, not a new session
      await expect
        .poll(() => page.evaluate(() => (window as unknown as { received: string[] }).received))
        .toEqual(['während des Neuladens']);
      // The stored state holds no password.
      const stored = await page.evaluate(() => JSON.stringify(sessionStorage));
      expect(stored).toContain('mailbox-chat:resume:');
      expect(stored).not.toContain(anna!.password);
    } finally {
      await peer.disconnect();
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});
