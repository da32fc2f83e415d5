import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { createChat, type Chat, type Message } from '../../sdk/index.js';
import { createAccounts, type TestAccount } from '../../test/rig/accounts.js';
import { watchPage } from '../../test/rig/browser.js';
import { registerAccount } from '../../test/rig/prosody.mjs';
import {
  axeViolations,
  placeWidgetSignedOnEarly,
  screenshot,
  signOn,
  untilOnline,
  useWidgetRig,
} from '../../test/rig/widget.js';

const xmpp = inject('xmpp');
const widget = (attributes: string) =>
  `<mailbox-chat service="/xmpp-websocket" ${attributes}></mailbox-chat>`;

const rig = useWidgetRig(
  {
    launcher: { body: widget('') },
    'launcher-dark': { body: widget('theme="dark"') },
    'launcher-auto': { body: widget('theme="auto"') },
    embedded: { body: `<div class="frame">${widget('mode="embedded"')}</div>` },
    'embedded-wide': { body: `<div class="wide">${widget('mode="embedded"')}</div>` },
    fullscreen: { body: widget('mode="fullscreen"') },
    sso: { body: `<div class="frame">${widget('mode="embedded" sso')}</div>` },
    'contacts-first': { body: `<div class="frame">${widget('mode="embedded" sso tab="contacts"')}</div>` },
    german: { body: widget(''), lang: 'de' },
  },
  {
    // A picture for the inline-image test, served (like the pages) from the portal's own origin.
    prepare: (dir) =>
      writeFileSync(
        join(dir, 'photo.svg'),
        '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="120" viewBox="0 0 240 120">' +
          '<rect width="240" height="120" fill="#0b6bcb"/><circle cx="60" cy="60" r="36" fill="#f4f1ea"/></svg>',
      ),
  },
);

async function open(name: string, options: { width?: number; height?: number; dark?: boolean } = {}) {
  const page = await rig.browser.newPage({
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.dark ? 'dark' : 'light',
  });
  const { errors } = watchPage(page);
  await page.goto(`${rig.portal.url}${name}.html`);
  await page.waitForFunction(() => customElements.get('mailbox-chat'));
  // Record the widget's DOM events for assertions.
  await page.evaluate(() => {
    const seen: Array<{ type: string; detail: unknown; bubbles: boolean; composed: boolean }> = [];
    (window as unknown as { mcEvents: typeof seen }).mcEvents = seen;
    for (const type of ['mc-open', 'mc-close', 'mc-status', 'mc-unread', 'mc-message']) {
      document.addEventListener(type, (event) => {
        const detail = (event as Event & { detail?: { message?: { body: string } } }).detail;
        const { bubbles, composed } = event;
        seen.push({
          type,
          detail: detail?.message ? { body: detail.message.body } : detail,
          bubbles,
          composed,
        });
      });
    }
  });
  return { page, errors, chat: page.locator('mailbox-chat') };
}

type Recorded = { type: string; detail: unknown; bubbles: boolean; composed: boolean };

/** The widget's DOM events of one type that reached the document, as `{ type, detail }`. */
const events = async (page: Page, type: string) =>
  (await allEvents(page)).filter((e) => e.type === type).map(({ type, detail }) => ({ type, detail }));

const allEvents = (page: Page) =>
  page.evaluate(() => (window as unknown as { mcEvents: Recorded[] }).mcEvents);

/** Every recorded `mc-*` event bubbled and was composed. */
async function expectBubblingComposed(page: Page): Promise<void> {
  const all = await allEvents(page);
  expect(all.length).toBeGreaterThan(0);
  expect(all.filter((e) => !e.bubbles || !e.composed)).toEqual([]);
}

/** What has focus, seen through the widget's shadow roots. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let active: Element | null = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active
      ? `${active.tagName.toLowerCase()}${active.id ? `#${active.id}` : ''}${active.className ? `.${String(active.className).trim().split(/\s+/).join('.')}` : ''}`
      : '';
  });

/** Waits for the panel's opening animation to end. */
const settled = (chat: Locator) =>
  chat.locator('.panel').evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));

async function logIn(chat: Locator, account: TestAccount): Promise<void> {
  await chat.getByLabel('E-mail address').fill(account.jid);
  await chat.getByLabel('Password').fill(account.password);
  await chat.getByRole('button', { name: 'Sign in' }).click();
  await untilOnline(chat);
}

async function peer(account: TestAccount): Promise<Chat> {
  const chat = createChat({ jid: account.jid, password: account.password, service: xmpp.websocketUrl });
  await chat.connect();
  return chat;
}

const nextMessage = (chat: Chat) =>
  new Promise<Message>((resolve) => {
    const off = chat.on('message', ({ message }) => {
      off();
      resolve(message);
    });
  });

