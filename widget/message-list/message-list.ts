import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Attachment, Jid, Message, MessageState } from '../../sdk/index.js';
import { messageKey as keyOf, type Divider, type HistoryState } from '../controller/conversations.js';
import type { Localizer } from '../i18n/index.js';
import { alertIcon, arrowDownIcon, fileIcon, paths, retryIcon, spinnerIcon } from '../icons/icons.js';
import { RendersAfterSends } from '../shared/after-sends.js';
import { mentions } from '../shared/mention.js';
import { displayName } from '../shared/people.js';
import { cutAt, isPlain, renderBody } from '../text/render.js';
import { base } from '../theme/base.js';
import { expiryOf } from './expiry.js';
import {
  HeightEstimates,
  covers,
  dropStrayMarkers,
  flatten,
  layout,
  shapeOf,
  windowFor,
  type Item,
  type Span,
} from './layout.js';
import { styles } from './message-list.styles.js';

/** Bodies longer than this show their beginning and a "show the whole message" button. */
const LONG = 3000;
/** How much of a corrected message's original text its "edited" mark shows. */
const ORIGINAL = 200;
/** How close to the end (px) still counts as "at the latest message". */
const NEAR_END = 48;
/** How close to the top (px) asks for older history. */
const NEAR_TOP = 600;
/**
 * Rendered items: lists up to `min` render whole; longer ones the viewport plus half its height
 * above and below (at least `min` items, at most `max` unless the viewport itself holds more).
 */
const LIMITS = { min: 20, max: 50 } as const;
/**
 * Heights (px) assumed for items not measured yet, learned from those measured. One for the page:
 * every conversation's list has the same styles, so the second one opened starts from the heights
 * measured in the first. The defaults are one-line messages in the default theme: guessing low
 * renders a few items too many, guessing high too few to fill the view, and another round.
 */
const estimates = new HeightEstimates({ day: 44, divider: 40, head: 46, message: 37 });
/** How much of a new message a screen reader announces. */
const ANNOUNCE = 300;

const isWebUrl = (url: string): boolean => /^https?:\/\//iu.test(url);

/** The name a `/me` line starts with: the nickname in rooms, else the address's local part. */
const actorOf = (m: Message): string =>
  m.kind === 'groupchat' ? m.from.slice(m.from.indexOf('/') + 1) : displayName(m.from);

/** Who the typing line names: an occupant by nickname (`room@service/nick`), else the address. */
const typistName = (jid: Jid): string =>
  jid.includes('/') ? jid.slice(jid.indexOf('/') + 1) : displayName(jid);

const TICKS: Record<MessageState, string> = {
  queued: paths.clock,
  sent: paths.check,
  acked: paths.check,
  delivered: paths.doubleCheck,
  displayed: paths.doubleCheck,
  failed: paths.alert,
};

/**
 * `<mc-message-list>`: one conversation's messages, grouped by sender and day, with delivery
 * ticks, the "new messages" divider, a jump-to-latest button and the typing line. Internal to
 * `<mailbox-chat>`, which creates one per conversation.
 *
 * The list is virtualized: only the items around the viewport are in the DOM, with spacers for
 * the rest (heights measured with a ResizeObserver, estimated until seen), so the DOM stays
 * small however long the history. Near the top it asks for older history (`history-more`, not
 * composed) and keeps the reader's place when that arrives. The scroller is a `role="log"`; new
 * messages are announced through a separate polite live region, so that items scrolled into
 * view are not read out as if they were new. Files dropped on the messages are handed on with
 * `files-drop` (`detail: { files }`, not composed). A message that could not be sent has a
 * "try again" button (`message-retry`, `detail: { id }`, not composed). In rooms, each group of
 * someone else's messages is headed by their nickname.
 */
export class McMessageList extends RendersAfterSends(LitElement) {
  static override styles = [base, styles];
  static override properties = {
    i18n: { attribute: false },
    messages: { attribute: false },
    peer: { attribute: false },
    nick: { attribute: false },
    divider: { attribute: false },
    typing: { attribute: false },
    history: { attribute: false },
    expireAfter: { attribute: false },
    atEnd: { state: true },
    newBelow: { state: true },
    expanded: { state: true },
    broken: { state: true },
    span: { state: true },
    now: { state: true },
    announcement: { state: true },
  };

