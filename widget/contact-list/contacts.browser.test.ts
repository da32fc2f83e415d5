import type { Locator, Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import type { Message, RoomInvite } from '../../sdk/index.js';
import { createAccounts, type TestAccount } from '../../test/rig/accounts.js';
import { watchPage } from '../../test/rig/browser.js';
import { eventually, friends, useClients } from '../../test/rig/clients.js';
import { axeViolations, screenshot, useWidgetRig } from '../../test/rig/widget.js';
import { consistentColor } from '../shared/color.js';

// The widget's contacts, rooms and notifications, in Chromium against the real Prosody, with
// SDK clients as the other people.

const xmpp = inject('xmpp');
const client = useClients();
const rig = useWidgetRig({
  people: {
    body: '<div class="frame"><mailbox-chat service="/xmpp-websocket" mode="embedded"></mailbox-chat></div>',
  },
  phone: { body: '<mailbox-chat service="/xmpp-websocket"></mailbox-chat>' },
});

/** Records every `new Notification(…)` the page makes (the real one is still shown). */
const RECORD_NOTIFICATIONS = () => {
  const Real = window.Notification;
  const seen: Array<{ title: string; body?: string }> = [];
  (window as unknown as { notifications: typeof seen }).notifications = seen;
  window.Notification = class extends Real {
    constructor(title: string, options?: NotificationOptions) {
      seen.push({ title, ...(options?.body ? { body: options.body } : {}) });
      super(title, options);
    }
  };
};

/** A new room's address on the test server: `name-<random>@conference.<domain>`. */
const roomOn = (name: string): string =>
  `${name}-${Math.random().toString(36).slice(2, 7)}@conference.${xmpp.domain}`;

/** The notifications a page opened with `notifications: true` has shown so far. */
const notificationsOf = (page: Page) =>
  page.evaluate(() => (window as unknown as { notifications: unknown[] }).notifications);

async function open(options: { notifications?: boolean; phone?: boolean } = {}) {
  // A context of its own, closed with the page; a test may open a second tab in it.
  const context = await rig.browser.newContext({
    viewport: options.phone ? { width: 360, height: 640 } : { width: 480, height: 680 },
    ...(options.notifications ? { permissions: ['notifications'] } : {}),
  });
  const page = await context.newPage();
  // Not awaited: the browser may be closing too when the last test of the file ends.
  page.on('close', () => void context.close().catch(() => undefined));
  if (options.notifications) await page.addInitScript(RECORD_NOTIFICATIONS);
  const { errors } = watchPage(page);
  await page.goto(`${rig.portal.url}${options.phone ? 'phone' : 'people'}.html`);
  await page.waitForFunction(() => customElements.get('mailbox-chat'));
  return { page, errors, chat: page.locator('mailbox-chat') };
}

async function logIn(chat: Locator, account: TestAccount): Promise<void> {
  await chat.getByLabel('E-mail address').fill(account.jid);
  await chat.getByLabel('Password').fill(account.password);
  await chat.getByRole('button', { name: 'Sign in' }).click();
  await poll(() => chat.getByRole('status').first().textContent()).toBe('Online');
}

/** What has focus, seen through the widget's shadow roots. */
const focused = (page: Page) =>
  page.evaluate(() => {
    let active: Element | null = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active ? `${active.tagName.toLowerCase()}${active.id ? `#${active.id}` : ''}` : '';
  });

const setTheme = (page: Page, theme: 'light' | 'dark') =>
  page.evaluate((t) => document.querySelector('mailbox-chat')!.setAttribute('theme', t), theme);

/** Axe finds nothing in light and in dark. */
/** Joins `room` as "Anna" through the element's SDK, as a host page would, and opens it. */
async function joinAndOpen(page: Page, room: string): Promise<void> {
  await page.evaluate(async (jid) => {
    const element = document.querySelector('mailbox-chat')!;
    await element.chat!.rooms.join(jid, { nick: 'Anna' });
    await element.openConversation(jid);
  }, room);
}

async function accessible(page: Page): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    expect(await axeViolations(page), theme).toEqual([]);
  }
  await setTheme(page, 'light');
}

/** Emulates another tab coming to the front (`hidden`) or this one again (`visible`). */
const setVisibility = (page: Page, state: 'hidden' | 'visible') =>
  page.evaluate((s) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => s });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => s === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);

/** Polls like `expect.poll`, giving the server and the other clients time (presence, rooms). */
const poll = <T>(check: () => T | Promise<T>) => expect.poll(check, { timeout: 10_000, interval: 50 });

const row = (chat: Locator, jid: string) => chat.locator(`mc-contact-list .item[data-jid="${jid}"]`);

/** The computed background of an avatar, and the XEP-0392 color of an address in the same form. */
const background = (avatar: Locator) => avatar.evaluate((el) => getComputedStyle(el).backgroundColor);
const xep0392 = (jid: string) => consistentColor(jid).split(' ').join(', ');

/** The element lies inside a 360 px wide screen. */
async function fits(locator: Locator): Promise<void> {
  const box = (await locator.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(360);
}

/** Visible elements of the widget that stick out of a 360 px wide screen (none is the goal). */
const outside = (chat: Locator) =>
  chat.evaluate((host) => {
    const found: string[] = [];
    const walk = (root: ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) walk(el.shadowRoot);
        if (!el.checkVisibility({ visibilityProperty: true }) || el.closest('.sr-only')) continue;
        const box = el.getBoundingClientRect();
        if (box.width > 0 && (box.left < -0.5 || box.right > 360.5)) {
          found.push(`${el.localName}.${[...el.classList].join('.')}`);
        }
      }
    };
    walk(host.shadowRoot!);
    return found;
  });

