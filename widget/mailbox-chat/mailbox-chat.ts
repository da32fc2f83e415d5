import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { createChat, isChatError, type Chat, type Message, type Status } from '../../sdk/index.js';
import { textsFor, type TextKey } from '../i18n/index.js';
import { styles } from './mailbox-chat.styles.js';

/** What the host page's single-sign-on callback returns. */
export interface WidgetCredentials {
  jid: string;
  password: string;
}

/**
 * Turns a service given relative to the page (`/xmpp-websocket`, as behind the portal's own
 * reverse proxy) into an absolute `ws:`/`wss:` URL; absolute URLs pass unchanged.
 */
export function resolveService(service: string, base: string = location.href): string {
  const url = new URL(service, base);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  return url.href;
}

/**
 * `<mailbox-chat>`: a chat panel for any page.
 *
 * @event mc-status - The connection status changed; `detail: { status }`.
 * @event mc-message - A message arrived or was sent; `detail: { message }`.
 * @csspart panel - The panel around everything.
 * @cssproperty --mc-accent - The accent color.
 * @cssproperty --mc-surface - The panel background.
 * @cssproperty --mc-text - The text color.
 *
 * @example
 * ```html
 * <mailbox-chat service="wss://chat.example.com/xmpp-websocket"></mailbox-chat>
 * ```
 */
export class MailboxChatElement extends LitElement {
  static override styles = styles;
  static override properties = {
    service: { type: String },
    jid: { type: String },
    lang: { type: String },
    credentials: { attribute: false },
    status: { state: true },
    messages: { state: true },
    errorKey: { state: true },
  };

  /** WebSocket endpoint of the XMPP server. */
  declare service: string;
  /** Prefills the login form with this address. */
  declare jid: string;
  /** Called for single sign-on instead of showing the login form. */
  declare credentials: (() => Promise<WidgetCredentials>) | undefined;
  declare status: Status;
  declare messages: Message[];
  declare errorKey: TextKey | undefined;

  /** The SDK instance, once a login started. */
  chat: Chat | undefined;

  constructor() {
    super();
    this.service = '';
    this.jid = '';
    this.credentials = undefined;
    this.status = 'offline';
    this.messages = [];
    this.errorKey = undefined;
  }

  private get texts() {
    return textsFor(this.lang || document.documentElement.lang);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('credentials') && this.credentials && !this.chat) void this.signIn();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    void this.chat?.disconnect();
  }

  private async signIn(jid?: string, password?: string): Promise<void> {
    let account = jid;
    let loader: () => Promise<{ password: string }>;
    if (this.credentials) {
      const sso = this.credentials;
      account = (await sso()).jid;
      loader = async () => ({ password: (await sso()).password });
    } else {
      const secret = password ?? '';
      loader = async () => ({ password: secret });
    }
    if (!account) return;
    const chat = createChat({ jid: account, service: resolveService(this.service), credentials: loader });
    this.chat = chat;
    this.errorKey = undefined;
    chat.on('status', ({ status, error }) => {
      this.status = status;
      if (error) this.errorKey = this.errorText(error.code);
      this.dispatchEvent(new CustomEvent('mc-status', { detail: { status }, bubbles: true, composed: true }));
    });
    chat.on('message', ({ message }) => this.add(message));
    try {
      await chat.connect();
    } catch (error) {
      this.chat = undefined;
      this.errorKey = isChatError(error) ? this.errorText(error.code) : 'error.unknown';
    }
  }

  private errorText(code: string): TextKey {
    const key = `error.${code}` as TextKey;
    return key in this.texts ? key : 'error.unknown';
  }

  private add(message: Message): void {
    this.messages = [...this.messages, message];
    this.dispatchEvent(new CustomEvent('mc-message', { detail: { message }, bubbles: true, composed: true }));
  }

  private onLogin(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    void this.signIn(String(data.get('jid') ?? ''), String(data.get('password') ?? ''));
  }

  private onSend(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const to = String(data.get('to') ?? '').trim();
    const body = String(data.get('body') ?? '');
    if (!this.chat || !to || !body.trim()) return;
    this.add(this.chat.send(to, body));
    (form.elements.namedItem('body') as HTMLInputElement).value = '';
  }

  protected override render() {
    const t = this.texts;
    const loggedIn = Boolean(this.chat);
    return html`<section part="panel" class="panel">
      <div class="status" role="status">${t[`status.${this.status}`]}</div>
      ${this.errorKey ? html`<div class="error" role="alert">${t[this.errorKey]}</div>` : nothing}
      ${
        loggedIn
          ? html`<ul role="log" aria-live="polite" aria-label=${t['messages.label']}>
                ${this.messages.map(
                  (m) =>
                    html`<li>
                      <span class="from"
                        >${m.direction === 'out' ? '→ ' + m.conversation : m.conversation}</span
                      >${m.body}
                    </li>`,
                )}
              </ul>
              <form @submit=${this.onSend}>
                <input
                  name="to"
                  aria-label=${t['compose.to']}
                  placeholder=${t['compose.to']}
                  autocomplete="off"
                />
                <input
                  name="body"
                  aria-label=${t['compose.message']}
                  placeholder=${t['compose.message']}
                  autocomplete="off"
                />
                <button type="submit">${t['compose.send']}</button>
              </form>`
          : this.credentials
            ? nothing
            : html`<form @submit=${this.onLogin}>
                <input
                  name="jid"
                  type="email"
                  .value=${this.jid}
                  aria-label=${t['login.jid']}
                  placeholder=${t['login.jid']}
                  autocomplete="username"
                  required
                />
                <input
                  name="password"
                  type="password"
                  aria-label=${t['login.password']}
                  placeholder=${t['login.password']}
                  autocomplete="current-password"
                  required
                />
                <button type="submit">${t['login.submit']}</button>
              </form>`
      }
    </section>`;
  }
}
