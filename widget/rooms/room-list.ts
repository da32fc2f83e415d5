import { LitElement, css, html, nothing } from 'lit';
import type { Jid, RoomInvite } from '../../sdk/index.js';
import { listStyles } from '../contact-list/contact-list.styles.js';
import type { Localizer } from '../i18n/index.js';
import { plusIcon } from '../icons/icons.js';
import { RendersAfterSends } from '../shared/after-sends.js';
import { unreadBadge } from '../shared/badge.js';
import { avatar, avatarStyles, displayName } from '../shared/people.js';
import { base } from '../theme/base.js';
import type { RoomView } from './model.js';

/** A room's name: its configured name, else its address's local part. */
export const roomName = (room: Pick<RoomView, 'jid' | 'name'>): string => room.name ?? displayName(room.jid);

/** Who sent an invitation: the nickname for an occupant JID (`room@service/nick`), else the name. */
const inviter = (from: Jid): string =>
  from.includes('/') ? from.slice(from.indexOf('/') + 1) : displayName(from);

/** A room's picture: initials on a rounded square (people get circles). */
export const roomAvatar = (jid: Jid, size: 'small' | 'large' = 'large') =>
  html`<span class="room-avatar">${avatar(jid, size)}</span>`;

/** Styles for {@link roomAvatar}. */
export const roomAvatarStyles = css`
  .room-avatar {
    display: inline-grid;
    flex: none;
  }
  .room-avatar .avatar {
    border-radius: 30%;
  }
`;

/**
 * `<mc-room-list>`: the rooms we are in, with subject, number of people and unread count, and
 * "join or create a room". Internal to `<mailbox-chat>`: fires `room-open` (`detail: { jid }`)
 * and `room-join-request`.
 */
export class McRoomList extends RendersAfterSends(LitElement) {
  static override styles = [
    base,
    avatarStyles,
    listStyles,
    roomAvatarStyles,
    css`
      .empty .button svg {
        width: 18px;
        height: 18px;
      }
      .invites {
        margin: 4px 0 10px;
        padding: 10px 8px 4px;
        border-radius: 12px;
        background: var(--mc-accent-soft);
      }
      .invites h3 {
        padding: 0 4px 4px;
        color: var(--mc-accent-text);
      }
      .invite {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 8px 12px;
        padding: 8px 4px;
      }
      .invite .status {
        white-space: normal;
        color: var(--mc-text);
      }
      .invite-actions {
        display: flex;
        gap: 6px;
        margin-inline-start: auto;
      }
    `,
  ];
  static override properties = {
    i18n: { attribute: false },
    rooms: { attribute: false },
    invites: { attribute: false },
    unread: { attribute: false },
    calls: { attribute: false },
    active: { attribute: false },
  };

  declare i18n: Localizer;
  declare rooms: readonly RoomView[];
  /** Invitations not answered yet. */
  declare invites: readonly RoomInvite[];
  /** Unread messages by conversation. */
  declare unread: ReadonlyMap<Jid, number>;
  /** Of each room's unread messages, those that mention the user. */
  declare calls: ReadonlyMap<Jid, number>;
  declare active: Jid | undefined;

  constructor() {
    super();
    this.rooms = [];
    this.invites = [];
    this.unread = new Map();
    this.calls = new Map();
    this.active = undefined;
  }

  /** Focuses the first room, else "join or create". */
  focusFirst(): void {
    const root = this.renderRoot;
    (root.querySelector<HTMLElement>('.item') ?? root.querySelector<HTMLElement>('.join'))?.focus();
  }

  private emit(type: string, detail: unknown = {}): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  private async answer(invite: RoomInvite, accept: boolean): Promise<void> {
    this.emit('invite-answer', { invite, accept });
    // The row goes away: keep focus in the list.
    await this.updateComplete;
    if (!this.shadowRoot?.activeElement) this.focusFirst();
  }

  private renderInvite(invite: RoomInvite) {
    const i = this.i18n;
    const room = displayName(invite.room);
    return html`<li class="invite">
      ${roomAvatar(invite.room)}
      <span class="main">
        <span class="name">${room}</span>
        <span class="status">${i.t('rooms.invitedBy', { name: inviter(invite.from) })}</span>
        ${invite.reason ? html`<span class="status reason">“${invite.reason}”</span>` : nothing}
      </span>
      <span class="invite-actions">
        <button
          class="button small"
          aria-label=${i.t('rooms.acceptInvite', { room })}
          @click=${() => this.answer(invite, true)}
        >
          ${i.t('rooms.accept')}
        </button>
        <button
          class="button small secondary"
          aria-label=${i.t('rooms.declineInvite', { room })}
          @click=${() => this.answer(invite, false)}
        >
          ${i.t('rooms.decline')}
        </button>
      </span>
    </li>`;
  }

  protected override render() {
    const i = this.i18n;
    return html`<div class="head">
        <h2>${i.t('rooms.title')}</h2>
        <button
          class="icon-button join"
          aria-label=${i.t('rooms.join')}
          title=${i.t('rooms.join')}
          @click=${() => this.emit('room-join-request')}
        >
          ${plusIcon}
        </button>
      </div>
      <div class="scroll">
        ${
          this.invites.length
            ? html`<section class="invites" aria-labelledby="invites-title">
                <h3 id="invites-title">${i.t('rooms.invites')}</h3>
                <ul>
                  ${this.invites.map((invite) => this.renderInvite(invite))}
                </ul>
              </section>`
            : nothing
        }
        ${
          this.rooms.length
            ? html`<ul aria-label=${i.t('rooms.title')}>
                ${this.rooms.map((room) => {
                  const unread = this.unread.get(room.jid) ?? 0;
                  return html`<li>
                    <button
                      class="item"
                      data-jid=${room.jid}
                      title=${room.jid}
                      aria-current=${room.jid === this.active ? 'true' : nothing}
                      @click=${() => this.emit('room-open', { jid: room.jid })}
                    >
                      ${roomAvatar(room.jid)}
                      <span class="main">
                        <span class="name">${roomName(room)}</span>
                        <span class="status"
                          >${room.subject || i.t('rooms.noSubject')} ·
                          ${i.plural('rooms.occupants', room.occupants.length)}</span
                        >
                      </span>
                      ${unreadBadge(i, unread, this.calls.get(room.jid) ?? 0)}
                    </button>
                  </li>`;
                })}
              </ul>`
            : html`<div class="empty">
                <p><strong>${i.t('rooms.empty')}</strong>${i.t('rooms.emptyHint')}</p>
                <button class="button" @click=${() => this.emit('room-join-request')}>
                  ${plusIcon}${i.t('rooms.join')}
                </button>
              </div>`
        }
      </div>`;
  }
}
