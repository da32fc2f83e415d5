import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Attachment, Jid, Message, MessageState } from '../../sdk/index.js';
import type { Divider } from '../controller/conversations.js';
import type { Localizer } from '../i18n/index.js';
import { alertIcon, arrowDownIcon, checkIcon, clockIcon, doubleCheckIcon, fileIcon } from '../icons/icons.js';
import { displayName } from '../shared/people.js';
import { cutAt, renderBody } from '../text/render.js';
import { base } from '../theme/base.js';
import { layout, type Row } from './layout.js';
import { styles } from './message-list.styles.js';

/** Bodies longer than this show their beginning and a "show the whole message" button. */
const LONG = 3000;
/** How much of a corrected message's original text its "edited" mark shows. */
const ORIGINAL = 200;
/** How close to the end (px) still counts as "at the latest message". */
const NEAR_END = 48;

const isWebUrl = (url: string): boolean => /^https?:\/\//iu.test(url);

/** The name a `/me` line starts with: the nickname in rooms, else the address's local part. */
const actorOf = (m: Message): string =>
  m.kind === 'groupchat' ? m.from.slice(m.from.indexOf('/') + 1) : displayName(m.from);

const TICKS: Record<MessageState, TemplateResult> = {
  queued: clockIcon,
  sent: checkIcon,
  acked: checkIcon,
  delivered: doubleCheckIcon,
  displayed: doubleCheckIcon,
  failed: alertIcon,
};

/**
 * `<mc-message-list>`: one conversation's messages as a `role="log"` polite live region, grouped
 * by sender and day, with delivery ticks, the "new messages" divider, a jump-to-latest button
 * and the typing line. Internal to `<mailbox-chat>`, which creates one per conversation.
 */
export class McMessageList extends LitElement {
  static override styles = [base, styles];
  static override properties = {
    i18n: { attribute: false },
    messages: { attribute: false },
    peer: { attribute: false },
    divider: { attribute: false },
    typing: { attribute: false },
    atEnd: { state: true },
    newBelow: { state: true },
    expanded: { state: true },
    broken: { state: true },
  };

  declare i18n: Localizer;
  declare messages: readonly Message[];
  /** The peer's address, for the log's label. */
  declare peer: Jid;
  declare divider: Divider | undefined;
  /** Who is typing (empty until the SDK reports chat states). */
  declare typing: readonly Jid[];
  declare private atEnd: boolean;
  declare private newBelow: number;
  declare private expanded: ReadonlySet<string>;
  /** Messages whose image did not load (expired or gone): they show a placeholder. */
  declare private broken: ReadonlySet<string>;

  private stick = true;

  constructor() {
    super();
    this.messages = [];
    this.peer = '';
    this.divider = undefined;
    this.typing = [];
    this.atEnd = true;
    this.newBelow = 0;
    this.expanded = new Set();
    this.broken = new Set();
  }

  private get log(): HTMLElement | null {
    return this.renderRoot.querySelector('.log');
  }

  /** Scrolls to the newest message. */
  scrollToEnd(): void {
    const log = this.log;
    if (log) log.scrollTop = log.scrollHeight;
    this.atEnd = true;
    this.newBelow = 0;
  }

