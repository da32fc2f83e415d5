import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import type { Chat, Jid } from '../../sdk/index.js';
import { ChatController, type WidgetCredentials } from '../controller/chat-controller.js';
import type { McComposer } from '../composer/composer.js';
import type { McConversationList } from '../conversation-list/conversation-list.js';
import { McCloseEvent } from '../events/close.js';
import { McOpenEvent } from '../events/open.js';
import { localizer, type Localizer } from '../i18n/index.js';
import {
  alertIcon,
  backIcon,
  chatIcon,
  chevronDownIcon,
  closeIcon,
  logoutIcon,
  spinnerIcon,
} from '../icons/icons.js';
import type { LoginSubmit, McLogin } from '../login/login.js';
import { avatar, avatarStyles, displayName } from '../shared/people.js';
import { base } from '../theme/base.js';
import { tokens } from '../theme/tokens.js';
import { styles } from './mailbox-chat.styles.js';

export type { WidgetCredentials };

/** How the widget shows itself. */
export type Mode = 'launcher' | 'embedded' | 'fullscreen';
/** The color theme; `auto` follows the system's light or dark setting. */
export type Theme = 'light' | 'dark' | 'auto';

/**
 * Turns a service given relative to the page (`/xmpp-websocket`, as behind the portal's own
 * reverse proxy) into an absolute `ws:`/`wss:` URL; absolute URLs pass unchanged.
 *
 * @example
 * ```ts
 * resolveService('/xmpp-websocket', 'https://intranet.example.com/'); // 'wss://intranet.example.com/xmpp-websocket'
 * ```
 */
export function resolveService(service: string, base: string = location.href): string {
  const url = new URL(service, base);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  return url.href;
}

/**
 * `<mailbox-chat>`: a chat panel for any page, in its own shadow root. Log in with the mailbox
 * e-mail address and password, or let the host page sign the user in (`credentials`); then chat
 * one-to-one. Works under a strict Content-Security-Policy (no inline scripts or styles).
 *
 * @event mc-status - The connection status changed: {@link McStatusEvent}, `detail: { status, error? }`.
 * @event mc-message - A message arrived or was sent: {@link McMessageEvent}, `detail: { message }`.
 * @event mc-unread - The number of unread messages changed: {@link McUnreadEvent}, `detail: { count }`.
 * @event mc-open - The launcher's panel opened: {@link McOpenEvent}.
 * @event mc-close - The launcher's panel closed: {@link McCloseEvent}.
 *
 * @csspart launcher - The round button that opens the panel (`mode="launcher"`).
 * @csspart badge - The unread count on the launcher.
 * @csspart panel - The panel around everything.
 * @csspart header - The panel's title bar.
 * @csspart body - The area under the header (login, or conversations).
 * @csspart list - The conversation list.
 * @csspart conversation - The open conversation: its header, messages and composer.
 * @csspart log - The scrolling message list.
 * @csspart message - One message bubble.
 * @csspart divider - The "new messages" divider.
 * @csspart typing - The line that says who is typing.
 * @csspart file - An attachment's file card (or its "no longer available" placeholder).
 * @csspart image - An image attachment shown inline.
 * @csspart composer - The message field and send button.
 * @csspart editing - The composer's "editing your message" bar.
 *
 * @cssproperty --mc-accent - The accent: buttons, own messages, badges. Default `#0b6bcb` (dark: `#2563c4`).
 * @cssproperty --mc-on-accent - Text on the accent color. Default `#ffffff`.
 * @cssproperty --mc-on-accent-muted - Secondary text (times) on the accent color.
 * @cssproperty --mc-accent-text - Accent for text and focus rings on the surface (links, dividers).
 * @cssproperty --mc-accent-soft - A light tint of the accent (selected conversation, icons).
 * @cssproperty --mc-read - The "read" tick on own messages.
 * @cssproperty --mc-surface - The panel background.
 * @cssproperty --mc-surface-alt - Secondary background: incoming messages, hover, the message field.
 * @cssproperty --mc-text - The text color.
 * @cssproperty --mc-muted - Secondary text: times, previews, hints.
 * @cssproperty --mc-border - Lines and outlines.
 * @cssproperty --mc-danger - Errors and failed messages.
 * @cssproperty --mc-danger-soft - Background of failed messages.
 * @cssproperty --mc-code-bg - Background of `code` and preformatted text in messages.
 * @cssproperty --mc-badge - Background of the launcher's unread badge.
 * @cssproperty --mc-on-badge - Text of the launcher's unread badge.
 * @cssproperty --mc-online - The "online" dot.
 * @cssproperty --mc-warning-soft - Background of the connection banner.
 * @cssproperty --mc-warning-text - Text of the connection banner.
 * @cssproperty --mc-shadow - The floating panel's and launcher's shadow.
 * @cssproperty --mc-radius - Corner radius of the panel. Default `14px`.
 * @cssproperty --mc-font - The font family. Default: the system UI font.
 * @cssproperty --mc-font-size - The base font size. Default `15px`.
 * @cssproperty --mc-panel-width - Width of the launcher's panel. Default `380px`.
 * @cssproperty --mc-panel-height - Height of the launcher's panel. Default `600px`.
 * @cssproperty --mc-launcher-size - Diameter of the launcher button. Default `56px`.
 * @cssproperty --mc-offset - Distance of launcher and panel from the window's corner. Default `20px`.
 * @cssproperty --mc-z-index - Stacking level of launcher, panel and full-screen mode.
 *
 * @example
 * ```html
 * <script type="module" src="mailbox-chat.js"></script>
 * <mailbox-chat service="wss://chat.example.com/xmpp-websocket" lang="de"></mailbox-chat>
 * <script type="module">
 *   const chat = document.querySelector('mailbox-chat');
 *   // Single sign-on: the portal hands out the address and a password; no login form.
 *   chat.credentials = async () => (await fetch('/chat-credentials')).json();
 *   chat.addEventListener('mc-unread', ({ detail }) => (document.title = `(${detail.count}) Portal`));
 * </script>
 * ```
 */
