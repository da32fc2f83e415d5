import { LitElement, html, nothing } from 'lit';
import { chatIcon, spinnerIcon } from '../icons/icons.js';
import type { Localizer } from '../i18n/index.js';
import { RendersAfterSends } from '../shared/after-sends.js';
import { base } from '../theme/base.js';
import { styles } from './login.styles.js';

/** Detail of the internal `login-submit` event. */
export interface LoginSubmit {
  jid: string;
  password: string;
  /** "Stay signed in while this tab is open" was checked. */
  remember: boolean;
}

/**
 * `<mc-login>`: the sign-in form (e-mail address and password). Internal to `<mailbox-chat>`,
 * which passes texts and state in and listens for `login-submit` (not composed: it never leaves
 * the widget). The password is read from the field on submit and the field is cleared at once.
 */
export class McLogin extends RendersAfterSends(LitElement) {
  static override styles = [base, styles];
  static override properties = {
    i18n: { attribute: false },
    jid: { type: String },
    error: { type: String },
    busy: { type: Boolean },
  };

  declare i18n: Localizer;
  /** Prefills the address. */
  declare jid: string;
  /** A localized error to show, if the last attempt failed. */
  declare error: string | undefined;
  /** A login is under way. */
  declare busy: boolean;

  constructor() {
    super();
    this.jid = '';
    this.error = undefined;
    this.busy = false;
  }

  /** Focuses the first field that needs input. */
  focusFirst(): void {
    const address = this.renderRoot.querySelector<HTMLInputElement>('#jid');
    const password = this.renderRoot.querySelector<HTMLInputElement>('#password');
    (address?.value ? password : address)?.focus();
  }

  protected override updated(changed: Map<string, unknown>): void {
    // After a failed attempt the password must be typed again: put the cursor there.
    if (changed.has('error') && this.error && this.shadowRoot?.activeElement) {
      this.focusFirst();
    }
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    if (this.busy) return;
    const form = event.currentTarget as HTMLFormElement;
    const address = form.elements.namedItem('jid') as HTMLInputElement;
    const secret = form.elements.namedItem('password') as HTMLInputElement;
    const remember = (form.elements.namedItem('remember') as HTMLInputElement).checked;
    const detail: LoginSubmit = { jid: address.value.trim(), password: secret.value, remember };
    secret.value = '';
    this.dispatchEvent(new CustomEvent<LoginSubmit>('login-submit', { detail }));
  }

  protected override render() {
    const i = this.i18n;
    const invalid = this.error ? 'true' : 'false';
    const described = this.error ? 'login-error' : 'login-hint';
    return html`<form @submit=${this.onSubmit} aria-labelledby="login-title">
      <div class="mark" aria-hidden="true">${chatIcon}</div>
      <h2 id="login-title">${i.t('login.title')}</h2>
      <p class="hint" id="login-hint">${i.t('login.hint')}</p>
      <label for="jid">${i.t('login.jid')}</label>
      <input
        id="jid"
        class="field"
        name="jid"
        type="text"
        inputmode="email"
        autocomplete="username"
        autocapitalize="off"
        spellcheck="false"
        required
        placeholder=${i.t('login.jidPlaceholder')}
        .value=${this.jid}
        aria-invalid=${invalid}
        aria-describedby=${described}
      />
      <label for="password">${i.t('login.password')}</label>
      <input
        id="password"
        class="field"
        name="password"
        type="password"
        autocomplete="current-password"
        required
        aria-invalid=${invalid}
        aria-describedby=${described}
      />
      <label class="remember"><input name="remember" type="checkbox" />${i.t('login.remember')}</label>
      ${this.error ? html`<p id="login-error" class="error" role="alert">${this.error}</p>` : nothing}
      <!-- Not disabled while busy: a disabled button would drop the keyboard focus. -->
      <button class="button" type="submit" aria-disabled=${this.busy ? 'true' : 'false'}>
        ${this.busy ? html`${spinnerIcon}${i.t('login.busy')}` : i.t('login.submit')}
      </button>
    </form>`;
  }
}
