import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Contact, Jid } from '../../sdk/index.js';
import type { Localizer } from '../i18n/index.js';
import { blockIcon, chatIcon, searchIcon, trashIcon, userPlusIcon } from '../icons/icons.js';
import { RendersAfterSends } from '../shared/after-sends.js';
import { unreadBadge } from '../shared/badge.js';
import { tint } from '../shared/color.js';
import { avatar, avatarStyles, initials } from '../shared/people.js';
import { dropStrayMarkers, windowFor, type Span } from '../message-list/layout.js';
import { base } from '../theme/base.js';
import { listStyles, styles } from './contact-list.styles.js';
import { contactName, matches, type ContactRequest } from './model.js';

/**
 * Contacts in the DOM: lists up to `min` render whole; longer ones the rows in view plus half a
 * view above and below (at least `min`, at most `max` unless the view itself holds more).
 */
const LIMITS = { min: 15, max: 60 } as const;

/**
 * Initials of `name` on the XEP-0392 color of `key` (an address: the same person always gets the
 * same color). Decorative: the name is always next to it.
 */
export function initialsAvatar(key: string, name: string, size: 'small' | 'large' = 'large'): TemplateResult {
  return avatar(key, size, name);
}

/**
 * A picture when the contact has one, else initials in the address's color; with a presence dot
 * (drawn by the styles: `presence` and the `show` as classes). Decorative: the name is next to it.
 */
export function contactAvatar(
  contact: Pick<Contact, 'jid' | 'avatar' | 'name' | 'nickname'>,
  show?: string,
): TemplateResult {
  const presence = show ? `presence ${show}` : '';
  return contact.avatar
    ? html`<span class="avatar-wrap ${presence}"
        ><img class="avatar photo" src=${contact.avatar} alt=""
      /></span>`
    : html`<span
        class="avatar large ${presence}"
        ${tint(contact.jid)}
        aria-hidden="true"
        .textContent=${initials(contactName(contact))}
      ></span>`;
}

/**
 * `<mc-contact-list>`: the contacts with avatar, presence and status text, unread counts, a
 * search field, pending contact requests to accept or deny, and per contact a menu to block,
 * unblock or remove it. Internal to `<mailbox-chat>`, which it tells about choices with
 * `contact-open`, `contact-add-request`, `request-answer`, `contact-block` and `contact-remove`.
 *
 * A long list is windowed like the messages: only the rows around the viewport are in the DOM
 * (each with its place in the list, `aria-posinset`/`aria-setsize`), the list keeps the height of
 * all of them, and the window follows scrolling, focus moving through the list and resizes.
 */
export class McContactList extends RendersAfterSends(LitElement) {
  static override styles = [base, avatarStyles, listStyles, styles];
  static override properties = {
    i18n: { attribute: false },
    contacts: { attribute: false },
    requests: { attribute: false },
    blocked: { attribute: false },
    unread: { attribute: false },
    query: { state: true },
    menu: { state: true },
    span: { state: true },
  };

  declare i18n: Localizer;
  declare contacts: readonly Contact[];
  declare requests: readonly ContactRequest[];
  /** Whether an address is blocked. */
  declare blocked: (jid: Jid) => boolean;
  /** Unread messages by conversation. */
  declare unread: ReadonlyMap<Jid, number>;
  declare private query: string;
  /** The contact whose menu is open. */
  declare private menu: Jid | undefined;
  /** The contacts in the DOM, as indexes into the list shown. */
  declare private span: Span;
  /** A row's height (px): measured, estimated until then. */
  private rowHeight = 62;
  /** Places the rows again when the list's height changes. */
  private resizes = new ResizeObserver(() => this.place());

  constructor() {
    super();
    this.contacts = [];
    this.requests = [];
    this.blocked = () => false;
    this.unread = new Map();
    this.query = '';
    this.menu = undefined;
    this.span = { start: 0, end: LIMITS.min };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Back in the page: watch the height again (the first time, once rendered).
    if (this.hasUpdated) this.watchHeight();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizes.disconnect();
  }

  protected override firstUpdated(): void {
    this.watchHeight();
  }

  private watchHeight(): void {
    this.resizes.observe(this.renderRoot.querySelector('.scroll')!);
  }

  /** What the window was last placed for, besides scrolling and size (see `updated`). */
  private placedFor = '';
  /** Whether `rowHeight` comes from a rendered row. */
  private measured = false;

