import { css, html, nothing } from 'lit';
import type { Occupant } from '../../sdk/index.js';
import { isAddress } from '../controller/chat-controller.js';
import { McDialog, dialogBase } from '../dialog/dialog.js';
import { doorIcon, userPlusIcon } from '../icons/icons.js';
import { initialsAvatar } from '../contact-list/contact-list.js';
import { avatarStyles } from '../shared/people.js';
import type { RoomView } from './model.js';
import { roomName } from './room-list.js';

/**
 * `<mc-room-info>`: a room's details: subject, address, whether it is archived, the people in it
 * with their roles and affiliations, "invite someone" and "leave room". Internal to
 * `<mailbox-chat>`: fires `room-invite` (`detail: { jid }`), `room-leave` and `dialog-close`.
 */
export class McRoomInfo extends McDialog {
  static override styles = [
    ...dialogBase,
    avatarStyles,
    css`
      dl {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 6px 14px;
        margin: 0;
      }
      dt {
        color: var(--mc-muted);
        font-size: 0.9em;
      }
      dd {
        margin: 0;
        overflow-wrap: anywhere;
        unicode-bidi: isolate;
      }
      h3 {
        margin: 4px 0 0;
        font-size: 0.8em;
        font-weight: 600;
        letter-spacing: 0.06em;
        text-transform: uppercase;
        color: var(--mc-muted);
      }
      ul {
        display: grid;
        gap: 2px;
        margin: 0;
        padding: 0;
        list-style: none;
      }
      li {
        display: flex;
        align-items: center;
        gap: 10px;
        padding: 4px 0;
      }
      .who {
        display: grid;
        min-width: 0;
      }
      .nick {
        overflow: hidden;
        white-space: nowrap;
        text-overflow: ellipsis;
        font-weight: 600;
        unicode-bidi: isolate;
      }
      .role,
      .availability {
        color: var(--mc-muted);
        font-size: 0.85em;
      }
      .availability {
        overflow: hidden;
        white-space: nowrap;
        text-overflow: ellipsis;
        unicode-bidi: isolate;
      }
      .invite {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 8px;
      }
      .invite label,
      .invite .error,
      .invite .note {
        grid-column: 1 / -1;
      }
      .note {
        color: var(--mc-text);
        font-size: 0.9em;
      }
      .leave {
        justify-self: start;
        color: var(--mc-danger);
      }
      .leave svg,
      .invite svg {
        width: 18px;
        height: 18px;
      }
    `,
  ];
  static override properties = {
    ...McDialog.properties,
    room: { attribute: false },
    notice: { attribute: false },
    invalid: { state: true },
  };

  declare room: RoomView;
  /** A localized confirmation to show (e.g. who was invited). */
  declare notice: string | undefined;
  declare private invalid: boolean;

  constructor() {
    super();
    this.notice = undefined;
    this.invalid = false;
  }

  protected heading(): string {
    return roomName(this.room);
  }

  private onInvite(event: SubmitEvent): void {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('invitee') as HTMLInputElement;
    const jid = input.value.trim();
    this.invalid = !isAddress(jid);
    if (this.invalid) {
      input.focus();
      return;
    }
    input.value = '';
    this.dispatchEvent(new CustomEvent<{ jid: string }>('room-invite', { detail: { jid } }));
  }

  private renderOccupant(occupant: Occupant) {
    const i = this.i18n;
    // The affiliation (owner, admin, member) where there is one, and the role in the room now.
    const roles = [
      ...(occupant.affiliation === 'none' ? [] : [i.t(`room.affiliation.${occupant.affiliation}`)]),
      ...(occupant.role === 'none' ? [] : [i.t(`room.role.${occupant.role}`)]),
    ];
    // Their availability and status message in the room, when they say more than "available".
    const availability = [
      ...(occupant.show === 'online' ? [] : [i.t(`presence.${occupant.show}`)]),
      ...(occupant.status ? [occupant.status] : []),
    ];
    return html`<li>
      ${initialsAvatar(occupant.jid ?? occupant.nick, occupant.nick, 'small')}
      <span class="who">
        <span class="nick">${occupant.self ? i.t('room.you', { nick: occupant.nick }) : occupant.nick}</span>
        <span class="role">${roles.join(' · ')}</span>
        ${
          availability.length
            ? html`<span
                class="availability ${occupant.show}"
                .textContent=${availability.join(' · ')}
              ></span>`
            : nothing
        }
      </span>
    </li>`;
  }

  protected renderBody() {
    const i = this.i18n;
    const room = this.room;
    return html`<dl>
        <dt>${i.t('room.subject')}</dt>
        <dd>${room.subject || i.t('rooms.noSubject')}</dd>
        <dt>${i.t('room.address')}</dt>
        <dd>${room.jid}</dd>
      </dl>
      ${
        room.archived === undefined
          ? nothing
          : html`<p class="hint">${room.archived ? i.t('room.archived') : i.t('room.notArchived')}</p>`
      }
      <h3 id="occupants-title">
        ${i.t('room.occupants')} (${i.plural('rooms.occupants', room.occupants.length)})
      </h3>
      <ul aria-labelledby="occupants-title">
        ${room.occupants.map((o) => this.renderOccupant(o))}
      </ul>
      <form class="invite" @submit=${this.onInvite} novalidate>
        <label for="invitee">${i.t('room.invite')}</label>
        <input
          id="invitee"
          class="field"
          name="invitee"
          type="email"
          autocomplete="off"
          placeholder=${i.t('login.jidPlaceholder')}
          aria-invalid=${this.invalid ? 'true' : 'false'}
          aria-describedby=${this.invalid ? 'invite-error' : nothing}
        />
        <button class="button" type="submit">${userPlusIcon}${i.t('room.inviteSubmit')}</button>
        ${this.invalid ? html`<p id="invite-error" class="error" role="alert">${i.t('new.invalid')}</p>` : nothing}
        ${this.notice && !this.invalid ? html`<p class="note" role="status">${this.notice}</p>` : nothing}
      </form>
      ${this.renderError()}
      <button
        class="button secondary leave"
        type="button"
        @click=${() => this.dispatchEvent(new CustomEvent('room-leave'))}
      >
        ${doorIcon}${i.t('room.leave')}
      </button>`;
  }
}
