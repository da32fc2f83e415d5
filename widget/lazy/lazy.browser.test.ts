// The lazy build (dist/lazy/): the launcher comes from a small entry, the widget itself from a
// second file loaded on idle or on open — and a page sees the same element as with the
// single-file build: attributes, properties, methods, events, parts and custom properties.
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Route } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { createAccounts } from '../../test/rig/accounts.js';
import { watchPage } from '../../test/rig/browser.js';
import {
  axeViolations,
  placeWidgetSignedOnEarly,
  screenshot,
  signOn,
  untilOnline,
  useWidgetRig,
} from '../../test/rig/widget.js';

const rig = useWidgetRig(
  {
    launcher: { body: '<mailbox-chat service="/xmpp-websocket"></mailbox-chat>' },
    german: { body: '<mailbox-chat service="/xmpp-websocket"></mailbox-chat>', lang: 'de' },
    embedded: {
      body: '<div class="frame"><mailbox-chat service="/xmpp-websocket" mode="embedded"></mailbox-chat></div>',
    },
  },
  {
    prepare(dir) {
      // Every page loads the lazy build instead of the single-file one.
      for (const name of ['launcher', 'german', 'embedded']) {
        const file = join(dir, `${name}.html`);
        writeFileSync(
          file,
          readFileSync(file, 'utf8').replace('src="mailbox-chat.js"', 'src="lazy/mailbox-chat.js"'),
        );
      }
      cpSync(inject('lazyBundle'), join(dir, 'lazy'), { recursive: true });
      // The host page re-brands the widget from outside (a stylesheet: the CSP allows no inline CSS).
      appendFileSync(
        join(dir, 'page.css'),
        'mailbox-chat { --mc-accent: rgb(120, 40, 160); } mailbox-chat::part(launcher) { border-radius: 6px; }\n',
      );
    },
  },
);

/**
 * Opens a page with the widget's second file held back until `release()`; `requested` tells
 * whether the browser has asked for it yet.
 */
async function openHeld(name: string): Promise<{
  page: Page;
  errors: string[];
  release(): void;
  requested(): boolean;
}> {
  const page = await rig.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const { errors } = watchPage(page);
  let held: Route | undefined;
  let released = false;
  await page.route(/\/lazy\/mailbox-chat-app-[^/]+\.js$/, (route) => {
    if (released) void route.continue();
    else held = route;
  });
  await page.goto(`${rig.portal.url}${name}.html`);
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { mcEvents: string[] }).mcEvents = seen;
    for (const type of ['mc-open', 'mc-close', 'mc-status']) {
      document.addEventListener(type, (event) => {
        if ((event.target as Element).localName === 'mailbox-chat') seen.push(type);
      });
    }
  });
  return {
    page,
    errors,
    release() {
      released = true;
      void held?.continue();
    },
    requested: () => held !== undefined,
  };
}

const loaded = (page: Page) => page.evaluate(() => customElements.get('mailbox-chat-app') !== undefined);