export class MailboxChatElement extends LitElement {
  static override styles = [tokens, base, avatarStyles, styles];
  static override properties = {
    service: { type: String },
    jid: { type: String },
    lang: { type: String },
    mode: { type: String, reflect: true },
    theme: { type: String, reflect: true },
    credentials: { attribute: false },
    opened: { state: true },
  };

  /** WebSocket (or BOSH) endpoint of the XMPP server; relative URLs resolve against the page. */
  declare service: string;
  /** Prefills the login form with this address. */
  declare jid: string;
  /** Language of the widget (`en`, `de`); defaults to the page's `<html lang>`, then English. */
  declare lang: string;
  /** `launcher` (default): a floating button opening a panel; `embedded`: fills its container; `fullscreen`. */
  declare mode: Mode;
  /** `light` (default), `dark`, or `auto` (follows the system). */
  declare theme: Theme;
  /**
   * Single sign-on: when set, there is no login form; the widget calls it for each fresh login
   * and hands the password to the SDK without keeping it.
   */
  declare credentials: (() => Promise<WidgetCredentials>) | undefined;
  declare private opened: boolean;

  private readonly controller = new ChatController(this, () =>
    this.service ? resolveService(this.service) : '',
  );
  private i18n: Localizer = localizer('en');
  /** The language tag `i18n` was made for (an unknown language gets English). */
  private langTag = 'en';
  private langObserver: MutationObserver | undefined;
  private triedCredentials: unknown;
  private focusInside = false;
  private lastPhase = this.controller.phase;

  constructor() {
    super();
    this.service = '';
    this.jid = '';
    this.mode = 'launcher';
    this.theme = 'light';
    this.credentials = undefined;
    this.opened = false;
  }

  /** The SDK instance of the current session, for scripting (`undefined` while signed out). */
  get chat(): Chat | undefined {
    return this.controller.chat;
  }

  /** Whether the launcher's panel is open (always true in the other modes). */
  get isOpen(): boolean {
    return this.currentMode !== 'launcher' || this.opened;
  }

  private get currentMode(): Mode {
    return this.mode === 'embedded' || this.mode === 'fullscreen' ? this.mode : 'launcher';
  }

  /**
   * Opens the launcher's panel and moves focus into it. Does nothing in the other modes.
   *
   * @example
   * ```ts
   * document.querySelector('#help')!.addEventListener('click', () => chat.open());
   * ```
   */
  async open(): Promise<void> {
    if (this.currentMode !== 'launcher' || this.opened) return;
    this.opened = true;
    await this.focusPanel();
    this.dispatchEvent(new McOpenEvent());
  }

  /** Closes the launcher's panel; focus goes back to the launcher if it was in the panel. */
  async close(): Promise<void> {
    if (this.currentMode !== 'launcher' || !this.opened) return;
    const hadFocus = this.shadowRoot?.activeElement != null;
    this.opened = false;
    await this.updateComplete;
    if (hadFocus) this.renderRoot.querySelector<HTMLButtonElement>('.launcher')?.focus();
    this.dispatchEvent(new McCloseEvent());
  }

