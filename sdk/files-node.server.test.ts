// HTTP upload from Node inputs (a file path, a stream) against the tier's Prosody, and an HTTPS
// PUT verified with `tls.ca` against a private Prosody whose upload slots point at its HTTPS port
// (certificate from the rig's test CA).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAccounts, type TestAccount } from '../test/rig/accounts.js';
import { startProsody, type Prosody } from '../test/rig/prosody.mjs';
import { createChat, isChatError, type Chat, type ChatOptions, type UploadProgress } from './node.js';

const xmpp = inject('xmpp');
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const dir = mkdtempSync(join(tmpdir(), 'mailbox-chat-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function online(options: Pick<ChatOptions, 'jid' | 'password'> & Partial<ChatOptions>): Promise<Chat> {
  const chat = createChat({ service: xmpp.websocketUrl, resumeStorage: false, ...options });
  cleanups.push(() => chat.disconnect());
  const discovered = new Promise<void>((resolve) => chat.on('server', () => resolve()));
  await chat.connect();
  await discovered;
  return chat;
}

const account = (a: TestAccount): { jid: string; password: string } => ({ jid: a.jid, password: a.password });

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

/** A stream that yields `bytes` in uneven pieces, as files and sockets do. */
function streamOf(bytes: Uint8Array): Readable {
  const pieces: Uint8Array[] = [];
  for (let offset = 0, step = 1000; offset < bytes.length; offset += step, step = (step * 7) % 90_001) {
    pieces.push(bytes.subarray(offset, offset + step));
  }
  return Readable.from(pieces);
}

describe('chat.files.upload in Node', () => {
  it('uploads a file path: name from the path, size from stat, progress to 100 %', async () => {
    const [anna] = await createAccounts(1);
    const chat = await online(account(anna!));
    const bytes = randomBytes(700 * 1024);
    const path = join(dir, 'quarterly report.pdf');
    writeFileSync(path, bytes);
    const progress: UploadProgress[] = [];

    const file = await chat.files.upload(path, { onProgress: (p) => progress.push(p) });
    expect(file).toMatchObject({ name: 'quarterly report.pdf', type: 'application/pdf', size: bytes.length });
    expect((await download(file.url)).equals(bytes)).toBe(true);
    for (let i = 1; i < progress.length; i += 1) {
      expect(progress[i]!.loaded).toBeGreaterThan(progress[i - 1]!.loaded);
    }
    expect(progress.at(-1)).toEqual({ loaded: bytes.length, total: bytes.length, percent: 100 });
  });

  it('rejects a path that is no file with `invalid-argument`', async () => {
    const [anna] = await createAccounts(1);
    const chat = await online(account(anna!));
    const error = await rejection(chat.files.upload(join(dir, 'missing.bin')));
    expect(isChatError(error) && error.code).toBe('invalid-argument');
    const folder = await rejection(chat.files.upload(dir));
    expect(isChatError(folder) && folder.code).toBe('invalid-argument');
  });

  it('uploads a stream of the given size', async () => {
    const [anna] = await createAccounts(1);
    const chat = await online(account(anna!));
    const bytes = randomBytes(1024 * 1024 + 17);
    const file = await chat.files.upload(streamOf(bytes), { name: 'stream.bin', size: bytes.length });
    expect(file).toMatchObject({ name: 'stream.bin', size: bytes.length });
    expect((await download(file.url)).equals(bytes)).toBe(true);
  });

  it('refuses a stream without `size`, and one that delivers fewer or more bytes', async () => {
    const [anna] = await createAccounts(1);
    const chat = await online(account(anna!));
    const bytes = randomBytes(100_000);
    const none = await rejection(chat.files.upload(streamOf(bytes), { name: 'a.bin' }));
    expect(isChatError(none) && none.code).toBe('invalid-argument');
    const short = await rejection(
      chat.files.upload(streamOf(bytes), { name: 'b.bin', size: bytes.length + 1 }),
    );
    expect(isChatError(short) && short.code).toBe('invalid-argument');
    const long = await rejection(
      chat.files.upload(streamOf(bytes), { name: 'c.bin', size: bytes.length - 1 }),
    );
    expect(isChatError(long) && long.code).toBe('invalid-argument');
  });
});

describe('an HTTPS upload service', () => {
  let server: Prosody;
  beforeAll(async () => {
    server = await startProsody({ accounts: [['anna', 'anna-pass']], shareOverHttps: true });
  });
  afterAll(() => server.dispose());

  const anna = (): { jid: string; password: string; service: string } => ({
    jid: `anna@${server.domain}`,
    password: 'anna-pass',
    service: server.websocketUrl,
  });

  it('trusts `tls.ca` from createChat for the PUT', async () => {
    const chat = await online({ ...anna(), tls: { ca: server.ca } });
    const bytes = randomBytes(200_000);
    const file = await chat.files.upload(bytes, { name: 'secure.bin' });
    expect(file.url.startsWith(`https://${server.host}:${server.ports.https}/`)).toBe(true);
    const downloaded = await new Promise<Buffer>((resolve, reject) => {
      get(file.url, { ca: server.ca }, (response) => {
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('end', () => resolve(Buffer.concat(parts)));
        response.on('error', reject);
      }).on('error', reject);
    });
    expect(downloaded.equals(bytes)).toBe(true);
  });

  it('without the CA the certificate is refused: `certificate`', async () => {
    const chat = await online(anna());
    const error = await rejection(chat.files.upload(randomBytes(1000), { name: 'untrusted.bin' }));
    expect(isChatError(error) && error.code).toBe('certificate');
  });
});
