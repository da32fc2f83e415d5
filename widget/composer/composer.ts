import { LitElement, html, nothing } from 'lit';
import type { Message } from '../../sdk/index.js';
import type { Localizer } from '../i18n/index.js';
import { attachIcon, closeIcon, fileIcon, retryIcon, sendIcon } from '../icons/icons.js';
import { RendersAfterSends } from '../shared/after-sends.js';
import { completions, mentionAt } from '../shared/mention.js';
import { base } from '../theme/base.js';
import { styles } from './composer.styles.js';
import { failure, tooLarge, type PendingUpload, type UploadFile } from './uploads.js';

/**
 * `<mc-composer>`: a multi-line message field that grows with its text. Enter sends,
 * Shift+Enter starts a new line (and Enter while an input method is composing does neither).
 * Up arrow in the empty field edits `lastOwn` (our last message): Enter then saves the
 * correction, Escape cancels it. Internal to `<mailbox-chat>`; sends with `composer-send`
 * (`detail: { body }`), corrects with `composer-correct` (`detail: { id, body }`) and reports
 * typing with `composer-input` (`detail: { empty }`), none of them composed.
 *
 * In a room (`nicks`: the others' nicknames), typing `@` and the start of a nickname (or of a
 * word in it) offers the matching ones in a list above the field: Up and Down arrows choose, Enter or Tab puts the chosen
 * one in (`@nick `), Escape closes the list; a click works too.
 *
 * Files are attached with the attach button, by pasting or by dropping them on the composer
 * (or through {@link McComposer.attach}). Each is checked against `maxBytes` before anything is
 * sent, then handed to `upload` with a progress bar and a cancel button; a failed upload stays
 * with its reason and a retry button.
 */
export class McComposer extends RendersAfterSends(LitElement) {
  static override styles = [base, styles];
  static override properties = {
    i18n: { attribute: false },
    name: { type: String },
    lastOwn: { attribute: false },
    draft: { attribute: false },
    nicks: { attribute: false },
    maxBytes: { attribute: false },
    upload: { attribute: false },
    value: { state: true },
    editing: { state: true },
    uploads: { state: true },
    dragging: { state: true },
    suggested: { state: true },
  };

  declare i18n: Localizer;
  /** Who the message goes to, for the field's label. */
  declare name: string;
  /** Our newest message in the conversation: the one Up arrow edits. */
  declare lastOwn: Message | undefined;
  /** What the user typed here before and did not send: the field starts with it. */
  declare draft: string;
  /** In a room: the other occupants' nicknames, offered after `@`. */
  declare nicks: readonly string[];
  /** The nicknames offered for the `@name` being typed, the chosen one, and where it starts. */
  declare private suggested: { start: number; nicks: string[]; active: number } | undefined;
  declare private value: string;
  /** The id of the message being corrected. */
  declare private editing: string | undefined;
  /** The largest file the server accepts, in bytes; checked before uploading. */
  declare maxBytes: number | undefined;
  /** Uploads and sends a file; without it there is no attach button. */
  declare upload: UploadFile | undefined;
  declare private uploads: readonly PendingUpload[];
  /** Files are being dragged over the composer. */
  declare private dragging: boolean;
  private nextUpload = 1;

  constructor() {
    super();
    this.name = '';
    this.lastOwn = undefined;
    this.draft = '';
    this.nicks = [];
    this.suggested = undefined;
    this.value = '';
    this.editing = undefined;
    this.maxBytes = undefined;
    this.upload = undefined;
    this.uploads = [];
    this.dragging = false;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Leaving the conversation cancels its uploads; nothing would show their outcome.
    for (const u of this.uploads) u.abort?.abort();
  }

  /** Sends files: each one is checked against `maxBytes`, then uploaded with a progress bar. */
  attach(files: Iterable<File>): void {
    if (!this.upload) return;
    for (const file of files) {
      const refused = tooLarge(this.i18n, file, this.maxBytes);
      const id = this.nextUpload++;
      if (refused) {
        this.uploads = [
          ...this.uploads,
          { id, file, percent: 0, state: 'failed', error: refused, retry: false },
        ];
      } else this.start(id, file);
    }
  }