  protected override updated(changed: PropertyValues<this>): void {
    const list = this.renderRoot.querySelector<HTMLElement>('.contacts');
    if (list) dropStrayMarkers(list, 'li');
    // Placing reads the layout, which makes the browser lay the page out there and then. A
    // presence or unread change (most updates: one per contact while presence arrives) changes
    // neither the rows' number nor their height, so it leaves the window as it is.
    const key = [
      this.ordered().length,
      this.requests.length,
      this.menu ?? '',
      this.query,
      this.measured,
    ].join('|');
    if (key === this.placedFor && !changed.has('i18n')) return;
    const first = this.placedFor === '';
    this.placedFor = key;
    // The first time, the height watch places the rows (`watchHeight`): a resize observer's first
    // report comes after the browser's own layout, before the paint, where reading the layout
    // here would make the browser lay the page out once more, first, before the rows even show.
    if (!first) this.place();
  }

  /** The contacts that match the search; blocked ones stay findable (to unblock them), last. */
  private ordered(): Contact[] {
    // No search: no folding of every name (nor building the accent-stripping pattern) per render.
    const shown = this.query.trim() ? this.contacts.filter((c) => matches(c, this.query)) : this.contacts;
    return [...shown.filter((c) => !this.blocked(c.jid)), ...shown.filter((c) => this.blocked(c.jid))];
  }

  /** Chooses the rows to render for where the list is scrolled; space stands for the others. */
  private place(): void {
    const scroll = this.renderRoot.querySelector<HTMLElement>('.scroll')!;
    const list = this.renderRoot.querySelector<HTMLElement>('.contacts');
    if (!list) return;
    // Rows are one height, but for the one with its menu open.
    const row = [...list.children].find((li) => !li.querySelector('.menu'));
    const measured = row?.getBoundingClientRect().height;
    if (measured) this.measured = true;
    const h = (this.rowHeight = measured || this.rowHeight);
    const count = this.ordered().length;
    const height = scroll.clientHeight;
    const span = windowFor(
      Array.from({ length: count + 1 }, (_, k) => k * h),
      scroll.scrollTop - list.offsetTop,
      height,
      { ...LIMITS, overscan: height / 2 },
    );
    // CSSOM, not a style attribute: allowed under a strict Content-Security-Policy. The height
    // of the whole list holds while rows change (a layout in between, as when the row with focus
    // goes, must not find the list shorter and move the scroll position).
    list.style.paddingTop = `${span.start * h}px`;
    list.style.minHeight = `${count * h}px`;
    if (span.start !== this.span.start || span.end !== this.span.end) this.span = span;
  }

  /** Focuses the first contact, else the search field, else "add contact". */
  focusFirst(): void {
    const root = this.renderRoot;
    (
      root.querySelector<HTMLElement>('.item') ??
      root.querySelector<HTMLElement>('.search input') ??
      root.querySelector<HTMLElement>('.add')
    )?.focus();
  }

  private emit<T>(type: string, detail: T): void {
    this.dispatchEvent(new CustomEvent<T>(type, { detail }));
  }

  private async toggleMenu(jid: Jid): Promise<void> {
    this.menu = this.menu === jid ? undefined : jid;
    if (!this.menu) return;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('.menu button')?.focus();
  }

  private async closeMenu(event: KeyboardEvent): Promise<void> {
    if (event.key !== 'Escape' || !this.menu) return;
    // Escape closes the menu first; the next one closes the panel.
    event.stopPropagation();
    const jid = this.menu;
    this.menu = undefined;
    await this.updateComplete;
    this.moreButton(jid)?.focus();
  }

  private moreButton(jid: Jid): HTMLElement | undefined {
    return [...this.renderRoot.querySelectorAll<HTMLElement>('.more')].find((b) => b.dataset.jid === jid);
  }

  private async removeContact(jid: Jid): Promise<void> {
    this.menu = undefined;
    this.emit('contact-remove', { jid });
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('.search input')?.focus();
  }

  private async answer(jid: Jid, accept: boolean): Promise<void> {
    this.emit('request-answer', { jid, accept });
    // The request goes away: keep focus in the list.
    await this.updateComplete;
    if (!this.shadowRoot?.activeElement) this.focusFirst();
  }

  private statusText(contact: Contact, blocked: boolean): string {
    const i = this.i18n;
    if (blocked) return i.t('contacts.blocked');
    if (contact.subscription === 'none' || contact.subscription === 'from') {
      if (contact.ask) return i.t('contacts.pending');
    }
    const show = i.t(`presence.${contact.presence.show}`);
    return contact.presence.status ? `${show} · ${contact.presence.status}` : show;
  }