  declare i18n: Localizer;
  declare messages: readonly Message[];
  /** The peer's address, for the log's label. */
  declare peer: Jid;
  /** Our nickname in a room ('' elsewhere): messages that mention it are marked. */
  declare nick: string;
  declare divider: Divider | undefined;
  /** Who is typing (empty until the SDK reports chat states). */
  declare typing: readonly Jid[];
  /** How far back the history is loaded; undefined: the archive is not consulted. */
  declare history: HistoryState | undefined;
  /** Milliseconds after which shared files expire on the server (for messages without `expiresAt`). */
  declare expireAfter: number | undefined;
  declare private atEnd: boolean;
  declare private newBelow: number;
  declare private expanded: ReadonlySet<string>;
  /** Messages whose image did not load (expired or gone): they show a placeholder. */
  declare private broken: ReadonlySet<string>;
  /** The items in the DOM. */
  declare private span: Span;
  /** The time attachments' expiry is judged by; moves on when the next one expires. */
  declare private now: number;
  /** What the live region says: the newest incoming message. */
  declare private announcement: string;

  private items: Item[] = [];
  private index = new Map<string, number>();
  private heights = new Map<string, number>();
  /** The top of each item in list coordinates; one more entry than items (the total height). */
  private offsets: number[] = [0];
  /** Follow new messages: the reader is at the end. */
  private stick = true;
  /**
   * The first item in view and where its bottom edge is (from the viewport's top), kept through
   * changes. The bottom edge, because a message's top padding changes when its group does.
   */
  private anchor: { key: string; bottom: number } | undefined;
  private observer: ResizeObserver | undefined;
  private observed = new Set<Element>();
  /** The log, whose height the ResizeObserver watches too. */
  private watchedLog: HTMLElement | undefined;
  /**
   * The log's height as the ResizeObserver last reported it (0: not yet). Working out the window
   * for a new message reads it here: the log's own `clientHeight` would lay the page out first
   * whenever rows were added since the last frame (a burst of messages, one arriving as the
   * conversation opens).
   */
  private logHeight = 0;
  private asked = false;
  /**
   * Rows were added at the end while following, and the ResizeObserver's first report of them
   * (after the browser's layout, before its paint) is to measure them and scroll to the end.
   */
  private followPending = false;
  /** Where following last scrolled the log to. */
  private followedTo = -1;
  /** The update under way added messages at the end. */
  private appended = false;
  private expiryTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Each message's rendered row, kept while the row would render the same: re-rendering the
   * window at every new message then costs Lit's comparison of the kept rows, not their templates
   * (and their dates formatted again). Emptied when anything every row depends on changes.
   */
  private rows = new WeakMap<Message, { key: string; first: boolean; last: boolean; row: TemplateResult }>();

  constructor() {
    super();
    this.messages = [];
    this.peer = '';
    this.nick = '';
    this.divider = undefined;
    this.typing = [];
    this.history = undefined;
    this.expireAfter = undefined;
    this.atEnd = true;
    this.newBelow = 0;
    this.expanded = new Set();
    this.broken = new Set();
    this.span = { start: 0, end: 0 };
    this.now = Date.now();
    this.announcement = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.observer = new ResizeObserver((entries) => {
      let changed = false;
      for (const entry of entries) {
        if (entry.target === this.watchedLog) {
          // Taller or shorter (the page gave the widget another size): the window covers the
          // new view, and stays at the end when following. Hidden (0) changes nothing.
          const height = this.watchedLog.clientHeight;
          if (height > 0 && height !== this.logHeight) {
            this.logHeight = height;
            changed = true;
          }
          continue;
        }
        changed = this.measure(entry.target as HTMLElement) || changed;
      }
      if (changed || this.followPending) this.reflow();
    });
    for (const el of this.observed) this.observer.observe(el);
    if (this.watchedLog) this.observer.observe(this.watchedLog);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.observer?.disconnect();
    this.observer = undefined;
    clearTimeout(this.expiryTimer);
  }

  private get log(): HTMLElement | null {
    return this.renderRoot.querySelector('.log');
  }

  private get topSpacer(): HTMLElement | null {
    return this.renderRoot.querySelector('.spacer.top');
  }

  /** Scrolls to the newest message. */
  scrollToEnd(): void {
    this.stick = true;
    this.atEnd = true;
    this.newBelow = 0;
    const tail = this.tail();
    if (tail.start !== this.span.start || tail.end !== this.span.end) this.span = tail;
    else this.reflow();
  }

