import { LitElement, html, nothing } from 'lit';
import type { Jid } from '../../sdk/index.js';
import type { Conversation } from '../controller/conversations.js';
import { isAddress } from '../controller/chat-controller.js';
import type { Localizer } from '../i18n/index.js';
import { closeIcon, plusIcon, spinnerIcon } from '../icons/icons.js';
import { RendersAfterSends } from '../shared/after-sends.js';
import { unreadBadge } from '../shared/badge.js';
import { avatar, avatarStyles, displayName } from '../shared/people.js';
import { roomAvatar, roomAvatarStyles } from '../rooms/room-list.js';
import { base } from '../theme/base.js';
import { styles } from './conversation-list.styles.js';

/** Longest preview text kept (the row shows one line with an ellipsis anyway). */
const PREVIEW = 140;

const preview = (text: string): string => {
  const line = text
    .slice(0, PREVIEW * 2)
    .replace(/\s+/g, ' ')
    .trim();
  return line.length > PREVIEW ? `${line.slice(0, PREVIEW)}…` : line;
};

/** Who a conversation is with, as the contact and room lists show them. */
export interface ChatPeer {
  /** The contact's or the room's name. */
  readonly name: string;
  /** A room: its avatar is square, and its subject stands in for a preview until someone speaks. */
  readonly room?: boolean;
  /** The contact's picture. */
  readonly avatar?: string;
  /** The room's subject. */
  readonly subject?: string;
}

/**
 * `<mc-conversation-list>`: the conversations of this session, most recent first, with unread
 * counts and a last-message preview, plus "new conversation" by address. Contacts and rooms are
 * named (and drawn) as in their own lists, from `peers`; others by their address. Internal to
 * `<mailbox-chat>`; tells it about choices with `conversation-select` (`detail: { jid }`), not
 * composed.
 */
export class McConversationList extends RendersAfterSends(LitElement) {
  static override styles = [base, avatarStyles, roomAvatarStyles, styles];
  static override properties = {
    i18n: { attribute: false },
    conversations: { attribute: false },
    peers: { attribute: false },
    active: { attribute: false },
    loading: { type: Boolean },
    adding: { state: true },
    invalid: { state: true },
  };

  declare i18n: Localizer;
  declare conversations: readonly Conversation[];
  declare peers: ReadonlyMap<Jid, ChatPeer>;
  declare active: Jid | undefined;
  /** Recent conversations are being looked up: shown instead of "no conversations yet". */
  declare loading: boolean;
  declare private adding: boolean;
  declare private invalid: boolean;

  constructor() {
    super();
    this.conversations = [];
    this.peers = new Map();
    this.active = undefined;
    this.loading = false;
    this.adding = false;
    this.invalid = false;
  }