  /**
   * Opens the conversation with `jid` (a new one if there is none), opening the panel too. Before
   * sign-in, the conversation opens once signed in.
   *
   * @example
   * ```ts
   * chat.openConversation('helpdesk@example.com');
   * ```
   */
  async openConversation(jid: Jid): Promise<void> {
    this.controller.openConversation(jid);
    if (this.currentMode === 'launcher' && !this.opened) {
      await this.open();
      return;
    }
    await this.focusPanel();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Follow the page's language when the widget has none of its own.
    this.langObserver = new MutationObserver(() => this.requestUpdate());
    this.langObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.langObserver?.disconnect();
  }

  protected override willUpdate(): void {
    const tag = this.lang || document.documentElement.lang || 'en';
    if (tag !== this.langTag) {
      this.langTag = tag;
      this.i18n = localizer(tag);
    }
    this.focusInside = this.shadowRoot?.activeElement != null;
  }

  protected override updated(changed: PropertyValues<this>): void {
    this.controller.setPanelVisible(this.isOpen);
    // Signing in or out replaces the view the focus was in: put it where the new view starts.
    const phase = this.controller.phase;
    if (phase !== this.lastPhase && phase !== 'signing-in') {
      if (this.focusInside && this.shadowRoot?.activeElement == null) void this.focusPanel();
      this.lastPhase = phase;
    }
    // Single sign-on: sign in once for each credentials callback the host sets.
    if (changed.has('credentials') && this.credentials && this.triedCredentials !== this.credentials) {
      this.triedCredentials = this.credentials;
      if (this.controller.phase === 'signed-out') void this.controller.signInWith(this.credentials);
    }
  }

  /** Puts focus where the user will want it in the current view (once its element has rendered). */
  private async focusPanel(): Promise<void> {
    await this.updateComplete;
    const root = this.renderRoot;
    const c = this.controller;
    if (c.phase === 'signed-in' && c.active) {
      const composer = root.querySelector<McComposer>('mc-composer');
      await composer?.updateComplete;
      composer?.focus();
      return;
    }
    const view =
      c.phase === 'signed-in'
        ? root.querySelector<McConversationList>('mc-conversation-list')
        : root.querySelector<McLogin>('mc-login');
    if (view) {
      await view.updateComplete;
      view.focusFirst();
    } else root.querySelector<HTMLElement>('.sso .button, .close')?.focus();
  }

