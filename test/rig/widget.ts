// Helpers for the widget's browser tests: test pages served by the portal server (so they get its
// strict CSP), axe-core inside such a page, and screenshots for people to look at.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { startPortal } from '../../scripts/portal-server.mjs';
import { launchBrowser } from './browser.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Where screenshots go (gitignored). */
export const ARTIFACTS = join(root, 'test-artifacts', 'widget');

/** Styles for the test pages: a file, since the CSP allows no inline styles. */
const PAGE_CSS = `
body { margin: 0; font: 16px/1.5 Georgia, serif; background: #f4f1ea; color: #222; }
main { padding: 24px 32px; }
.frame { width: 420px; height: 600px; }
.wide { width: 900px; height: 600px; }
`;

/**
 * Writes test pages into a temporary folder: for each name, a page whose `<main>` holds `body`
 * and which loads the single-file build like a portal would. Returns the folder and a cleanup.
 */
export function writePages(pages: Record<string, { body: string; lang?: string }>): {
  dir: string;
  dispose(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'mailbox-chat-pages-'));
  writeFileSync(join(dir, 'page.css'), PAGE_CSS);
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>');
  for (const [name, { body, lang = 'en' }] of Object.entries(pages)) {
    writeFileSync(
      join(dir, `${name}.html`),
      `<!doctype html>
<html lang="${lang}">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${name}</title>
    <link rel="icon" href="favicon.svg" />
    <link rel="stylesheet" href="page.css" />
    <script type="module" src="mailbox-chat.js"></script>
  </head>
  <body>
    <main>
      <h1>Portal page</h1>
      ${body}
    </main>
  </body>
</html>
`,
    );
  }
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core in the page and returns its violations (none is the goal).
 *
 * The page runs under `script-src 'self'`, which blocks `page.addScriptTag({ content })` (an inline
 * script) and `addScriptTag({ path })` (Playwright inlines the file too). `page.evaluate` of the
 * source goes through the DevTools protocol instead: it runs in the page's main world, where
 * axe can see the document and every shadow root, but it is not a script the page loaded, so
 * the CSP does not apply to it and stays in force for everything else on the page.
 */
export async function axeViolations(
  page: Page,
): Promise<Array<{ id: string; impact: string; nodes: string[] }>> {
  const loaded = await page.evaluate('typeof window.axe === "object"');
  if (!loaded) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(context: unknown, options: unknown): Promise<AxeResult> } }
    ).axe;
    type AxeResult = {
      violations: Array<{
        id: string;
        impact: string;
        nodes: Array<{ target: unknown[]; failureSummary: string }>;
      }>;
    };
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => `${JSON.stringify(n.target)}: ${n.failureSummary}`),
    }));
  });
}

/**
 * Puts into `container` (a selector), in place of what it holds, a `<mailbox-chat>` with
 * `attributes` whose `credentials` were set before the element was defined — as when a portal's
 * sign-on script runs before the widget's script. The element is made in a document without a
 * window (so no custom element is defined there and it stays un-upgraded), given the credentials
 * as an own property, and then adopted into the page, where it is upgraded.
 */
export async function placeWidgetSignedOnEarly(
  page: Page,
  container: string,
  attributes: Record<string, string>,
  account: { jid: string; password: string },
): Promise<void> {
  await page.evaluate(
    ({ container, attributes, account }) => {
      const early = document.implementation
        .createHTMLDocument('')
        .createElement('mailbox-chat') as HTMLElement & { credentials?: unknown };
      for (const [name, value] of Object.entries(attributes)) early.setAttribute(name, value);
      early.credentials = async () => account;
      document.querySelector(container)!.replaceChildren(document.adoptNode(early));
    },
    { container, attributes, account: { jid: account.jid, password: account.password } },
  );
}

/**
 * Signs the page's `<mailbox-chat>` in as a portal's single sign-on does: a page script sets its
 * `credentials` (whether or not the element is defined yet).
 */
export async function signOn(page: Page, account: { jid: string; password: string }): Promise<void> {
  await page.evaluate(
    ({ jid, password }) => {
      const element = document.querySelector('mailbox-chat') as HTMLElement & { credentials: unknown };
      element.credentials = async () => ({ jid, password });
    },
    { jid: account.jid, password: account.password },
  );
}

/**
 * What the panel's status line says (`Online`, `Reconnecting…`), or `null` while it has none. It
 * does not wait for the line to appear, so that a poll of it fails at the poll's own timeout, not
 * the test's, when the line never comes.
 */
export async function statusOf(chat: Locator): Promise<string | null> {
  const [text] = await chat.getByRole('status').allTextContents();
  return text ?? null;
}

/** Waits until the panel says it is online: at most `timeout` ms (sign-in with the test server). */
export async function untilOnline(chat: Locator, timeout = 20_000): Promise<void> {
  await expect.poll(() => statusOf(chat), { timeout }).toBe('Online');
}

/** Saves a screenshot of the page to test-artifacts/widget/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Let the panel's opening animation finish first.
  await page.waitForTimeout(250);
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/**
 * A test page (`sdk.html`) that runs `script`, an ES module that imports `./mailbox-chat.js`
 * itself, instead of loading the build: for browser tests that drive the SDK from the page.
 */
export function writeScriptPage(script: string): { dir: string; dispose(): void } {
  const pages = writePages({ sdk: { body: '<p>SDK page</p>' } });
  writeFileSync(join(pages.dir, 'sdk-page.js'), script);
  const html = join(pages.dir, 'sdk.html');
  writeFileSync(html, readFileSync(html, 'utf8').replace('src="mailbox-chat.js"', 'src="sdk-page.js"'));
  return pages;
}

/** What {@link useWidgetRig} sets up for a test file; read its fields in tests (after `beforeAll`). */
export interface WidgetRig {
  readonly browser: Browser;
  readonly portal: Awaited<ReturnType<typeof startPortal>>;
  /** The folder of the test pages. */
  readonly dir: string;
}

/**
 * The set-up of a widget browser test file, done before its tests and undone after them: the
 * test `pages` (see {@link writePages}), the system Chromium, and the portal server, which serves
 * the pages with the single-file build under its strict CSP and passes `/xmpp-websocket` on to
 * the test Prosody — or to `upstream()` (a fault proxy started by the file's own earlier
 * `beforeAll`). `prepare` adds to the pages' folder before the portal starts.
 */
export function useWidgetRig(
  pages: Record<string, { body: string; lang?: string }>,
  options: {
    upstream?: () => { host: string; port: number };
    prepare?: (dir: string) => void;
  } = {},
): WidgetRig {
  let written: ReturnType<typeof writePages> | undefined;
  let browser: Browser | undefined;
  let portal: WidgetRig['portal'] | undefined;
  beforeAll(async () => {
    written = writePages(pages);
    options.prepare?.(written.dir);
    browser = await launchBrowser();
    const xmpp = inject('xmpp');
    portal = await startPortal({
      bundle: inject('bundle'),
      upstream: options.upstream?.() ?? { host: xmpp.host, port: xmpp.ports.http },
      pages: written.dir,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.close();
    written?.dispose();
  });
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useWidgetRig: read in a test, after beforeAll');
    return value;
  };
  return {
    get browser() {
      return ready(browser);
    },
    get portal() {
      return ready(portal);
    },
    get dir() {
      return ready(written).dir;
    },
  };
}