  /** The window at the end of the list. */
  private tail(): Span {
    const height = this.viewHeight();
    const total = this.offsets[this.offsets.length - 1]!;
    return this.windowAt(Math.max(0, total - height), height);
  }

  /** The log's height: as last reported (see `logHeight`), else read, else a guess. */
  private viewHeight(): number {
    return this.logHeight || this.log?.clientHeight || 600;
  }

  /** The window for a viewport from `top` (list coordinates), `height` high. */
  private windowAt(top: number, height: number): Span {
    return windowFor(this.offsets, top, height, { ...LIMITS, overscan: height / 2 });
  }

  /** The window around item `at`, with it near the viewport's top. */
  private around(at: number): Span {
    const height = this.viewHeight();
    return this.windowAt(Math.max(0, this.offsets[at]! - 8), height);
  }

  private estimate(item: Item): number {
    return this.heights.get(item.key) ?? estimates.get(shapeOf(item));
  }

  private computeOffsets(): void {
    const offsets = new Array<number>(this.items.length + 1);
    let top = 0;
    this.items.forEach((item, i) => {
      offsets[i] = top;
      top += this.estimate(item);
    });
    offsets[this.items.length] = top;
    this.offsets = offsets;
  }

  /** Records an item's rendered height; true when it changed. */
  private measure(el: HTMLElement): boolean {
    const key = el.dataset['key'];
    if (!key || !el.isConnected) return false;
    const height = el.getBoundingClientRect().height;
    if (Math.abs((this.heights.get(key) ?? -1) - height) < 0.5) return false;
    this.heights.set(key, height);
    // Not laid out (a hidden pane) says nothing about the height items will have.
    const at = this.index.get(key);
    if (at !== undefined && height > 0) estimates.note(shapeOf(this.items[at]!), height);
    return true;
  }

  /**
   * Moves the window to where the log is scrolled now, unless the items in the DOM still serve
   * (see `covers`): a window that keeps up with every pixel would render again at each one.
   */
  private slide(): void {
    const log = this.log;
    const spacer = this.topSpacer;
    if (!log || !spacer) return;
    const top = log.scrollTop - spacer.offsetTop;
    const height = log.clientHeight;
    if (covers(this.span, this.offsets, top, height, { ...LIMITS, overscan: height / 2 })) return;
    const next = this.windowAt(top, height);
    if (next.start !== this.span.start || next.end !== this.span.end) this.span = next;
  }

  /**
   * Remembers the first message in view (else the first item: day headings move when older
   * messages of their day arrive), to keep it in place through the next change.
   */
  private saveAnchor(): void {
    const log = this.log;
    if (!log) return;
    const top = log.getBoundingClientRect().top;
    let fallback: HTMLElement | undefined;
    for (const el of log.querySelectorAll<HTMLElement>('.item')) {
      if (el.getBoundingClientRect().bottom <= top) continue;
      fallback ??= el;
      if (el.classList.contains('row')) {
        this.anchor = { key: el.dataset['key']!, bottom: el.getBoundingClientRect().bottom - top };
        return;
      }
    }
    this.anchor = fallback && {
      key: fallback.dataset['key']!,
      bottom: fallback.getBoundingClientRect().bottom - top,
    };
  }

  /**
   * Makes the DOM match the model after a change: spacer heights from the offsets, then the
   * scroll position — at the end when following, else with the anchor item where it was.
   */
  private reflow(): void {
    const log = this.log;
    if (!log) return;
    this.followPending = false;
    this.computeOffsets();
    this.sizeSpacers();
    if (this.stick) {
      log.scrollTop = log.scrollHeight;
      this.followedTo = log.scrollTop;
    } else if (this.anchor) {
      const el = log.querySelector<HTMLElement>(`.item[data-key="${CSS.escape(this.anchor.key)}"]`);
      if (el) {
        const delta =
          el.getBoundingClientRect().bottom - log.getBoundingClientRect().top - this.anchor.bottom;
        if (Math.abs(delta) >= 1) log.scrollTop += delta;
      }
    }
    this.saveAnchor();
    this.slide();
    this.maybeAskForMore();
  }