describe('the lazy build', () => {
  it('draws the launcher from the small entry, loads the widget on idle, and signs in', async () => {
    const [anna] = await createAccounts(1);
    const { page, errors, release, requested } = await openHeld('launcher');
    const launcher = page.getByRole('button', { name: 'Open chat' });
    await expect.poll(() => launcher.isVisible()).toBe(true);
    expect(await loaded(page)).toBe(false);
    expect(await axeViolations(page)).toEqual([]);
    // The browser asks for the rest once idle, without any click.
    await expect.poll(requested).toBe(true);
    // Single sign-on set before the widget is there: it is handed over when it arrives.
    await signOn(page, anna!);
    release();
    await expect.poll(() => loaded(page)).toBe(true);
    await launcher.click();
    const panel = page.getByRole('dialog', { name: 'Chat' });
    await expect.poll(() => panel.isVisible()).toBe(true);
    await untilOnline(panel);
    expect(
      await page.evaluate(() => Boolean((document.querySelector('mailbox-chat') as { chat?: unknown }).chat)),
    ).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { mcEvents: string[] }).mcEvents)).toContain(
      'mc-open',
    );
    await page.keyboard.press('Escape');
    await expect.poll(() => panel.isVisible()).toBe(false);
    expect(await page.evaluate(() => (window as unknown as { mcEvents: string[] }).mcEvents)).toContain(
      'mc-close',
    );
    // The portal's own sign-out signs the chat out too, through the launcher's element.
    await page.evaluate(() =>
      (document.querySelector('mailbox-chat') as unknown as { signOut(): Promise<void> }).signOut(),
    );
    expect(
      await page.evaluate(() => Boolean((document.querySelector('mailbox-chat') as { chat?: unknown }).chat)),
    ).toBe(false);
    await launcher.click();
    await expect.poll(() => panel.getByText('You are signed out.').isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens the panel the user asked for while the widget was still loading', async () => {
    const { page, errors, release } = await openHeld('german');
    const launcher = page.getByRole('button', { name: 'Chat öffnen' });
    await launcher.focus();
    await page.keyboard.press('Enter');
    expect(await loaded(page)).toBe(false);
    release();
    const panel = page.getByRole('dialog');
    await expect.poll(() => panel.isVisible()).toBe(true);
    // Focus went into the panel (the login form's first field), as with the single-file build.
    await expect
      .poll(() =>
        page.evaluate(() => {
          let active: Element | null = document.activeElement;
          while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
          return active?.localName;
        }),
      )
      .toBe('input');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('passes the page’s custom properties and ::part rules through to the loaded widget', async () => {
    const { page, release } = await openHeld('launcher');
    const launcher = page.getByRole('button', { name: 'Open chat' });
    const look = () =>
      launcher.evaluate((button) => {
        const style = getComputedStyle(button);
        return `${style.backgroundColor} ${style.borderRadius}`;
      });
    // The shell's own button already follows the page…
    expect(await look()).toBe('rgb(120, 40, 160) 6px');
    release();
    await expect.poll(() => loaded(page)).toBe(true);
    // …and so does the widget's, once it has replaced it.
    await expect
      .poll(() => launcher.evaluate((b) => (b.getRootNode() as ShadowRoot).host.localName))
      .toBe('mailbox-chat-app');
    expect(await look()).toBe('rgb(120, 40, 160) 6px');
    await page.close();
  });

  it('passes the widget’s properties through, set before or after it has loaded', async () => {
    const { page, errors, release } = await openHeld('embedded');
    type Props = { jid: string; theme: string; tab: string; fileExpiry: number; sso: boolean };
    const el = page.locator('mailbox-chat');
    // Before the widget has loaded: the defaults, and what the page sets, read back.
    const read = () =>
      el.evaluate((e) => {
        const { jid, theme, tab, fileExpiry, sso } = e as unknown as Props;
        return { jid, theme, tab, fileExpiry, sso };
      });
    expect(await read()).toEqual({
      jid: '',
      theme: 'light',
      tab: 'chats',
      fileExpiry: 3600,
      sso: false,
    });
    await el.evaluate((e) => {
      (e as unknown as Props).jid = 'anna@example.com';
      (e as unknown as Props).fileExpiry = 600;
    });
    release();
    await expect.poll(() => page.getByLabel('E-mail address').inputValue()).toBe('anna@example.com');
    // After: the loaded widget follows.
    await el.evaluate((e) => ((e as unknown as Props).theme = 'dark'));
    const app = page.locator('mailbox-chat-app');
    await expect.poll(() => app.evaluate((a) => (a as unknown as Props).theme)).toBe('dark');
    expect(await app.evaluate((a) => (a as unknown as Props).fileExpiry)).toBe(600);
    expect(await el.evaluate((e) => (e as unknown as Props).theme)).toBe('dark');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('loads at once when the mode shows the panel from the start', async () => {
    const { page, errors, release, requested } = await openHeld('embedded');
    await expect.poll(requested).toBe(true);
    release();
    await expect.poll(() => page.getByLabel('Password').isVisible()).toBe(true);
    await screenshot(page, 'lazy-embedded');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('opens the panel again on the next page when it was open', async () => {
    const { page, errors, release } = await openHeld('launcher');
    release();
    await page.getByRole('button', { name: 'Open chat' }).click();
    await expect.poll(() => page.getByLabel('Password').isVisible()).toBe(true);
    await page.reload();
    await expect.poll(() => page.getByLabel('Password').isVisible(), { timeout: 10_000 }).toBe(true);
    expect(
      await page.locator('mailbox-chat').evaluate((el) => (el as HTMLElement & { isOpen: boolean }).isOpen),
    ).toBe(true);
    // Closed, it stays closed on the next page.
    await page.getByRole('button', { name: 'Close chat' }).first().click();
    await page.reload();
    await expect.poll(() => page.getByRole('button', { name: 'Open chat' }).isVisible()).toBe(true);
    await expect.poll(() => loaded(page)).toBe(true); // on idle, as on a first visit
    expect(await page.getByLabel('Password').isVisible()).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('signs in again on the next page, closed, when the user asked to stay signed in', async () => {
    const [anna] = await createAccounts(1);
    const { page, errors, release } = await openHeld('launcher');
    release();
    await page.getByRole('button', { name: 'Open chat' }).click();
    const panel = page.getByRole('dialog', { name: 'Chat' });
    await panel.getByLabel('E-mail address').fill(anna!.jid);
    await panel.getByLabel('Password').fill(anna!.password);
    await panel.getByRole('checkbox', { name: 'Stay signed in while this tab is open' }).check();
    await panel.getByRole('button', { name: 'Sign in' }).click();
    await untilOnline(panel);
    await panel.getByRole('button', { name: 'Close chat' }).first().click();
    // The next page: the panel stays closed, and the widget signs in by itself. It loads at once,
    // not when the page is idle (which this page never is: its idle callbacks never run).
    await page.addInitScript(() => {
      window.requestIdleCallback = () => 0;
    });
    await page.reload();
    const signedIn = () =>
      page.evaluate(
        () => (document.querySelector('mailbox-chat') as { chat?: { status: string } }).chat?.status,
      );
    await expect.poll(signedIn, { timeout: 15_000 }).toBe('online');
    await page.getByRole('button', { name: 'Open chat' }).click();
    await untilOnline(panel);
    expect(await panel.getByLabel('Password').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('takes credentials a page script set before the element was defined', async () => {
    const [anna] = await createAccounts(1);
    const { page, errors, release } = await openHeld('embedded');
    release();
    // An element the lazy entry had not upgraded when it got its credentials (as when the page's
    // sign-on script runs before the widget's script).
    await placeWidgetSignedOnEarly(
      page,
      '.frame',
      { service: '/xmpp-websocket', mode: 'embedded', sso: '' },
      anna!,
    );
    const chat = page.locator('mailbox-chat');
    await untilOnline(chat);
    expect(await chat.getByLabel('Password').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
