// HTTP File Upload (XEP-0363) against the private Prosody (http_file_share at share.<domain>,
// 10 MB limit): uploads with progress, the size check before any slot request, the service's own
// refusal, abort, and a file message received as an attachment.
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { createAccounts, type TestAccount } from '../test/rig/accounts.js';
import { eventually } from '../test/rig/clients.js';
import { createEmitter } from './emitter.js';
import type { ChatEvents } from './events.js';
import { createDiscovery } from './features/discovery.js';
import { createFiles } from './features/files.js';
import {
  createChat,
  FileTooLargeError,
  isChatError,
  type Chat,
  type Message,
  type UploadProgress,
} from './node.js';
import { requestUploadSlot } from './transport/upload.js';
import { agentOf, createTransport } from './transport/xmpp.js';

const xmpp = inject('xmpp');
const LIMIT = 10 * 1024 * 1024;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function online(account: TestAccount, expiresAfter?: number): Promise<Chat> {
  const chat = createChat({
    jid: account.jid,
    password: account.password,
    service: xmpp.websocketUrl,
    resumeStorage: false,
    ...(expiresAfter !== undefined ? { files: { expiresAfter } } : {}),
  });
  cleanups.push(() => chat.disconnect());
  const discovered = new Promise<void>((resolve) => chat.on('server', () => resolve()));
  await chat.connect();
  await discovered;
  return chat;
}

async function download(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('chat.files', () => {
  it('discovers the upload service and its limit', async () => {
    const [anna] = await createAccounts(1);
    const chat = await online(anna!);
    expect(chat.server?.uploadService).toBe(`share.${xmpp.domain}`);
    expect(chat.server?.uploadMaxBytes).toBe(LIMIT);
  });

  it('uploads 1 KB and 9.9 MB, downloads identical bytes, progress monotonic to 100 %', async () => {
    const [anna] = await createAccounts(1);
    const chat = await online(anna!);

    const small = randomBytes(1024);
    const one = await chat.files.upload(small, { name: 'small.bin' });
    expect(one).toMatchObject({ name: 'small.bin', type: 'application/octet-stream', size: 1024 });
    expect((await download(one.url)).equals(small)).toBe(true);

    const big = randomBytes(Math.floor(9.9 * 1024 * 1024));
    const progress: UploadProgress[] = [];
    const two = await chat.files.upload(big, {
      name: 'big report.pdf',
      onProgress: (p) => progress.push(p),
    });
    expect(two).toMatchObject({ name: 'big report.pdf', type: 'application/pdf', size: big.length });
    expect((await download(two.url)).equals(big)).toBe(true);
    expect(progress.length).toBeGreaterThan(10);
    for (let i = 1; i < progress.length; i += 1) {
      expect(progress[i]!.loaded).toBeGreaterThan(progress[i - 1]!.loaded);
    }
    expect(progress.at(-1)).toEqual({ loaded: big.length, total: big.length, percent: 100 });
  });

  it('uploads a Blob with its type', async () => {
    const [anna] = await createAccounts(1);
    const chat = await online(anna!);
    const blob = new Blob(['hello, file'], { type: 'text/plain' });
    const file = await chat.files.upload(blob, { name: 'hello.txt' });
    expect(file).toMatchObject({ type: 'text/plain', size: 11 });
    expect((await download(file.url)).toString()).toBe('hello, file');
  });

  it('refuses 10.1 MB before asking for a slot', async () => {
    const [anna] = await createAccounts(1);
    // The SDK's parts, composed here so the test can watch the stream for slot requests.
    const events = createEmitter<ChatEvents>(() => undefined);
    const transport = createTransport({
      jid: anna!.jid,
      credentials: async () => ({ password: anna!.password }),
      service: xmpp.websocketUrl,
    });
    const discovery = createDiscovery({ transport, emit: events.emit });
    const files = createFiles({ transport, discovery });
    cleanups.push(() => transport.disconnect());
    const slotRequests: string[] = [];
    agentOf(transport).on('raw:outgoing', (data: string) => {
      if (data.includes('urn:xmpp:http:upload:0')) slotRequests.push(data);
    });
    expect(await transport.connect()).toMatchObject({ ok: true });
    await discovery.ready();

    const error = await rejection(files.upload(new Uint8Array(Math.floor(10.1 * 1024 * 1024))));
    expect(error).toBeInstanceOf(FileTooLargeError);
    expect(error).toMatchObject({ code: 'file-too-large', limit: LIMIT });
    expect(slotRequests).toEqual([]);

    // The control: a file within the limit does ask for a slot on the same stream.
    await files.upload(new Uint8Array(10), { name: 'ten.bin' });
    expect(slotRequests.length).toBe(1);
  });

  it("maps the service's own file-too-large refusal, with its limit", async () => {
    const [anna] = await createAccounts(1);
    const transport = createTransport({
      jid: anna!.jid,
      credentials: async () => ({ password: anna!.password }),
      service: xmpp.websocketUrl,
    });
    cleanups.push(() => transport.disconnect());
    expect(await transport.connect()).toMatchObject({ ok: true });
    const error = await rejection(
      requestUploadSlot(transport, `share.${xmpp.domain}`, {
        name: 'huge.bin',
        size: LIMIT + 1,
        type: 'application/octet-stream',
      }),
    );
    expect(error).toBeInstanceOf(FileTooLargeError);
    expect(error).toMatchObject({ code: 'file-too-large', limit: LIMIT });
  });

  it('aborts mid-upload with `aborted`', async () => {
    const [anna] = await createAccounts(1);
    const chat = await online(anna!);
    const controller = new AbortController();
    const seen: number[] = [];
    const error = await rejection(
      chat.files.upload(randomBytes(8 * 1024 * 1024), {
        name: 'aborted.bin',
        signal: controller.signal,
        onProgress: ({ percent }) => {
          seen.push(percent);
          if (percent > 10) controller.abort();
        },
      }),
    );
    expect(isChatError(error) && error.code).toBe('aborted');
    expect(Math.max(...seen)).toBeLessThan(100);
  });

  it('rejects with `not-connected` when offline', async () => {
    const [anna] = await createAccounts(1);
    const chat = createChat({ jid: anna!.jid, password: anna!.password, service: xmpp.websocketUrl });
    const error = await rejection(chat.files.upload(new Uint8Array(1)));
    expect(isChatError(error) && error.code).toBe('not-connected');
  });
});

describe('chat.sendFile', () => {
  it('sends a file message that the peer receives as an attachment', async () => {
    const [anna, ben] = await createAccounts(2);
    const hour = 3_600_000;
    const [a, b] = await Promise.all([online(anna!, hour), online(ben!, hour)]);
    const received: Message[] = [];
    b.on('message', ({ message }) => received.push(message));

    const bytes = randomBytes(2048);
    const sent = await a.sendFile(ben!.jid, bytes, { name: 'photo.png' });
    expect(sent.body).toBe(sent.attachment?.url);
    expect(sent.attachment).toMatchObject({ name: 'photo.png', type: 'image/png', size: 2048 });
    expect(sent.attachment?.expiresAt?.getTime()).toBe(sent.time.getTime() + hour);

    const message = await eventually(() => received.find((m) => m.body === sent.body));
    expect(message.attachment).toMatchObject({ url: sent.body, name: 'photo.png', type: 'image/png' });
    expect(message.attachment?.expiresAt?.getTime()).toBe(message.time.getTime() + hour);
    expect((await download(message.attachment!.url)).equals(bytes)).toBe(true);
  });
});
