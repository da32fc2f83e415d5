import { html, nothing } from 'lit';
import { isAddress } from '../controller/chat-controller.js';
import { McDialog, dialogBase } from '../dialog/dialog.js';

/** Detail of the internal `contact-add` event. */
export interface ContactAdd {
  jid: string;
  name?: string;
}

/**
 * `<mc-add-contact>`: the "add a contact" dialog (address and an optional name). Internal to
 * `<mailbox-chat>`: it fires `contact-add` (`detail: { jid, name? }`) and `dialog-close`, and
 * shows the `error` and `busy` state it is given.
 */
export class McAddContact extends McDialog {
  static override styles = dialogBase;
  static override properties = { ...McDialog.properties, invalid: { state: true } };

  declare private invalid: boolean;

  constructor() {
    super();
    this.invalid = false;
  }

  protected heading(): string {
    return this.i18n.t('addContact.title');
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    if (this.busy) return;
    const form = event.currentTarget as HTMLFormElement;
    const address = form.elements.namedItem('jid') as HTMLInputElement;
    const name = (form.elements.namedItem('name') as HTMLInputElement).value.trim();
    const jid = address.value.trim();
    this.invalid = !isAddress(jid);
    if (this.invalid) {
      address.focus();
      return;
    }
    this.dispatchEvent(
      new CustomEvent<ContactAdd>('contact-add', { detail: name ? { jid, name } : { jid } }),
    );
  }

  protected renderBody() {
    const i = this.i18n;
    const describedBy = this.invalid ? 'contact-invalid' : this.error ? 'dialog-error' : undefined;
    return html`<p class="hint">${i.t('addContact.hint')}</p>
      <form class="form" @submit=${this.onSubmit} novalidate>
        <div class="group">
          <label for="contact-jid">${i.t('addContact.jid')}</label>
          <input
            id="contact-jid"
            class="field"
            name="jid"
            type="email"
            inputmode="email"
            autocomplete="off"
            autocapitalize="off"
            spellcheck="false"
            placeholder=${i.t('login.jidPlaceholder')}
            aria-invalid=${this.invalid ? 'true' : 'false'}
            @input=${() => (this.invalid = false)}
            aria-describedby=${describedBy ?? nothing}
          />
          ${
            this.invalid
              ? html`<p id="contact-invalid" class="error" role="alert">${i.t('new.invalid')}</p>`
              : nothing
          }
        </div>
        <div class="group">
          <label for="contact-name">${i.t('addContact.name')}</label>
          <input id="contact-name" class="field" name="name" type="text" autocomplete="off" />
        </div>
        ${this.renderError()}
        <div class="actions">
          <button type="button" class="button secondary" @click=${() => this.close()}>
            ${i.t('dialog.cancel')}
          </button>
          <button type="submit" class="button" ?disabled=${this.busy}>${i.t('addContact.submit')}</button>
        </div>
      </form>`;
  }
}
