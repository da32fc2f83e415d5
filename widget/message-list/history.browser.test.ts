import type { Locator, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { createChat } from '../../sdk/index.js';
import { createAccounts, type TestAccount } from '../../test/rig/accounts.js';
import { watchPage } from '../../test/rig/browser.js';
import { connectRawAgent } from '../../test/rig/raw-agent.js';
import { axeViolations, screenshot, untilOnline, useWidgetRig } from '../../test/rig/widget.js';

const xmpp = inject('xmpp');
const rig = useWidgetRig({
  embedded: {
    body: '<div class="frame"><mailbox-chat service="/xmpp-websocket" mode="embedded"></mailbox-chat></div>',
  },
  german: {
    body: '<div class="frame"><mailbox-chat service="/xmpp-websocket" mode="embedded"></mailbox-chat></div>',
    lang: 'de',
  },
});

async function signedIn(account: TestAccount, name = 'embedded'): Promise<{ page: Page; chat: Locator }> {
  const page = await rig.browser.newPage({ viewport: { width: 1000, height: 700 } });
  await page.goto(`${rig.portal.url}${name}.html`);
  const chat = page.locator('mailbox-chat');
  const german = name === 'german';
  await chat.getByLabel(german ? 'E-Mail-Adresse' : 'E-mail address').fill(account.jid);
  await chat.getByLabel('Passwort').or(chat.getByLabel('Password')).fill(account.password);
  await chat.getByRole('button', { name: german ? 'Anmelden' : 'Sign in' }).click();
  await untilOnline(chat);
  return { page, chat };
}

/**
 * Puts `count` messages into the archive of `anna` (alternating between her and `ben`), straight
 * to live sessions of both so that nothing waits as an offline message for her next login.
 * Resolves once her archive holds the last one (among its newest ten).
 */
async function seedArchive(anna: TestAccount, ben: TestAccount, count: number): Promise<void> {
  const [a, b] = await Promise.all([
    connectRawAgent(anna, xmpp.websocketUrl),
    connectRawAgent(ben, xmpp.websocketUrl),
  ]);
  try {
    for (let n = 1; n <= count; n += 1) {
      const [from, to] = n % 3 === 0 ? [a, b] : [b, a];
      from.send({ to: to.jid, type: 'chat', body: `Message ${n}` });
    }
    const reader = createChat({ jid: anna.jid, password: anna.password, service: xmpp.websocketUrl });
    await reader.connect();
    try {
      // Among the newest, not necessarily the newest: the two sessions' last messages can reach
      // the archive in either order.
      await expect
        .poll(
          async () =>
            (await reader.archive.history(ben.jid, { limit: 10 })).messages.some(
              (m) => m.body === `Message ${count}`,
            ),
          { timeout: 30_000 },
        )
        .toBe(true);
    } finally {
      await reader.disconnect();
    }
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

const openConversation = (page: Page, jid: string) =>
  page.evaluate((to) => document.querySelector('mailbox-chat')!.openConversation(to), jid);

/** Every node in the message list's shadow root (elements, text, comments), as a benchmark counts them. */
const nodesIn = (log: Locator) =>
  log.evaluate((el) => {
    const walker = document.createTreeWalker(el.getRootNode(), NodeFilter.SHOW_ALL);
    let count = 0;
    while (walker.nextNode()) count += 1;
    return count;
  });

/** The top of a message's bubble relative to the log's top, or null when it is not rendered. */
const topOf = (log: Locator, text: string) =>
  log.evaluate((el, t) => {
    const msg = [...el.querySelectorAll('.msg')].find(
      (m) => m.querySelector('.text')?.textContent?.trim() === t,
    );
    return msg ? msg.getBoundingClientRect().top - el.getBoundingClientRect().top : null;
  }, text);

describe('history from the archive', () => {
  it('scrolls back through 500 archived messages with a bounded DOM, to the archive’s horizon', async () => {
    const [anna, ben] = await createAccounts(2);
    await seedArchive(anna!, ben!, 500);
    const { page, chat } = await signedIn(anna!);
    const { errors } = watchPage(page);
    await openConversation(page, ben!.jid);
    const log = chat.getByRole('log');

    // Opens at the newest messages, loaded from the archive.
    await expect.poll(() => topOf(log, 'Message 500'), { timeout: 15_000 }).not.toBeNull();
    await expect
      .poll(() => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight))
      .toBeLessThan(2);

    // Scrolling to the top shows a loading line and loads the page before; the reader's place
    // (the first message in view while the page loads) stays where it was.
    const height = await log.evaluate((el) => el.scrollHeight);
    await log.evaluate((el) => {
      const w = window as unknown as { place?: { first: string; before: number } };
      new MutationObserver(() => {
        if (w.place) return;
        if (!el.querySelector('.history.loading')?.textContent?.includes('Loading earlier messages…')) return;
        const top = el.getBoundingClientRect().top;
        const msg = [...el.querySelectorAll('.msg')].find((m) => m.getBoundingClientRect().bottom > top)!;
        w.place = {
          first: msg.querySelector('.text')?.textContent?.trim() ?? '',
          before: msg.getBoundingClientRect().top - top,
        };
      }).observe(el, { childList: true, subtree: true });
      el.scrollTop = 0;
    });
    await expect
      .poll(() => log.evaluate((el) => el.scrollHeight), { timeout: 15_000 })
      .toBeGreaterThan(height + 1000);
    const place = await page.evaluate(
      () => (window as unknown as { place?: { first: string; before: number } }).place,
    );
    // The loading line was seen (that is when the place was taken).
    expect(place?.first).toMatch(/^Message \d+$/);
    expect(Math.abs((await topOf(log, place!.first))! - place!.before)).toBeLessThan(2);

    // Keep scrolling up to the start. However long the history, the DOM stays small.
    const horizon = chat.getByText('The saved history starts here.');
    let most = 0;
    let nodes = 0;
    await expect
      .poll(
        async () => {
          await log.evaluate((el) => (el.scrollTop = 0));
          most = Math.max(most, await log.locator('.msg').count());
          nodes = Math.max(nodes, await nodesIn(log));
          return horizon.count();
        },
        { timeout: 45_000, interval: 250 },
      )
      .toBe(1);
    expect(await horizon.isVisible()).toBe(true);
    // The date of the oldest message kept is shown with it.
    expect(await chat.locator('[part="history"]').textContent()).toMatch(
      /The oldest message kept is from .*\d/,
    );
    // The last page may have come in after the last scroll (the reader's place kept): scroll up
    // to the start once more.
    await expect
      .poll(async () => {
        await log.evaluate((el) => (el.scrollTop = 0));
        return topOf(log, 'Message 1');
      })
      .not.toBeNull();
    expect(await log.getByText('Message 1', { exact: true }).isVisible()).toBe(true);
    // Both sides of the conversation came from the archive.
    expect(await log.locator('.row.out .text', { hasText: /^\s*Message 3\s*$/ }).count()).toBe(1);
    const rendered = await log.locator('.msg').count();
    const elements = await log.evaluate((el) => el.querySelectorAll('*').length);
    most = Math.max(most, rendered);
    // About two screens of messages (the viewport and half of it above and below), and every
    // node of the list — elements, text, Lit's markers — counted, so that nothing piles up.
    expect(most).toBeLessThanOrEqual(40);
    expect(elements).toBeLessThan(300);
    expect(nodes).toBeLessThan(400);
    // Every message is there exactly once: the total height covers 500 of them.
    expect(await log.evaluate((el) => el.scrollHeight)).toBeGreaterThan(500 * 30);
    await screenshot(page, 'history-horizon');
    expect(await axeViolations(page)).toEqual([]);

    // In the middle, neither end is in the DOM: only a window around the viewport is.
    await log.evaluate((el) => el.scrollTo({ top: el.scrollHeight / 2 }));
    await expect
      .poll(() => Promise.all([topOf(log, 'Message 1'), topOf(log, 'Message 500')]))
      .toEqual([null, null]);
    expect(await log.locator('.msg').count()).toBeGreaterThan(0);
    expect(await log.locator('.msg').count()).toBeLessThanOrEqual(40);
    // Scrolling on a little at a time, as a wheel does: after every step messages fill the view
    // from its top edge to its bottom edge (the window moves on before the reader reaches its end).
    const gaps = await log.evaluate(async (el) => {
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      const found: number[] = [];
      for (let step = 0; step < 40; step += 1) {
        el.scrollTop += 90;
        await frame();
        await frame();
        const view = el.getBoundingClientRect();
        const rows = [...el.querySelectorAll('.item')].map((item) => item.getBoundingClientRect());
        const covered = (y: number) => rows.some((r) => r.top <= y && r.bottom >= y);
        if (!covered(view.top + 1) || !covered(view.bottom - 1)) found.push(step);
      }
      return found;
    });
    expect(gaps).toEqual([]);
    expect(await log.locator('.msg').count()).toBeLessThanOrEqual(40);
    // Jump to the latest message from there.
    await chat.getByRole('button', { name: 'Jump to the latest message' }).click();
    await expect.poll(() => topOf(log, 'Message 500')).not.toBeNull();
    await expect
      .poll(() => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight))
      .toBeLessThan(2);
    expect(await log.locator('.msg').count()).toBeLessThanOrEqual(40);
    expect(await nodesIn(log)).toBeLessThan(400);
    expect(await log.getByText('Message 500', { exact: true }).isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('asks the archive for a conversation before it renders the conversation', async () => {
    const [anna, ben] = await createAccounts(2);
    await seedArchive(anna!, ben!, 4);
    const { page, chat } = await signedIn(anna!);
    // In the order they happen: the query for Ben's history leaving the page, and the
    // conversation's message list appearing.
    await page.evaluate((peer) => {
      const order: string[] = [];
      (window as unknown as { order: string[] }).order = order;
      const send = WebSocket.prototype.send;
      WebSocket.prototype.send = function (data) {
        if (typeof data === 'string' && data.includes('urn:xmpp:mam:2') && data.includes(peer)) {
          order.push('query');
        }
        return send.call(this, data);
      };
      const root = document.querySelector('mailbox-chat')!.shadowRoot!;
      new MutationObserver(() => {
        if (!order.includes('view') && root.querySelector('mc-message-list')) order.push('view');
      }).observe(root, { childList: true, subtree: true });
    }, ben!.jid);
    // A one-to-one history first needs the server's discovery (where the archive is); once that
    // is in, nothing but the SDK's own steps stands between opening and the query.
    await expect
      .poll(() => page.evaluate(() => document.querySelector('mailbox-chat')!.chat?.server !== undefined))
      .toBe(true);
    await openConversation(page, ben!.jid);
    await expect.poll(() => chat.getByRole('log').getByText('Message 4', { exact: true }).count()).toBe(1);
    // The history is on its way before the view is drawn: rendered first, the view held the
    // request up (it leaves through a chain of microtasks a render in between runs ahead of).
    expect(await page.evaluate(() => (window as unknown as { order: string[] }).order)).toEqual([
      'query',
      'view',
    ]);
    await page.close();
  });

  it('asks nothing more for a conversation that scrolled as it was left', async () => {
    const [anna, ben, cara] = await createAccounts(3);
    // More than a page: the archive has older messages to give.
    await seedArchive(anna!, ben!, 80);
    const { page, chat } = await signedIn(anna!);
    await openConversation(page, ben!.jid);
    const log = chat.getByRole('log');
    await expect.poll(() => topOf(log, 'Message 80'), { timeout: 15_000 }).not.toBeNull();
    // Counts the queries for Ben's history leaving the page from now on.
    await page.evaluate((peer) => {
      const w = window as unknown as { queries: number };
      w.queries = 0;
      const send = WebSocket.prototype.send;
      WebSocket.prototype.send = function (data) {
        if (typeof data === 'string' && data.includes('urn:xmpp:mam:2') && data.includes(peer))
          w.queries += 1;
        return send.call(this, data);
      };
    }, ben!.jid);
    // The reader scrolls up a little (far from the top) and opens another conversation before
    // the next frame: the scroll's event comes after Ben's list was taken out.
    await log.evaluate(
      (el, other) =>
        new Promise<void>((resolve) =>
          requestAnimationFrame(() => {
            el.scrollTop -= 100;
            void document.querySelector('mailbox-chat')!.openConversation(other).then(resolve);
          }),
        ),
      cara!.jid,
    );
    // Cara's conversation shows, nothing of Ben's.
    await expect.poll(() => topOf(log, 'Message 80')).toBeNull();
    expect(await chat.getByRole('log').count()).toBe(1);
    // Frames pass (the scroll's event is dispatched in the next one), and a while more.
    await page.evaluate(
      () =>
        new Promise((resolve) =>
          requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 500))),
        ),
    );
    expect(await page.evaluate(() => (window as unknown as { queries: number }).queries)).toBe(0);
    await page.close();
  });

  it('says where the history ends in German too', async () => {
    const [anna, ben] = await createAccounts(2);
    await seedArchive(anna!, ben!, 4);
    const { page, chat } = await signedIn(anna!, 'german');
    await openConversation(page, ben!.jid);
    await expect.poll(() => chat.getByRole('log').getByText('Message 4', { exact: true }).count()).toBe(1);
    await expect.poll(() => chat.getByText('Hier beginnt der gespeicherte Verlauf.').count()).toBe(1);
    expect(await chat.locator('[part="history"]').textContent()).toContain(
      'Die älteste gespeicherte Nachricht ist vom',
    );
    await page.close();
  });
});
