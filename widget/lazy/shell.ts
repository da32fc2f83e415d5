// `<mailbox-chat>` of the lazy build (dist/lazy/mailbox-chat.js): a few kilobytes that draw the
// launcher button at once and load the widget itself (the SDK, Lit and the views) when the
// browser is idle, or at once when the user opens the panel, the mode shows the panel from the
// start, or an earlier page of the tab was signed in and this one signs in by itself. The loaded
// widget lives in the shell's shadow root; attributes, properties, methods, events (they are
// composed), parts and custom properties all pass through, so a page cannot tell the difference
// from the single-file build.
import { TOKENS_CSS } from '../theme/token-css.js';
import { LAUNCHER_LABELS } from './labels.js';
import { whenIdle } from '../shared/idle.js';
import { loadView, viewKey } from '../shared/view-state.js';

/** What the shell uses of the loaded widget. */
interface App extends HTMLElement {
  credentials: unknown;
  readonly chat: unknown;
  readonly isOpen: boolean;
  open(): Promise<void>;
  close(): Promise<void>;
  openConversation(jid: string): Promise<void>;
  signOut(): Promise<void>;
}

/** Attributes that belong to the shell's own element, not to the widget inside. */
const OWN = new Set(['id', 'class', 'style', 'slot', 'part', 'exportparts']);

/**
 * The widget's properties that are attributes too, with the widget's defaults: on the shell each
 * reads and writes its attribute, which passes on to the widget. (`lang` is every element's own.)
 */
const ATTRIBUTE_PROPERTIES: Record<string, { attribute: string; fallback: string | number | boolean }> = {
  service: { attribute: 'service', fallback: '' },
  jid: { attribute: 'jid', fallback: '' },
  mode: { attribute: 'mode', fallback: 'launcher' },
  theme: { attribute: 'theme', fallback: 'light' },
  tab: { attribute: 'tab', fallback: 'chats' },
  fileExpiry: { attribute: 'file-expiry', fallback: 3600 },
  sso: { attribute: 'sso', fallback: false },
};

/**
 * Whether the tab's `sessionStorage` has an entry whose key starts with `prefix`: the SDK's resume
 * state (`mailbox-chat:resume:`, sdk/resume-storage.ts) or a kept login key's name
 * (`mailbox-chat:login-key:`, sdk/login-key.ts). This entry imports neither.
 */
function kept(prefix: string): boolean {
  try {
    for (let i = 0; i < sessionStorage.length; i += 1) {
      if (sessionStorage.key(i)?.startsWith(prefix)) return true;
    }
  } catch {
    // Storage blocked: nothing kept.
  }
  return false;
}

let loading: Promise<unknown> | undefined;
const load = (): Promise<unknown> => (loading ??= import('./app.js'));

const SHEET = `
  :host { display: block; }
  :host([mode='launcher']), :host(:not([mode])) { display: contents; }
  :host([mode='embedded']) { height: 100%; }
  .app { height: 100%; }
  .launcher {
    position: fixed; right: var(--mc-offset); bottom: var(--mc-offset); z-index: var(--mc-z-index);
    display: grid; place-items: center; width: var(--mc-launcher-size); height: var(--mc-launcher-size);
    padding: 0; border: 0; border-radius: 50%; cursor: pointer;
    background: var(--mc-accent); color: var(--mc-on-accent); box-shadow: var(--mc-shadow);
  }
  .launcher:focus-visible { outline: 3px solid var(--mc-accent-text); outline-offset: 3px; }
  .launcher svg { width: 28px; height: 28px; fill: none; stroke: currentColor; stroke-width: 1.8;
    stroke-linecap: round; stroke-linejoin: round; }
`;

let sheet: CSSStyleSheet | undefined;
/** The shell's styles: the theme's tokens on the host, inherited (not reset) by the widget inside. */
function styleSheet(): CSSStyleSheet {
  if (sheet) return sheet;
  const names = [...new Set(TOKENS_CSS.match(/--mc-[a-z0-9-]+/g) ?? []), 'color-scheme'];
  sheet = new CSSStyleSheet();
  sheet.replaceSync(`${TOKENS_CSS}${SHEET}.app { ${names.map((name) => `${name}: inherit;`).join(' ')} }`);
  return sheet;
}

