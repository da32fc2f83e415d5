import { html, nothing } from 'lit';
import { STATUS_MESSAGE_MAX } from '../shared/availability.js';
import { McDialog, dialogBase } from './dialog.js';

/**
 * `<mc-status-dialog>`: the user's status message, which contacts see beside the availability.
 * Internal to `<mailbox-chat>`: it shows the current `message` and fires `status-submit`
 * (`detail: { message }`, empty to clear it) and `dialog-close`.
 */
export class McStatusDialog extends McDialog {
  static override styles = dialogBase;
  static override properties = { ...McDialog.properties, message: { attribute: false } };

  /** The status message kept now (empty: none). */
  declare message: string;

  constructor() {
    super();
    this.message = '';
  }

  protected heading(): string {
    return this.i18n.t('statusMessage.title');
  }

  private submit(message: string): void {
    this.dispatchEvent(new CustomEvent('status-submit', { detail: { message } }));
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const field = (event.currentTarget as HTMLFormElement).elements.namedItem('message') as HTMLInputElement;
    this.submit(field.value.trim());
  }

  protected renderBody() {
    const i = this.i18n;
    return html`<p class="hint" id="status-hint">${i.t('statusMessage.hint')}</p>
      <form class="form" @submit=${this.onSubmit}>
        <div class="group">
          <label for="status-message">${i.t('statusMessage.field')}</label>
          <input
            id="status-message"
            class="field"
            name="message"
            type="text"
            autocomplete="off"
            maxlength=${STATUS_MESSAGE_MAX}
            placeholder=${i.t('statusMessage.placeholder')}
            aria-describedby="status-hint"
            .value=${this.message}
          />
        </div>
        <div class="actions">
          ${
            this.message
              ? html`<button type="button" class="button secondary" @click=${() => this.submit('')}>
                  ${i.t('statusMessage.clear')}
                </button>`
              : nothing
          }
          <button type="button" class="button secondary" @click=${() => this.close()}>
            ${i.t('dialog.cancel')}
          </button>
          <button type="submit" class="button">${i.t('statusMessage.save')}</button>
        </div>
      </form>`;
  }
}
