import { LitElement, html, nothing } from 'lit';
import type { Message } from '../../sdk/index.js';
import type { Localizer } from '../i18n/index.js';
import { closeIcon, sendIcon } from '../icons/icons.js';
import { base } from '../theme/base.js';
import { styles } from './composer.styles.js';

/**
 * `<mc-composer>`: a multi-line message field that grows with its text. Enter sends,
 * Shift+Enter starts a new line (and Enter while an input method is composing does neither).
 * Up arrow in the empty field edits `lastOwn` (our last message): Enter then saves the
 * correction, Escape cancels it. Internal to `<mailbox-chat>`; sends with `composer-send`
 * (`detail: { body }`), corrects with `composer-correct` (`detail: { id, body }`) and reports
 * typing with `composer-input` (`detail: { empty }`), none of them composed.
 */
export class McComposer extends LitElement {
  static override styles = [base, styles];
  static override properties = {
    i18n: { attribute: false },
    name: { type: String },
    lastOwn: { attribute: false },
    value: { state: true },
    editing: { state: true },
  };

  declare i18n: Localizer;
  /** Who the message goes to, for the field's label. */
  declare name: string;
  /** Our newest message in the conversation: the one Up arrow edits. */
  declare lastOwn: Message | undefined;
  declare private value: string;
  /** The id of the message being corrected. */
  declare private editing: string | undefined;

  constructor() {
    super();
    this.name = '';
    this.lastOwn = undefined;
    this.value = '';
    this.editing = undefined;
  }

  override focus(options?: FocusOptions): void {
    this.field?.focus(options);
  }

  private get field(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('textarea');
  }

  private send(): void {
    const body = this.value;
    const editing = this.editing;
    if (editing) {
      const unchanged = body === this.lastOwn?.body;
      this.cancelEdit();
      if (body.trim() && !unchanged) {
        this.dispatchEvent(
          new CustomEvent<{ id: string; body: string }>('composer-correct', {
            detail: { id: editing, body },
          }),
        );
      }
      return;
    }
    if (!body.trim()) return;
    this.value = '';
    this.dispatchEvent(new CustomEvent<{ body: string }>('composer-send', { detail: { body } }));
  }

  private async startEdit(message: Message): Promise<void> {
    this.editing = message.id;
    this.value = message.body;
    await this.updateComplete;
    const field = this.field;
    if (field) field.selectionStart = field.selectionEnd = field.value.length;
  }

  private cancelEdit(): void {
    this.editing = undefined;
    this.value = '';
    this.field?.focus();
  }

  private onInput(event: InputEvent): void {
    this.value = (event.target as HTMLTextAreaElement).value;
    this.dispatchEvent(
      new CustomEvent<{ empty: boolean }>('composer-input', { detail: { empty: !this.value.trim() } }),
    );
  }

  private onKeydown(event: KeyboardEvent): void {
    const plain = !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey && !event.isComposing;
    if (event.key === 'ArrowUp' && plain && !this.value && !this.editing && this.lastOwn) {
      event.preventDefault();
      void this.startEdit(this.lastOwn);
      return;
    }
    if (event.key === 'Escape' && this.editing) {
      // Cancels the edit only; the panel would close on Escape otherwise.
      event.preventDefault();
      event.stopPropagation();
      this.cancelEdit();
      return;
    }
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.altKey || event.ctrlKey) return;
    event.preventDefault();
    this.send();
  }

  protected override render() {
    const i = this.i18n;
    const editing = this.editing !== undefined;
    const action = editing ? i.t('composer.save') : i.t('composer.send');
    return html`${
        editing
          ? html`<div class="editing" part="editing">
              <span id="editing">${i.t('composer.editing')}</span>
              <button
                type="button"
                class="cancel"
                aria-label=${i.t('composer.cancelEdit')}
                title=${i.t('composer.cancelEdit')}
                @click=${() => this.cancelEdit()}
              >
                ${closeIcon}
              </button>
            </div>`
          : nothing
      }
      <form
        class=${editing ? 'is-editing' : ''}
        @submit=${(event: SubmitEvent) => {
          event.preventDefault();
          this.send();
        }}
      >
        <label for="text" class="sr-only"
          >${editing ? i.t('composer.editLabel') : i.t('composer.label', { name: this.name })}</label
        >
        <div class="grow" data-value=${this.value}>
          <textarea
            id="text"
            part="textarea"
            rows="1"
            placeholder=${i.t('composer.placeholder')}
            aria-describedby="hint"
            .value=${this.value}
            @input=${this.onInput}
            @keydown=${this.onKeydown}
          ></textarea>
        </div>
        <span id="hint" class="sr-only">${editing ? i.t('composer.editHint') : i.t('composer.hint')}</span>
        <button
          class="send"
          type="submit"
          aria-label=${action}
          title=${action}
          ?disabled=${!this.value.trim()}
        >
          ${sendIcon}
        </button>
      </form>`;
  }
}
