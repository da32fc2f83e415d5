import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createChat, type Chat } from '../../sdk/index.js';
import { createAccounts, type TestAccount } from '../../test/rig/accounts.js';
import { watchPage } from '../../test/rig/browser.js';
import { screenshot, untilOnline, useWidgetRig } from '../../test/rig/widget.js';

const xmpp = inject('xmpp');
let context: BrowserContext;

const rig = useWidgetRig({
  embedded: {
    body: '<div class="frame"><mailbox-chat service="/xmpp-websocket" mode="embedded"></mailbox-chat></div>',
  },
});

// The page's CSP would block inline scripts and handlers anyway. Switch it off here, so that a
// body that became markup would really run: these tests prove the rendering itself is safe.
beforeAll(async () => {
  context = await rig.browser.newContext({ bypassCSP: true, viewport: { width: 1000, height: 700 } });
});

afterAll(async () => {
  await context?.close();
});

async function signedIn(account: TestAccount): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${rig.portal.url}embedded.html`);
  const chat = page.locator('mailbox-chat');
  await chat.getByLabel('E-mail address').fill(account.jid);
  await chat.getByLabel('Password').fill(account.password);
  await chat.getByRole('button', { name: 'Sign in' }).click();
  await untilOnline(chat);
  return page;
}

async function peer(account: TestAccount): Promise<Chat> {
  const chat = createChat({ jid: account.jid, password: account.password, service: xmpp.websocketUrl });
  await chat.connect();
  return chat;
}

const HOSTILE = [
  `<script>window.__pwned = 'script'</script>`,
  `<img src=x onerror="window.__pwned = 'img'">`,
  `<svg onload="window.__pwned = 'svg'"><circle r="40"/></svg>`,
  `<iframe srcdoc="<script>parent.__pwned = 'iframe'</script>"></iframe>`,
  `"><img src=x onerror=alert(1)><a href="javascript:alert(1)">quoted attribute break</a>`,
  `<a href="javascript:window.__pwned = 'link'">click me</a>`,
  `javascript:window.__pwned='raw' JaVaScRiPt:alert(1) [x](javascript:alert(1)) data:text/html,<script>alert(1)</script>`,
  `<style>* { display: none !important }</style><div style="position:fixed;inset:0">overlay</div>`,
  `<!--?lit$123$--><template><img src=x onerror=alert(1)></template> {{constructor.constructor('alert(1)')()}} \${alert(1)}`,
  `*<img src=x onerror=alert(1)>* _<b onmouseover=alert(1)>x</b>_ \`<script>alert(1)</script>\``,
  `> <script>alert(1)</script>\n\`\`\`\n<img src=x onerror=alert(1)>\n\`\`\``,
  `\u202Egnp.exe is not what it looks like \u202C https://example.com/\u202Efdp.exe`,
  `\u202E${'RTL override without a closing mark. '.repeat(5)}`,
  `Z${'\u0301\u0316\u0338\u035C\u0489'.repeat(2000)} combining flood ${'e\u0301\u0302\u0303\u0304'.repeat(500)}`,
  `${'>'.repeat(5000)} deep quote`,
  'x'.repeat(100 * 1024),
  `${'Lorem ipsum dolor sit amet, *consectetur* adipiscing elit. '.repeat(1800)}`,
];