const SVG = 'http://www.w3.org/2000/svg';
/** The chat bubble of the widget's launcher (icons.ts), drawn without a template library. */
function chatIcon(): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  for (const d of [
    'M4 6.5A2.5 2.5 0 0 1 6.5 4h11A2.5 2.5 0 0 1 20 6.5v8a2.5 2.5 0 0 1-2.5 2.5H11l-4.5 3.5V17A2.5 2.5 0 0 1 4 14.5z',
    'M8.5 9h7M8.5 12.5h4.5',
  ]) {
    const path = document.createElementNS(SVG, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

/**
 * `<mailbox-chat>` from `dist/lazy/mailbox-chat.js`: the same element as the single-file build
 * (see `MailboxChatElement` for its attributes, properties, methods, events, parts and custom
 * properties), delivered in two steps so that a page pays only for the launcher button until the
 * chat is wanted.
 */
export class MailboxChatShell extends HTMLElement {
  // As on the widget; on the shell they read and write their attributes (ATTRIBUTE_PROPERTIES).
  declare service: string;
  declare jid: string;
  declare mode: string;
  declare theme: string;
  declare tab: string;
  declare fileExpiry: number;
  declare sso: boolean;
  #app: App | undefined;
  #credentials: unknown;
  #wantOpen = false;
  #button: HTMLButtonElement | undefined;
  #observer: MutationObserver | undefined;
  #scheduled = false;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [styleSheet()];
    // Set by a page script that ran before this element was defined (a sign-on script loaded
    // first, so that its credentials are fetched while the widget loads): then it is the
    // element's own property, hiding the accessor. Hand it to the accessor.
    const own = this as unknown as Record<string, unknown>;
    for (const name of ['credentials', ...Object.keys(ATTRIBUTE_PROPERTIES)]) {
      if (!Object.hasOwn(this, name)) continue;
      const value = own[name];
      delete own[name];
      own[name] = value;
    }
  }

  /** Single sign-on, as on the widget: set it before or after the widget has loaded. */
  get credentials(): unknown {
    return this.#credentials;
  }
  set credentials(value: unknown) {
    this.#credentials = value;
    if (this.#app) this.#app.credentials = value;
  }

  /** The SDK instance of the current session (`undefined` until the widget has loaded and signed in). */
  get chat(): unknown {
    return this.#app?.chat;
  }

  /** Whether the launcher's panel is open (always true in the other modes, once loaded). */
  get isOpen(): boolean {
    return this.#app?.isOpen ?? false;
  }

  /** Opens the launcher's panel, loading the widget first if needed. */
  async open(): Promise<void> {
    this.#wantOpen = true;
    await (await this.#ensure()).open();
  }

  /** Closes the launcher's panel. */
  async close(): Promise<void> {
    this.#wantOpen = false;
    await this.#app?.close();
  }

  /** Signs out of the chat (see the widget's `signOut`), loading the widget first if needed. */
  async signOut(): Promise<void> {
    await (await this.#ensure()).signOut();
  }

  /** Opens the conversation with `jid`, loading the widget first if needed. */
  async openConversation(jid: string): Promise<void> {
    await (await this.#ensure()).openConversation(jid);
  }

  connectedCallback(): void {
    if (this.#app) return;
    const mode = this.getAttribute('mode');
    if (mode === 'embedded' || mode === 'fullscreen') {
      void this.#ensure();
      return;
    }
    this.#renderButton();
    // The panel was open before this page load (in this browser tab): the widget opens it again
    // once loaded, so load it now. So it does when an earlier page of the tab was signed in (its
    // session waits on the server, with what came meanwhile) and this one signs in by itself (a
    // kept login, single sign-on): back online, the launcher shows unread messages and
    // notifications come without waiting for the page to be idle.
    const signsInAgain =
      kept('mailbox-chat:resume:') &&
      (this.hasAttribute('sso') || this.#credentials !== undefined || kept('mailbox-chat:login-key:'));
    if (loadView(viewKey(this.id)).open || signsInAgain) {
      void this.#ensure();
      return;
    }
    if (this.#scheduled) return;
    this.#scheduled = true;
    whenIdle(() => void this.#ensure(), { timeout: 3000, fallback: 1500 });
  }

  #renderButton(): void {
    if (this.#button) return;
    const lang = (this.getAttribute('lang') || document.documentElement.lang || 'en').toLowerCase();
    const label = LAUNCHER_LABELS[lang.split('-')[0]!] ?? LAUNCHER_LABELS['en']!;
    const button = document.createElement('button');
    button.className = 'launcher';
    button.setAttribute('part', 'launcher');
    button.setAttribute('aria-label', label);
    button.title = label;
    button.setAttribute('aria-expanded', 'false');
    button.append(chatIcon());
    button.addEventListener('click', () => void this.open());
    this.#button = button;
    this.shadowRoot!.append(button);
  }

  async #ensure(): Promise<App> {
    if (this.#app) return this.#app;
    await load();
    if (this.#app) return this.#app;
    const app = document.createElement('mailbox-chat-app') as App;
    app.className = 'app';
    for (const { name, value } of this.attributes) if (!OWN.has(name)) app.setAttribute(name, value);
    if (this.#credentials !== undefined) app.credentials = this.#credentials;
    this.#observer = new MutationObserver((records) => {
      for (const { attributeName: name } of records) {
        if (!name || OWN.has(name)) continue;
        const value = this.getAttribute(name);
        if (value === null) app.removeAttribute(name);
        else app.setAttribute(name, value);
      }
    });
    this.#observer.observe(this, { attributes: true });
    const hadFocus = this.shadowRoot!.activeElement === this.#button;
    this.#button?.remove();
    this.#button = undefined;
    this.#app = app;
    this.shadowRoot!.append(app);
    if (this.#wantOpen) await app.open();
    else if (hadFocus) {
      await (app as App & { updateComplete?: Promise<unknown> }).updateComplete;
      app.shadowRoot?.querySelector<HTMLElement>('.launcher')?.focus();
    }
    return app;
  }
}

// The attribute properties (see ATTRIBUTE_PROPERTIES) on the shell's prototype.
for (const [name, { attribute, fallback }] of Object.entries(ATTRIBUTE_PROPERTIES)) {
  Object.defineProperty(MailboxChatShell.prototype, name, {
    configurable: true,
    get(this: HTMLElement) {
      const value = this.getAttribute(attribute);
      if (typeof fallback === 'boolean') return value !== null;
      if (value === null) return fallback;
      return typeof fallback === 'number' ? Number(value) : value;
    },
    set(this: HTMLElement, value: unknown) {
      if (typeof fallback === 'boolean') this.toggleAttribute(attribute, Boolean(value));
      else if (value === null || value === undefined) this.removeAttribute(attribute);
      else this.setAttribute(attribute, String(value));
    },
  });
}