describe('<mailbox-chat> modes', () => {
  it('opens and closes the launcher by keyboard, moving focus into the panel and back', async () => {
    const { page, errors, chat } = await open('launcher');
    const launcher = chat.getByRole('button', { name: 'Open chat' });
    await expect.poll(() => launcher.isVisible()).toBe(true);
    expect(await chat.getByRole('dialog').count()).toBe(0);

    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('button.launcher');
    await page.keyboard.press('Enter');
    await expect.poll(() => chat.getByRole('dialog', { name: 'Chat' }).isVisible()).toBe(true);
    expect(await focused(page)).toBe('input#jid.field');
    expect(await chat.getByRole('button', { name: 'Close chat' }).first().getAttribute('aria-expanded')).toBe(
      'true',
    );

    // Tab moves through the form; Escape closes from anywhere in the panel.
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('input#password.field');
    await page.keyboard.press('Escape');
    await expect.poll(() => chat.getByRole('dialog').count()).toBe(0);
    expect(await focused(page)).toBe('button.launcher');

    // The close button in the header does the same.
    await page.keyboard.press('Space');
    await expect.poll(() => chat.getByRole('dialog').isVisible()).toBe(true);
    await chat.locator('.header .close').click();
    await expect.poll(() => chat.getByRole('dialog').count()).toBe(0);
    expect(await focused(page)).toBe('button.launcher');

    // And the methods, for the host page.
    await page.evaluate(() => document.querySelector('mailbox-chat')!.open());
    await expect.poll(() => chat.getByRole('dialog').isVisible()).toBe(true);
    await page.evaluate(() => document.querySelector('mailbox-chat')!.close());
    await expect.poll(() => chat.getByRole('dialog').count()).toBe(0);

    expect((await events(page, 'mc-open')).length).toBe(3);
    expect((await events(page, 'mc-close')).length).toBe(3);
    await expectBubblingComposed(page);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('renders each mode inside its box, down to a 360 px phone', async () => {
    // Embedded: fills its container.
    let { page, chat } = await open('embedded');
    const frame = await page.locator('.frame').boundingBox();
    const panel = await chat.locator('.panel').boundingBox();
    expect(panel).toEqual(frame);
    expect(await chat.getByRole('region', { name: 'Chat' }).isVisible()).toBe(true);
    expect(await chat.locator('.launcher').count()).toBe(0);
    await screenshot(page, 'embedded-light-login');
    await page.evaluate(() => document.querySelector('mailbox-chat')!.setAttribute('theme', 'dark'));
    await screenshot(page, 'embedded-dark-login');
    await page.close();

    // Full screen: covers the window.
    ({ page, chat } = await open('fullscreen', { width: 1000, height: 700 }));
    expect(await chat.locator('.panel').boundingBox()).toEqual({ x: 0, y: 0, width: 1000, height: 700 });
    await screenshot(page, 'fullscreen-light-login');
    await page.evaluate(() => document.querySelector('mailbox-chat')!.setAttribute('theme', 'dark'));
    await screenshot(page, 'fullscreen-dark-login');
    await page.close();

    // Launcher on a desktop: a panel above the button, in the corner.
    ({ page, chat } = await open('launcher'));
    await screenshot(page, 'launcher-light-closed');
    await chat.locator('.launcher').click();
    await settled(chat);
    const desktop = (await chat.locator('.panel').boundingBox())!;
    expect(desktop.width).toBe(380);
    expect(desktop.x + desktop.width).toBeLessThanOrEqual(1280 - 19);
    await screenshot(page, 'launcher-light-open');
    await page.close();

    // Launcher on a phone: the panel covers the screen, the header has the close button.
    ({ page, chat } = await open('launcher', { width: 360, height: 640 }));
    await chat.locator('.launcher').click();
    await settled(chat);
    expect(await chat.locator('.panel').boundingBox()).toEqual({ x: 0, y: 0, width: 360, height: 640 });
    const submit = (await chat.getByRole('button', { name: 'Sign in' }).boundingBox())!;
    expect(submit.x).toBeGreaterThanOrEqual(0);
    expect(submit.x + submit.width).toBeLessThanOrEqual(360);
    await screenshot(page, 'launcher-phone-login');
    await page.close();
  });
});

describe('<mailbox-chat> chatting', () => {
  it('logs in, counts unread messages, and exchanges messages with an SDK peer', async () => {
    const [anna, ben] = await createAccounts(2);
    const { page, errors, chat } = await open('launcher');
    await chat.locator('.launcher').click();
    await logIn(chat, anna!);
    // A new account's archive is empty: once it has answered, the list says so.
    await expect.poll(() => chat.getByText('No conversations yet').isVisible()).toBe(true);
    await chat.getByRole('button', { name: 'Close chat' }).first().click();

    const bob = await peer(ben!);
    try {
      bob.send(anna!.jid, 'Hi Anna, *lunch* at noon? See https://example.com/menu.');
      bob.send(anna!.jid, 'I booked _the usual_ table');
      const launcher = chat.locator('.launcher');
      await expect.poll(() => launcher.getAttribute('aria-label')).toBe('Open chat, 2 unread messages');
      expect(await chat.locator('[part="badge"]').textContent()).toBe('2');
      expect((await events(page, 'mc-unread')).at(-1)).toEqual({ type: 'mc-unread', detail: { count: 2 } });
      await screenshot(page, 'launcher-light-unread');

      await launcher.click();
      const row = chat.getByRole('button', { name: /2 unread messages/ });
      expect(await row.textContent()).toContain('I booked _the usual_ table');
      await row.click();
      const log = chat.getByRole('log', { name: `Messages with ${ben!.user}` });
      await expect.poll(() => log.textContent()).toContain('I booked _the usual_ table');
      // The log itself stays quiet (virtualization adds and removes items as you scroll); new
      // messages are announced once through a polite live region next to it.
      expect(await log.getAttribute('aria-live')).toBe('off');
      expect((await chat.locator('[part="divider"]').textContent())?.trim()).toBe('2 new messages');
      expect(await log.locator('strong').textContent()).toBe('*lunch*');
      expect(await log.locator('em').textContent()).toBe('_the usual_');
      expect(await log.getByRole('link', { name: 'https://example.com/menu' }).getAttribute('href')).toBe(
        'https://example.com/menu',
      );
      await expect.poll(() => launcher.getAttribute('aria-label')).toBe('Close chat');
      expect((await events(page, 'mc-unread')).at(-1)).toEqual({ type: 'mc-unread', detail: { count: 0 } });

      // Focus is in the composer: Shift+Enter breaks the line, Enter sends.
      expect(await focused(page)).toBe('textarea#text');
      const reply = nextMessage(bob);
      await page.keyboard.type('Sounds good.');
      await page.keyboard.press('Shift+Enter');
      await page.keyboard.type('See you there!');
      await page.keyboard.press('Enter');
      expect((await reply).body).toBe('Sounds good.\nSee you there!');
      const mine = log.locator('.out .msg').last();
      // Ben's client confirms delivery by itself; once Ben has read it, the tick says so.
      await expect.poll(() => mine.getByRole('img').getAttribute('aria-label')).toBe('Delivered');
      bob.markRead(anna!.jid);
      await expect.poll(() => mine.getByRole('img').getAttribute('aria-label')).toBe('Read');
      expect(await chat.locator('textarea').inputValue()).toBe('');

      // A message while the conversation is open is read at once.
      bob.send(anna!.jid, 'Great!');
      await expect.poll(() => log.textContent()).toContain('Great!');
      const announcer = chat.locator('mc-message-list [aria-live="polite"][aria-atomic="true"]');
      await expect.poll(() => announcer.textContent()).toContain('Great!');
      expect(await chat.locator('[part="badge"]').count()).toBe(0);
      await screenshot(page, 'launcher-light-conversation');

      const messageEvents = await events(page, 'mc-message');
      expect(messageEvents.map((e) => (e.detail as { body: string }).body)).toEqual([
        'Hi Anna, *lunch* at noon? See https://example.com/menu.',
        'I booked _the usual_ table',
        'Sounds good.\nSee you there!',
        'Great!',
      ]);

      // Back to the list; a new conversation by address.
      await chat.getByRole('button', { name: 'Back to conversations' }).click();
      await expect.poll(() => focused(page)).toContain(`button.item`);
      await chat.getByRole('button', { name: 'New conversation' }).click();
      await page.keyboard.type('not an address');
      await page.keyboard.press('Enter');
      expect(await chat.getByRole('alert').textContent()).toBe('Enter an address like name@example.com.');
      await chat.getByLabel('E-mail address').fill('cara@example.com');
      await page.keyboard.press('Enter');
      await expect.poll(() => chat.getByRole('log', { name: 'Messages with cara' }).isVisible()).toBe(true);
      // Once the archive has answered that there is nothing yet.
      await expect.poll(() => chat.getByText('No messages yet. Say hello!').isVisible()).toBe(true);

      // Sign out: back to the form, nothing of the session left.
      await chat.getByRole('button', { name: 'Sign out' }).click();
      await expect.poll(() => chat.getByLabel('Password').isVisible()).toBe(true);
      expect((await events(page, 'mc-status')).at(-1)).toEqual({
        type: 'mc-status',
        detail: { status: 'offline' },
      });
      // All five kinds came, each bubbling and composed (they cross the shadow root).
      expect(new Set((await allEvents(page)).map((e) => e.type))).toEqual(
        new Set(['mc-open', 'mc-close', 'mc-status', 'mc-unread', 'mc-message']),
      );
      await expectBubblingComposed(page);
    } finally {
      await bob.disconnect();
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('can be used with the keyboard alone: sign in, start a conversation, send, close', async () => {
    const [anna, ben] = await createAccounts(2);
    const { page, errors, chat } = await open('launcher');
    const bob = await peer(ben!);
    try {
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await page.keyboard.type(anna!.jid);
      await page.keyboard.press('Tab');
      await page.keyboard.type(anna!.password);
      await page.keyboard.press('Enter');
      await untilOnline(chat);
      // Focus moves on into the (empty) conversation list: its "new conversation" button.
      await expect.poll(() => focused(page)).toBe('button.icon-button.new');
      expect(await chat.locator('mc-conversation-list .new').getAttribute('aria-label')).toBe(
        'New conversation',
      );
      await screenshot(page, 'launcher-light-empty');
      await page.keyboard.press('Enter');
      await expect.poll(() => focused(page)).toBe('input#new-jid.field');
      await page.keyboard.type(ben!.jid);
      await page.keyboard.press('Enter');
      // The conversation renders a task after its history request went out; focus follows it.
      await expect.poll(() => focused(page)).toBe('textarea#text');
      const received = nextMessage(bob);
      await page.keyboard.type('Typed without a mouse');
      await page.keyboard.press('Enter');
      expect((await received).body).toBe('Typed without a mouse');
      // Shift+Tab walks back through the conversation's controls to the back button.
      await page.keyboard.press('Shift+Tab');
      expect(await focused(page)).toBe('button.attach');
      await page.keyboard.press('Shift+Tab');
      expect(await focused(page)).toBe('div.log');
      await page.keyboard.press('Shift+Tab');
      expect(await focused(page)).toBe('button.icon-button.back');
      await page.keyboard.press('Enter');
      await expect.poll(() => focused(page)).toContain('button.item');
      await page.keyboard.press('Escape');
      await expect.poll(() => focused(page)).toBe('button.launcher');
    } finally {
      await bob.disconnect();
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps what was typed in a conversation and not sent for when the user comes back to it', async () => {
    const [anna, ben, cara] = await createAccounts(3);
    const { page, errors, chat } = await open('embedded');
    const bob = await peer(ben!);
    try {
      await logIn(chat, anna!);
      const openWith = (jid: string) =>
        page.evaluate((to) => document.querySelector('mailbox-chat')!.openConversation(to), jid);
      const field = chat.locator('mc-composer textarea');
      const heading = (user: string) => chat.getByRole('heading', { name: user });

      await openWith(ben!.jid);
      await expect.poll(() => heading(ben!.user).count()).toBe(1);
      await field.fill('Halb fertig, gleich');
      // Another conversation starts empty; the first one's text waits for the user's return.
      await openWith(cara!.jid);
      await expect.poll(() => heading(cara!.user).count()).toBe(1);
      expect(await field.inputValue()).toBe('');
      await field.fill('Für Cara');
      await openWith(ben!.jid);
      await expect.poll(() => heading(ben!.user).count()).toBe(1);
      expect(await field.inputValue()).toBe('Halb fertig, gleich');
      // Sent, it is gone from the composer for good.
      const received = nextMessage(bob);
      await field.press('Enter');
      expect((await received).body).toBe('Halb fertig, gleich');
      await openWith(cara!.jid);
      await expect.poll(() => heading(cara!.user).count()).toBe(1);
      expect(await field.inputValue()).toBe('Für Cara');
      await openWith(ben!.jid);
      await expect.poll(() => heading(ben!.user).count()).toBe(1);
      expect(await field.inputValue()).toBe('');
      // Signing out forgets it.
      await openWith(cara!.jid);
      await chat.getByRole('button', { name: 'Sign out' }).click();
      await logIn(chat, anna!);
      await openWith(cara!.jid);
      await expect.poll(() => heading(cara!.user).count()).toBe(1);
      expect(await field.inputValue()).toBe('');
    } finally {
      await bob.disconnect();
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it('signs in through the host’s credentials callback, once per login, keeping no password', async () => {
    const [anna] = await createAccounts(1);
    const { page, errors, chat } = await open('embedded');
    // Asked for before sign-in, the conversation opens once signed in.
    await page.evaluate(() =>
      document.querySelector('mailbox-chat')!.openConversation('helpdesk@example.com'),
    );
    await page.evaluate(
      ({ jid, password }) => {
        const w = window as unknown as { calls: number };
        w.calls = 0;
        document.querySelector('mailbox-chat')!.credentials = async () => {
          w.calls += 1;
          return { jid, password };
        };
      },
      { jid: anna!.jid, password: anna!.password },
    );
    await untilOnline(chat);
    expect(await chat.getByLabel('Password').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { calls: number }).calls)).toBe(1);
    expect(await chat.locator('.account').textContent()).toBe(anna!.jid);
    await expect.poll(() => chat.getByRole('log', { name: 'Messages with helpdesk' }).isVisible()).toBe(true);

    // The password is nowhere: not in storage, not in the DOM, not on the element.
    const traces = await page.evaluate((password) => {
      const dom: string[] = [];
      const walk = (root: Document | ShadowRoot) => {
        dom.push(root instanceof Document ? root.documentElement.outerHTML : root.innerHTML);
        for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
      };
      walk(document);
      const el = document.querySelector('mailbox-chat')! as unknown as Record<string, unknown>;
      const props = Object.keys(el).map((k) => {
        try {
          return JSON.stringify(el[k]) ?? '';
        } catch {
          return '';
        }
      });
      return [
        JSON.stringify(localStorage),
        JSON.stringify(sessionStorage),
        document.cookie,
        ...dom,
        ...props,
      ].filter((s) => s.includes(password));
    }, anna!.password);
    expect(traces).toEqual([]);
    await screenshot(page, 'embedded-light-sso');

    // Signing out and in again asks the portal again.
    await chat.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => chat.getByText('You are signed out.').isVisible()).toBe(true);
    await chat.getByRole('button', { name: 'Sign in' }).click();
    await untilOnline(chat);
    expect(await page.evaluate(() => (window as unknown as { calls: number }).calls)).toBe(2);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('<mailbox-chat sso>', () => {
  it('says it is signing in, not showing the login form, until the portal’s credentials come', async () => {
    const [anna] = await createAccounts(1);
    const { page, errors, chat } = await open('sso');
    // The portal's script is still fetching the credentials.
    await expect.poll(() => chat.getByText('Signing you in…').isVisible()).toBe(true);
    expect(await chat.getByLabel('Password').count()).toBe(0);
    await page.waitForTimeout(500);
    expect(await chat.getByLabel('Password').count()).toBe(0);
    await signOn(page, anna!);
    await untilOnline(chat);
    expect(await chat.getByLabel('Password').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('takes credentials a page script set before the element was defined', async () => {
    const [anna] = await createAccounts(1);
    const { page, errors, chat } = await open('sso');
    // An element not upgraded when it got its credentials (as when the portal's sign-on script
    // runs before the widget's script), in place of the page's own.
    await placeWidgetSignedOnEarly(
      page,
      '.frame',
      { service: '/xmpp-websocket', mode: 'embedded', sso: '' },
      anna!,
    );
    await untilOnline(chat);
    expect(await chat.getByLabel('Password').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the login form with an error when the portal’s credentials do not come', async () => {
    const page = await rig.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const { errors } = watchPage(page);
    await page.clock.install();
    await page.goto(`${rig.portal.url}sso.html`);
    const chat = page.locator('mailbox-chat');
    await expect.poll(() => chat.getByText('Signing you in…').isVisible()).toBe(true);
    await page.clock.fastForward(9_000);
    expect(await chat.getByLabel('Password').count()).toBe(0);
    await page.clock.fastForward(1_500);
    await expect.poll(() => chat.getByLabel('Password').isVisible()).toBe(true);
    expect(await chat.getByRole('alert').textContent()).toContain(
      'The portal could not sign you in to the chat.',
    );
    expect(await chat.getByText('Signing you in…').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('<mailbox-chat tab>', () => {
  it('opens on the list the page chose, again after signing out, and switches when the page says', async () => {
    const [anna] = await createAccounts(1);
    const { page, errors, chat } = await open('contacts-first');
    const selected = async () =>
      (await chat.locator('[role="tab"][aria-selected="true"]').textContent())?.trim();
    // Watch for the conversation list in the panel: it should never be drawn (a flash of the wrong list).
    await page.evaluate(() => {
      const w = window as unknown as { drewChats: boolean };
      w.drewChats = false;
      new MutationObserver(() => {
        if (document.querySelector('mailbox-chat')!.shadowRoot!.querySelector('mc-conversation-list')) {
          w.drewChats = true;
        }
      }).observe(document.querySelector('mailbox-chat')!.shadowRoot!, { childList: true, subtree: true });
    });
    await signOn(page, anna!);
    await untilOnline(chat);
    expect(await selected()).toBe('Contacts');
    expect(await chat.getByText('No contacts yet').isVisible()).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { drewChats: boolean }).drewChats)).toBe(false);

    // The user's choice is theirs; the attribute stays what the page set.
    await chat.getByRole('tab', { name: 'Chats' }).click();
    await expect.poll(() => chat.getByText('No conversations yet').isVisible()).toBe(true);
    expect(await page.evaluate(() => document.querySelector('mailbox-chat')!.getAttribute('tab'))).toBe(
      'contacts',
    );

    // Signed out and in again: the page's list again.
    await chat.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => chat.getByText('You are signed out.').isVisible()).toBe(true);
    await chat.getByRole('button', { name: 'Sign in' }).click();
    await untilOnline(chat);
    expect(await selected()).toBe('Contacts');

    // The page switches the list; an unknown list means the conversations.
    await page.evaluate(() => (document.querySelector('mailbox-chat')!.tab = 'rooms'));
    await expect.poll(() => chat.getByText('You are not in any room yet').isVisible()).toBe(true);
    expect(await selected()).toBe('Rooms');
    await page.evaluate(() => document.querySelector('mailbox-chat')!.setAttribute('tab', 'inbox'));
    await expect.poll(() => selected()).toBe('Chats');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('<mailbox-chat> across page loads', () => {
  it('keeps the panel open, its tab and the open conversation for the next page in the same tab', async () => {
    const [anna, ben] = await createAccounts(2);
    const { page, errors, chat } = await open('launcher');
    const isOpen = () => chat.evaluate((el) => (el as HTMLElement & { isOpen: boolean }).isOpen);
    const next = async () => {
      await page.reload(); // a link to another page of the portal does the same
      await page.waitForFunction(() => customElements.get('mailbox-chat'));
    };
    const conversationWithBen = () => chat.getByRole('heading', { name: ben!.user });
    await chat.locator('.launcher').click();
    await logIn(chat, anna!);
    await page.evaluate((jid) => document.querySelector('mailbox-chat')!.openConversation(jid), ben!.jid);
    await expect.poll(() => conversationWithBen().count()).toBe(1);

    // The next page shows the panel open at once (the password is asked again: it is never
    // stored), and the conversation opens again on signing in.
    await next();
    await expect.poll(() => chat.getByLabel('Password').isVisible()).toBe(true);
    expect(await isOpen()).toBe(true);
    await logIn(chat, anna!);
    await expect.poll(() => conversationWithBen().count()).toBe(1);

    // Back in the list, on the Contacts tab, panel closed: so the next page starts.
    await chat.getByRole('button', { name: 'Back to conversations' }).click();
    await chat.getByRole('tab', { name: 'Contacts' }).click();
    await chat.getByRole('button', { name: 'Close chat' }).first().click();
    await next();
    expect(await isOpen()).toBe(false);
    await chat.locator('.launcher').click();
    await logIn(chat, anna!);
    expect(await chat.getByRole('tab', { name: 'Contacts' }).getAttribute('aria-selected')).toBe('true');
    expect(await conversationWithBen().count()).toBe(0);

    // Signing out forgets the conversation: the next page, signed in again, opens none.
    await page.evaluate((jid) => document.querySelector('mailbox-chat')!.openConversation(jid), ben!.jid);
    await expect.poll(() => conversationWithBen().count()).toBe(1);
    await chat.getByRole('button', { name: 'Sign out' }).click();
    await next();
    await logIn(chat, anna!);
    await expect.poll(() => chat.getByRole('tab', { name: 'Contacts' }).count()).toBe(1);
    expect(await conversationWithBen().count()).toBe(0);
    // Addresses and flags only: no message text, no password.
    const kept = await page.evaluate(() => sessionStorage.getItem('mailbox-chat:view'));
    expect(JSON.parse(kept!)).toEqual({ open: true, tab: 'chats' }); // signing out shows the home tab
    expect(errors).toEqual([]);
    await page.close();
  });

  it('stays signed in on the next pages of the tab when asked to, keeping a key and never the password', async () => {
    const [anna] = await createAccounts(1);
    const { page, errors, chat } = await open('embedded');
    const next = async () => {
      await page.reload();
      await page.waitForFunction(() => customElements.get('mailbox-chat'));
    };
    /** What the browser keeps for the page's origin: sessionStorage, localStorage and the login keys. */
    const kept = () =>
      page.evaluate(async () => {
        const open = indexedDB.open('mailbox-chat:login-keys');
        const database = await new Promise<IDBDatabase>(
          (resolve) => (open.onsuccess = () => resolve(open.result)),
        );
        const entries = database.objectStoreNames.contains('keys')
          ? await new Promise<Array<{ key: CryptoKey }>>((resolve) => {
              const all = database.transaction('keys').objectStore('keys').getAll();
              all.onsuccess = () => resolve(all.result as Array<{ key: CryptoKey }>);
            })
          : [];
        database.close();
        return {
          text: JSON.stringify([{ ...sessionStorage }, { ...localStorage }, entries]),
          keys: entries.map((entry) => ({ type: entry.key.type, extractable: entry.key.extractable })),
        };
      });

    await chat.getByLabel('E-mail address').fill(anna!.jid);
    await chat.getByLabel('Password').fill(anna!.password);
    await chat.getByRole('checkbox', { name: 'Stay signed in while this tab is open' }).check();
    await chat.getByRole('button', { name: 'Sign in' }).click();
    await untilOnline(chat);
    await expect.poll(async () => (await kept()).keys).toEqual([{ type: 'secret', extractable: false }]);
    expect((await kept()).text).not.toContain(anna!.password);

    // The next page signs in by itself: no form to fill in.
    await next();
    await untilOnline(chat);
    expect(await chat.getByLabel('Password').count()).toBe(0);
    await next();
    await untilOnline(chat);

    // Signing out ends it: the key is gone, and the next page asks for the password.
    await chat.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(async () => (await kept()).keys).toEqual([]);
    await next();
    await expect.poll(() => chat.getByLabel('Password').isVisible()).toBe(true);

    // Not asked to: the next page asks for the password again.
    await logIn(chat, anna!);
    await next();
    await expect.poll(() => chat.getByLabel('Password').isVisible()).toBe(true);

    // A key gone meanwhile (12 hours passed): the form, with the address filled in, and no error.
    await chat.getByLabel('E-mail address').fill(anna!.jid);
    await chat.getByLabel('Password').fill(anna!.password);
    await chat.getByRole('checkbox', { name: 'Stay signed in while this tab is open' }).check();
    await chat.getByRole('button', { name: 'Sign in' }).click();
    await untilOnline(chat);
    await page.evaluate(() => indexedDB.deleteDatabase('mailbox-chat:login-keys'));
    await next();
    await expect.poll(() => chat.getByLabel('Password').isVisible()).toBe(true);
    expect(await chat.getByLabel('E-mail address').inputValue()).toBe(anna!.jid);
    expect(await chat.getByRole('alert').count()).toBe(0);

    // The portal's own sign-out (the element's signOut()) forgets the key as the button does.
    await chat.getByLabel('Password').fill(anna!.password);
    await chat.getByRole('checkbox', { name: 'Stay signed in while this tab is open' }).check();
    await chat.getByRole('button', { name: 'Sign in' }).click();
    await untilOnline(chat);
    await expect.poll(async () => (await kept()).keys).toHaveLength(1);
    await page.evaluate(() => document.querySelector('mailbox-chat')!.signOut());
    await expect.poll(async () => (await kept()).keys).toEqual([]);
    await next();
    await expect.poll(() => chat.getByLabel('Password').isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('<mailbox-chat> in a single-page portal', () => {
  it('stays signed in when moved, and leaves its session to the element shown next in the tab', async () => {
    const [anna, ben] = await createAccounts(2);
    const { page, errors, chat } = await open('embedded');
    const resumeId = () =>
      page.evaluate(
        (jid) => JSON.parse(sessionStorage.getItem(`mailbox-chat:resume:${jid}`) ?? '{}').id as string,
        anna!.jid,
      );
    /** Lets the page run what the element left for later (timers set before this one). */
    const later = () => page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
    /** A view of the portal with the chat again: a new element, as the page's own markup has it. */
    const showNewElement = () =>
      page.evaluate(() => {
        const element = document.createElement('mailbox-chat');
        element.setAttribute('service', '/xmpp-websocket');
        element.setAttribute('mode', 'embedded');
        document.querySelector('.frame')!.replaceChildren(element);
      });
    await chat.getByLabel('E-mail address').fill(anna!.jid);
    await chat.getByLabel('Password').fill(anna!.password);
    await chat.getByRole('checkbox', { name: 'Stay signed in while this tab is open' }).check();
    await chat.getByRole('button', { name: 'Sign in' }).click();
    await untilOnline(chat);
    const session = await resumeId();
    expect(session).toBeTruthy();

    // The portal's layout moves the element (out of the page and in again at once): nothing changes.
    await page.evaluate(() => document.body.prepend(document.querySelector('.frame')!));
    await later();
    await untilOnline(chat);
    expect(
      (await events(page, 'mc-status')).map((e) => (e.detail as { status: string }).status),
    ).not.toContain('offline');

    // Another view of the portal, without the chat; a message comes meanwhile.
    await page.evaluate(() => document.querySelector('mailbox-chat')!.remove());
    await later();
    const b = await peer(ben!);
    b.send(anna!.jid, 'while the chat was not shown');
    // Back to a view with the chat: a new element picks the session up, no sign-in form.
    await showNewElement();
    await untilOnline(chat);
    expect(await chat.getByLabel('Password').count()).toBe(0);
    expect(await resumeId()).toBe(session); // the same session, resumed
    await chat
      .getByRole('button', { name: new RegExp(ben!.user) })
      .first()
      .click();
    const log = chat.getByRole('log', { name: `Messages with ${ben!.user}` });
    await expect.poll(() => log.getByText('while the chat was not shown').count()).toBe(1);

    // The same element, taken out and put back later, signs in again the same way.
    type Kept = { kept?: HTMLElement & { signOut(): Promise<void> } };
    await page.evaluate(() => {
      const element = document.querySelector('mailbox-chat')!;
      (window as Kept).kept = element;
      element.remove();
    });
    await later();
    await page.evaluate(() => document.querySelector('.frame')!.append((window as Kept).kept!));
    await untilOnline(chat);
    expect(await chat.getByLabel('Password').count()).toBe(0);
    expect(await resumeId()).toBe(session);

    // Signing out ends it all, also after the element left the page (a portal's sign-out in a
    // view without the chat): the session it left ends, and the next element asks for the password.
    await page.evaluate(() => (window as Kept).kept!.remove());
    await later();
    await page.evaluate(() => (window as Kept).kept!.signOut());
    expect(await resumeId()).toBeUndefined();
    await showNewElement();
    await expect.poll(() => chat.getByLabel('Password').isVisible()).toBe(true);
    await b.disconnect();
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('<mailbox-chat> and the page’s focus', () => {
  it('opens a conversation a page script asks for without taking focus, and moves it in for the user', async () => {
    const [anna, ben] = await createAccounts(2);
    const { page, errors, chat } = await open('embedded');
    // The portal's search field has focus, and a button of the portal opens a chat with Ben. Once
    // signed in, the portal's own script also opens that chat (as for a link to it), at a moment
    // with no click or key press of the user (the test's own calls count as such for 5 s).
    await page.evaluate((jid) => {
      const search = document.createElement('input');
      search.id = 'search';
      search.setAttribute('aria-label', 'Search the portal');
      const help = document.createElement('button');
      help.id = 'help';
      help.textContent = 'Chat with Ben';
      help.addEventListener(
        'click',
        () => void document.querySelector('mailbox-chat')!.openConversation(jid),
      );
      document.body.prepend(search, help);
      search.focus();
      const el = document.querySelector('mailbox-chat')!;
      const w = window as unknown as { opened?: boolean };
      el.addEventListener('mc-status', (event) => {
        if ((event as CustomEvent<{ status: string }>).detail.status !== 'online' || w.opened !== undefined)
          return;
        w.opened = false;
        const openLater = () => {
          if (navigator.userActivation.isActive) setTimeout(openLater, 100);
          else void el.openConversation(jid).then(() => (w.opened = true));
        };
        openLater();
      });
    }, ben!.jid);
    // Signed in by the portal (single sign-on).
    await signOn(page, anna!);
    await page.waitForFunction(() => (window as unknown as { opened?: boolean }).opened === true, null, {
      timeout: 20_000,
    });
    // The conversation shows, and focus is still in the search field.
    await expect
      .poll(() => chat.getByRole('log', { name: `Messages with ${ben!.jid.split('@')[0]}` }).isVisible())
      .toBe(true);
    expect(await focused(page)).toBe('input#search');

    // The user clicks the portal's button: focus goes to the message field, ready to type.
    await page.locator('#help').click();
    await expect.poll(() => focused(page)).toBe('textarea#text');
    await page.keyboard.type('Hello Ben');
    expect(await chat.locator('textarea').inputValue()).toBe('Hello Ben');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('<mailbox-chat> and what the host asks of the server', () => {
  it('sends a room join the host makes on signing in before it draws the signed-in view', async () => {
    const [anna] = await createAccounts(1);
    const room = `lobby-${Date.now().toString(36)}@conference.${xmpp.domain}`;
    const { page, chat } = await open('embedded');
    // In the order they happen: the host asking (on `mc-status` online, as a portal joining its
    // lobby does), the join leaving the page, and the signed-in view (its tabs) appearing.
    await page.evaluate((to) => {
      const order: string[] = [];
      (window as unknown as { order: string[] }).order = order;
      const send = WebSocket.prototype.send;
      WebSocket.prototype.send = function (data) {
        if (typeof data === 'string' && data.startsWith('<presence') && data.includes(to)) order.push('join');
        return send.call(this, data);
      };
      const el = document.querySelector('mailbox-chat')!;
      new MutationObserver(() => {
        if (!order.includes('view') && el.shadowRoot!.querySelector('[role="tablist"]')) order.push('view');
      }).observe(el.shadowRoot!, { childList: true, subtree: true });
      el.addEventListener('mc-status', (event) => {
        if ((event as CustomEvent<{ status: string }>).detail.status !== 'online' || order.includes('asked'))
          return;
        order.push('asked');
        void el.chat!.rooms.join(to, { nick: 'anna' });
      });
    }, room);
    await logIn(chat, anna!);
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { order: string[] }).order.length))
      .toBe(3);
    // Drawn first, the view held the join up: the SDK writes stanzas through a chain of microtasks
    // and a render in between runs ahead of them.
    expect(await page.evaluate(() => (window as unknown as { order: string[] }).order)).toEqual([
      'asked',
      'join',
      'view',
    ]);
    await page.close();
  });
});

describe('<mailbox-chat> corrections, typing and read markers', () => {
  it('tells the peer what was read, shows typing both ways, and corrects the last message', async () => {
    const [anna, ben] = await createAccounts(2);
    const { page, errors, chat } = await open('embedded');
    await logIn(chat, anna!);
    const bob = await peer(ben!);
    try {
      const displayed = new Set<string>();
      bob.on('message:state', ({ id, state }) => void (state === 'displayed' && displayed.add(id)));

      // Read markers: nothing while the conversation is unopened; `displayed` once it is shown.
      const first = bob.send(anna!.jid, 'Are you there?');
      const row = chat.getByRole('button', { name: /1 unread message/ });
      await expect.poll(() => row.count()).toBe(1);
      expect(displayed.has(first.id)).toBe(false);
      await row.click();
      const log = chat.getByRole('log', { name: `Messages with ${ben!.user}` });
      await expect.poll(() => log.textContent()).toContain('Are you there?');
      await expect.poll(() => displayed.has(first.id)).toBe(true);
      // While the conversation is open, a new message is read at once.
      const second = bob.send(anna!.jid, 'Hello?');
      await expect.poll(() => displayed.has(second.id)).toBe(true);

      // The peer's typing: shown, gone on `paused`, shown again, gone when the message arrives.
      const typing = chat.locator('[part="typing"]');
      const typingText = async () => (await typing.textContent())?.trim();
      bob.setTyping(anna!.jid, 'composing');
      await expect.poll(typingText).toBe(`${ben!.user} is typing…`);
      bob.setTyping(anna!.jid, 'paused');
      await expect.poll(typingText).toBe('');
      bob.setTyping(anna!.jid, 'composing');
      await expect.poll(typingText).toBe(`${ben!.user} is typing…`);
      const wave = bob.send(anna!.jid, '/me waves');
      await expect.poll(typingText).toBe('');
      const action = log.locator('.action').last();
      await expect
        .poll(() => action.textContent())
        .toMatch(new RegExp(`^\\s*\\* ${ben!.user}\\s+waves\\s*$`));
      // The peer corrects it: the widget shows the new text, marked edited.
      await bob.correct(wave.id, '/me waves back');
      await expect.poll(() => action.textContent()).toMatch(/waves back/);
      expect(await log.locator('.in .msg').last().locator('.edited').textContent()).toBe('edited');

      // Our typing reaches the peer: `composing` while typing.
      const peerStates: string[] = [];
      bob.on('typing', ({ state }) => void peerStates.push(state));
      expect(await focused(page)).toBe('textarea#text');
      await page.keyboard.type('Helo');
      await expect.poll(() => peerStates).toContain('composing');
      // …and `paused` after about five seconds without typing.
      await expect.poll(() => peerStates, { timeout: 8000 }).toContain('paused');
      const received = nextMessage(bob);
      await page.keyboard.press('Enter');
      const sent = await received;
      expect(sent.body).toBe('Helo');

      // Up arrow in the empty composer edits our last message; Escape cancels.
      const editing = chat.locator('[part="editing"]');
      const textarea = chat.locator('textarea');
      await page.keyboard.press('ArrowUp');
      await expect.poll(() => editing.textContent()).toContain('Editing your message');
      expect(await textarea.inputValue()).toBe('Helo');
      await page.keyboard.press('Escape');
      await expect.poll(() => editing.count()).toBe(0);
      expect(await textarea.inputValue()).toBe('');
      expect(await chat.locator('.panel').isVisible()).toBe(true);

      // Enter saves the correction: the peer and the widget both see the new text, edited.
      const updated = new Promise<Message>((resolve) => {
        const off = bob.on('message:updated', ({ message }) => {
          off();
          resolve(message);
        });
      });
      await page.keyboard.press('ArrowUp');
      await expect.poll(() => editing.count()).toBe(1);
      await page.keyboard.press('Backspace');
      await page.keyboard.press('Backspace');
      await page.keyboard.type('llo');
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'embedded-light-editing');
      await page.keyboard.press('Enter');
      expect(await updated).toMatchObject({ id: sent.id, body: 'Hello', edited: true });
      const mine = log.locator('.out .msg');
      await expect.poll(() => mine.last().locator('.text').textContent()).toContain('Hello');
      expect(await mine.count()).toBe(1);
      expect(await mine.last().locator('.edited').textContent()).toBe('edited');
      expect(await editing.count()).toBe(0);
      expect(await textarea.inputValue()).toBe('');

      // A shared file shows as a card with a link, its name and type.
      bob.send(anna!.jid, 'https://example.com/files/report.pdf');
      const card = log.locator('a.file');
      await expect.poll(() => card.count()).toBe(1);
      expect(await card.getAttribute('href')).toBe('https://example.com/files/report.pdf');
      expect(await card.getAttribute('rel')).toBe('noopener noreferrer');
      expect(await card.textContent()).toContain('report.pdf');
      expect(await card.textContent()).toContain('application/pdf');
      // An image shows inline; one that is gone (expired) shows a placeholder instead.
      bob.send(anna!.jid, `${rig.portal.url}photo.svg`);
      const image = log.locator('a.image img');
      await expect.poll(() => image.count()).toBe(1);
      await expect
        .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
        .toBe(true);
      bob.send(anna!.jid, `${rig.portal.url}expired.png`);
      await expect
        .poll(() => log.locator('.file.expired').textContent())
        .toContain('expired.png is no longer available.');
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'embedded-light-corrections');
    } finally {
      await bob.disconnect();
    }
    // The expired image's 404 is the one error the browser may log.
    expect(errors.filter((e) => !e.includes('status of 404'))).toEqual([]);
    expect(errors.length).toBeLessThanOrEqual(1);
    await page.close();
  });
});

describe('<mailbox-chat> failed messages', () => {
  it('marks a message the server bounced as not sent, with a button that sends it again', async () => {
    const [anna] = await createAccounts(1);
    // An address that does not exist yet: the server bounces messages to it.
    const late = {
      user: `late-${Math.random().toString(36).slice(2, 8)}`,
      password: Math.random().toString(36).slice(2),
    };
    const lateJid = `${late.user}@${xmpp.domain}`;
    const { page, errors, chat } = await open('embedded');
    await logIn(chat, anna!);
    await page.evaluate((jid) => document.querySelector('mailbox-chat')!.openConversation(jid), lateJid);
    const field = chat.getByRole('textbox', { name: `Message to ${late.user}` });
    await field.fill('Are you there yet?');
    await field.press('Enter');
    const log = chat.getByRole('log');
    const mine = log.locator('.out .msg');
    await expect.poll(() => mine.getByRole('img', { name: 'Not sent' }).count(), { timeout: 15_000 }).toBe(1);
    const retry = mine.getByRole('button', { name: 'Try again' });
    expect(await retry.count()).toBe(1);
    expect(await mine.textContent()).toContain('Are you there yet?');
    for (const theme of ['dark', 'light'] as const) {
      await page.evaluate((t) => document.querySelector('mailbox-chat')!.setAttribute('theme', t), theme);
      expect(await axeViolations(page), theme).toEqual([]);
      await screenshot(page, `embedded-${theme}-failed`);
    }

    // The address exists now: trying again delivers the message, once, and it is no longer failed.
    await registerAccount(xmpp.configPath, late.user, xmpp.domain, late.password);
    const bob = await peer({ jid: lateJid, user: late.user, password: late.password });
    try {
      const received = nextMessage(bob);
      await retry.focus();
      await page.keyboard.press('Enter');
      expect((await received).body).toBe('Are you there yet?');
      await expect
        .poll(() => mine.getByRole('img').getAttribute('aria-label'))
        .toMatch(/Sent|Received by the server|Delivered|Read/);
      expect(await mine.count()).toBe(1);
      expect(await retry.count()).toBe(0);
      // Focus went back to the message field.
      expect(await focused(page)).toBe('textarea#text');
    } finally {
      await bob.disconnect();
    }
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('<mailbox-chat> under a strict Content-Security-Policy', () => {
  it('is served with the strict policy and causes no violation while in use', async () => {
    const [anna, ben] = await createAccounts(2);
    const page = await rig.browser.newPage({ viewport: { width: 1280, height: 800 } });
    const { errors } = watchPage(page);
    // Every violation the page reports, recorded before any of the page's own scripts run.
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { violations: string[] }).violations = seen;
      document.addEventListener(
        'securitypolicyviolation',
        (event) => seen.push(`${event.effectiveDirective} ${event.blockedURI}`),
        true,
      );
    });
    const violations = () => page.evaluate(() => (window as unknown as { violations: string[] }).violations);
    // The workers the page starts: the date formats' (widget/shared/date-formats.ts), allowed.
    const workers: string[] = [];
    page.on('worker', (worker) => workers.push(new URL(worker.url()).pathname));
    const response = await page.goto(`${rig.portal.url}embedded-wide.html`);
    expect(response!.headers()['content-security-policy']).toBe(
      "default-src 'self'; connect-src 'self' ws: wss: http: https:; img-src 'self' blob: data: https: http:",
    );
    const script = await page.request.get(`${rig.portal.url}mailbox-chat.js`);
    expect(script.headers()['content-security-policy']).toBeDefined();
    await page.waitForFunction(() => customElements.get('mailbox-chat'));

    // The policy is in force and violations are seen: an inline style attribute is refused.
    await page.evaluate(() => {
      const probe = document.createElement('p');
      probe.setAttribute('style', 'color: red');
      document.body.append(probe);
    });
    await expect.poll(violations).toEqual(['style-src-attr inline']);
    await page.evaluate(() => (window as unknown as { violations: string[] }).violations.splice(0));
    errors.splice(0);

    // Sign in, chat, see pictures and colored avatars, open every tab and dialog: nothing is refused.
    const chat = page.locator('mailbox-chat');
    await logIn(chat, anna!);
    const bob = await peer(ben!);
    try {
      bob.send(anna!.jid, 'Hello under a strict policy, with *styling* and https://example.com/a-link');
      bob.send(anna!.jid, `${rig.portal.url}photo.svg`);
      await chat.getByRole('button', { name: /2 unread messages/ }).click();
      const log = chat.getByRole('log');
      await expect
        .poll(() =>
          log
            .locator('img')
            .evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length),
        )
        .toBe(1);
      const received = nextMessage(bob);
      await page.keyboard.type('Works here too');
      await page.keyboard.press('Enter');
      expect((await received).body).toBe('Works here too');
      for (const tab of ['Contacts', 'Rooms', 'Chats']) await chat.getByRole('tab', { name: tab }).click();
      await chat.getByRole('tab', { name: 'Rooms' }).click();
      await chat.getByRole('button', { name: 'Join or create a room' }).first().click();
      await page.keyboard.press('Escape');
      await page.evaluate(() => document.querySelector('mailbox-chat')!.setAttribute('theme', 'dark'));
      await screenshot(page, 'csp-wide-dark');
    } finally {
      await bob.disconnect();
    }
    expect(await violations()).toEqual([]);
    expect(errors).toEqual([]);
    expect(workers).toEqual(['/mailbox-chat-intl.js']);
    // No global CSS: the page has its own stylesheet and nothing else.
    expect(
      await page.evaluate(() => ({
        adopted: document.adoptedStyleSheets.length,
        sheets: [...document.styleSheets].map((sheet) => new URL(sheet.href ?? 'inline:').pathname),
      })),
    ).toEqual({ adopted: 0, sheets: ['/page.css'] });
    await page.close();
  });
});

describe('<mailbox-chat> languages', () => {
  it('speaks German when the page does, English when told so, with plurals', async () => {
    const [anna, ben] = await createAccounts(2);
    const { page, chat } = await open('german');
    const launcher = chat.locator('.launcher');
    expect(await launcher.getAttribute('aria-label')).toBe('Chat öffnen');
    await launcher.click();
    expect(await chat.getByLabel('E-Mail-Adresse').isVisible()).toBe(true);
    await chat.getByLabel('E-Mail-Adresse').fill(anna!.jid);
    await chat.getByLabel('Passwort').fill(anna!.password);
    await chat.getByRole('button', { name: 'Anmelden' }).click();
    await untilOnline(chat);
    await chat.getByRole('button', { name: 'Chat schließen' }).first().click();

    const bob = await peer(ben!);
    try {
      bob.send(anna!.jid, 'Hallo!');
      await expect
        .poll(() => launcher.getAttribute('aria-label'))
        .toBe('Chat öffnen, 1 ungelesene Nachricht');
      bob.send(anna!.jid, 'Bist du da?');
      await expect
        .poll(() => launcher.getAttribute('aria-label'))
        .toBe('Chat öffnen, 2 ungelesene Nachrichten');
      await launcher.click();
      await chat.getByRole('button', { name: /2 ungelesene Nachrichten/ }).click();
      expect((await chat.locator('[part="divider"]').textContent())?.trim()).toBe('2 neue Nachrichten');
      expect((await chat.locator('.day').first().textContent())?.trim()).toBe('Heute');
      await screenshot(page, 'launcher-light-german');

      // A message's time in full, as its tooltip says it.
      const stamp = () => chat.getByRole('log').locator('.row time').first().getAttribute('title');
      expect(await stamp()).toMatch(/^(Mon|Diens|Mittwoch|Donners|Frei|Sams|Sonn)tag, /);

      // The element's own lang wins over the page's, rows already shown included.
      await page.evaluate(() => document.querySelector('mailbox-chat')!.setAttribute('lang', 'en'));
      await expect.poll(async () => (await chat.locator('.day').first().textContent())?.trim()).toBe('Today');
      await expect.poll(stamp).toMatch(/^(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day, /);
      expect(await chat.getByRole('button', { name: 'Back to conversations' }).isVisible()).toBe(true);
      // And the page's language is followed when it changes.
      await page.evaluate(() => {
        document.querySelector('mailbox-chat')!.removeAttribute('lang');
        document.documentElement.lang = 'de-AT';
      });
      await expect.poll(async () => (await chat.locator('.day').first().textContent())?.trim()).toBe('Heute');
    } finally {
      await bob.disconnect();
    }
    await page.close();
  });
});

describe('<mailbox-chat> accessibility', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`has no axe violations in the ${theme} theme, signed out and in a conversation`, async () => {
      const [anna, ben] = await createAccounts(2);
      const { page, errors, chat } = await open(theme === 'dark' ? 'launcher-auto' : 'launcher', {
        dark: theme === 'dark',
      });
      await chat.locator('.launcher').click();
      // The check really runs in this page, CSP and all, and looks into the shadow root: a probe
      // with a known violation (an image without alt text) is found.
      await page.evaluate(() => {
        const probe = document.createElement('img');
        probe.id = 'axe-probe';
        probe.src = 'favicon.svg';
        document.querySelector('mailbox-chat')!.shadowRoot!.append(probe);
      });
      expect((await axeViolations(page)).map((v) => v.id)).toContain('image-alt');
      await page.evaluate(() =>
        document.querySelector('mailbox-chat')!.shadowRoot!.getElementById('axe-probe')!.remove(),
      );

      await chat.getByLabel('E-mail address').fill('someone@example.com');
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, `launcher-${theme}-login`);

      await chat.getByLabel('E-mail address').fill(anna!.jid);
      await chat.getByLabel('Password').fill('wrong');
      await chat.getByRole('button', { name: 'Sign in' }).click();
      await expect
        .poll(() => chat.getByRole('alert').textContent())
        .toBe('The e-mail address or password is wrong.');
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, `launcher-${theme}-login-error`);

      await logIn(chat, anna!);
      const bob = await peer(ben!);
      try {
        bob.send(anna!.jid, 'Morning! Did you see the *release notes*?');
        bob.send(
          anna!.jid,
          '> Ship it on Friday\nThat was the plan, `v2.3` is tagged. Details: https://example.com/notes',
        );
        await expect.poll(() => chat.getByRole('button', { name: /2 unread messages/ }).count()).toBe(1);
        expect(await axeViolations(page)).toEqual([]);
        await screenshot(page, `launcher-${theme}-list`);

        await chat.getByRole('button', { name: /2 unread messages/ }).click();
        await page.keyboard.type('Yes, looks good ~to me~ to all of us.');
        await page.keyboard.press('Enter');
        await expect.poll(() => chat.locator('.out .msg').count()).toBe(1);
        expect(await axeViolations(page)).toEqual([]);
        await screenshot(page, `launcher-${theme}-conversation`);
      } finally {
        await bob.disconnect();
      }
      expect(errors).toEqual([]);
      await page.close();
    });
  }

  it('shows list and conversation side by side when wide, in both themes', async () => {
    const [anna, ben] = await createAccounts(2);
    const { page, chat } = await open('embedded-wide');
    await logIn(chat, anna!);
    const bob = await peer(ben!);
    try {
      bob.send(anna!.jid, 'Hello from the wide layout');
      await chat.getByRole('button', { name: /1 unread message/ }).click();
      await expect.poll(() => chat.getByRole('log').textContent()).toContain('wide layout');
      expect(await chat.getByRole('list', { name: 'Conversations' }).isVisible()).toBe(true);
      expect(await chat.getByRole('button', { name: 'Back to conversations' }).isVisible()).toBe(false);
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'embedded-wide-light');
      await page.evaluate(() => document.querySelector('mailbox-chat')!.setAttribute('theme', 'dark'));
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'embedded-wide-dark');
    } finally {
      await bob.disconnect();
    }
    await page.close();
  });
});