  private patch(id: number, change: Partial<PendingUpload> | undefined): void {
    this.uploads = change
      ? this.uploads.map((u) => (u.id === id ? { ...u, ...change } : u))
      : this.uploads.filter((u) => u.id !== id);
  }

  private start(id: number, file: File): void {
    const upload = this.upload;
    if (!upload) return;
    const abort = new AbortController();
    const entry: PendingUpload = { id, file, percent: 0, state: 'uploading', abort };
    this.uploads = this.uploads.some((u) => u.id === id)
      ? this.uploads.map((u) => (u.id === id ? entry : u))
      : [...this.uploads, entry];
    upload(file, {
      name: file.name,
      signal: abort.signal,
      onProgress: ({ percent }) => this.patch(id, { percent: Math.round(percent) }),
    }).then(
      () => this.patch(id, undefined),
      (error: unknown) => {
        if (abort.signal.aborted) {
          this.patch(id, undefined);
          return;
        }
        const { text, retry } = failure(this.i18n, file, error);
        this.patch(id, { state: 'failed', error: text, retry, percent: 0 });
      },
    );
  }

  /** Cancels an upload, or dismisses a failed one; focus goes back to the field. */
  private dismiss(u: PendingUpload): void {
    u.abort?.abort();
    this.patch(u.id, undefined);
    this.field?.focus();
  }

  private onPick(event: Event): void {
    const input = event.target as HTMLInputElement;
    this.attach([...(input.files ?? [])]);
    // The same file can be picked again.
    input.value = '';
  }

  private onPaste(event: ClipboardEvent): void {
    const files = [...(event.clipboardData?.files ?? [])];
    if (!files.length || !this.upload) return;
    event.preventDefault();
    this.attach(files);
  }

