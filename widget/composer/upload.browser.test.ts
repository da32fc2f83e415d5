import type { Locator, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { createChat, type Chat } from '../../sdk/index.js';
import { createAccounts, type TestAccount } from '../../test/rig/accounts.js';
import { emulateNetwork, watchPage } from '../../test/rig/browser.js';
import { axeViolations, screenshot, untilOnline, useWidgetRig } from '../../test/rig/widget.js';

const xmpp = inject('xmpp');
const frame = (attributes = '') =>
  `<div class="frame"><mailbox-chat service="/xmpp-websocket" mode="embedded" ${attributes}></mailbox-chat></div>`;

const rig = useWidgetRig({
  embedded: { body: frame() },
  // Shared files expire after three seconds here (one hour on mailbox).
  expiring: { body: frame('file-expiry="3"') },
});

async function signedIn(
  account: TestAccount,
  name = 'embedded',
): Promise<{ page: Page; chat: Locator; errors: string[] }> {
  const page = await rig.browser.newPage({ viewport: { width: 900, height: 700 } });
  const { errors } = watchPage(page);
  await page.goto(`${rig.portal.url}${name}.html`);
  const chat = page.locator('mailbox-chat');
  await chat.getByLabel('E-mail address').fill(account.jid);
  await chat.getByLabel('Password').fill(account.password);
  await chat.getByRole('button', { name: 'Sign in' }).click();
  await untilOnline(chat);
  return { page, chat, errors };
}

const setTheme = (page: Page, theme: 'light' | 'dark') =>
  page.evaluate((t) => document.querySelector('mailbox-chat')!.setAttribute('theme', t), theme);

const openConversation = (page: Page, jid: string) =>
  page.evaluate((to) => document.querySelector('mailbox-chat')!.openConversation(to), jid);

/** A PNG drawn in the page: `noise` makes it large (random pixels do not compress). */
async function png(page: Page, width: number, height: number, noise = false): Promise<Buffer> {
  const data = await page.evaluate(
    ({ width, height, noise }) => {
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const g = canvas.getContext('2d')!;
      const gradient = g.createLinearGradient(0, 0, width, height);
      gradient.addColorStop(0, '#0b6bcb');
      gradient.addColorStop(1, '#f4b400');
      g.fillStyle = gradient;
      g.fillRect(0, 0, width, height);
      if (noise) {
        const image = g.getImageData(0, 0, width, height);
        for (let i = 0; i < image.data.length; i += 4) image.data[i + 1] = Math.floor(Math.random() * 256);
        g.putImageData(image, 0, 0);
      }
      return canvas.toDataURL('image/png').split(',')[1]!;
    },
    { width, height, noise },
  );
  return Buffer.from(data, 'base64');
}

/** Whether an `<img>` in the log has loaded a real picture. */
const loadedImages = (chat: Locator) =>
  chat
    .getByRole('log')
    .locator('img')
    .evaluateAll((imgs) => imgs.filter((img) => (img as HTMLImageElement).naturalWidth > 0).length);

/** Slows the page's uploads down, so that the progress bar can be seen. */
const throttle = (page: Page, bytesPerSecond: number): Promise<void> =>
  emulateNetwork(page, { uploadThroughput: bytesPerSecond });

describe('sending files', () => {
  it('uploads an image with a progress bar and a cancel button; both sides see it inline', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = await signedIn(anna!);
    const b = await signedIn(ben!);
    await openConversation(a.page, ben!.jid);
    await openConversation(b.page, anna!.jid);

    // A large upload, slowed down: the progress bar shows, and cancelling sends nothing.
    await throttle(a.page, 100 * 1024);
    const big = await png(a.page, 700, 500, true);
    expect(big.length).toBeGreaterThan(500_000);
    await a.chat
      .locator('input[type=file]')
      .setInputFiles({ name: 'large.png', mimeType: 'image/png', buffer: big });
    const bar = a.chat.getByRole('progressbar', { name: 'Uploading large.png' });
    await expect.poll(() => bar.count()).toBe(1);
    await expect.poll(() => bar.evaluate((el) => (el as HTMLProgressElement).value)).toBeGreaterThan(0);
    await screenshot(a.page, 'upload-progress');
    expect(await axeViolations(a.page)).toEqual([]);
    await setTheme(a.page, 'dark');
    expect(await bar.count()).toBe(1);
    expect(await axeViolations(a.page)).toEqual([]);
    await screenshot(a.page, 'upload-progress-dark');
    await setTheme(a.page, 'light');
    await a.chat.getByRole('button', { name: 'Cancel uploading large.png' }).click();
    await expect.poll(() => bar.count()).toBe(0);
    expect(await a.chat.getByRole('log').locator('.msg').count()).toBe(0);

    // A picture chosen with the attach button's file input arrives as a picture on both sides.
    await throttle(a.page, -1);
    const photo = await png(a.page, 320, 200);
    await a.chat
      .locator('input[type=file]')
      .setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: photo });
    await expect.poll(() => loadedImages(a.chat), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => loadedImages(b.chat), { timeout: 15_000 }).toBe(1);
    expect(await a.chat.getByRole('log').locator('img').getAttribute('alt')).toBe('photo.png');
    expect(await b.chat.getByRole('log').locator('img').getAttribute('alt')).toBe('photo.png');
    // Nothing of the cancelled upload arrived.
    expect(await b.chat.getByRole('log').locator('.msg').count()).toBe(1);
    await screenshot(b.page, 'upload-received');
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    await Promise.all([a.page.close(), b.page.close()]);
  });

  it('refuses a file over the server’s limit before uploading, with a localized message', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = await signedIn(anna!);
    await openConversation(a.page, ben!.jid);
    const puts: string[] = [];
    a.page.on('request', (request) => {
      if (request.method() === 'PUT') puts.push(request.url());
    });
    // The limit comes from the server (10 MiB on the test server, as on mailbox).
    await expect
      .poll(() => a.page.evaluate(() => document.querySelector('mailbox-chat')!.chat?.server?.uploadMaxBytes))
      .toBe(10 * 1024 * 1024);
    const input = a.chat.locator('input[type=file]');
    const file = { name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(11_000_000) };
    await input.setInputFiles(file);
    const alert = a.chat.getByRole('alert');
    await expect
      .poll(() => alert.textContent())
      .toBe('big.bin is too large (11 MB). Files can be up to 10.5 MB.');
    expect(await a.chat.getByRole('button', { name: 'Try sending big.bin again' }).count()).toBe(0);
    await a.chat.getByRole('button', { name: 'Dismiss big.bin' }).click();
    expect(await alert.count()).toBe(0);

    await a.page.evaluate(() => document.querySelector('mailbox-chat')!.setAttribute('lang', 'de'));
    await input.setInputFiles(file);
    await expect
      .poll(() => alert.textContent())
      .toBe('big.bin ist zu groß (11 MB). Dateien dürfen höchstens 10,5 MB groß sein.');
    expect(puts).toEqual([]);
    expect(await a.chat.getByRole('log').locator('.msg').count()).toBe(0);
    await a.page.close();
  });

  it('keeps a failed upload with its reason and sends it on retry', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = await signedIn(anna!);
    await openConversation(a.page, ben!.jid);
    // The file service answers the upload's HTTP PUT with an error.
    const failPuts = (route: import('playwright-core').Route) =>
      route.request().method() === 'PUT'
        ? route.fulfill({ status: 503, headers: { 'Access-Control-Allow-Origin': '*' }, body: 'down' })
        : route.fallback();
    await a.page.route('**/*', failPuts);
    await a.chat
      .locator('input[type=file]')
      .setInputFiles({ name: 'agenda.txt', mimeType: 'text/plain', buffer: Buffer.from('1. Lunch') });
    const alert = a.chat.getByRole('alert');
    await expect
      .poll(() => alert.textContent(), { timeout: 15_000 })
      .toBe('agenda.txt was not sent. The upload failed.');
    await screenshot(a.page, 'upload-failed');
    expect(await axeViolations(a.page)).toEqual([]);
    await setTheme(a.page, 'dark');
    expect(await axeViolations(a.page)).toEqual([]);
    await setTheme(a.page, 'light');

    await a.page.unroute('**/*', failPuts);
    await a.chat.getByRole('button', { name: 'Try sending agenda.txt again' }).click();
    const log = a.chat.getByRole('log');
    await expect
      .poll(() => log.getByRole('link', { name: /agenda\.txt/ }).count(), { timeout: 15_000 })
      .toBe(1);
    expect(await alert.count()).toBe(0);
    await a.page.close();
  });

  it('takes files pasted into the field or dropped on the composer or the messages', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = await signedIn(anna!);
    await openConversation(a.page, ben!.jid);
    const field = a.chat.getByRole('textbox', { name: /^Message to/ });
    const log = a.chat.getByRole('log');
    // What the browser hands over when a file is pasted or dropped: a DataTransfer with it.
    const transfer = (name: string) =>
      a.page.evaluateHandle((n) => {
        const data = new DataTransfer();
        data.items.add(new File([`Contents of ${n}`], n, { type: 'text/plain' }));
        return data;
      }, name);
    const pasted = await transfer('pasted.txt');
    await field.evaluate(
      (el, clipboardData) => el.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true })),
      pasted,
    );
    await expect
      .poll(() => log.getByRole('link', { name: /pasted\.txt/ }).count(), { timeout: 15_000 })
      .toBe(1);
    const dropped = await transfer('dropped.txt');
    await a.chat.locator('mc-composer form').dispatchEvent('dragenter', { dataTransfer: dropped });
    await expect.poll(() => a.chat.getByText('Drop files to send them').count()).toBe(1);
    await a.chat.locator('mc-composer form').dispatchEvent('drop', { dataTransfer: dropped });
    await expect
      .poll(() => log.getByRole('link', { name: /dropped\.txt/ }).count(), { timeout: 15_000 })
      .toBe(1);
    expect(await a.chat.getByText('Drop files to send them').count()).toBe(0);
    // Dropped on the messages, too.
    await log.dispatchEvent('drop', { dataTransfer: await transfer('on-the-list.txt') });
    await expect
      .poll(() => log.getByRole('link', { name: /on-the-list\.txt/ }).count(), { timeout: 15_000 })
      .toBe(1);
    expect(a.errors).toEqual([]);
    await a.page.close();
  });
});