describe('hostile message text', () => {
  it('renders every body as text: nothing runs, no element comes out of it, the layout holds', async () => {
    const [anna, ben] = await createAccounts(2);
    const page = await signedIn(anna!);
    const { errors } = watchPage(page);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const chat = page.locator('mailbox-chat');
    const panelBefore = await chat.locator('.panel').boundingBox();

    const bob = await peer(ben!);
    try {
      for (const body of HOSTILE) bob.send(anna!.jid, body);
      const row = chat.getByRole('button', { name: new RegExp(`${HOSTILE.length} unread messages`) });
      await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);
      // The list's preview is text too.
      expect(await chat.locator('mc-conversation-list .preview *').count()).toBe(0);
      await row.click();
      const log = chat.getByRole('log');
      await expect.poll(() => log.locator('.msg').count()).toBe(HOSTILE.length);

      // Nothing executed.
      await page.waitForTimeout(300);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
      expect(dialogs).toEqual([]);

      // Only the elements the renderer makes, and links only to http(s).
      const found = await log
        .locator('.text *')
        .evaluateAll((els) => [...new Set(els.map((e) => e.localName))]);
      const allowed = ['p', 'pre', 'blockquote', 'strong', 'em', 's', 'code', 'span', 'a', 'button'];
      expect(found.filter((tag) => !allowed.includes(tag))).toEqual([]);
      const hrefs = await log.locator('.text a').evaluateAll((els) => els.map((a) => a.getAttribute('href')));
      expect(hrefs.length).toBeGreaterThan(0);
      for (const href of hrefs) expect(href).toMatch(/^https?:\/\//);
      // A link reads as where it goes.
      const links = await log
        .locator('.text a')
        .evaluateAll((els) => els.map((a) => [new URL(a.textContent ?? '').href, a.getAttribute('href')]));
      for (const [text, href] of links) expect(text).toBe(href);
      expect(await log.textContent()).toContain(`javascript:window.__pwned='raw'`);
      expect(await log.textContent()).toContain(`<script>window.__pwned = 'script'</script>`);
      // Attributes from bodies never land anywhere.
      const attrs = await log
        .locator('.text *')
        .evaluateAll((els) => els.flatMap((e) => [...e.attributes].map((a) => a.name)));
      expect(new Set(attrs)).toEqual(
        new Set(['class', 'aria-hidden', 'href', 'dir', 'target', 'rel', 'aria-expanded']),
      );

      // The layout holds: every bubble inside the log, no sideways scrolling, the panel unmoved.
      const layout = await log.evaluate((el) => {
        const box = el.getBoundingClientRect();
        const outside = [...el.querySelectorAll('.msg')]
          .map((m) => m.getBoundingClientRect())
          .filter((r) => r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.width === 0);
        return { outside: outside.length, scrollWidth: el.scrollWidth, clientWidth: el.clientWidth };
      });
      expect(layout.outside).toBe(0);
      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
      expect(await chat.locator('.panel').boundingBox()).toEqual(panelBefore);
      // The composer is still there and usable below the messages.
      const composer = (await chat.locator('textarea').boundingBox())!;
      expect(composer.y + composer.height).toBeLessThanOrEqual(panelBefore!.y + panelBefore!.height);
      await screenshot(page, 'hostile-end');

      // The RTL override stays inside its bubble: the time next to it reads normally.
      const rtl = log.locator('.msg', { hasText: 'gnp.exe' });
      await rtl.scrollIntoViewIfNeeded();
      expect(await rtl.locator('.text').getAttribute('dir')).toBe('auto');
      expect(await rtl.locator('time').textContent()).toMatch(/^\d{1,2}:\d{2}/);
      await screenshot(page, 'hostile-rtl');

      // The 100 KB body shows its start and opens in full on demand; the layout still holds.
      const huge = log.locator('.msg', { hasText: 'xxxxxxxxxx' });
      // How much of the body shows (the button after it has no "x" in its label).
      const shown = () => huge.locator('.text').evaluate((el) => /x+/.exec(el.textContent ?? '')![0]);
      expect((await shown()).length).toBeLessThan(4000);
      await huge.getByRole('button', { name: 'Show the whole message' }).click();
      expect((await shown()).length).toBe(100 * 1024);
      const hugeBox = (await huge.boundingBox())!;
      const logBox = (await log.boundingBox())!;
      expect(hugeBox.x + hugeBox.width).toBeLessThanOrEqual(logBox.x + logBox.width + 0.5);
      expect(await log.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
      await huge.getByRole('button', { name: 'Show less' }).click();
    } finally {
      await bob.disconnect();
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('reading a conversation', () => {
  it('announces a live message that shows in the same update as a history page, but not the page', async () => {
    const [anna, ben] = await createAccounts(2);
    const page = await signedIn(anna!);
    try {
      const chat = page.locator('mailbox-chat');
      await page.evaluate((jid) => document.querySelector('mailbox-chat')!.openConversation(jid), ben!.jid);
      // The conversation's own (empty) history is in: nothing of the real one comes after this.
      await expect.poll(() => chat.getByText('No messages yet').count()).toBe(1);
      // What the list gets when the newest page's answer and a live message come in one task:
      // both, in one update (the page's rows before the live one). What it then shows and says
      // is read right after that update, before anything else can render the list again.
      const arrive = (messages: Array<{ id: string; body: string; page: boolean }>, peer: string) =>
        page.evaluate(
          async ({ messages, peer }) => {
            const find = (root: Document | ShadowRoot): Element | undefined =>
              root.querySelector('mc-message-list') ??
              [...root.querySelectorAll('*')]
                .map((el) => (el.shadowRoot ? find(el.shadowRoot) : undefined))
                .find((found) => found !== undefined);
            const list = find(document) as unknown as HTMLElement & {
              messages: unknown[];
              history: unknown;
              updateComplete: Promise<boolean>;
            };
            list.history = {
              loading: false,
              complete: true,
              brought: new Set(messages.filter((m) => m.page).map((m) => `in:${m.id}`)),
            };
            list.messages = [
              ...list.messages,
              ...messages.map(({ id, body }) => ({
                id,
                stanzaId: id,
                conversation: peer,
                from: peer,
                direction: 'in',
                kind: 'chat',
                body,
                time: new Date(),
              })),
            ];
            await list.updateComplete;
            const root = list.shadowRoot!;
            return {
              shown: root.querySelector('[role="log"]')?.textContent ?? '',
              heard: root.querySelector('[aria-live="polite"][aria-atomic="true"]')?.textContent ?? '',
            };
          },
          { messages, peer },
        );
      const name = ben!.jid.split('@')[0];
      const both = await arrive(
        [
          { id: 'from-the-page', body: 'From the archive', page: true },
          { id: 'live', body: 'Just now', page: false },
        ],
        ben!.jid,
      );
      expect(both.shown).toContain('From the archive');
      expect(both.heard).toBe(`${name}: Just now`);
      // A page alone brings nothing new to hear.
      const alone = await arrive([{ id: 'older-page', body: 'Also from the archive', page: true }], ben!.jid);
      expect(alone.shown).toContain('Also from the archive');
      expect(alone.heard).toBe(`${name}: Just now`);
    } finally {
      await page.close();
    }
  });

  it('keeps the reader’s place when scrolled up, and jumps to the latest message on request', async () => {
    const [anna, ben] = await createAccounts(2);
    const page = await signedIn(anna!);
    const chat = page.locator('mailbox-chat');
    const bob = await peer(ben!);
    try {
      for (let i = 1; i <= 30; i += 1) bob.send(anna!.jid, `Message number ${i}`);
      const row = chat.getByRole('button', { name: /30 unread messages/ });
      await expect.poll(() => row.count()).toBe(1);
      await row.click();
      const log = chat.getByRole('log');
      // Opened at the divider (the first unread message), so the newest are below (and, the list
      // being longer than a window, not even rendered yet).
      await expect.poll(() => log.getByText('Message number 1', { exact: true }).isVisible()).toBe(true);
      expect(await log.getByText('Message number 30', { exact: true }).count()).toBe(0);
      expect((await chat.locator('[part="divider"]').textContent())?.trim()).toBe('30 new messages');
      const jump = chat.getByRole('button', { name: 'Jump to the latest message' });
      await expect.poll(() => jump.isVisible()).toBe(true);

      // Where the reader is once the list has measured its rows (it anchors at the divider).
      let before = -1;
      await expect
        .poll(
          async () => {
            const now = await log.evaluate((el) => el.scrollTop);
            const settled = now === before;
            before = now;
            return settled;
          },
          { interval: 250 },
        )
        .toBe(true);
      bob.send(anna!.jid, 'One more');
      await expect.poll(() => jump.getAttribute('aria-label')).toBe('Jump to the latest message, 1 new');
      expect(await log.evaluate((el) => el.scrollTop)).toBe(before);
      await screenshot(page, 'conversation-jump');

      await jump.click();
      await expect
        .poll(() => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight))
        .toBeLessThan(2);
      expect(await jump.count()).toBe(0);

      // At the end, new messages scroll into view by themselves.
      bob.send(anna!.jid, 'And the last one');
      await expect.poll(() => log.textContent()).toContain('And the last one');
      await expect
        .poll(() => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight))
        .toBeLessThan(2);
      // A burst, each message taller than what counts as "at the end": the list keeps following.
      for (let i = 1; i <= 8; i += 1) bob.send(anna!.jid, `Burst ${i} ${'long line of text '.repeat(12)}`);
      await expect.poll(() => log.textContent(), { timeout: 10_000 }).toContain('Burst 8');
      await expect
        .poll(() => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight))
        .toBeLessThan(2);
      expect(await log.getByText(/^Burst 8/).isVisible()).toBe(true);
      expect(await jump.count()).toBe(0);
    } finally {
      await bob.disconnect();
    }
    await page.close();
  });

  it('follows a busy conversation message by message with a bounded DOM, newest in view', async () => {
    const [anna, ben] = await createAccounts(2);
    const page = await signedIn(anna!);
    const chat = page.locator('mailbox-chat');
    const bob = await peer(ben!);
    try {
      bob.send(anna!.jid, 'Busy 0');
      const row = chat.getByRole('button', { name: /1 unread message/ });
      await expect.poll(() => row.count()).toBe(1);
      await row.click();
      const log = chat.getByRole('log');
      await expect.poll(() => log.getByText('Busy 0', { exact: true }).isVisible()).toBe(true);
      // The most items the log held at any moment, and whether it ever lost the end while following.
      await log.evaluate((el) => {
        const w = window as unknown as { __most: number };
        w.__most = 0;
        new MutationObserver(() => {
          w.__most = Math.max(w.__most, el.querySelectorAll('.item').length);
        }).observe(el, { childList: true });
      });
      // One at a time, as a busy room has them: each is its own update of the list.
      for (let i = 1; i <= 90; i += 1) {
        bob.send(anna!.jid, `Busy ${i}`);
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
      await expect.poll(() => log.getByText('Busy 90', { exact: true }).isVisible()).toBe(true);
      await expect
        .poll(() => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight))
        .toBeLessThan(2);
      const most = await page.evaluate(() => (window as unknown as { __most: number }).__most);
      expect(most).toBeGreaterThanOrEqual(20);
      expect(most).toBeLessThanOrEqual(50);
      // What is in the DOM is the newest run of messages, in order, each once.
      const texts = await log.locator('.row .text').allTextContents();
      const numbers = texts.map((t) => Number(/^Busy (\d+)$/.exec(t)?.[1]));
      expect(numbers.at(-1)).toBe(90);
      expect(numbers).toEqual(numbers.map((_, i) => 90 - numbers.length + 1 + i));
      expect(await chat.getByRole('button', { name: 'Jump to the latest message' }).count()).toBe(0);

      // The page gives the widget more room: rows fill the taller log at once (none of the
      // blank space that stands for the rows left out), where the reader is and at the end.
      const view = () =>
        log.evaluate((el) => {
          const top = el.getBoundingClientRect().top;
          const bottom = top + el.clientHeight;
          let blank = 0;
          for (const spacer of el.querySelectorAll('.spacer')) {
            const box = spacer.getBoundingClientRect();
            blank += Math.max(0, Math.min(box.bottom, bottom) - Math.max(box.top, top));
          }
          return {
            blank,
            atEnd: el.scrollHeight - el.scrollTop - el.clientHeight < 2,
            height: el.clientHeight,
          };
        });
      const frame = (height: string) =>
        page.evaluate(
          (h) => document.querySelector<HTMLElement>('.frame')!.style.setProperty('height', h),
          height,
        );
      await log.evaluate((el) => el.scrollBy(0, -el.scrollHeight / 2));
      await expect.poll(async () => (await view()).blank).toBe(0);
      await frame('1200px');
      await expect.poll(view).toMatchObject({ blank: 0, atEnd: false });
      expect((await view()).height).toBeGreaterThan(1000);
      // At the end, and taller than the most rows the list renders around the view.
      await chat.getByRole('button', { name: 'Jump to the latest message' }).click();
      await frame('2400px');
      await expect.poll(view).toMatchObject({ blank: 0, atEnd: true });
      expect((await view()).height).toBeGreaterThan(2000);
    } finally {
      await bob.disconnect();
    }
    await page.close();
  });
});