  private onDrag(event: DragEvent): void {
    if (!this.upload || !event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    this.dragging = event.type !== 'dragleave';
  }

  private onDrop(event: DragEvent): void {
    this.dragging = false;
    const files = [...(event.dataTransfer?.files ?? [])];
    if (!files.length || !this.upload) return;
    event.preventDefault();
    this.attach(files);
  }

  private renderUploads() {
    const i = this.i18n;
    if (!this.uploads.length) return nothing;
    const percent = new Intl.NumberFormat(i.lang, { style: 'percent' });
    return html`<ul class="uploads" part="uploads">
      ${this.uploads.map((u) => {
        const name = u.file.name;
        return html`<li class="upload ${u.state}">
          ${fileIcon}
          <div class="upload-main">
            <span class="upload-name" dir="auto">${name}</span>
            ${
              u.state === 'uploading'
                ? html`<span class="upload-bar"
                    ><progress
                      max="100"
                      .value=${u.percent}
                      aria-label=${i.t('upload.progress', { name })}
                    ></progress
                    ><span class="upload-percent" aria-hidden="true"
                      >${percent.format(u.percent / 100)}</span
                    ></span
                  >`
                : html`<span class="upload-error" role="alert">${u.error}</span>`
            }
          </div>
          ${
            u.state === 'failed' && u.retry
              ? html`<button
                  type="button"
                  class="icon-button"
                  aria-label=${i.t('upload.retryLabel', { name })}
                  title=${i.t('upload.retry')}
                  @click=${() => this.start(u.id, u.file)}
                >
                  ${retryIcon}
                </button>`
              : nothing
          }
          <button
            type="button"
            class="icon-button"
            aria-label=${u.state === 'uploading' ? i.t('upload.cancel', { name }) : i.t('upload.dismissLabel', { name })}
            title=${u.state === 'uploading' ? i.t('upload.cancel', { name }) : i.t('upload.dismiss')}
            @click=${() => this.dismiss(u)}
          >
            ${closeIcon}
          </button>
        </li>`;
      })}
    </ul>`;
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

  /** Offers the nicknames that complete the `@name` before the caret, if any. */
  private suggest(field: HTMLTextAreaElement): void {
    const at =
      this.nicks.length && field.selectionStart === field.selectionEnd
        ? mentionAt(field.value, field.selectionStart)
        : undefined;
    const nicks = at ? completions(this.nicks, at.query) : [];
    this.suggested = at && nicks.length ? { start: at.start, nicks, active: 0 } : undefined;
  }

  /** Puts `@nick ` in place of the `@name` being typed. */
  private async complete(nick: string): Promise<void> {
    const field = this.field;
    const suggested = this.suggested;
    if (!field || !suggested) return;
    this.suggested = undefined;
    const text = `@${nick} `;
    field.setRangeText(text, suggested.start, field.selectionStart, 'end');
    const caret = field.selectionStart;
    field.dispatchEvent(new Event('input', { bubbles: true }));
    await this.updateComplete;
    field.focus();
    field.selectionStart = field.selectionEnd = caret;
  }

  private onInput(event: InputEvent): void {
    this.value = (event.target as HTMLTextAreaElement).value;
    this.suggest(event.target as HTMLTextAreaElement);
    // `draft`: the text to keep for the conversation (none while correcting a sent message).
    const detail = { empty: !this.value.trim(), draft: this.editing ? '' : this.value };
    this.dispatchEvent(new CustomEvent<{ empty: boolean; draft: string }>('composer-input', { detail }));
  }

  protected override willUpdate(): void {
    if (!this.hasUpdated) this.value = this.draft;
  }

  private onKeydown(event: KeyboardEvent): void {
    const plain = !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey && !event.isComposing;
    const suggested = this.suggested;
    if (suggested && plain) {
      const count = suggested.nicks.length;
      const move = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
      if (move) {
        event.preventDefault();
        this.suggested = { ...suggested, active: (suggested.active + move + count) % count };
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        void this.complete(suggested.nicks[suggested.active]!);
        return;
      }
      if (event.key === 'Escape') {
        // Closes the list only; the panel would close on Escape otherwise.
        event.preventDefault();
        event.stopPropagation();
        this.suggested = undefined;
        return;
      }
    }
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

  private renderSuggestions() {
    const suggested = this.suggested;
    if (!suggested) return nothing;
    return html`<ul id="nicks" class="nicks" role="listbox" aria-label=${this.i18n.t('composer.nicks')}>
      ${suggested.nicks.map(
        (nick, index) =>
          html`<li
            id="nick-${index}"
            role="option"
            aria-selected=${index === suggested.active ? 'true' : 'false'}
            @mousedown=${(event: MouseEvent) => event.preventDefault()}
            @click=${() => void this.complete(nick)}
            .textContent=${`@${nick}`}
          ></li>`,
      )}
    </ul>`;
  }

  protected override render() {
    const i = this.i18n;
    const editing = this.editing !== undefined;
    const action = editing ? i.t('composer.save') : i.t('composer.send');
    const suggested = this.suggested;
    return html`${this.renderUploads()}${this.renderSuggestions()}${
        this.dragging ? html`<p class="drop" aria-hidden="true">${i.t('composer.drop')}</p>` : nothing
      }${
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
        @dragenter=${this.onDrag}
        @dragover=${this.onDrag}
        @dragleave=${this.onDrag}
        @drop=${this.onDrop}
        @submit=${(event: SubmitEvent) => {
          event.preventDefault();
          this.send();
        }}
      >
        ${
          this.upload && !editing
            ? html`<button
                  type="button"
                  class="attach"
                  aria-label=${i.t('composer.attach')}
                  title=${i.t('composer.attach')}
                  @click=${() => this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click()}
                >
                  ${attachIcon}
                </button>
                <input
                  type="file"
                  multiple
                  hidden
                  tabindex="-1"
                  aria-label=${i.t('composer.attach')}
                  @change=${this.onPick}
                />`
            : nothing
        }
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
            aria-autocomplete=${this.nicks.length ? 'list' : nothing}
            aria-controls=${suggested ? 'nicks' : nothing}
            aria-activedescendant=${suggested ? `nick-${suggested.active}` : nothing}
            .value=${this.value}
            @input=${this.onInput}
            @blur=${() => (this.suggested = undefined)}
            @keydown=${this.onKeydown}
            @paste=${this.onPaste}
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