  private onScroll(): void {
    const log = this.log;
    if (!log) return;
    const atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_END;
    if (atEnd !== this.atEnd) this.atEnd = atEnd;
    if (atEnd && this.newBelow) this.newBelow = 0;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('messages') && this.hasUpdated) {
      const log = this.log;
      this.stick = !log || log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_END;
    }
  }

  protected override firstUpdated(): void {
    const divider = this.renderRoot.querySelector('.divider');
    const log = this.log;
    // Open at the first unread message. (Not scrollIntoView: that would scroll the host page too.)
    if (divider && log) {
      log.scrollTop += divider.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
    } else this.scrollToEnd();
    this.onScroll();
  }

  /** An image loaded (or failed and became a placeholder): stay at the end if the reader was. */
  private onMedia(): void {
    if (this.atEnd) this.scrollToEnd();
  }

  protected override updated(changed: PropertyValues<this>): void {
    // `broken` is private, so not among the keys `PropertyValues<this>` knows.
    if ((changed as Map<PropertyKey, unknown>).has('broken')) this.onMedia();
    const before = changed.get('messages') as readonly Message[] | undefined;
    if (!before) return;
    const added = this.messages.slice(before.length);
    if (this.stick || added.some((m) => m.direction === 'out')) this.scrollToEnd();
    else this.newBelow += added.filter((m) => m.direction === 'in').length;
  }

  private toggle(id: string): void {
    const next = new Set(this.expanded);
    if (!next.delete(id)) next.add(id);
    this.expanded = next;
  }

  private renderTick(state: MessageState): TemplateResult {
    const label = this.i18n.t(`state.${state}`);
    return html`<span class="tick ${state}" role="img" aria-label=${label} title=${label}
        >${TICKS[state]}</span
      >${state === 'failed' ? html`<span aria-hidden="true">${label}</span>` : nothing}`;
  }

  private renderAttachment(m: Message, a: Attachment): TemplateResult | typeof nothing {
    if (!isWebUrl(a.url)) return nothing;
    const i = this.i18n;
    const name = a.name || i.t('attachment.file');
    const open = i.t('attachment.open', { name });
    if (this.broken.has(m.id)) {
      return html`<p class="file expired" part="file">
        ${alertIcon}<span>${i.t('attachment.expired', { name })}</span>
      </p>`;
    }
    if (a.type?.startsWith('image/')) {
      return html`<a
        class="image"
        part="image"
        href=${a.url}
        target="_blank"
        rel="noopener noreferrer"
        title=${open}
        ><img
          src=${a.url}
          alt=${a.description || name}
          loading="lazy"
          decoding="async"
          referrerpolicy="no-referrer"
          @load=${this.onMedia}
          @error=${() => (this.broken = new Set(this.broken).add(m.id))}
      /></a>`;
    }
    const details = [a.type, a.size === undefined ? '' : i.bytes(a.size)].filter(Boolean).join(' · ');
    return html`<a
      class="file"
      part="file"
      href=${a.url}
      target="_blank"
      rel="noopener noreferrer"
      title=${open}
      >${fileIcon}<span class="file-text"
        ><span class="file-name" dir="auto">${name}</span>${
          details ? html`<span class="file-type">${details}</span>` : nothing
        }${a.description ? html`<span class="file-desc" dir="auto">${a.description}</span>` : nothing}</span
      ></a
    >`;
  }

  private renderMessage(m: Message): TemplateResult {
    const i = this.i18n;
    const action = m.action === true && m.body.startsWith('/me ');
    const full = action ? m.body.slice(4) : m.body;
    const long = full.length > LONG;
    const open = long && this.expanded.has(m.id);
    const body = long && !open ? `${full.slice(0, cutAt(full, LONG))}…` : full;
    // A body that is just the attachment's URL shows as the attachment alone.
    const bare = m.attachment !== undefined && m.body.trim() === m.attachment.url;
    const original = m.correctedFrom ?? '';
    return html`<div class="msg ${m.state ?? ''}" part="message">
      ${m.attachment ? this.renderAttachment(m, m.attachment) : nothing}
      <div class="text ${action ? 'action' : ''}" dir="auto" ?hidden=${bare}>
        ${action ? html`<span class="actor">* ${actorOf(m)}</span> ` : nothing}${renderBody(body)}
        ${
          long
            ? html`<button
                class="more"
                aria-expanded=${open ? 'true' : 'false'}
                @click=${() => this.toggle(m.id)}
              >
                ${open ? i.t('conversation.showLess') : i.t('conversation.showMore')}
              </button>`
            : nothing
        }
      </div>
      <span class="meta"
        >${
          m.edited
            ? html`<span
                class="edited"
                title=${original ? i.t('conversation.editedFrom', { text: original.length > ORIGINAL ? `${original.slice(0, cutAt(original, ORIGINAL))}…` : original }) : nothing}
                >${i.t('conversation.edited')}</span
              >`
            : nothing
        }<time datetime=${m.time.toISOString()} title=${i.dateTime(m.time)}>${i.time(m.time)}</time>${
          m.direction === 'out' && m.state ? this.renderTick(m.state) : nothing
        }</span
      >
    </div>`;
  }

  private renderRow(row: Row): TemplateResult {
    const i = this.i18n;
    switch (row.kind) {
      case 'day':
        return html`<div class="day">${i.day(row.date)}</div>`;
      case 'divider':
        return html`<div class="divider" part="divider">
          ${i.plural('conversation.newMessages', row.count)}
        </div>`;
      case 'group': {
        const sender = row.direction === 'out' ? i.t('conversation.you') : displayName(row.from);
        return html`<div class="group ${row.direction}">
          <span class="sr-only">${sender}:</span>${row.messages.map((m) => this.renderMessage(m))}
        </div>`;
      }
    }
  }

  protected override render() {
    const i = this.i18n;
    const name = displayName(this.peer);
    const rows = layout(this.messages, this.divider);
    return html`<div
        class="log"
        part="log"
        role="log"
        aria-live="polite"
        aria-label=${i.t('conversation.log', { name })}
        tabindex="0"
        @scroll=${this.onScroll}
      >
        ${rows.length ? rows.map((row) => this.renderRow(row)) : html`<p class="empty">${i.t('conversation.empty')}</p>`}
      </div>
      <div class="typing" part="typing" aria-live="polite">
        ${
          this.typing.length
            ? i.t('conversation.typing', { name: this.typing.map(displayName).join(', ') })
            : nothing
        }
      </div>
      ${
        this.atEnd
          ? nothing
          : html`<button
              class="jump"
              aria-label=${
                this.newBelow ? i.plural('conversation.jumpNew', this.newBelow) : i.t('conversation.jump')
              }
              title=${i.t('conversation.jump')}
              @click=${() => this.scrollToEnd()}
            >
              ${arrowDownIcon}${
                this.newBelow
                  ? html`<span class="jump-count" aria-hidden="true">${this.newBelow}</span>`
                  : nothing
              }
            </button>`
      }`;
  }
}