  /**
   * Focuses the open conversation's row, else the first row, else the heading's "new
   * conversation" button: it is there also while recent conversations are looked up, so the
   * focus does not depend on how soon the archive answers.
   */
  focusFirst(jid?: Jid): void {
    const rows = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('.item')];
    const row = rows.find((r) => r.dataset.jid === (jid ?? this.active)) ?? rows[0];
    (row ?? this.renderRoot.querySelector<HTMLElement>('.new'))?.focus();
  }

  private select(jid: Jid): void {
    this.dispatchEvent(new CustomEvent<{ jid: Jid }>('conversation-select', { detail: { jid } }));
  }

  private async toggleAdding(adding: boolean): Promise<void> {
    this.adding = adding;
    this.invalid = false;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(adding ? '#new-jid' : '.new')?.focus();
  }

  private onStart(event: SubmitEvent): void {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem('jid') as HTMLInputElement;
    const jid = input.value.trim();
    if (!isAddress(jid)) {
      this.invalid = true;
      input.focus();
      return;
    }
    this.adding = false;
    this.select(jid);
  }

  private onFormKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Escape') return;
    // Escape leaves the form first; the next Escape closes the panel.
    event.stopPropagation();
    void this.toggleAdding(false);
  }

  private renderRow(c: Conversation) {
    const i = this.i18n;
    const peer = this.peers.get(c.jid);
    const name = peer?.name ?? displayName(c.jid);
    const last = c.messages[c.messages.length - 1];
    const text = last ? preview(last.body) : preview(peer?.subject ?? '');
    // In a room, whose message it is: "You: …" or "nick: …".
    const from =
      last?.direction === 'out'
        ? i.t('list.you', { text })
        : last?.kind === 'groupchat'
          ? i.t('list.from', { name: last.from.slice(last.from.indexOf('/') + 1), text })
          : text;
    return html`<li>
      <button
        class="item ${c.unread ? 'unread' : ''}"
        data-jid=${c.jid}
        title=${c.jid}
        aria-current=${c.jid === this.active ? 'true' : nothing}
        @click=${() => this.select(c.jid)}
      >
        ${
          peer?.room
            ? roomAvatar(c.jid)
            : peer?.avatar
              ? html`<img class="avatar photo" src=${peer.avatar} alt="" />`
              : avatar(c.jid, 'large', name)
        }
        <span class="main">
          <span class="row">
            <span class="name">${name}</span>
            ${last ? html`<time class="when" datetime=${last.time.toISOString()}>${i.when(last.time)}</time>` : nothing}
          </span>
          <span class="row">
            <span class="preview">${from}</span>
            ${unreadBadge(i, c.unread, peer?.room ? c.calls : undefined)}
          </span>
        </span>
      </button>
    </li>`;
  }

  protected override render() {
    const i = this.i18n;
    return html`<div class="head">
        <h2>${i.t('list.title')}</h2>
        <button
          class="icon-button new"
          aria-label=${i.t('list.new')}
          title=${i.t('list.new')}
          aria-expanded=${this.adding ? 'true' : 'false'}
          aria-controls=${this.adding ? 'new-form' : nothing}
          @click=${() => this.toggleAdding(!this.adding)}
        >
          ${plusIcon}
        </button>
      </div>
      ${
        this.adding
          ? html`<form id="new-form" class="new-form" @submit=${this.onStart} @keydown=${this.onFormKeydown}>
              <label for="new-jid" class="sr-only">${i.t('new.label')}</label>
              <input
                id="new-jid"
                class="field"
                name="jid"
                type="text"
                inputmode="email"
                autocomplete="off"
                autocapitalize="off"
                spellcheck="false"
                placeholder=${i.t('login.jidPlaceholder')}
                aria-invalid=${this.invalid ? 'true' : 'false'}
                aria-describedby=${this.invalid ? 'new-error' : nothing}
              />
              <button class="button" type="submit">${i.t('new.start')}</button>
              <button
                class="icon-button"
                type="button"
                aria-label=${i.t('new.cancel')}
                title=${i.t('new.cancel')}
                @click=${() => this.toggleAdding(false)}
              >
                ${closeIcon}
              </button>
              ${this.invalid ? html`<p id="new-error" class="error" role="alert">${i.t('new.invalid')}</p>` : nothing}
            </form>`
          : nothing
      }
      ${
        // Looking up recent conversations: above the rooms already listed, where they will go.
        this.loading
          ? html`<p class="loading" role="status">${spinnerIcon}<span>${i.t('list.loading')}</span></p>`
          : nothing
      }
      ${
        this.conversations.length
          ? html`<ul aria-label=${i.t('list.title')}>
              ${this.conversations.map((c) => this.renderRow(c))}
            </ul>`
          : this.loading
            ? nothing
            : html`<div class="empty">
                <p><strong>${i.t('list.empty')}</strong>${i.t('list.emptyHint')}</p>
                ${
                  this.adding
                    ? nothing
                    : html`<button class="button" @click=${() => this.toggleAdding(true)}>
                        ${plusIcon}${i.t('list.new')}
                      </button>`
                }
              </div>`
      }`;
  }
}