  private renderRequest(request: ContactRequest) {
    const i = this.i18n;
    const name = request.nickname || contactName({ jid: request.jid });
    return html`<li class="request">
      ${contactAvatar({ jid: request.jid, ...(request.nickname ? { nickname: request.nickname } : {}) })}
      <span class="main">
        <span class="name">${name}</span>
        <span class="status">${request.jid} ${i.t('contacts.requestText')}</span>
      </span>
      <span class="request-actions">
        <button
          class="button small"
          aria-label=${i.t('contacts.acceptFrom', { name })}
          @click=${() => this.answer(request.jid, true)}
        >
          ${i.t('contacts.accept')}
        </button>
        <button
          class="button small secondary"
          aria-label=${i.t('contacts.denyFrom', { name })}
          @click=${() => this.answer(request.jid, false)}
        >
          ${i.t('contacts.deny')}
        </button>
      </span>
    </li>`;
  }

  private renderContact(contact: Contact, index: number, count: number) {
    const i = this.i18n;
    const name = contactName(contact);
    const blocked = this.blocked(contact.jid);
    const unread = this.unread.get(contact.jid) ?? 0;
    const open = this.menu === contact.jid;
    const menuId = `menu-${index}`;
    // Line breaks only inside tags (Prettier would put whitespace text nodes between them).
    // prettier-ignore
    return html`<li class="contact ${blocked ? 'is-blocked' : ''}" aria-posinset=${index + 1} aria-setsize=${count}
      ><button
        class="item"
        data-jid=${contact.jid}
        title=${contact.jid}
        @click=${() => this.emit('contact-open', { jid: contact.jid })}
        >${contactAvatar(contact, blocked ? undefined : contact.presence.show)}<span
          class="name" .textContent=${name}></span
        ><span class="status" .textContent=${this.statusText(contact, blocked)}></span
        >${unreadBadge(i, unread)}</button
      ><button
        class="icon-button more"
        data-jid=${contact.jid}
        aria-label=${i.t('contacts.more', { name })}
        title=${i.t('contacts.more', { name })}
        aria-expanded=${open ? 'true' : 'false'}
        aria-controls=${open ? menuId : nothing}
        @click=${() => this.toggleMenu(contact.jid)}
      ></button
      >${
        open
          ? html`<div class="menu" id=${menuId} @keydown=${this.closeMenu}>
              <button class="menu-item" @click=${() => this.emit('contact-open', { jid: contact.jid })}>
                ${chatIcon}${i.t('contacts.chat')}
              </button>
              <button
                class="menu-item"
                @click=${() => this.emit('contact-block', { jid: contact.jid, blocked: !blocked })}
              >
                ${blockIcon}${blocked ? i.t('contacts.unblock') : i.t('contacts.block')}
              </button>
              <button class="menu-item danger" @click=${() => this.removeContact(contact.jid)}>
                ${trashIcon}${i.t('contacts.remove')}
              </button>
            </div>`
          : nothing
      }</li>`;
  }

  protected override render() {
    const i = this.i18n;
    const ordered = this.ordered();
    const { start, end } = this.span;
    // Line breaks only inside tags (Prettier would put whitespace text nodes between them).
    // prettier-ignore
    return html`<div class="head"
        ><h2 .textContent=${i.t('contacts.title')}></h2
        ><button
          class="icon-button add"
          aria-label=${i.t('contacts.add')}
          title=${i.t('contacts.add')}
          @click=${() => this.emit('contact-add-request', {})}
          >${userPlusIcon}</button
        ></div
      >${
        this.contacts.length
          ? html`<div class="search"
              >${searchIcon}<input
                class="field"
                type="search"
                aria-label=${i.t('contacts.search')}
                placeholder=${i.t('contacts.search')}
                .value=${this.query}
                @input=${(event: InputEvent) => (this.query = (event.target as HTMLInputElement).value)}
            /></div>`
          : nothing
      }<div class="scroll" @scroll=${this.place} @focusin=${this.place}>${
        this.requests.length
          ? html`<section class="requests" aria-labelledby="requests-title">
              <h3 id="requests-title">${i.t('contacts.requests')}</h3>
              <ul>
                ${this.requests.map((r) => this.renderRequest(r))}
              </ul>
            </section>`
          : nothing
      }${
        ordered.length
          ? html`<ul class="contacts" aria-label=${i.t('contacts.title')}>${repeat(
              ordered.slice(start, end),
              (c) => c.jid,
              (c, k) => this.renderContact(c, start + k, ordered.length),
            )}</ul>`
          : this.contacts.length
            ? html`<p class="none" role="status">
                ${i.t('contacts.noMatch', { query: this.query.trim() })}
              </p>`
            : html`<div class="empty">
                <p><strong>${i.t('contacts.empty')}</strong>${i.t('contacts.emptyHint')}</p>
                <button class="button" @click=${() => this.emit('contact-add-request', {})}>
                  ${userPlusIcon}${i.t('contacts.add')}
                </button>
              </div>`
      }</div>`;
  }
}
