import { css, html, nothing } from 'lit';
import type { Jid } from '../../sdk/index.js';
import { McDialog, dialogBase } from '../dialog/dialog.js';
import { roomAddress, type RoomRequest } from './model.js';

/**
 * `<mc-room-dialog>`: join a room (its address, or a name on the server's group chat service;
 * our nickname; its password if it has one) or create one (name, nickname, and the archiving
 * switch — mailbox does not archive rooms unless it is on). Internal to `<mailbox-chat>`: fires
 * `room-submit` (`detail:` {@link RoomRequest}) and `dialog-close`.
 */
export class McRoomDialog extends McDialog {
  static override styles = [
    ...dialogBase,
    css`
      .modes {
        display: grid;
        grid-template-columns: 1fr 1fr;
        gap: 4px;
        margin: 0;
        padding: 4px;
        border: 0;
        border-radius: 12px;
        background: var(--mc-surface-alt);
      }
      .modes label {
        position: relative;
        display: grid;
        place-items: center;
        min-height: 36px;
        border-radius: 9px;
        color: var(--mc-muted);
        cursor: pointer;
      }
      .modes input {
        position: absolute;
        inset: 0;
        margin: 0;
        opacity: 0;
        cursor: pointer;
      }
      .modes label:has(input:checked) {
        background: var(--mc-surface);
        color: var(--mc-text);
        box-shadow: 0 1px 3px rgb(16 24 40 / 0.15);
      }
      .modes label:has(input:focus-visible) {
        outline: 2px solid var(--mc-accent-text);
        outline-offset: 1px;
      }
      .address {
        overflow-wrap: anywhere;
      }
    `,
  ];
  static override properties = {
    ...McDialog.properties,
    service: { attribute: false },
    nick: { attribute: false },
    create: { state: true },
    invalid: { state: true },
    preview: { state: true },
  };

  /** The server's group chat service (`conference.example.com`), for room names without a domain. */
  declare service: Jid | undefined;
  /** The suggested nickname. */
  declare nick: string;
  declare private create: boolean;
  /** Which field is wrong: the address, or the nickname. */
  declare private invalid: 'address' | 'nick' | undefined;
  /** The address the typed room name stands for. */
  declare private preview: Jid | undefined;

  constructor() {
    super();
    this.service = undefined;
    this.nick = '';
    this.create = false;
    this.invalid = undefined;
    this.preview = undefined;
  }

  protected heading(): string {
    return this.i18n.t('roomDialog.title');
  }

  private setMode(create: boolean): void {
    this.create = create;
    this.invalid = undefined;
    this.preview = undefined;
    this.dispatchEvent(new CustomEvent('dialog-input'));
  }

  private onAddressInput(event: InputEvent): void {
    const value = (event.target as HTMLInputElement).value;
    if (this.invalid === 'address') this.invalid = undefined;
    this.preview = value.trim() ? roomAddress(value, this.service) : undefined;
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    if (this.busy) return;
    const form = event.currentTarget as HTMLFormElement;
    const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement | null;
    const jid = roomAddress(field('room')?.value ?? '', this.service);
    const nick = field('nick')?.value.trim() ?? '';
    this.invalid = !jid ? 'address' : !nick ? 'nick' : undefined;
    if (this.invalid || !jid) {
      field(this.invalid === 'nick' ? 'nick' : 'room')?.focus();
      return;
    }
    const request: RoomRequest = this.create
      ? {
          jid,
          nick,
          create: true,
          name: field('room')?.value.trim() ?? '',
          archive: field('archive')?.checked ?? false,
        }
      : {
          jid,
          nick,
          create: false,
          ...(field('password')?.value ? { password: field('password')!.value } : {}),
        };
    this.dispatchEvent(new CustomEvent<RoomRequest>('room-submit', { detail: request }));
  }

  protected renderBody() {
    const i = this.i18n;
    const example = this.service ? `team@${this.service}` : 'team@conference.example.com';
    const addressError = this.invalid === 'address';
    const nickError = this.invalid === 'nick';
    return html`<form class="form" @submit=${this.onSubmit} novalidate>
      <fieldset class="modes">
        <legend class="sr-only">${i.t('roomDialog.mode')}</legend>
        <label
          ><input
            type="radio"
            name="mode"
            value="join"
            .checked=${!this.create}
            @change=${() => this.setMode(false)}
          />${i.t('roomDialog.join')}</label
        >
        <label
          ><input
            type="radio"
            name="mode"
            value="create"
            .checked=${this.create}
            @change=${() => this.setMode(true)}
          />${i.t('roomDialog.create')}</label
        >
      </fieldset>
      <div class="group">
        <label for="room">${this.create ? i.t('roomDialog.name') : i.t('roomDialog.address')}</label>
        <input
          id="room"
          class="field"
          name="room"
          type="text"
          autocomplete="off"
          autocapitalize="off"
          spellcheck="false"
          aria-invalid=${addressError ? 'true' : 'false'}
          aria-describedby=${addressError ? 'room-error' : 'room-hint'}
          @input=${this.onAddressInput}
        />
        ${
          addressError
            ? html`<p id="room-error" class="error" role="alert">${i.t('roomDialog.invalid')}</p>`
            : html`<p id="room-hint" class="hint address">
                ${
                  this.preview
                    ? html`${i.t('room.address')}: ${this.preview}`
                    : i.t('roomDialog.addressHint', { example })
                }
              </p>`
        }
      </div>
      <div class="group">
        <label for="nick">${i.t('roomDialog.nick')}</label>
        <input
          id="nick"
          class="field"
          name="nick"
          type="text"
          autocomplete="nickname"
          .value=${this.nick}
          aria-invalid=${nickError ? 'true' : 'false'}
          aria-describedby=${nickError ? 'nick-error' : nothing}
        />
        ${nickError ? html`<p id="nick-error" class="error" role="alert">${i.t('roomDialog.nickMissing')}</p>` : nothing}
      </div>
      ${
        this.create
          ? html`<div class="switch-row">
              <div class="group">
                <label for="archive">${i.t('roomDialog.archive')}</label>
                <p id="archive-hint" class="hint">${i.t('roomDialog.archiveHint')}</p>
              </div>
              <input
                id="archive"
                class="switch"
                name="archive"
                type="checkbox"
                role="switch"
                aria-describedby="archive-hint"
              />
            </div>`
          : html`<div class="group">
              <label for="password">${i.t('roomDialog.password')}</label>
              <input id="password" class="field" name="password" type="password" autocomplete="off" />
            </div>`
      }
      ${this.renderError()}
      <div class="actions">
        <button type="button" class="button secondary" @click=${() => this.close()}>
          ${i.t('dialog.cancel')}
        </button>
        <button type="submit" class="button" ?disabled=${this.busy}>
          ${this.create ? i.t('roomDialog.submitCreate') : i.t('roomDialog.submitJoin')}
        </button>
      </div>
    </form>`;
  }
}