describe('received files', () => {
  it('shows pictures inline and other files as cards, and both as expired after the upload expiry', async () => {
    const [anna, ben] = await createAccounts(2);
    const a = await signedIn(anna!, 'expiring');
    await openConversation(a.page, ben!.jid);
    const photo = await png(a.page, 240, 160);
    let peer: Chat | undefined;
    try {
      peer = createChat({ jid: ben!.jid, password: ben!.password, service: xmpp.websocketUrl });
      await peer.connect();
      await peer.sendFile(anna!.jid, new Uint8Array(photo), { name: 'photo.png', type: 'image/png' });
      await peer.sendFile(anna!.jid, new TextEncoder().encode('Minutes of the meeting'), {
        name: 'notes.txt',
      });
    } finally {
      await peer?.disconnect();
    }
    const log = a.chat.getByRole('log');
    // First as they are: the picture inline, the text file as a card with its name and type.
    await expect.poll(() => loadedImages(a.chat), { timeout: 15_000 }).toBe(1);
    const card = log.getByRole('link', { name: /notes\.txt/ });
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.textContent()).toContain('text/plain');

    // Then, three seconds after they were sent, both say they are gone: no broken image, no dead link.
    await expect
      .poll(() => log.getByText('photo.png is no longer available.').count(), { timeout: 10_000 })
      .toBe(1);
    await expect.poll(() => log.getByText('notes.txt is no longer available.').count()).toBe(1);
    expect(await log.locator('img').count()).toBe(0);
    expect(await card.count()).toBe(0);
    await screenshot(a.page, 'attachment-expired');
    expect(await axeViolations(a.page)).toEqual([]);
    expect(a.errors).toEqual([]);
    await a.page.close();
  });
});