  private onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape' && this.currentMode === 'launcher' && this.opened) {
      event.preventDefault();
      void this.close();
    }
  }

  private async onSelect(jid: Jid): Promise<void> {
    this.controller.select(jid);
    await this.focusPanel();
  }

  private async onBack(): Promise<void> {
    const previous = this.controller.active;
    this.controller.select(undefined);
    await this.updateComplete;
    const list = this.renderRoot.querySelector<McConversationList>('mc-conversation-list');
    await list?.updateComplete;
    list?.focusFirst(previous);
  }

  private async onLogout(): Promise<void> {
    await this.controller.signOut();
    await this.focusPanel();
  }

  private renderLauncher() {
    const i = this.i18n;
    const unread = this.controller.unread;
    const label = this.opened
      ? i.t('launcher.close')
      : unread
        ? i.plural('launcher.openUnread', unread)
        : i.t('launcher.open');
    return html`<button
      part="launcher"
      class="launcher"
      aria-label=${label}
      title=${label}
      aria-expanded=${this.opened ? 'true' : 'false'}
      aria-controls="panel"
      @click=${() => (this.opened ? this.close() : this.open())}
    >
      ${this.opened ? chevronDownIcon : chatIcon}
      ${
        unread && !this.opened
          ? html`<span part="badge" class="badge" aria-hidden="true">${unread > 99 ? '99+' : unread}</span>`
          : nothing
      }
    </button>`;
  }

  private renderHeader() {
    const i = this.i18n;
    const c = this.controller;
    const signedIn = c.phase === 'signed-in';
    const status = c.phase === 'signed-out' ? '' : i.t(`status.${c.status}`);
    return html`<header part="header" class="header">
      <span class="logo" aria-hidden="true">${chatIcon}</span>
      <div class="heading">
        <h2 id="title">${i.t('app.title')}</h2>
        <p class="presence">
          ${status ? html`<span class="dot ${c.status}" aria-hidden="true"></span>` : nothing}<span
            role="status"
            >${status}</span
          >
          ${c.account ? html`<span class="account" title=${c.account}>${c.account}</span>` : nothing}
        </p>
      </div>
      ${
        signedIn
          ? html`<button
              class="icon-button"
              aria-label=${i.t('logout')}
              title=${i.t('logout')}
              @click=${this.onLogout}
            >
              ${logoutIcon}
            </button>`
          : nothing
      }
      ${
        this.currentMode === 'launcher'
          ? html`<button
              class="icon-button close"
              aria-label=${i.t('panel.close')}
              title=${i.t('panel.close')}
              @click=${() => this.close()}
            >
              ${closeIcon}
            </button>`
          : nothing
      }
    </header>`;
  }

  private renderBanner() {
    const c = this.controller;
    if (c.phase !== 'signed-in' || c.status === 'online') return nothing;
    const i = this.i18n;
    const lost = c.status === 'disconnected' || c.status === 'offline';
    return html`<div class="banner" part="banner">
      ${lost ? alertIcon : spinnerIcon}
      <span>${lost && c.error ? i.error(c.error) : i.t('status.lost')}</span>
      ${
        lost
          ? html`<button class="link" @click=${() => this.controller.reconnect()}>
              ${i.t('status.reconnect')}
            </button>`
          : nothing
      }
    </div>`;
  }

  private renderSignIn() {
    const i = this.i18n;
    const c = this.controller;
    const credentials = this.credentials;
    if (!credentials) {
      return html`<mc-login
        class="body"
        part="body"
        .i18n=${i}
        .jid=${this.jid}
        .error=${c.error ? i.error(c.error) : undefined}
        ?busy=${c.phase === 'signing-in'}
        @login-submit=${(event: CustomEvent<LoginSubmit>) =>
          void this.controller.signIn(event.detail.jid, event.detail.password)}
      ></mc-login>`;
    }
    return html`<div class="body sso" part="body">
      ${
        c.phase === 'signing-in'
          ? html`${spinnerIcon}
              <p>${i.t('login.sso')}</p>`
          : html`<p class=${c.error ? 'error' : ''} role=${c.error ? 'alert' : nothing}>
                ${c.error ? i.error(c.error) : i.t('login.signedOut')}
              </p>
              <button class="button" @click=${() => void this.controller.signInWith(credentials)}>
                ${c.error ? i.t('login.retry') : i.t('login.again')}
              </button>`
      }
    </div>`;
  }

  private renderConversation(jid: Jid) {
    const i = this.i18n;
    const c = this.controller;
    const conversation = c.conversation;
    const name = displayName(jid);
    return html`<div class="conversation-head">
        <button
          class="icon-button back"
          aria-label=${i.t('conversation.back')}
          title=${i.t('conversation.back')}
          @click=${this.onBack}
        >
          ${backIcon}
        </button>
        ${avatar(jid, 'small')}
        <div class="peer">
          <h3 id="peer-name">${name}</h3>
          <p>${jid}</p>
        </div>
      </div>
      ${keyed(
        jid,
        html`<mc-message-list
          exportparts="log, message, divider, typing, file, image"
          .i18n=${i}
          .peer=${jid}
          .messages=${conversation?.messages ?? []}
          .divider=${c.divider?.jid === jid ? c.divider : undefined}
          .typing=${conversation?.typing ?? []}
        ></mc-message-list>`,
      )}
      ${keyed(
        jid,
        html`<mc-composer
          part="composer"
          exportparts="textarea, editing"
          .i18n=${i}
          .name=${name}
          .lastOwn=${c.lastOwn}
          @composer-send=${(event: CustomEvent<{ body: string }>) => this.controller.send(event.detail.body)}
          @composer-correct=${(event: CustomEvent<{ id: string; body: string }>) =>
            void this.controller.correct(event.detail.id, event.detail.body)}
          @composer-input=${(event: CustomEvent<{ empty: boolean }>) => this.controller.composing(event.detail.empty)}
        ></mc-composer>`,
      )}`;
  }

  private renderApp() {
    const i = this.i18n;
    const c = this.controller;
    return html`<div class="body app ${c.active ? 'has-active' : ''}" part="body">
      <mc-conversation-list
        class="list-pane"
        part="list"
        .i18n=${i}
        .conversations=${c.conversations}
        .active=${c.active}
        @conversation-select=${(event: CustomEvent<{ jid: Jid }>) => this.onSelect(event.detail.jid)}
      ></mc-conversation-list>
      <section
        class="conversation-pane"
        part="conversation"
        aria-labelledby=${c.active ? 'peer-name' : nothing}
      >
        ${
          c.active
            ? this.renderConversation(c.active)
            : html`<p class="placeholder">${i.t('conversation.none')}</p>`
        }
      </section>
    </div>`;
  }

  protected override render() {
    const mode = this.currentMode;
    const launcher = mode === 'launcher';
    return html`${launcher ? this.renderLauncher() : nothing}
      <section
        id="panel"
        part="panel"
        class="panel mode-${mode}"
        role=${launcher ? 'dialog' : 'region'}
        aria-labelledby="title"
        lang=${this.i18n.lang}
        ?hidden=${launcher && !this.opened}
        @keydown=${this.onKeydown}
      >
        ${this.renderHeader()} ${this.renderBanner()}
        ${this.controller.phase === 'signed-in' ? this.renderApp() : this.renderSignIn()}
      </section>`;
  }
}