  /**
   * Gives the spacers the heights of the items outside the window (from the offsets). A height
   * is written only when it changed: a write makes the next layout read lay the page out again.
   */
  private sizeSpacers(): void {
    const { start, end } = this.span;
    const total = this.offsets[this.offsets.length - 1]!;
    const set = (el: HTMLElement | null, px: number): void => {
      const height = `${px}px`;
      // CSSOM, not a style attribute: allowed under a strict Content-Security-Policy.
      if (el && el.style.height !== height) el.style.height = height;
    };
    set(this.topSpacer, this.offsets[Math.min(start, this.items.length)] ?? 0);
    set(
      this.renderRoot.querySelector<HTMLElement>('.spacer.bottom'),
      Math.max(0, total - (this.offsets[Math.min(end, this.items.length)] ?? total)),
    );
  }

  /** Near the top with more history to load: ask for it (once per request). */
  private maybeAskForMore(): void {
    const log = this.log;
    const history = this.history;
    if (!log || !history || !this.isConnected) return;
    if (history.loading || history.complete || history.error || this.asked) return;
    if (this.span.start > 0 || log.scrollTop > NEAR_TOP) return;
    this.asked = true;
    this.dispatchEvent(new CustomEvent('history-more'));
  }

  private onScroll(): void {
    const log = this.log;
    // A scroll event can come after the list was taken out (the conversation was left in the
    // frame the scroll happened in); there is nothing to follow or ask for then.
    if (!log || !this.isConnected) return;
    // The event of our own scroll to the end, come after newer rows were added: they are still
    // to be followed (the ResizeObserver's report of them scrolls on), not a reader scrolling up.
    if (this.followPending && log.scrollTop === this.followedTo) return;
    const atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_END;
    this.stick = atEnd;
    if (atEnd !== this.atEnd) this.atEnd = atEnd;
    if (atEnd && this.newBelow) this.newBelow = 0;
    this.saveAnchor();
    this.slide();
    this.maybeAskForMore();
  }

  /** Files dragged over the messages can be dropped there too (the composer sends them). */
  private onDragOver(event: DragEvent): void {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }

