import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Jid, Message, MessageState } from '../../sdk/index.js';
import type { Divider } from '../controller/conversations.js';
import type { Localizer } from '../i18n/index.js';
import { alertIcon, arrowDownIcon, checkIcon, clockIcon, doubleCheckIcon } from '../icons/icons.js';
import { displayName } from '../shared/people.js';
import { cutAt, renderBody } from '../text/render.js';
import { base } from '../theme/base.js';
import { layout, type Row } from './layout.js';
import { styles } from './message-list.styles.js';

/** Bodies longer than this show their beginning and a "show the whole message" button. */
const LONG = 3000;
/** How close to the end (px) still counts as "at the latest message". */
const NEAR_END = 48;

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

  protected override updated(changed: PropertyValues<this>): void {
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

  private renderMessage(m: Message): TemplateResult {
    const i = this.i18n;
    const long = m.body.length > LONG;
    const open = long && this.expanded.has(m.id);
    const body = long && !open ? `${m.body.slice(0, cutAt(m.body, LONG))}…` : m.body;
    return html`<div class="msg ${m.state ?? ''}" part="message">
      <div class="text" dir="auto">
        ${renderBody(body)}
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
        ><time datetime=${m.time.toISOString()} title=${i.dateTime(m.time)}>${i.time(m.time)}</time>${
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