describe('<mailbox-chat> contacts', () => {
  it('shows contacts with live presence; adds, removes, accepts, denies, blocks and unblocks', async () => {
    const { a, b: ben, anna, ben: benAccount } = await friends(client, 'Ben Brandt');
    await a.disconnect();
    const [caraAccount, daveAccount, eveAccount] = await createAccounts(3);
    const cara = client(caraAccount!);
    const dave = client(daveAccount!);
    const eve = client(eveAccount!);
    await Promise.all([cara.connect(), dave.connect(), eve.connect()]);
    cara.on('subscription:request', ({ jid }) => cara.contacts.approve(jid));

    const { page, errors, chat } = await open();
    await logIn(chat, anna);
    const contactsTab = chat.getByRole('tab', { name: 'Contacts' });
    await contactsTab.click();
    expect(await contactsTab.getAttribute('aria-selected')).toBe('true');

    // Ben is online; his presence follows him live.
    const benRow = row(chat, benAccount.jid);
    await poll(() => benRow.textContent()).toContain('Ben Brandt');
    await poll(() => benRow.textContent()).toContain('Available');
    // Initials on the XEP-0392 color of the address.
    expect(await benRow.locator('.avatar').textContent()).toBe('BB');
    expect(await background(benRow.locator('.avatar'))).toBe(xep0392(benAccount.jid));
    ben.presence.set({ show: 'away', status: 'In a meeting' });
    await poll(() => benRow.textContent()).toContain('Away · In a meeting');
    // The presence dot (drawn on the avatar by the styles) turns amber.
    expect(
      await benRow.locator('.avatar').evaluate((el) => getComputedStyle(el, '::after').backgroundColor),
    ).toBe('rgb(217, 142, 4)');
    // A picture, once Ben publishes one, replaces his initials.
    const pixel = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
      'base64',
    );
    await ben.profile.set({ avatar: { data: new Uint8Array(pixel), type: 'image/png' } });
    const photo = benRow.locator('img.avatar.photo');
    await poll(() => photo.count()).toBe(1);
    expect(await photo.getAttribute('src')).toMatch(/^blob:/);
    await poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(
      true,
    );
    expect(await benRow.locator('span.avatar').count()).toBe(0);

    // Add Cara from the dialog; focus comes back to the button that opened it.
    const add = chat.getByRole('button', { name: 'Add contact' }).first();
    await add.click();
    const dialog = chat.getByRole('dialog', { name: 'Add a contact' });
    expect(await dialog.isVisible()).toBe(true);
    expect(await focused(page)).toBe('input#contact-jid');
    await page.keyboard.type('not an address');
    await page.keyboard.press('Enter');
    expect(await dialog.getByRole('alert').textContent()).toBe('Enter an address like name@example.com.');
    await dialog.getByLabel('E-mail address').fill(caraAccount!.jid);
    await dialog.getByLabel('Name (optional)').fill('Cara Castell');
    await accessible(page);
    await screenshot(page, 'contacts-add-light');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await poll(() => chat.getByRole('dialog').count()).toBe(0);
    expect(await chat.locator('mc-contact-list .add').evaluate((el) => el.matches(':focus'))).toBe(true);
    const caraRow = row(chat, caraAccount!.jid);
    await poll(() => caraRow.textContent()).toContain('Cara Castell');
    await poll(() => caraRow.textContent()).toContain('Available');
    await eventually(() => cara.contacts.get(anna.jid)?.subscription === 'both');

    // Dave asks to see Anna's presence: she accepts, and he becomes a contact.
    await dave.contacts.add(anna.jid);
    const requests = chat.getByRole('region', { name: 'Contact requests' });
    await poll(() => requests.textContent()).toContain(daveAccount!.jid);
    expect(await contactsTab.textContent()).toContain('1');
    await accessible(page);
    await screenshot(page, 'contacts-light');
    await setTheme(page, 'dark');
    await screenshot(page, 'contacts-dark');
    await setTheme(page, 'light');
    await chat.getByRole('button', { name: `Accept the request from ${daveAccount!.user}` }).click();
    await poll(() => requests.count()).toBe(0);
    await eventually(() => dave.contacts.get(anna.jid)?.subscription === 'both');
    await poll(() => row(chat, daveAccount!.jid).textContent()).toContain('Available');

    // Eve asks too: Anna denies, and Eve does not get to see her presence.
    await eve.contacts.add(anna.jid);
    await poll(() => requests.textContent()).toContain(eveAccount!.jid);
    await chat.getByRole('button', { name: `Deny the request from ${eveAccount!.user}` }).click();
    await poll(() => requests.count()).toBe(0);
    await eventually(() => eve.contacts.get(anna.jid)?.ask === false);
    expect(eve.contacts.get(anna.jid)?.subscription).toBe('none');
    expect(await row(chat, eveAccount!.jid).count()).toBe(0);

    // Dave is removed again from his menu; focus stays in the list.
    await chat.getByRole('button', { name: `More for ${daveAccount!.user}` }).click();
    await chat.getByRole('button', { name: 'Remove contact' }).click();
    await poll(() => row(chat, daveAccount!.jid).count()).toBe(0);
    expect(await chat.getByLabel('Search contacts').evaluate((el) => el.matches(':focus'))).toBe(true);

    // Block Cara from her menu: the server's list changes and her row says so; then unblock.
    await chat.getByRole('button', { name: 'More for Cara Castell' }).click();
    expect(
      await chat.getByRole('button', { name: 'Send a message' }).evaluate((el) => el.matches(':focus')),
    ).toBe(true);
    await chat.getByRole('button', { name: 'Block', exact: true }).click();
    await poll(() => caraRow.textContent()).toContain('Blocked');
    await eventually(() => cara.contacts.get(anna.jid)?.presence.show === 'offline');
    await chat.getByRole('button', { name: 'Unblock' }).click();
    await poll(() => caraRow.textContent()).not.toContain('Blocked');
    await page.keyboard.press('Escape');
    expect(await chat.getByRole('button', { name: 'Unblock' }).count()).toBe(0);
    expect(
      await chat.getByRole('button', { name: 'More for Cara Castell' }).getAttribute('aria-expanded'),
    ).toBe('false');

    // Search filters the list; a contact opens its conversation.
    await chat.getByLabel('Search contacts').fill('cast');
    await poll(() => chat.locator('mc-contact-list .item').count()).toBe(1);
    await caraRow.click();
    await poll(() => chat.getByRole('heading', { name: 'Cara Castell' }).isVisible()).toBe(true);
    // The same color for Cara in the conversation's header and in the list of chats.
    const caraColor = xep0392(caraAccount!.jid);
    expect(await background(chat.locator('.conversation-head .avatar'))).toBe(caraColor);
    const incoming = new Promise<string>((resolve) =>
      cara.on('message', ({ message }) => resolve(message.body)),
    );
    await page.keyboard.type('Hello Cara');
    await page.keyboard.press('Enter');
    expect(await incoming).toBe('Hello Cara');

    // The tabs are one Tab stop, moved through with the arrow keys.
    await chat.getByRole('button', { name: 'Back to conversations' }).click();
    await chat.getByRole('tab', { name: 'Chats' }).click();
    expect(await background(chat.locator('mc-conversation-list .avatar').first())).toBe(caraColor);
    // A click leaves the focus on the tab clicked (the browser's own doing): the arrows go on from it.
    await chat.getByRole('tab', { name: 'Contacts' }).click();
    expect(await focused(page)).toBe('button#tab-contacts');
    await page.keyboard.press('ArrowRight');
    expect(await focused(page)).toBe('button#tab-rooms');
    expect(await chat.getByRole('tab', { name: 'Rooms' }).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Home');
    expect(await focused(page)).toBe('button#tab-chats');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('renders a long list a screenful at a time and reaches every contact by scrolling, keyboard and search', async () => {
    const [account] = await createAccounts(1);
    const anna = client(account!);
    await anna.connect();
    const domain = account!.jid.split('@')[1]!;
    const names = Array.from({ length: 60 }, (_, n) => `Person ${String(n + 1).padStart(2, '0')}`);
    await Promise.all(names.map((name, n) => anna.contacts.add(`person${n + 1}@${domain}`, { name })));

    const { page, errors, chat } = await open();
    await logIn(chat, account!);
    await chat.getByRole('tab', { name: 'Contacts' }).click();
    const list = chat.locator('mc-contact-list');
    const rows = list.locator('li.contact');
    const person = (name: string) => list.locator('.item', { hasText: name });
    await poll(() => person('Person 01').isVisible()).toBe(true);
    // A window of rows, each telling its place in the whole list.
    expect(await rows.count()).toBeLessThan(25);
    expect(await person('Person 30').count()).toBe(0);
    expect(await rows.first().getAttribute('aria-setsize')).toBe('60');
    expect(await rows.first().getAttribute('aria-posinset')).toBe('1');

    // Tab moves down the list (a contact and its "more" button per row), rows appearing ahead.
    await person('Person 01').focus();
    for (let n = 0; n < 2 * 29; n += 1) await page.keyboard.press('Tab');
    expect(await list.evaluate((el) => el.shadowRoot!.activeElement?.textContent)).toContain('Person 30');
    expect(await rows.count()).toBeLessThan(25);
    expect(await person('Person 01').count()).toBe(0);

    // Scrolled to the end (with the focus left behind): the last contacts, the list staying where
    // it was scrolled to, and the DOM no bigger.
    const scroller = list.locator('.scroll');
    await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await poll(() => person('Person 60').isVisible()).toBe(true);
    expect(await scroller.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(2);
    expect(await rows.count()).toBeLessThan(25);
    expect(await rows.last().getAttribute('aria-posinset')).toBe('60');
    await accessible(page);

    // Search finds contacts wherever they are.
    await chat.getByLabel('Search contacts').fill('Person 4');
    await poll(() => rows.count()).toBe(10);
    expect(await person('Person 42').isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('<mailbox-chat> rooms', () => {
  it('creates an archived room, shows its people, invites, chats with two peers and leaves', async () => {
    const [anna, benAccount, caraAccount] = await createAccounts(3);
    const ben = client(benAccount!);
    const cara = client(caraAccount!);
    await Promise.all([ben.connect(), cara.connect()]);
    const invited = new Promise<RoomInvite>((resolve) =>
      cara.on('room:invite', ({ invite }) => resolve(invite)),
    );

    const { page, errors, chat } = await open();
    await logIn(chat, anna!);
    await chat.getByRole('tab', { name: 'Rooms' }).click();
    await chat.getByRole('button', { name: 'Join or create a room' }).first().click();
    const dialog = chat.getByRole('dialog', { name: 'Join or create a room' });
    await expect.poll(() => focused(page)).toBe('input#room');

    // Joining a room that does not exist says so.
    const name = `Team Nordlicht ${Math.random().toString(36).slice(2, 7)}`;
    await dialog.getByLabel('Room address or name').fill(name);
    await dialog.getByRole('button', { name: 'Join room' }).click();
    await poll(() => dialog.getByRole('alert').textContent()).toBe('There is no room at this address.');
    await accessible(page);
    await screenshot(page, 'room-dialog-join-light');

    // Create it, with the archive on.
    await dialog.getByRole('radio', { name: 'Create' }).check();
    await dialog.getByLabel('Room name').fill(name);
    const slug = name.toLowerCase().replace(/ /g, '-');
    const jid = `${slug}@conference.${xmpp.domain}`;
    expect(await dialog.textContent()).toContain(`Address: ${jid}`);
    expect(await dialog.textContent()).toContain('mailbox does not archive rooms unless this is on');
    const archive = dialog.getByRole('switch', { name: 'Keep an archive of the messages' });
    expect(await archive.isChecked()).toBe(false);
    await archive.check();
    await accessible(page);
    await screenshot(page, 'room-dialog-light');
    await setTheme(page, 'dark');
    await screenshot(page, 'room-dialog-dark');
    await setTheme(page, 'light');
    await dialog.getByRole('button', { name: 'Create room' }).click();
    await poll(() => chat.getByRole('heading', { name }).count()).toBe(1);
    expect((await ben.rooms.info(jid)).archived).toBe(true);
    // Kept in the account's bookmarks, so that the next session is in it again.
    const bookmarks = () =>
      page.evaluate(async () => {
        const el = document.querySelector('mailbox-chat') as HTMLElement & {
          chat: { bookmarks: { list(): Promise<Array<{ jid: string; name?: string; autojoin: boolean }>> } };
        };
        return (await el.chat.bookmarks.list()).map(({ jid, name, autojoin }) => ({ jid, name, autojoin }));
      });
    await poll(bookmarks).toEqual([{ jid, name, autojoin: true }]);

    // Ben joins; the room's details show both, with affiliations; Cara is invited and comes.
    const benRoom = await ben.rooms.join(jid, { nick: 'ben' });
    await chat.getByRole('button', { name: 'Room details' }).click();
    const info = chat.getByRole('dialog', { name });
    const people = info.getByRole('list', { name: /People in this room/ });
    await poll(() => people.textContent()).toContain('ben');
    expect(await people.textContent()).toContain(`${anna!.user} (you)`);
    expect(await people.textContent()).toContain('Owner');
    expect(await info.textContent()).toContain('Messages in this room are archived.');
    await info.getByLabel('Invite someone').fill(caraAccount!.jid);
    await info.getByRole('button', { name: 'Invite', exact: true }).click();
    expect(await info.getByRole('status').textContent()).toBe(`${caraAccount!.jid} has been invited.`);
    expect((await invited).room).toBe(jid);
    // Each person's availability and status message in the room, from their join on, and changes.
    cara.presence.set({ show: 'away', status: 'Im Zug' });
    const caraRoom = await cara.rooms.join(jid, { nick: 'cara' });
    await poll(() => people.textContent()).toContain('cara');
    expect(await people.getByRole('listitem').filter({ hasText: 'cara' }).textContent()).toContain(
      'Away · Im Zug',
    );
    ben.presence.set({ show: 'dnd' });
    await poll(() => people.getByRole('listitem').filter({ hasText: 'ben' }).textContent()).toContain(
      'Do not disturb',
    );
    // The subject, set here through the SDK the element exposes, shows in the details and the header.
    await page.evaluate(
      (room) => document.querySelector('mailbox-chat')!.chat!.rooms.get(room)!.setSubject('Sprint 42'),
      jid,
    );
    await poll(() => info.textContent()).toContain('Sprint 42');
    expect(await chat.locator('.conversation-head').textContent()).toContain('Sprint 42');
    await accessible(page);
    await screenshot(page, 'room-info-light');
    await page.keyboard.press('Escape');
    await poll(() => chat.getByRole('dialog').count()).toBe(0);
    expect(
      await chat.getByRole('button', { name: 'Room details' }).evaluate((el) => el.matches(':focus')),
    ).toBe(true);

    // Chat with both.
    const log = chat.getByRole('log');
    benRoom.send('Hallo zusammen');
    await poll(() => log.textContent()).toContain('Hallo zusammen');
    // Who is typing in the room, by nickname; and the room learns when the user types.
    const typingLine = chat.locator('[part="typing"]');
    cara.setTyping(jid, 'composing');
    await poll(() => typingLine.textContent()).toContain('cara is typing');
    const benSawTyping = new Promise<string>((resolve) =>
      ben.on('typing', ({ conversation, state }) => conversation === jid && resolve(state)),
    );
    await chat.locator('textarea').pressSequentially('Hallo');
    expect(await benSawTyping).toBe('composing');
    await chat.locator('textarea').fill('');
    const atBen = new Promise<string>((resolve) =>
      ben.on('message', ({ message }) => message.direction === 'in' && resolve(message.body)),
    );
    const atCara = new Promise<string>((resolve) =>
      cara.on('message', ({ message }) => message.direction === 'in' && resolve(message.body)),
    );
    await chat.locator('textarea').fill('Hallo Ben, hallo Cara');
    await page.keyboard.press('Enter');
    expect(await atBen).toBe('Hallo Ben, hallo Cara');
    expect(await atCara).toBe('Hallo Ben, hallo Cara');
    caraRoom.send('Moin');
    await poll(() => log.textContent()).toContain('Moin');
    // Her message ended her typing.
    await poll(() => typingLine.textContent()).not.toContain('cara');
    // Each group of someone else's messages is headed by their name in the room.
    expect(await log.locator('.sender').allTextContents()).toEqual(['ben', 'cara']);

    // A file shared in the room goes to everyone there, as a room message with the file.
    const shared = new Promise<Message>((resolve) =>
      ben.on(
        'message',
        ({ message }) => message.direction === 'in' && message.attachment && resolve(message),
      ),
    );
    await chat
      .locator('mc-composer input[type=file]')
      .setInputFiles({ name: 'plan.txt', mimeType: 'text/plain', buffer: Buffer.from('Sprint plan') });
    const file = await shared;
    expect(file.kind).toBe('groupchat');
    expect(file.conversation).toBe(jid);
    expect(file.attachment?.name).toBe('plan.txt');
    await poll(() => log.getByRole('link', { name: /plan\.txt/ }).count()).toBe(1);
    await screenshot(page, 'room-conversation-light');

    // The room is in the rooms list and in the conversations; leaving it takes it off the first.
    const left = new Promise<string>((resolve) =>
      ben.on('room:occupant', ({ occupant, change }) => change === 'left' && resolve(occupant.nick)),
    );
    await chat.getByRole('button', { name: 'Room details' }).click();
    await info.getByRole('button', { name: 'Leave room' }).click();
    expect(await left).toBe(anna!.user);
    await poll(bookmarks).toEqual([]); // left for good: no session joins it again
    await poll(() => chat.getByRole('tab', { name: 'Rooms' }).getAttribute('aria-selected')).toBe('true');
    expect(await chat.getByText('You are not in any room yet').isVisible()).toBe(true);
    await chat.getByRole('tab', { name: 'Chats' }).click();
    expect(await chat.locator('mc-conversation-list ul').textContent()).toContain(slug);

    // Join it again from the dialog, by its name: back in the room, with its conversation.
    await chat.getByRole('tab', { name: 'Rooms' }).click();
    await chat.getByRole('button', { name: 'Join or create a room' }).first().click();
    await dialog.getByLabel('Room address or name').fill(name);
    await dialog.getByRole('button', { name: 'Join room' }).click();
    await poll(() => chat.getByRole('heading', { name }).count()).toBe(1);
    await poll(() => chat.getByRole('log').textContent()).toContain('Hallo zusammen');
    await chat.getByRole('button', { name: 'Back to conversations' }).click();
    await chat.getByRole('tab', { name: 'Rooms' }).click();
    await poll(() => chat.locator('mc-room-list .item').count()).toBe(1);
    expect(await chat.locator('mc-room-list .item').textContent()).toContain('Sprint 42');

    // Ben invites Anna to his room: the invitation waits in the rooms tab, and she joins.
    const local = `bens-room-${Math.random().toString(36).slice(2, 7)}`;
    const bens = await ben.rooms.join(`${local}@conference.${xmpp.domain}`, { nick: 'ben' });
    const joined = new Promise<string>((resolve) =>
      ben.on('room:occupant', ({ room, occupant, change }) => {
        if (room === bens.jid && change === 'joined') resolve(occupant.nick);
      }),
    );
    bens.invite(anna!.jid, 'Kommst du?');
    const roomsTab = chat.getByRole('tab', { name: 'Rooms' });
    await poll(() => roomsTab.textContent()).toContain('1');
    await roomsTab.click();
    const invites = chat.getByRole('region', { name: 'Invitations' });
    // Prosody's rooms are semi-anonymous by default: the invitation comes from Ben's nickname.
    await poll(() => invites.textContent()).toContain('ben invites you');
    expect(await invites.textContent()).toContain('“Kommst du?”');
    await accessible(page);
    await chat.getByRole('button', { name: `Join ${local}` }).click();
    expect(await joined).toBe(anna!.user);
    await poll(() => chat.getByRole('heading', { name: local }).count()).toBe(1);
    expect(await invites.count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('<mailbox-chat> bookmarked rooms', () => {
  it('is in the room it joined again on the next page, which shows it with our messages as ours', async () => {
    const [anna, benAccount] = await createAccounts(2);
    const ben = client(benAccount!);
    await ben.connect();
    const jid = roomOn('again');
    const benRoom = await ben.rooms.join(jid, {
      nick: 'ben',
      config: { name: 'Wieder da', persistent: true, archive: true },
    });
    const { page, errors, chat } = await open();
    await logIn(chat, anna!);
    await chat.getByRole('tab', { name: 'Rooms' }).click();
    await chat.getByRole('button', { name: 'Join or create a room' }).first().click();
    const dialog = chat.getByRole('dialog', { name: 'Join or create a room' });
    await dialog.getByLabel('Room address or name').fill(jid);
    await dialog.getByRole('button', { name: 'Join room' }).click();
    await poll(() => chat.getByRole('heading', { name: 'Wieder da' }).count()).toBe(1);
    const log = chat.getByRole('log');
    benRoom.send('Hallo Anna');
    await poll(() => log.textContent()).toContain('Hallo Anna');
    await chat.locator('textarea').fill('Hallo Ben');
    await chat.locator('textarea').press('Enter');
    await poll(() => log.locator('.row.out .text').allTextContents()).toEqual(['Hallo Ben']);

    // The next page: signed in again, the room is joined again (from the bookmark) and shown as
    // it was, the history from the archive, our message still ours.
    await page.reload();
    await logIn(chat, anna!);
    await poll(() => chat.getByRole('heading', { name: 'Wieder da' }).count()).toBe(1);
    await poll(() => log.locator('.row.out .text').allTextContents()).toEqual(['Hallo Ben']);
    expect(await log.locator('.row.in .text').allTextContents()).toEqual(['Hallo Anna']);
    benRoom.send('Schön, dass du da bist');
    await poll(() => log.locator('.row.in .text').allTextContents()).toEqual([
      'Hallo Anna',
      'Schön, dass du da bist',
    ]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('joins the rooms bookmarked on another device and lists them under the bookmark’s name', async () => {
    const [anna] = await createAccounts(1);
    const phone = client(anna!);
    await phone.connect();
    const jid = roomOn('bookmarked');
    await phone.rooms.join(jid, { nick: 'phone', config: { persistent: true } });
    await phone.bookmarks.add({ jid, name: 'Team Nordlicht', nick: 'anna', autojoin: true });

    const { page, errors, chat } = await open();
    await logIn(chat, anna!);
    await chat.getByRole('tab', { name: 'Rooms' }).click();
    const item = chat.locator(`mc-room-list .item[data-jid="${jid}"]`);
    await poll(() => item.count()).toBe(1);
    expect(await item.locator('.name').textContent()).toBe('Team Nordlicht');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lists a bookmarked room in Chats before anyone speaks, naming rooms and contacts as their tabs do', async () => {
    const [anna, benAccount] = await createAccounts(2);
    const phone = client(anna!);
    await phone.connect();
    const jid = roomOn('quiet');
    const phoneRoom = await phone.rooms.join(jid, { nick: 'phone', config: { persistent: true } });
    await phoneRoom.setSubject('Frühstück am Freitag');
    await phone.bookmarks.add({ jid, name: 'Team Nordlicht', nick: 'anna', autojoin: true });
    await phone.contacts.add(benAccount!.jid, { name: 'Ben Weber' });
    const ben = client(benAccount!);
    await ben.connect();
    ben.send(anna!.jid, 'Kommst du auch?');

    const { page, errors, chat } = await open();
    await logIn(chat, anna!);
    // A fresh device: nothing said in the room this session, yet it is a conversation to go to.
    const room = chat.locator(`mc-conversation-list .item[data-jid="${jid}"]`);
    await poll(() => room.count()).toBe(1);
    await poll(() => room.locator('.name').textContent()).toBe('Team Nordlicht');
    expect(await room.locator('.preview').textContent()).toBe('Frühstück am Freitag');
    expect(await room.locator('.room-avatar').count()).toBe(1);
    // Ben's message, by the name Anna gave him, above the quiet room.
    const benRow = chat.locator(`mc-conversation-list .item[data-jid="${benAccount!.jid}"]`);
    await poll(() => benRow.locator('.name').textContent()).toBe('Ben Weber');
    expect(await benRow.locator('.preview').textContent()).toBe('Kommst du auch?');
    const order = () =>
      chat
        .locator('mc-conversation-list .item')
        .evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.jid));
    expect(await order()).toEqual([benAccount!.jid, jid]);

    // Someone speaks in the room: it goes to the top, the preview saying who.
    const benRoom = await ben.rooms.join(jid, { nick: 'Ben' });
    benRoom.send('Ich bringe Brötchen mit');
    await poll(() => room.locator('.preview').textContent()).toBe('Ben: Ich bringe Brötchen mit');
    expect(await order()).toEqual([jid, benAccount!.jid]);
    // Opened from there, it is the room.
    await room.click();
    await poll(() => chat.getByRole('heading', { name: 'Team Nordlicht' }).count()).toBe(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('<mailbox-chat> notifications', () => {
  it('follows the notification permission changed in the browser while the page is open', async () => {
    const [anna] = await createAccounts(1);
    const { page, errors, chat } = await open();
    // The user turned notifications on in an earlier visit; this browser has not allowed them yet.
    await page.evaluate(() => localStorage.setItem('mailbox-chat:notifications', 'on'));
    await page.reload();
    await logIn(chat, anna!);
    const bell = chat.locator('button.bell');
    const before = await bell.getAttribute('aria-label');
    expect(before).not.toBe('Turn off desktop notifications');
    // Allowed in the site settings: on, without a reload or a click.
    await page.context().grantPermissions(['notifications']);
    await poll(() => bell.getAttribute('aria-label')).toBe('Turn off desktop notifications');
    expect(await bell.getAttribute('aria-pressed')).toBe('true');
    // Taken back: off again.
    await page.context().clearPermissions();
    await poll(() => bell.getAttribute('aria-label')).toBe(before);
    expect(await bell.getAttribute('aria-pressed')).toBe('false');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('tells contacts the user is away or not to be disturbed, for the next pages too; do not disturb holds notifications back', async () => {
    const { a, b: ben, anna, ben: benAccount } = await friends(client);
    await a.disconnect();
    const { page, errors, chat } = await open({ notifications: true });
    const notifications = () => notificationsOf(page);
    await logIn(chat, anna);
    const seenByBen = () => ben.contacts.get(anna.jid)?.presence.show;
    await poll(seenByBen).toBe('online');
    const availability = chat.getByRole('combobox', { name: 'Your availability, as your contacts see it' });
    expect(await availability.inputValue()).toBe('online');
    expect(await chat.locator('.presence .dot').getAttribute('class')).toContain('online');

    await availability.selectOption({ label: 'Away' });
    await poll(seenByBen).toBe('away');
    expect(await chat.locator('.presence .dot').getAttribute('class')).toContain('away');
    await availability.selectOption({ label: 'Do not disturb' });
    await poll(seenByBen).toBe('dnd');
    await screenshot(page, 'availability-dnd');

    // The next page signs in as "do not disturb": contacts never see it available.
    const shows: string[] = [];
    ben.on('presence', ({ jid, presence }) => {
      if (jid === anna.jid) shows.push(presence.show);
    });
    await page.reload();
    await page.waitForFunction(() => customElements.get('mailbox-chat'));
    await logIn(chat, anna);
    expect(await availability.inputValue()).toBe('dnd');
    await poll(seenByBen).toBe('dnd');
    expect(shows.filter((show) => show !== 'dnd' && show !== 'offline')).toEqual([]);

    // Desktop notifications are on, but held back while "do not disturb": the title still counts.
    const title = await page.title();
    await chat.getByRole('button', { name: 'Turn on desktop notifications' }).click();
    ben.send(anna.jid, 'Hello');
    await poll(() => chat.locator('mc-conversation-list ul').textContent()).toContain('Hello');
    await setVisibility(page, 'hidden');
    ben.send(anna.jid, 'Quiet, please');
    await poll(() => page.title()).toBe(`(1) ${title}`);
    await new Promise((resolve) => setTimeout(resolve, 300)); // a notification would show here
    expect(await notifications()).toEqual([]);
    await setVisibility(page, 'visible');
    await availability.selectOption({ label: 'Available' });
    await poll(seenByBen).toBe('online');
    await setVisibility(page, 'hidden');
    ben.send(anna.jid, 'Now?');
    await poll(notifications).toEqual([{ title: `Message from ${benAccount.user}`, body: 'Now?' }]);
    await setVisibility(page, 'visible');

    // Every tab of the browser goes by the same choice: a second tab starts with it, and a change
    // there reaches the first (each tab is a session: one left "available" would undo the other).
    await availability.selectOption({ label: 'Do not disturb' });
    await poll(seenByBen).toBe('dnd');
    shows.length = 0;
    const second = await page.context().newPage();
    await second.goto(`${rig.portal.url}people.html`);
    const chat2 = second.locator('mailbox-chat');
    await logIn(chat2, anna);
    const availability2 = chat2.getByRole('combobox', { name: 'Your availability, as your contacts see it' });
    expect(await availability2.inputValue()).toBe('dnd');
    await availability2.selectOption({ label: 'Away' });
    await poll(() => availability.inputValue()).toBe('away');
    await poll(seenByBen).toBe('away');
    expect(shows.filter((show) => show !== 'dnd' && show !== 'away')).toEqual([]);
    await second.close();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('tells contacts a status message, as text, kept for the next pages and every tab until cleared', async () => {
    const { a, b: ben, anna } = await friends(client);
    await a.disconnect();
    const { page, errors, chat } = await open();
    await logIn(chat, anna);
    const seenByBen = () => {
      const presence = ben.contacts.get(anna.jid)?.presence;
      return presence && { show: presence.show, status: presence.status };
    };
    await poll(seenByBen).toEqual({ show: 'online', status: undefined });

    // Markup in the message is text: the header shows it as typed, contacts get it as typed.
    const message = 'Im Meeting <b>bis 15 Uhr</b>';
    await chat.getByRole('button', { name: 'Set a status message' }).click();
    const dialog = chat.getByRole('dialog', { name: 'Status message' });
    await dialog.getByRole('textbox', { name: 'What are you up to?' }).fill(message);
    await dialog.getByRole('textbox', { name: 'What are you up to?' }).press('Enter');
    await poll(seenByBen).toEqual({ show: 'online', status: message });
    const shown = chat.getByRole('button', { name: `Your status message: ${message}. Change it` });
    expect(await shown.textContent()).toContain(message);
    expect(await chat.locator('header b').count()).toBe(0);
    expect(await shown.evaluate((button) => button.matches(':focus'))).toBe(true); // focus came back
    await expect.poll(() => dialog.count()).toBe(0);

    // The availability and the message go together.
    const availability = chat.getByRole('combobox', { name: 'Your availability, as your contacts see it' });
    await availability.selectOption({ label: 'Away' });
    await poll(seenByBen).toEqual({ show: 'away', status: message });
    await screenshot(page, 'status-message');

    // Escape leaves it as it was.
    await shown.click();
    await dialog.getByRole('textbox', { name: 'What are you up to?' }).fill('Something else');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await shown.count()).toBe(1);

    // The next page goes on with both (a resumed session, or a new one announcing both at once):
    // contacts never see it without the message.
    const statuses: Array<string | undefined> = [];
    ben.on('presence', ({ jid, presence }) => {
      if (jid === anna.jid && presence.show !== 'offline') statuses.push(presence.status);
    });
    await page.reload();
    await page.waitForFunction(() => customElements.get('mailbox-chat'));
    await logIn(chat, anna);
    await poll(() => shown.count()).toBe(1);
    await poll(seenByBen).toEqual({ show: 'away', status: message });
    expect(statuses.filter((status) => status !== message)).toEqual([]);

    // A second tab starts with it; cleared there, it is gone in the first tab and for contacts.
    const second = await page.context().newPage();
    await second.goto(`${rig.portal.url}people.html`);
    const chat2 = second.locator('mailbox-chat');
    await logIn(chat2, anna);
    await chat2.getByRole('button', { name: `Your status message: ${message}. Change it` }).click();
    const dialog2 = chat2.getByRole('dialog', { name: 'Status message' });
    expect(await dialog2.getByRole('textbox', { name: 'What are you up to?' }).inputValue()).toBe(message);
    await dialog2.getByRole('button', { name: 'Clear' }).click();
    await poll(() => chat.getByRole('button', { name: 'Set a status message' }).count()).toBe(1);
    await poll(seenByBen).toEqual({ show: 'away', status: undefined });
    await second.close();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('marks the room messages that mention the user, and notifies of those only', async () => {
    const [anna, benAccount] = await createAccounts(2);
    const ben = client(benAccount!);
    await ben.connect();
    const room = roomOn('mention');
    const benRoom = await ben.rooms.join(room, { nick: 'ben' });
    const { page, errors, chat } = await open({ notifications: true });
    const notifications = () => notificationsOf(page);
    await logIn(chat, anna!);
    await chat.getByRole('button', { name: 'Turn on desktop notifications' }).click();
    await joinAndOpen(page, room);
    await poll(() => benRoom.occupants.length).toBe(2);
    const bubble = (text: string) => chat.locator('mc-message-list .msg').filter({ hasText: text });

    benRoom.send('Hallo zusammen');
    benRoom.send('anna, hast du kurz Zeit?');
    benRoom.send('Annabelle kommt später');
    await poll(() => bubble('Annabelle kommt später').count()).toBe(1);
    expect(await bubble('anna, hast du kurz Zeit?').getAttribute('class')).toContain('mention');
    expect(await bubble('Hallo zusammen').getAttribute('class')).not.toContain('mention');
    expect(await bubble('Annabelle kommt später').getAttribute('class')).not.toContain('mention');
    await screenshot(page, 'room-mention');

    // Hidden: a mention counts in the title, in `mc-unread` (the launcher's badge) and raises a
    // notification; the room's other messages count in its own row only.
    const title = await page.title();
    const calls = () => page.evaluate(() => (window as unknown as { calls?: number }).calls);
    await page.evaluate(() =>
      document.querySelector('mailbox-chat')!.addEventListener('mc-unread', ({ detail }) => {
        (window as unknown as { calls: number }).calls = detail.count;
      }),
    );
    await setVisibility(page, 'hidden');
    benRoom.send('@Anna bitte melden');
    await poll(notifications).toHaveLength(1);
    expect(await page.title()).toBe(`(1) ${title}`);
    benRoom.send('Noch jemand da?');
    benRoom.send('Anna?');
    await poll(notifications).toHaveLength(2);
    expect(await notifications()).toEqual([
      { title: `ben in ${room.split('@')[0]}`, body: '@Anna bitte melden' },
      { title: `ben in ${room.split('@')[0]}`, body: 'Anna?' },
    ]);
    expect(await page.title()).toBe(`(2) ${title}`);
    expect(await calls()).toBe(2);
    await chat.getByRole('button', { name: 'Back to conversations' }).click();
    // The room's row counts them all, and says how many call for the user; its badge stands out.
    const name = room.split('@')[0]!;
    const row = chat.getByRole('button', { name: new RegExp(`^${name}.*3 unread messages, 2 mentions`) });
    await poll(() => row.count()).toBe(1);
    expect(await row.locator('.badge').getAttribute('class')).not.toContain('quiet');
    await setVisibility(page, 'visible');
    // Read; then only chatter while the list is shown: a quiet badge, and nothing on the launcher.
    await row.click();
    await chat.getByRole('button', { name: 'Back to conversations' }).click();
    benRoom.send('Kaffee ist fertig');
    const quiet = chat.getByRole('button', { name: new RegExp(`^${name}.*1 unread message$`) });
    await poll(() => quiet.count()).toBe(1);
    expect(await quiet.locator('.badge').getAttribute('class')).toContain('quiet');
    expect(await calls()).toBe(0);
    await accessible(page);
    await screenshot(page, 'room-quiet-badge');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('offers the nicknames in a room after @, by keyboard or click', async () => {
    const [anna, benAccount, caraAccount] = await createAccounts(3);
    const ben = client(benAccount!);
    const cara = client(caraAccount!);
    await Promise.all([ben.connect(), cara.connect()]);
    const room = roomOn('nicks');
    const benRoom = await ben.rooms.join(room, { nick: 'ben' });
    await cara.rooms.join(room, { nick: 'Bernadette' });
    const { page, errors, chat } = await open();
    await logIn(chat, anna!);
    await joinAndOpen(page, room);
    await poll(() => benRoom.occupants.length).toBe(3);
    const field = chat.getByRole('textbox', { name: /^Message to/ });
    const list = chat.getByRole('listbox', { name: 'People in this room' });
    const selected = () => list.locator('[aria-selected="true"]').textContent();

    await field.pressSequentially('Hallo @be');
    await poll(() => list.getByRole('option').allTextContents()).toEqual(['@ben', '@Bernadette']);
    expect((await selected())?.trim()).toBe('@ben');
    await accessible(page);
    await screenshot(page, 'room-nicks');
    await field.press('ArrowDown');
    expect((await selected())?.trim()).toBe('@Bernadette');
    await field.press('Enter'); // completes; sends nothing
    expect(await field.inputValue()).toBe('Hallo @Bernadette ');
    expect(await list.count()).toBe(0);

    // Escape closes the list and keeps the text; a click completes too.
    await field.pressSequentially('und @b');
    await poll(() => list.count()).toBe(1);
    await field.press('Escape');
    expect(await list.count()).toBe(0);
    expect(await field.inputValue()).toBe('Hallo @Bernadette und @b');
    await field.pressSequentially('e');
    await list.getByRole('option', { name: '@ben' }).click();
    expect(await field.inputValue()).toBe('Hallo @Bernadette und @ben ');

    const arriving = new Promise<string>((resolve) =>
      ben.on('message', ({ message }) => message.conversation === room && resolve(message.body)),
    );
    await field.press('Enter');
    expect((await arriving).trim()).toBe('Hallo @Bernadette und @ben');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('badges the title and shows a desktop notification while the page is hidden', async () => {
    const [anna, benAccount] = await createAccounts(2);
    const ben = client(benAccount!);
    await ben.connect();
    // On a phone, with the launcher: the panel covers the screen.
    const { page, errors, chat } = await open({ notifications: true, phone: true });
    const notifications = () => notificationsOf(page);
    await chat.getByRole('button', { name: 'Open chat' }).click();
    await logIn(chat, anna!);
    const title = await page.title();
    // While the page is in view a message shows in the list and changes no title. (It also waits
    // out the first catch-up from the archive, which holds live messages until it is done.)
    ben.send(anna!.jid, 'Hello');
    await poll(() => chat.locator('mc-conversation-list ul').textContent()).toContain('Hello');
    expect(await page.title()).toBe(title);

    // Notifications are off until the user turns them on: only the title counts.
    await setVisibility(page, 'hidden');
    ben.send(anna!.jid, 'First');
    await poll(() => page.title()).toBe(`(1) ${title}`);
    ben.send(anna!.jid, 'Second');
    await poll(() => page.title()).toBe(`(2) ${title}`);
    expect(await notifications()).toEqual([]);
    await setVisibility(page, 'visible');
    expect(await page.title()).toBe(title);

    const bell = chat.getByRole('button', { name: 'Turn on desktop notifications' });
    expect(await bell.getAttribute('aria-pressed')).toBe('false');
    await bell.click();
    const off = chat.getByRole('button', { name: 'Turn off desktop notifications' });
    expect(await off.getAttribute('aria-pressed')).toBe('true');

    await setVisibility(page, 'hidden');
    ben.send(anna!.jid, 'Are you there?');
    await poll(() => page.title()).toBe(`(1) ${title}`);
    await poll(notifications).toEqual([
      { title: `Message from ${benAccount!.user}`, body: 'Are you there?' },
    ]);
    await setVisibility(page, 'visible');
    expect(await page.title()).toBe(title);
    // Visible: no more notifications or badges.
    ben.send(anna!.jid, 'Never mind');
    await poll(() => chat.locator('mc-conversation-list ul').textContent()).toContain('Never mind');
    expect(await page.title()).toBe(title);
    expect((await notifications()).length).toBe(1);

    // The choice is kept, under the widget's own key.
    expect(await page.evaluate(() => localStorage.getItem('mailbox-chat:notifications'))).toBe('on');
    await off.click();
    expect(await chat.getByRole('button', { name: 'Turn on desktop notifications' }).isVisible()).toBe(true);

    // The side panel and the room dialog fit a 360 px screen.
    await chat.getByRole('tab', { name: 'Rooms' }).click();
    const tabs = (await chat.getByRole('tablist').boundingBox())!;
    expect(tabs.x).toBeGreaterThanOrEqual(0);
    expect(tabs.x + tabs.width).toBeLessThanOrEqual(360);
    await screenshot(page, 'rooms-phone');
    const join = chat.getByRole('button', { name: 'Join or create a room' }).first();
    await join.click();
    const sheet = (await chat.getByRole('dialog', { name: 'Join or create a room' }).boundingBox())!;
    expect(sheet.x).toBeGreaterThanOrEqual(0);
    expect(sheet.x + sheet.width).toBeLessThanOrEqual(360);
    await screenshot(page, 'room-dialog-phone');
    await fits(
      chat.getByRole('dialog', { name: 'Join or create a room' }).getByRole('button', { name: 'Join room' }),
    );
    expect(await outside(chat)).toEqual([]);
    await page.keyboard.press('Escape');
    await poll(() => chat.getByRole('dialog', { name: 'Join or create a room' }).count()).toBe(0);
    expect(await join.evaluate((el) => el.matches(':focus'))).toBe(true);

    // A room on the phone: its row, its conversation and its details fit the screen.
    await join.click();
    const roomDialog = chat.getByRole('dialog', { name: 'Join or create a room' });
    await roomDialog.getByRole('radio', { name: 'Create' }).check();
    const roomName = `Phone room ${Math.random().toString(36).slice(2, 7)}`;
    await roomDialog.getByLabel('Room name').fill(roomName);
    expect(await outside(chat)).toEqual([]);
    await roomDialog.getByRole('button', { name: 'Create room' }).click();
    await poll(() => chat.getByRole('heading', { name: roomName }).count()).toBe(1);
    expect(await outside(chat)).toEqual([]);
    await chat.getByRole('button', { name: 'Room details' }).click();
    const info = chat.getByRole('dialog', { name: roomName });
    await poll(() => info.textContent()).toContain(`${anna!.user} (you)`);
    await fits(info);
    expect(await outside(chat)).toEqual([]);
    await screenshot(page, 'room-info-phone');
    await page.keyboard.press('Escape');
    await chat.getByRole('button', { name: 'Back to conversations' }).click();
    await chat.getByRole('tab', { name: 'Rooms' }).click();
    await fits(chat.locator('mc-room-list .item').first());
    expect(await outside(chat)).toEqual([]);
    await screenshot(page, 'rooms-phone');

    // Contacts on the phone: a row, its menu and the add dialog fit the screen.
    await chat.getByRole('tab', { name: 'Contacts' }).click();
    await chat.getByRole('button', { name: 'Add contact' }).first().click();
    const addDialog = chat.getByRole('dialog', { name: 'Add a contact' });
    await addDialog.getByLabel('E-mail address').fill(benAccount!.jid);
    await addDialog.getByLabel('Name (optional)').fill('Benedikt Brandt-Obermayer von Hohenlohe');
    await fits(addDialog);
    expect(await outside(chat)).toEqual([]);
    await addDialog.getByRole('button', { name: 'Add', exact: true }).click();
    const benRow = row(chat, benAccount!.jid);
    await poll(() => benRow.count()).toBe(1);
    await fits(benRow);
    // The messages Ben sent while Anna looked elsewhere show as unread on his row.
    expect(await benRow.locator('.badge').textContent()).toBe('5');
    expect(await benRow.textContent()).toContain('5 unread messages');
    await chat.getByRole('button', { name: /^More for Benedikt/ }).click();
    await fits(chat.getByRole('button', { name: 'Block', exact: true }));
    expect(await outside(chat)).toEqual([]);
    await screenshot(page, 'contacts-phone');
    expect(errors).toEqual([]);
    await page.close();
  });
});