  private onDrop(event: DragEvent): void {
    const files = [...(event.dataTransfer?.files ?? [])];
    if (!files.length) return;
    event.preventDefault();
    this.dispatchEvent(new CustomEvent<{ files: File[] }>('files-drop', { detail: { files } }));
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('history')) this.asked = false;
    const rowInputs = ['i18n', 'nick', 'expanded', 'broken', 'now', 'expireAfter'] as const;
    if (rowInputs.some((name) => (changed as Map<string, unknown>).has(name))) this.rows = new WeakMap();
    this.appended = false;
    if (!changed.has('messages') && !changed.has('divider') && this.hasUpdated) return;
    const before = this.items;
    const oldIndex = this.index;
    const { start } = this.span;
    this.items = flatten(layout(this.messages, this.divider));
    this.index = new Map(this.items.map((item, i) => [item.key, i]));
    this.computeOffsets();
    if (!this.hasUpdated) {
      const at = this.divider ? this.items.findIndex((item) => item.kind === 'divider') : -1;
      this.stick = at === -1;
      this.span = at === -1 ? this.tail() : this.around(at);
      return;
    }
    const log = this.log;
    // While new rows wait for their first measurement the log is not yet scrolled to them: it
    // still follows.
    if (log && !this.followPending) {
      this.stick = log.scrollHeight - log.scrollTop - log.clientHeight < NEAR_END;
    }
    // The messages a page of history brought are not news; a live one that came with it is.
    const brought = changed.has('history') ? this.history?.brought : undefined;
    this.appended = this.noteAdded(changed.get('messages') as readonly Message[] | undefined, brought);
    if (this.stick) {
      this.span = this.tail();
      return;
    }
    // Keep the same items in the DOM when items were added above them: follow the anchor (a
    // message; day headings move when older messages of their day arrive), else the first item.
    const key = this.anchor?.key ?? before[start]?.key;
    const was = key === undefined ? undefined : oldIndex.get(key);
    const moved = key === undefined ? undefined : this.index.get(key);
    const shift = was === undefined || moved === undefined ? 0 : moved - was;
    const count = this.items.length;
    const from = Math.max(0, Math.min(count - 1, this.span.start + shift));
    const to = Math.max(from, Math.min(count, this.span.end + shift));
    this.span = windowFor(this.offsets, this.offsets[from]!, this.offsets[to]! - this.offsets[from]!, {
      ...LIMITS,
      overscan: 0,
    });
  }

  /** Handles messages added at the end: follow them, or count them on the jump button; announce. */
  private noteAdded(before: readonly Message[] | undefined, brought?: ReadonlySet<string>): boolean {
    if (!before) return false;
    let added: readonly Message[] = this.messages;
    if (before.length) {
      const last = keyOf(before[before.length - 1]!);
      let at = this.messages.length - 1;
      while (at >= 0 && keyOf(this.messages[at]!) !== last) at -= 1;
      added = at === -1 ? [] : this.messages.slice(at + 1);
    }
    if (brought) added = added.filter((m) => !brought.has(keyOf(m)));
    if (!added.length) return false;
    const incoming = added.filter((m) => m.direction === 'in');
    if (added.some((m) => m.direction === 'out')) this.stick = true;
    if (!this.stick) this.newBelow += incoming.length;
    const newest = incoming[incoming.length - 1];
    if (newest) {
      const who = newest.kind === 'groupchat' ? actorOf(newest) : displayName(newest.conversation);
      const text =
        newest.body.length > ANNOUNCE
          ? `${newest.body.slice(0, cutAt(newest.body, ANNOUNCE))}…`
          : newest.body;
      this.announcement = `${who}: ${text}`;
    }
    return true;
  }

  protected override firstUpdated(): void {
    const log = this.log;
    const divider = this.renderRoot.querySelector('.divider');
    // Opening at the end: `updated` lets the ResizeObserver measure the rows (see there).
    if (!divider && this.stick) return;
    this.measureAll();
    this.computeOffsets();
    // Open at the first unread message. (Not scrollIntoView: that would scroll the host page too.)
    this.reflow();
    if (divider && log && !this.stick) {
      log.scrollTop += divider.getBoundingClientRect().top - log.getBoundingClientRect().top - 8;
      this.saveAnchor();
    }
    this.onScroll();
  }

  /** Measures the items in the DOM (and watches their heights); true when a height changed. */
  private measureAll(): boolean {
    let changed = false;
    for (const el of this.observeItems().items) changed = this.measure(el) || changed;
    return changed;
  }

  /**
   * Watches the heights of the items in the DOM (and no longer those gone); returns them, and
   * whether any is new (the ResizeObserver reports a new one once the browser has laid it out).
   */
  private observeItems(): { items: HTMLElement[]; added: boolean } {
    const items = [...(this.log?.querySelectorAll<HTMLElement>('.item') ?? [])];
    const seen = new Set<Element>(items);
    let added = false;
    for (const el of items) {
      if (!this.observed.has(el)) {
        this.observed.add(el);
        this.observer?.observe(el);
        added = true;
      }
    }
    for (const el of this.observed) {
      if (!seen.has(el)) {
        this.observed.delete(el);
        this.observer?.unobserve(el);
      }
    }
    return { items, added };
  }

  protected override updated(changed: PropertyValues<this>): void {
    const log = this.log;
    if (log) dropStrayMarkers(log, '.item');
    if (log && log !== this.watchedLog) {
      if (this.watchedLog) this.observer?.unobserve(this.watchedLog);
      this.watchedLog = log;
      this.logHeight = 0;
      this.observer?.observe(log);
    }
    // Spacers first, from the heights known so far: measuring then costs the one layout the new
    // rows need, and the spacers usually keep their heights (a new message at the end is inside
    // the window), so keeping the scroll position reads that layout instead of making another.
    this.computeOffsets();
    this.sizeSpacers();
    const { items, added } = this.observeItems();
    if (this.stick && (this.appended || added) && this.observer) {
      // Following, with new rows (new messages at the end, the common live case; the rows of a
      // conversation being opened, or of its first history page): the ResizeObserver's first
      // report of them measures them and scrolls to the end, after the browser's own layout and
      // before its paint — reading the layout here would force one more.
      this.followPending = true;
    } else {
      for (const el of items) this.measure(el);
      this.reflow();
    }
    if (changed.has('messages') || changed.has('expireAfter')) this.scheduleExpiry();
  }

  /** Re-renders when the next shared file expires, so that it turns into its placeholder. */
  private scheduleExpiry(): void {
    clearTimeout(this.expiryTimer);
    const now = Date.now();
    let next = Infinity;
    for (const m of this.messages) {
      const at = expiryOf(m, this.expireAfter);
      if (at !== undefined && at > now && at < next) next = at;
    }
    if (next === Infinity) return;
    // setTimeout's limit is about 24.8 days; check again by then.
    this.expiryTimer = setTimeout(
      () => {
        this.now = Date.now();
        this.scheduleExpiry();
      },
      Math.min(next - now + 50, 2 ** 31 - 1),
    );
  }

  private toggle(id: string): void {
    const next = new Set(this.expanded);
    if (!next.delete(id)) next.add(id);
    this.expanded = next;
  }

  /**
   * The delivery tick: one labelled SVG, two nodes (the line with the time around it has the
   * label as its tooltip); for a message that could not be sent, a retry button too.
   */
  private renderTick(m: Message, state: MessageState, label: string): TemplateResult {
    const i = this.i18n;
    // prettier-ignore
    const tick = html`<svg class="tick ${state}" role="img" aria-label=${label} viewBox="0 0 24 24"
      ><path d=${TICKS[state]}></path
    ></svg>`;
    if (state !== 'failed') return tick;
    return html`${tick}<span aria-hidden="true">${label}</span
      ><button
        class="retry"
        title=${i.t('message.retryLabel')}
        @click=${() =>
          this.dispatchEvent(new CustomEvent<{ id: string }>('message-retry', { detail: { id: m.id } }))}
      >
        ${retryIcon}${i.t('message.retry')}
      </button>`;
  }

  private renderAttachment(m: Message, a: Attachment): TemplateResult | typeof nothing {
    if (!isWebUrl(a.url)) return nothing;
    const i = this.i18n;
    const name = a.name || i.t('attachment.file');
    const open = i.t('attachment.open', { name });
    const expiry = expiryOf(m, this.expireAfter);
    if (this.broken.has(m.id) || (expiry !== undefined && expiry <= Math.max(this.now, Date.now()))) {
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

  /**
   * One item of the list. Rows are the bulk of the DOM, so they are written for few nodes: no
   * whitespace between tags, texts set as properties where nothing else shares the element, and a
   * plain message (text only: no styling, link, attachment, correction or `/me`) in a template of
   * its own without the slots the others need.
   */
  private renderItem(item: Item): TemplateResult {
    const i = this.i18n;
    if (item.kind === 'day') {
      return html`<div class="item day" data-key=${item.key} .textContent=${i.day(item.date)}></div>`;
    }
    if (item.kind === 'divider') {
      return html`<div
        class="item divider"
        part="divider"
        data-key=${item.key}
        .textContent=${i.plural('conversation.newMessages', item.count)}
      ></div>`;
    }
    const m = item.message;
    const kept = this.rows.get(m);
    if (kept && kept.key === item.key && kept.first === item.first && kept.last === item.last)
      return kept.row;
    const row = this.renderRow(item, m);
    this.rows.set(m, { key: item.key, first: item.first, last: item.last, row });
    return row;
  }

  /** A message's row (see `renderItem`). */
  private renderRow(item: Item & { kind: 'message' }, m: Message): TemplateResult {
    const i = this.i18n;
    const room = m.kind === 'groupchat';
    const sender =
      item.direction === 'out' ? i.t('conversation.you') : room ? actorOf(m) : displayName(item.from);
    // In rooms, each group of someone else's messages starts with their name; elsewhere the first
    // message of a group tells screen readers who wrote it.
    const named = item.first && room && item.direction === 'in';
    const head = item.first ? (named ? sender : `${sender}:`) : '';
    const row = `item row ${item.direction} ${item.first ? 'first' : ''} ${item.last ? 'last' : ''}`;
    const action = m.action === true && m.body.startsWith('/me ');
    const full = action ? m.body.slice(4) : m.body;
    const long = full.length > LONG;
    const open = long && this.expanded.has(m.id);
    const text = long && !open ? `${full.slice(0, cutAt(full, LONG))}…` : full;
    const body = isPlain(text) ? text : renderBody(text);
    const state = m.direction === 'out' ? m.state : undefined;
    const label = state ? i.t(`state.${state}`) : undefined;
    const tick = state && label ? this.renderTick(m, state, label) : nothing;
    const iso = m.time.toISOString();
    const bubble = `msg ${m.state ?? ''} ${m.direction === 'in' && mentions(m.body, this.nick) ? 'mention' : ''}`;
    if (typeof body === 'string' && !action && !long && !m.attachment && !m.edited) {
      // Line breaks only inside tags (Prettier would put whitespace text nodes between them).
      // prettier-ignore
      return html`<div class=${row} data-key=${item.key}
        ><span class=${named ? 'sender' : 'sr-only'} dir="auto" .textContent=${head}></span
        ><div class=${bubble} part="message"
          ><div class="text" dir="auto" .textContent=${text}></div
          ><span class="meta" title=${label ?? nothing}
            ><time datetime=${iso} title=${i.dateTime(m.time)} .textContent=${i.time(m.time)}></time
            >${tick}</span
          ></div
      ></div>`;
    }
    // A body that is just the attachment's URL shows as the attachment alone.
    const bare = m.attachment !== undefined && m.body.trim() === m.attachment.url;
    const original = m.correctedFrom ?? '';
    const content =
      action || long
        ? html`${action ? html`<span class="actor">* ${actorOf(m)}</span> ` : nothing}${body}${
            long
              ? html`<button
                  class="more"
                  aria-expanded=${open ? 'true' : 'false'}
                  @click=${() => this.toggle(m.id)}
                >
                  ${open ? i.t('conversation.showLess') : i.t('conversation.showMore')}
                </button>`
              : nothing
          }`
        : body;
    const edited = m.edited
      ? html`<span
          class="edited"
          title=${original ? i.t('conversation.editedFrom', { text: original.length > ORIGINAL ? `${original.slice(0, cutAt(original, ORIGINAL))}…` : original }) : nothing}
          >${i.t('conversation.edited')}</span
        >`
      : nothing;
    // prettier-ignore
    return html`<div class=${row} data-key=${item.key}
      ><span class=${named ? 'sender' : 'sr-only'} dir="auto" .textContent=${head}></span
      ><div class=${bubble} part="message"
        >${m.attachment ? this.renderAttachment(m, m.attachment) : nothing}<div
          class="text ${action ? 'action' : ''}" dir="auto" ?hidden=${bare}>${content}</div
        ><span class="meta" title=${label ?? nothing}
          >${edited}<time datetime=${iso} title=${i.dateTime(m.time)} .textContent=${i.time(m.time)}></time
          >${tick}</span
        ></div
    ></div>`;
  }

  /** The top of the list: loading older history, a failure with a retry, or the archive's horizon. */
  private renderHistory(): TemplateResult | typeof nothing {
    const i = this.i18n;
    const h = this.history;
    if (!h) return nothing;
    if (h.loading) {
      return html`<p class="history loading" part="history">
        ${spinnerIcon}<span>${i.t('history.loading')}</span>
      </p>`;
    }
    if (h.error) {
      return html`<p class="history error" part="history">
        <span>${i.t('history.error')}</span>
        <button
          class="link"
          @click=${() => {
            this.asked = true;
            this.dispatchEvent(new CustomEvent('history-more'));
          }}
        >
          ${i.t('history.retry')}
        </button>
      </p>`;
    }
    if (h.complete && !h.empty && this.messages.length) {
      return html`<p class="history horizon" part="history">
        <span>${i.t('history.horizon')}</span>${
          h.horizon
            ? html`<span class="since">${i.t('history.horizonDate', { date: i.dateTime(h.horizon) })}</span>`
            : nothing
        }
      </p>`;
    }
    return nothing;
  }

  protected override render() {
    const i = this.i18n;
    const name = displayName(this.peer);
    const { start, end } = this.span;
    const shown = this.items.slice(start, end);
    const typing = this.typing.length
      ? i.t('conversation.typing', { name: this.typing.map(typistName).join(', ') })
      : '';
    // Line breaks only inside tags (Prettier would put whitespace text nodes between them).
    // prettier-ignore
    return html`<div
        class="log"
        part="log"
        role="log"
        aria-live="off"
        aria-label=${i.t('conversation.log', { name })}
        aria-busy=${this.history?.loading ? 'true' : 'false'}
        tabindex="0"
        @scroll=${this.onScroll}
        @dragover=${this.onDragOver}
        @drop=${this.onDrop}
        >${this.renderHistory()}<div class="spacer top" aria-hidden="true"></div>${
          this.items.length
            ? repeat(shown, (item) => item.key, (item) => this.renderItem(item))
            : this.history?.loading
              ? nothing
              : html`<p class="empty">${i.t('conversation.empty')}</p>`
        }<div class="spacer bottom" aria-hidden="true"></div></div
      ><div class="sr-only" aria-live="polite" aria-atomic="true" .textContent=${this.announcement}></div
      ><div class="typing" part="typing" aria-live="polite" .textContent=${typing}></div
      >${
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
