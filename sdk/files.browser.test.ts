// Files in a browser, through the single-file build in Chromium: an upload from a `File` (the
// XMLHttpRequest path, with progress) that a second account receives as an attachment; an upload
// refused by CORS reported as `upload-blocked`; and SOCKS5 transfers, which browsers cannot do,
// rejected with `unsupported`.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../test/rig/accounts.js';
import { eventually } from '../test/rig/clients.js';
import { startProsody, type Prosody } from '../test/rig/prosody.mjs';
import { useSdkPage } from '../test/rig/sdk-page.js';
import { createChat, type Message } from './node.js';

const xmpp = inject('xmpp');
const HOUR = 3_600_000;

// The page script: a client from the single-file build, online and discovered; the test drives
// it through `window.chat`.
const PAGE_SCRIPT = `
import { createChat } from './mailbox-chat.js';
const params = new URLSearchParams(location.hash.slice(1));
const chat = createChat({
  jid: params.get('jid'), password: params.get('password'), service: params.get('service'),
  resumeStorage: false, files: { expiresAfter: ${HOUR} },
});
window.chat = chat;
const discovered = new Promise((resolve) => chat.on('server', resolve));
window.ready = chat.connect().then(() => chat.server ?? discovered).then(() => chat.jid);
`;

const sdkPage = useSdkPage(PAGE_SCRIPT);

/** What a call in the page came to: the `code` of its rejection, or what it resolved with. */
type Outcome = { code?: string | undefined; resolved?: unknown; supported?: boolean };

describe('files in a browser', () => {
  it('uploads a File with progress, and another account receives it as an attachment', async () => {
    const [anna, ben] = await createAccounts(2);
    const receiver = createChat({
      jid: ben!.jid,
      password: ben!.password,
      service: xmpp.websocketUrl,
      resumeStorage: false,
      files: { expiresAfter: HOUR },
    });
    const { page } = await sdkPage.open(anna!, xmpp.websocketUrl);
    try {
      const received: Message[] = [];
      receiver.on('message', ({ message }) => received.push(message));
      await receiver.connect();

      const sent = await page.evaluate(async (to) => {
        const bytes = new Uint8Array(600 * 1024);
        for (let offset = 0; offset < bytes.length; offset += 65536) {
          crypto.getRandomValues(bytes.subarray(offset, offset + 65536));
        }
        const file = new File([bytes], 'holiday.png', { type: 'image/png' });
        const progress: number[] = [];
        const chat = (window as unknown as { chat: import('./client.js').Chat }).chat;
        const message = await chat.sendFile(to, file, { onProgress: ({ loaded }) => progress.push(loaded) });
        const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
        return {
          body: message.body,
          attachment: message.attachment,
          progress,
          sha256: [...digest].map((b) => b.toString(16).padStart(2, '0')).join(''),
        };
      }, ben!.jid);

      expect(sent.attachment).toMatchObject({ name: 'holiday.png', type: 'image/png', size: 600 * 1024 });
      for (let i = 1; i < sent.progress.length; i += 1) {
        expect(sent.progress[i]!).toBeGreaterThan(sent.progress[i - 1]!);
      }
      expect(sent.progress.at(-1)).toBe(600 * 1024);

      const message = await eventually(() => received.find((m) => m.body === sent.body));
      expect(message.attachment).toMatchObject({ url: sent.body, name: 'holiday.png', type: 'image/png' });
      expect(message.attachment?.expiresAt?.getTime()).toBe(message.time.getTime() + HOUR);
      const response = await fetch(message.attachment!.url);
      const downloaded = Buffer.from(await response.arrayBuffer());
      expect(createHash('sha256').update(downloaded).digest('hex')).toBe(sent.sha256);
    } finally {
      await receiver.disconnect();
      await page.close();
    }
  });

  it('rejects a SOCKS5 transfer with `unsupported`', async () => {
    const [anna] = await createAccounts(1);
    const { page } = await sdkPage.open(anna!, xmpp.websocketUrl);
    try {
      const outcome = await page.evaluate(async (): Promise<Outcome> => {
        const chat = (window as unknown as { chat: import('./client.js').Chat }).chat;
        try {
          return { resolved: await chat.transfers.send('ben@example.com/phone', new Uint8Array(10)) };
        } catch (error) {
          return { code: (error as { code?: string }).code, supported: chat.transfers.supported };
        }
      });
      expect(outcome).toEqual({ code: 'unsupported', supported: false });
    } finally {
      await page.close();
    }
  });

  describe('with an upload service that does not allow the page’s origin', () => {
    let server: Prosody;
    beforeAll(async () => {
      server = await startProsody({
        accounts: [['anna', 'anna-pass']],
        extraGlobal: 'http_cors_override = { file_share = { enabled = false } }',
      });
    });
    afterAll(() => server.dispose());

    it('reports `upload-blocked` (probably CORS), not a bare failure', async () => {
      const { page } = await sdkPage.open(
        { jid: `anna@${server.domain}`, user: 'anna', password: 'anna-pass' },
        server.websocketUrl,
      );
      try {
        const outcome = await page.evaluate(async (): Promise<Outcome> => {
          const chat = (window as unknown as { chat: import('./client.js').Chat }).chat;
          try {
            return {
              resolved: await chat.files.upload(new File(['hello'], 'hello.txt', { type: 'text/plain' })),
            };
          } catch (error) {
            return { code: (error as { code?: string }).code };
          }
        });
        expect(outcome).toEqual({ code: 'upload-blocked' });
      } finally {
        await page.close();
      }
    });
  });
});
