// Browser tests that drive the SDK from inside a page: Chromium, the portal server with its strict
// CSP, and a page whose module script (`script`) imports the single-file build. Set up once per
// test file and torn down after it.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { startPortal } from '../../scripts/portal-server.mjs';
import type { TestAccount } from './accounts.js';
import { launchBrowser, watchPage } from './browser.js';
import { writeScriptPage } from './widget.js';

/** An open SDK page: the page, what it reported as errors, and what `window.ready` resolved to. */
export interface SdkPage {
  page: Page;
  errors: string[];
  ready: unknown;
}

/**
 * Registers the browser, the portal and the page for this test file. `script` must set
 * `window.ready` (a promise, e.g. `chat.connect()`); it reads `jid`, `password` and `service`
 * from the URL's hash.
 */
export function useSdkPage(script: string): {
  open(account: TestAccount, service: string): Promise<SdkPage>;
} {
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  let portal: Awaited<ReturnType<typeof startPortal>> | undefined;
  let pages: ReturnType<typeof writeScriptPage> | undefined;
  beforeAll(async () => {
    const xmpp = inject('xmpp');
    pages = writeScriptPage(script);
    browser = await launchBrowser();
    portal = await startPortal({
      bundle: inject('bundle'),
      upstream: { host: xmpp.host, port: xmpp.ports.http },
      pages: pages.dir,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.close();
    pages?.dispose();
  });
  return {
    async open(account, service) {
      // A context of its own, so that a test can open a second tab of it (`page.context()`);
      // closed with its last page.
      const context = await browser!.newContext();
      const page = await context.newPage();
      const closeWithLastPage = (tab: Page): void => {
        tab.on('close', () => {
          if (context.pages().length === 0) void context.close().catch(() => undefined);
        });
      };
      closeWithLastPage(page);
      context.on('page', closeWithLastPage);
      const { errors } = watchPage(page);
      const hash = new URLSearchParams({ jid: account.jid, password: account.password, service });
      await page.goto(`${portal!.url}sdk.html#${hash}`);
      const ready = await waitReady(page);
      return { page, errors, ready };
    },
  };
}

/** Waits until the page's script has set `window.ready`, and returns what it resolves to. */
export async function waitReady(page: Page): Promise<unknown> {
  await page.waitForFunction(() => 'ready' in window);
  return page.evaluate(() => (window as unknown as { ready: Promise<unknown> }).ready);
}
