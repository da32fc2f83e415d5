import { LitElement, html } from 'lit';
import type { Localizer } from '../i18n/index.js';
import { sendIcon } from '../icons/icons.js';
import { base } from '../theme/base.js';
import { styles } from './composer.styles.js';

/**
 * `<mc-composer>`: a multi-line message field that grows with its text. Enter sends,
 * Shift+Enter starts a new line (and Enter while an input method is composing does neither).
 * Internal to `<mailbox-chat>`; sends with `composer-send` (`detail: { body }`), not composed.
 */
export class McComposer extends LitElement {
  static override styles = [base, styles];
  static override properties = {
    i18n: { attribute: false },
    name: { type: String },
    value: { state: true },
  };

  declare i18n: Localizer;
  /** Who the message goes to, for the field's label. */
  declare name: string;
  declare private value: string;

  constructor() {
    super();
    this.name = '';
    this.value = '';
  }

  override focus(options?: FocusOptions): void {
    this.renderRoot.querySelector('textarea')?.focus(options);
  }

  private send(): void {
    const body = this.value;
    if (!body.trim()) return;
    this.value = '';
    this.dispatchEvent(new CustomEvent<{ body: string }>('composer-send', { detail: { body } }));
  }

  private onKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.altKey || event.ctrlKey) return;
    event.preventDefault();
    this.send();
  }

  protected override render() {
    const i = this.i18n;
    return html`<form
      @submit=${(event: SubmitEvent) => {
        event.preventDefault();
        this.send();
      }}
    >
      <label for="text" class="sr-only">${i.t('composer.label', { name: this.name })}</label>
      <div class="grow" data-value=${this.value}>
        <textarea
          id="text"
          part="textarea"
          rows="1"
          placeholder=${i.t('composer.placeholder')}
          aria-describedby="hint"
          .value=${this.value}
          @input=${(event: InputEvent) => (this.value = (event.target as HTMLTextAreaElement).value)}
          @keydown=${this.onKeydown}
        ></textarea>
      </div>
      <span id="hint" class="sr-only">${i.t('composer.hint')}</span>
      <button
        class="send"
        type="submit"
        aria-label=${i.t('composer.send')}
        title=${i.t('composer.send')}
        ?disabled=${!this.value.trim()}
      >
        ${sendIcon}
      </button>
    </form>`;
  }
}
