import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import type { Chat, Contact, Jid, UploadOptions } from '../../sdk/index.js';
import { ChatController, type WidgetCredentials } from '../controller/chat-controller.js';
import type { Availability } from '../shared/availability.js';
import type { McComposer } from '../composer/composer.js';
import { McCloseEvent } from '../events/close.js';
import { McOpenEvent } from '../events/open.js';
import { localizer, type Localizer } from '../i18n/index.js';
import {
  alertIcon,
  backIcon,
  chatIcon,
  chevronDownIcon,
  closeIcon,
  logoutIcon,
  spinnerIcon,
} from '../icons/icons.js';
import type { LoginSubmit, McLogin } from '../login/login.js';
import { RendersAfterSends } from '../shared/after-sends.js';
import { prepareDateFormats } from '../shared/date-formats.js';
import { whenIdle } from '../shared/idle.js';
import { avatarStyles, displayName } from '../shared/people.js';
import { base } from '../theme/base.js';
import { tokens } from '../theme/tokens.js';
import { sideStyles, styles } from './mailbox-chat.styles.js';
import { isChatError, type Message, type RoomInvite } from '../../sdk/index.js';
import type { ContactAdd } from '../contact-list/add-contact.js';
import { initialsAvatar } from '../contact-list/contact-list.js';
import { contactName } from '../contact-list/model.js';
import { bellIcon, bellOffIcon, hashIcon, infoIcon, pencilIcon, usersIcon } from '../icons/icons.js';
import { Notifier } from '../notifications/notifier.js';
import type { RoomRequest, RoomView } from '../rooms/model.js';
import type { ChatPeer } from '../conversation-list/conversation-list.js';
import { roomAvatar, roomAvatarStyles, roomName } from '../rooms/room-list.js';
import { loadView, saveView, viewKey, type ViewState } from '../shared/view-state.js';

/** The side panel's lists: the conversations, the contacts, the rooms. */
export type Tab = 'chats' | 'contacts' | 'rooms';
const TABS: readonly Tab[] = ['chats', 'contacts', 'rooms'];
/** The availabilities the header offers (the presence `show` values a colleague needs). */
const AVAILABILITIES: readonly Availability[] = ['online', 'away', 'dnd'];
/** The `tab` attribute's list; anything else is the conversations. */
const homeTab = (tab: string | null | undefined): Tab => (TABS.includes(tab as Tab) ? (tab as Tab) : 'chats');

/** How long a page that announced single sign-on (`sso`) has to set `credentials`, in ms. */
const SSO_PATIENCE = 10_000;

/** No nicknames to offer (one-to-one conversations): one array, so the composer sees no change. */
const NO_NICKS: readonly string[] = [];

/** The dialogs over the panel. */
type Dialog = 'add-contact' | 'room' | 'room-info' | 'status-message';
/** A side list: each has `focusFirst`. */
type SideView = HTMLElement & { updateComplete: Promise<boolean>; focusFirst(jid?: Jid): void };

/**
 * Whether the page has the user's transient activation: a click or key press moments ago, so the
 * call at hand serves it. In browsers without `navigator.userActivation` it counts as yes.
 */
const userJustActed = (): boolean => navigator.userActivation?.isActive ?? true;

export type { WidgetCredentials };

/** How the widget shows itself. */
export type Mode = 'launcher' | 'embedded' | 'fullscreen';
/** The color theme; `auto` follows the system's light or dark setting. */
export type Theme = 'light' | 'dark' | 'auto';

/**
 * Turns a service given relative to the page (`/xmpp-websocket`, as behind the portal's own
 * reverse proxy) into an absolute `ws:`/`wss:` URL; absolute URLs pass unchanged.
 *
 * @example
 * ```ts
 * resolveService('/xmpp-websocket', 'https://intranet.example.com/'); // 'wss://intranet.example.com/xmpp-websocket'
 * ```
 */
export function resolveService(service: string, base: string = location.href): string {
  const url = new URL(service, base);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  return url.href;
}

/**
 * `<mailbox-chat>`: a chat panel for any page, in its own shadow root. Log in with the mailbox
 * e-mail address and password, or let the host page sign the user in (`credentials`); then chat
 * one-to-one and in rooms, with contacts and their presence, and desktop notifications while the
 * page is hidden. Works under a strict Content-Security-Policy (no inline scripts or styles).
 *
 * The next page loaded in the same browser tab (another page of the portal) shows the panel as
 * this one left it: open or closed (without `mc-open` again), the tab, and the open conversation
 * once signed in to the same account. It is kept in `sessionStorage` (`mailbox-chat:view`, or
 * `mailbox-chat:view:<id>` for an element with an `id`); signing out forgets the conversation.
 * The availability the user chooses in the header (available, away, do not disturb: the presence
 * contacts see; "do not disturb" holds desktop notifications back) and the status message set
 * beside it are kept for the account in this browser's `localStorage`
 * (`mailbox-chat:availability:<address>`, `mailbox-chat:status:<address>`), for every tab.
 * With "Stay signed in while this tab is open" ticked in the login form, those pages also sign in
 * by themselves, with a login key the SDK keeps for the tab (`createTabLoginKeyStorage`: derived
 * from the password, non-extractable, never the password) until sign-out or 12 hours later.
 *
 * @element mailbox-chat
 *
 * @attr service - WebSocket (or BOSH) endpoint of the XMPP server; a path (`/xmpp-websocket`) means the page's own server.
 * @attr jid - Prefills the login form with this address.
 * @attr lang - Language of the widget (`en`, `de`); default: the page's `<html lang>`, then English.
 * @attr mode - `launcher` (default), `embedded` (fills its container) or `fullscreen`.
 * @attr theme - `light` (default), `dark`, or `auto` (follows the system).
 * @attr file-expiry - Seconds after which the server deletes shared files (default 3600, as on mailbox; `0`: never).
 * @attr sso - The page signs the user in (`credentials`): until it has, the panel says it is signing in instead of showing the login form.
 * @attr tab - The list the side panel shows after sign-in: `chats` (default), `contacts` or `rooms`; changing it switches the list. A tab the user picked stays picked on the next page of the same browser tab.
 *
 * @fires mc-status - The connection status changed: {@link McStatusEvent}, `detail: { status, error? }`.
 * @fires mc-message - A message arrived or was sent: {@link McMessageEvent}, `detail: { message }`.
 * @fires mc-unread - The number of unread messages that call for the user (one-to-one, and room
 *   messages that mention them) changed: {@link McUnreadEvent}, `detail: { count }`.
 * @fires mc-open - The launcher's panel opened: {@link McOpenEvent}.
 * @fires mc-close - The launcher's panel closed: {@link McCloseEvent}.
 *
 * @csspart launcher - The round button that opens the panel (`mode="launcher"`).
 * @csspart badge - The unread count on the launcher.
 * @csspart panel - The panel around everything.
 * @csspart header - The panel's title bar.
 * @csspart availability - The header's menu of the user's availability (available, away, do not disturb).
 * @csspart status-message - The header's status message (or, without one, the pencil that sets it).
 * @csspart banner - The "connection lost" bar under the header, with its reconnect button.
 * @csspart body - The area under the header (login, or conversations).
 * @csspart list - The conversation list.
 * @csspart contacts - The contact list (the side panel's "Contacts" tab).
 * @csspart rooms - The room list (the side panel's "Rooms" tab).
 * @csspart conversation - The open conversation: its header, messages and composer.
 * @csspart log - The scrolling message list.
 * @csspart message - One message bubble.
 * @csspart divider - The "new messages" divider.
 * @csspart typing - The line that says who is typing.
 * @csspart file - An attachment's file card (or its "no longer available" placeholder).
 * @csspart image - An image attachment shown inline.
 * @csspart history - The top of the message list: loading older messages, or where the history ends.
 * @csspart uploads - The composer's list of files being sent (progress bars, failures).
 * @csspart composer - The message field and send button.
 * @csspart textarea - The message field itself.
 * @csspart editing - The composer's "editing your message" bar.
 *
 * @cssproperty --mc-accent - The accent: buttons, own messages, badges. Default `#0b6bcb` (dark: `#2563c4`).
 * @cssproperty --mc-on-accent - Text on the accent color. Default `#ffffff`.
 * @cssproperty --mc-on-accent-muted - Secondary text (times) on the accent color.
 * @cssproperty --mc-accent-text - Accent for text and focus rings on the surface (links, dividers).
 * @cssproperty --mc-accent-soft - A light tint of the accent (selected conversation, icons).
 * @cssproperty --mc-read - The "read" tick on own messages.
 * @cssproperty --mc-surface - The panel background.
 * @cssproperty --mc-surface-alt - Secondary background: incoming messages, hover, the message field.
 * @cssproperty --mc-text - The text color.
 * @cssproperty --mc-muted - Secondary text: times, previews, hints.
 * @cssproperty --mc-border - Lines and outlines.
 * @cssproperty --mc-danger - Errors and failed messages.
 * @cssproperty --mc-danger-soft - Background of failed messages.
 * @cssproperty --mc-code-bg - Background of `code` and preformatted text in messages.
 * @cssproperty --mc-badge - Background of the launcher's unread badge.
 * @cssproperty --mc-on-badge - Text of the launcher's unread badge.
 * @cssproperty --mc-online - The "online" dot.
 * @cssproperty --mc-away - The "away" presence dot. Default `#d98e04`.
 * @cssproperty --mc-busy - The "do not disturb" presence dot. Default `#d93025`.
 * @cssproperty --mc-warning-soft - Background of the connection banner.
 * @cssproperty --mc-warning-text - Text of the connection banner.
 * @cssproperty --mc-shadow - The floating panel's and launcher's shadow.
 * @cssproperty --mc-radius - Corner radius of the panel. Default `14px`.
 * @cssproperty --mc-font - The font family. Default: the system UI font.
 * @cssproperty --mc-font-size - The base font size. Default `15px`.
 * @cssproperty --mc-panel-width - Width of the launcher's panel. Default `380px`.
 * @cssproperty --mc-panel-height - Height of the launcher's panel. Default `600px`.
 * @cssproperty --mc-launcher-size - Diameter of the launcher button. Default `56px`.
 * @cssproperty --mc-offset - Distance of launcher and panel from the window's corner. Default `20px`.
 * @cssproperty --mc-z-index - Stacking level of launcher, panel and full-screen mode.
 *
 * @example
 * ```html
 * <script type="module" src="mailbox-chat.js"></script>
 * <mailbox-chat service="wss://chat.example.com/xmpp-websocket" lang="de" sso></mailbox-chat>
 * <script type="module">
 *   const chat = document.querySelector('mailbox-chat');
 *   // Single sign-on: the portal hands out the address and a password; no login form.
 *   chat.credentials = async () => (await fetch('/chat-credentials')).json();
 *   chat.addEventListener('mc-unread', ({ detail }) => (document.title = `(${detail.count}) Portal`));
 * </script>
 * ```
 */
export class MailboxChatElement extends RendersAfterSends(LitElement) {
  static override styles = [tokens, base, avatarStyles, roomAvatarStyles, styles, sideStyles];
  static override properties = {
    service: { type: String },
    jid: { type: String },
    lang: { type: String },
    mode: { type: String, reflect: true },
    theme: { type: String, reflect: true },
    credentials: { attribute: false },
    fileExpiry: { type: Number, attribute: 'file-expiry' },
    sso: { type: Boolean },
    tab: { type: String },
    ssoLate: { state: true },
    opened: { state: true },
    shown: { state: true },
    dialog: { state: true },
    dialogError: { state: true },
    dialogBusy: { state: true },
    dialogNotice: { state: true },
    listError: { state: true },
  };

  /** WebSocket (or BOSH) endpoint of the XMPP server; relative URLs resolve against the page. */
  declare service: string;
  /** Prefills the login form with this address. */
  declare jid: string;
  /** Language of the widget (`en`, `de`); defaults to the page's `<html lang>`, then English. */
  declare lang: string;
  /** `launcher` (default): a floating button opening a panel; `embedded`: fills its container; `fullscreen`. */
  declare mode: Mode;
  /** `light` (default), `dark`, or `auto` (follows the system). */
  declare theme: Theme;
  /**
   * Single sign-on: when set, there is no login form; the widget calls it for each fresh login
   * and hands the password to the SDK without keeping it.
   */
  declare credentials: (() => Promise<WidgetCredentials>) | undefined;
  /**
   * Seconds after which the server deletes shared files (`file-expiry`; default 3600, one hour as
   * on mailbox; `0`: never). Older attachments show as "no longer available". Read at sign-in.
   */
  declare fileExpiry: number;
  /**
   * The page signs the user in through {@link credentials} (`sso` attribute). Until it sets them,
   * the panel says it is signing in rather than show a login form the user is not meant to use
   * (a portal's script typically fetches the credentials first). If they have not come 10 seconds
   * after the element first rendered, the login form shows after all, with the error
   * `credentials` ("The portal could not sign you in to the chat").
   */
  declare sso: boolean;
  /**
   * The list the side panel shows after sign-in, and again after signing out: `chats` (default,
   * the conversations), `contacts` or `rooms`; anything else means `chats`. Changing it switches
   * the list shown; the user picking another tab does not change it. An intranet whose users look
   * people up first opens on `contacts`.
   */
  declare tab: Tab;
  /** `sso` is set, and the page did not set `credentials` in time. */
  declare private ssoLate: boolean;
  private ssoTimer: ReturnType<typeof setTimeout> | undefined;
  declare private opened: boolean;
  /** The list shown in the side panel now: `tab`, until the user picks another. */
  declare private shown: Tab;
  /** The dialog shown over the panel, if any, with its error, busy state and confirmation. */
  declare private dialog: Dialog | undefined;
  declare private dialogError: string | undefined;
  declare private dialogBusy: boolean;
  declare private dialogNotice: string | undefined;
  /** A failed action in a side list (block, remove, answer a request). */
  declare private listError: string | undefined;
  /** Where focus goes back to when the dialog closes. */
  private dialogOpener: HTMLElement | undefined;
  private readonly notifier = new Notifier(this, {
    // In a room, only a message that mentions us counts in the title and raises a notification (as
    // in Converse.js and Conversations); do not disturb holds back every notification.
    calls: (message) => this.controller.calling(message),
    quiet: () => this.controller.availability === 'dnd',
    title: (message) => this.notificationTitle(message),
    open: (jid) => void this.openConversation(jid),
  });

  private readonly controller = new ChatController(this, () =>
    this.service ? resolveService(this.service) : '',
  );
  private i18n: Localizer = localizer('en');
  /** The language tag `i18n` was made for (an unknown language gets English). */
  private langTag = 'en';
  private langObserver: MutationObserver | undefined;
  private triedCredentials: unknown;
  /** Where this element keeps its state for the next page load, and what it last kept. */
  private viewKey = '';
  private savedView = '';
  /** The localizer whose formatters were made ready after a sign-in. */
  private warmed: Localizer | undefined;
  private focusInside = false;
  private lastCounts: Record<'unread' | 'calls', ReadonlyMap<Jid, number>> = {
    unread: new Map(),
    calls: new Map(),
  };
  private lastPeers:
    | { contacts: readonly Contact[]; rooms: readonly RoomView[]; peers: ReadonlyMap<Jid, ChatPeer> }
    | undefined;
  private lastPhase = this.controller.phase;
  private lastOthers: { occupants: RoomView['occupants']; nicks: readonly string[] } | undefined;

  constructor() {
    super();
    this.service = '';
    this.jid = '';
    this.mode = 'launcher';
    this.theme = 'light';
    this.credentials = undefined;
    this.fileExpiry = 3600;
    this.sso = false;
    this.ssoLate = false;
    this.opened = false;
    this.tab = 'chats';
    this.shown = 'chats';
    this.dialog = undefined;
    this.dialogError = undefined;
    this.dialogBusy = false;
    this.dialogNotice = undefined;
    this.listError = undefined;
  }

  /** The SDK instance of the current session, for scripting (`undefined` while signed out). */
  get chat(): Chat | undefined {
    return this.controller.chat;
  }

  /** Whether the launcher's panel is open (always true in the other modes). */
  get isOpen(): boolean {
    return this.currentMode !== 'launcher' || this.opened;
  }

  private get currentMode(): Mode {
    return this.mode === 'embedded' || this.mode === 'fullscreen' ? this.mode : 'launcher';
  }

  /**
   * Opens the launcher's panel and moves focus into it. Does nothing in the other modes.
   *
   * @example
   * ```ts
   * document.querySelector('#help')!.addEventListener('click', () => chat.open());
   * ```
   */
  async open(): Promise<void> {
    if (this.currentMode !== 'launcher' || this.opened) return;
    this.opened = true;
    await this.focusPanel();
    this.dispatchEvent(new McOpenEvent());
  }

  /** Closes the launcher's panel; focus goes back to the launcher if it was in the panel. */
  async close(): Promise<void> {
    if (this.currentMode !== 'launcher' || !this.opened) return;
    const hadFocus = this.shadowRoot?.activeElement != null;
    this.opened = false;
    await this.updateComplete;
    if (hadFocus) this.renderRoot.querySelector<HTMLButtonElement>('.launcher')?.focus();
    this.dispatchEvent(new McCloseEvent());
  }

  /**
   * Signs the user out of the chat, as the panel's "Sign out" does: ends the session and forgets
   * what the browser tab keeps for it — the open conversation, and the login key of "Stay signed
   * in while this tab is open". Call it from the portal's own sign-out, so that the tab's next page
   * does not sign the chat in again.
   *
   * Removing the element from the page does not sign out: as when the page is left, the session
   * stays on the server for a while (contacts see no change) and the element shown next in the tab
   * resumes it, if it can sign in (a kept login, single sign-on). Moving the element changes nothing.
   * Called on an element that was removed, `signOut()` ends the session it left too.
   *
   * @example
   * ```ts
   * logoutButton.addEventListener('click', async () => {
   *   await chat.signOut();
   *   location.href = '/logout';
   * });
   * ```
   */
  async signOut(): Promise<void> {
    this.dialog = undefined;
    this.shown = homeTab(this.tab);
    await this.controller.signOut();
    await this.updateComplete;
  }

  /**
   * Opens the conversation with `jid` (a new one if there is none), opening the panel too. Before
   * sign-in, the conversation opens once signed in.
   *
   * Focus moves to the conversation's message field when the user asked for it — the call comes
   * from their click or key press (such as on a "chat with us" button), or focus is in the widget
   * already. A page script opening a conversation on its own (on load, on a timer) leaves focus
   * where the user is.
   *
   * @example
   * ```ts
   * document.querySelector('#help')!.addEventListener('click', () => chat.openConversation('helpdesk@example.com'));
   * ```
   */
  async openConversation(jid: Jid): Promise<void> {
    const asked = this.shadowRoot?.activeElement != null || userJustActed();
    this.controller.openConversation(jid);
    if (this.currentMode === 'launcher' && !this.opened) {
      await this.open();
      return;
    }
    if (asked) await this.focusPanel();
    else await this.updateComplete;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    prepareDateFormats();
    // Back on the page after it left its session to the next element (see the controller's
    // `leave`): it signs in again as that element would.
    if (this.controller.left) {
      this.controller.back();
      this.restoreView();
      if (this.credentials) {
        this.triedCredentials = this.credentials;
        void this.controller.signInWith(this.credentials);
      }
      this.requestUpdate();
    }
    // Back on the page still waiting for single sign-on: its time starts again (see `willUpdate`).
    if (this.hasUpdated && this.sso && !this.credentials) this.requestUpdate();
    // Follow the page's language when the widget has none of its own.
    this.langObserver = new MutationObserver(() => this.requestUpdate());
    this.langObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.langObserver?.disconnect();
    clearTimeout(this.ssoTimer);
    this.ssoTimer = undefined;
  }

  protected override scheduleUpdate(): void | Promise<unknown> {
    if (!this.controller.renderAfterHistoryRequest()) return super.scheduleUpdate();
    // A history request has just started: it leaves before this render (see the controller).
    return new Promise((resolve) => setTimeout(resolve)).then(() => super.scheduleUpdate());
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('tab')) this.shown = homeTab(this.tab);
    if (!this.hasUpdated) this.restoreView();
    // Single sign-on announced: give the page's script its time to set `credentials`.
    if (this.sso && !this.credentials && !this.ssoLate && this.ssoTimer === undefined) {
      this.ssoTimer = setTimeout(() => {
        if (this.sso && !this.credentials) this.ssoLate = true;
      }, SSO_PATIENCE);
    }
    this.controller.filesExpireAfter = this.fileExpiry > 0 ? this.fileExpiry * 1000 : undefined;
    const tag = this.lang || document.documentElement.lang || 'en';
    if (tag !== this.langTag) {
      this.langTag = tag;
      this.i18n = localizer(tag);
    }
    this.focusInside = this.shadowRoot?.activeElement != null;
    if (this.shown === 'chats') this.controller.loadRecent();
  }

  /** The panel as an earlier page load in this browser tab left it (see `view-state.ts`). */
  private restoreView(): void {
    // In the lazy build this element lives in the launcher shell's shadow root: the shell's id.
    const root = this.getRootNode();
    const shell =
      root instanceof ShadowRoot && root.host.localName === 'mailbox-chat' ? root.host : undefined;
    this.viewKey = viewKey(this.id || shell?.id || '');
    const view = loadView(this.viewKey);
    this.savedView = JSON.stringify(view);
    if (view.tab && TABS.includes(view.tab as Tab)) this.shown = view.tab as Tab;
    // Open again as it was, without moving focus or telling the page: nobody opened it just now.
    if (view.open && this.currentMode === 'launcher') this.opened = true;
    if (view.active) this.controller.restoreConversation(view.active.account, view.active.jid);
    // Signed in with "stay signed in while this tab is open" on an earlier page: again, with the
    // login key the SDK kept for this tab (no password). Single sign-on signs in by itself.
    if (view.login && !this.credentials && !this.sso) void this.controller.signInWithKey(view.login);
  }

  /** Keeps what a later page load restores, when it changed. */
  private saveView(): void {
    // Off the page, the view stays as the element left it, for the next element to restore.
    if (!this.isConnected) return;
    const active = this.controller.openedConversation;
    const login = this.controller.keptLogin;
    const view: ViewState = {
      ...(this.opened ? { open: true } : {}),
      tab: this.shown,
      ...(active ? { active } : {}),
      ...(login ? { login } : {}),
    };
    const json = JSON.stringify(view);
    if (json === this.savedView) return;
    this.savedView = json;
    saveView(this.viewKey, view);
  }

  protected override updated(changed: PropertyValues<this>): void {
    this.saveView();
    this.controller.setPanelVisible(this.isOpen);
    // Signing in or out replaces the view the focus was in: put it where the new view starts.
    const phase = this.controller.phase;
    if (phase !== this.lastPhase && phase !== 'signing-in') {
      if (this.focusInside && this.shadowRoot?.activeElement == null) void this.focusPanel();
      this.lastPhase = phase;
    }
    // Single sign-on: sign in once for each credentials callback the host sets.
    if (changed.has('credentials') && this.credentials && this.triedCredentials !== this.credentials) {
      this.triedCredentials = this.credentials;
      if (this.controller.phase === 'signed-out') void this.controller.signInWith(this.credentials);
    }
    // Once signed in, while the first room or chat waits for the server, get the formatters of
    // the conversation view ready (not during the sign-in: there, it held up the SASL exchange).
    if (this.controller.phase === 'signed-in' && this.warmed !== this.i18n) {
      const i18n = (this.warmed = this.i18n);
      whenIdle(() => i18n.warm());
    }
  }

  /** Puts focus where the user will want it in the current view (once its element has rendered). */
  private async focusPanel(): Promise<void> {
    await this.updateComplete;
    const root = this.renderRoot;
    const c = this.controller;
    if (c.phase === 'signed-in' && c.active) {
      const composer = root.querySelector<McComposer>('mc-composer');
      await composer?.updateComplete;
      composer?.focus();
      return;
    }
    const view = c.phase === 'signed-in' ? this.sideView() : root.querySelector<McLogin>('mc-login');
    if (view) {
      await view.updateComplete;
      view.focusFirst();
    } else root.querySelector<HTMLElement>('.sso .button, .close')?.focus();
  }

  private onKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape' && this.currentMode === 'launcher' && this.opened) {
      event.preventDefault();
      void this.close();
    }
  }

  private async onSelect(jid: Jid): Promise<void> {
    this.controller.select(jid);
    await this.focusPanel();
  }

  private async onBack(): Promise<void> {
    const previous = this.controller.active;
    this.controller.select(undefined);
    await this.updateComplete;
    const list = this.sideView();
    await list?.updateComplete;
    list?.focusFirst(previous);
  }

  private async onLogout(): Promise<void> {
    await this.signOut();
    await this.focusPanel();
  }

  /** The list element of the side panel's current tab. */
  private sideView(): SideView | null {
    return this.renderRoot.querySelector<SideView>('.side-view');
  }

  /**
   * Shows a tab's list; `focus`: moves focus to the tab once drawn (the arrow keys do). A click
   * does not: the browser focuses the clicked button itself where the platform does so, and
   * focusing it again would make the browser work out the new list's style and layout there and
   * then, before its rows can show.
   */
  private async selectTab(tab: Tab, focus: boolean): Promise<void> {
    this.shown = tab;
    if (!focus) return;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`#tab-${tab}`)?.focus();
  }

  /** Arrow keys, Home and End move between the tabs (the tab list is one Tab stop). */
  private onTabKeydown(event: KeyboardEvent): void {
    const index = TABS.indexOf(this.shown);
    const next =
      event.key === 'ArrowRight'
        ? TABS[(index + 1) % TABS.length]
        : event.key === 'ArrowLeft'
          ? TABS[(index + TABS.length - 1) % TABS.length]
          : event.key === 'Home'
            ? TABS[0]
            : event.key === 'End'
              ? TABS[TABS.length - 1]
              : undefined;
    if (!next) return;
    event.preventDefault();
    void this.selectTab(next, true);
  }

  /** Opens a dialog over the panel; focus comes back to the element that opened it. */
  private openDialog(dialog: Dialog): void {
    let active: Element | null = this.shadowRoot?.activeElement ?? null;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    this.dialogOpener = active instanceof HTMLElement ? active : undefined;
    this.dialog = dialog;
    this.dialogError = undefined;
    this.dialogBusy = false;
    this.dialogNotice = undefined;
  }

  private async closeDialog(focus?: HTMLElement | null): Promise<void> {
    this.dialog = undefined;
    await this.updateComplete;
    const target = focus ?? this.dialogOpener;
    this.dialogOpener = undefined;
    if (target?.isConnected) target.focus();
    else await this.focusPanel();
  }

  /** Runs a dialog's request: busy meanwhile, its error shown in the dialog when it fails. */
  private async dialogRequest(run: () => Promise<void>, errorKey?: (code: string) => string | undefined) {
    this.dialogBusy = true;
    this.dialogError = undefined;
    try {
      await run();
      return true;
    } catch (error) {
      const code = isChatError(error) ? error.code : 'unknown';
      const key = errorKey?.(code);
      this.dialogError =
        key && this.i18n.has(key) ? this.i18n.error(key.slice('error.'.length)) : this.i18n.error(code);
      return false;
    } finally {
      this.dialogBusy = false;
    }
  }

  private async onAddContact(detail: ContactAdd): Promise<void> {
    const ok = await this.dialogRequest(() => this.controller.people.add(detail.jid, detail.name));
    if (ok) await this.closeDialog();
  }

  private async onRoomSubmit(request: RoomRequest): Promise<void> {
    const ok = await this.dialogRequest(
      () => this.controller.rooms.join(request),
      (code) =>
        code === 'conflict' && request.create
          ? 'error.room-exists'
          : code === 'item-not-found' && !request.create
            ? 'error.room-not-found'
            : undefined,
    );
    if (!ok) return;
    this.dialog = undefined;
    this.dialogOpener = undefined;
    await this.onSelect(request.jid);
  }

  private onInvite(room: Jid, jid: Jid): void {
    try {
      this.controller.rooms.invite(room, jid);
      this.dialogError = undefined;
      this.dialogNotice = this.i18n.t('room.invited', { jid });
    } catch (error) {
      this.dialogError = this.i18n.error(isChatError(error) ? error.code : 'unknown');
    }
  }

  private async onLeaveRoom(room: Jid): Promise<void> {
    const ok = await this.dialogRequest(() => this.controller.rooms.leave(room));
    if (!ok) return;
    this.dialog = undefined;
    this.dialogOpener = undefined;
    this.shown = 'rooms';
    await this.onBack();
  }

  private async onBlock(jid: Jid, blocked: boolean): Promise<void> {
    try {
      await this.controller.people.setBlocked(jid, blocked);
    } catch (error) {
      console.warn('mailbox-chat: blocking failed', error);
      this.listError = this.i18n.error(isChatError(error) ? error.code : 'unknown');
    }
  }

  private async onRemoveContact(jid: Jid): Promise<void> {
    try {
      await this.controller.people.remove(jid);
    } catch (error) {
      this.listError = this.i18n.error(isChatError(error) ? error.code : 'unknown');
    }
  }

  private async onInviteAnswer(invite: RoomInvite, accept: boolean): Promise<void> {
    const nick = this.controller.account ? displayName(this.controller.account) : 'guest';
    try {
      await this.controller.rooms.answer(invite, accept, nick);
    } catch (error) {
      const code = isChatError(error) ? error.code : 'unknown';
      this.listError = this.i18n.error(code === 'item-not-found' ? 'room-not-found' : code);
      return;
    }
    if (accept) await this.onSelect(invite.room);
  }

  private onAnswer(jid: Jid, accept: boolean): void {
    try {
      this.controller.people.answer(jid, accept);
    } catch (error) {
      this.listError = this.i18n.error(isChatError(error) ? error.code : 'unknown');
    }
  }

  /** A desktop notification's title: who wrote, and in which room. */
  private notificationTitle(message: Message): string {
    const i = this.i18n;
    if (message.kind === 'groupchat') {
      const nick = message.from.slice(message.from.indexOf('/') + 1);
      const room = this.controller.rooms.get(message.conversation);
      return i.t('notify.roomTitle', {
        name: nick,
        room: room ? roomName(room) : displayName(message.conversation),
      });
    }
    return i.t('notify.title', { name: this.personName(message.conversation) });
  }

  /** The nicknames of the others in a room, for the composer: the same list while they stay. */
  private othersIn(room: RoomView): readonly string[] {
    const last = this.lastOthers;
    if (last?.occupants === room.occupants) return last.nicks;
    const nicks = room.occupants.filter((o) => !o.self).map((o) => o.nick);
    this.lastOthers = { occupants: room.occupants, nicks };
    return nicks;
  }

  /** A person's name: from the contact list when known, else the address's local part. */
  private personName(jid: Jid): string {
    return this.chatPeers().get(jid)?.name ?? displayName(jid);
  }

  /**
   * Names and pictures of the contacts and rooms, for the Chats tab: the same map while neither
   * list changed.
   */
  private chatPeers(): ReadonlyMap<Jid, ChatPeer> {
    const { contacts } = this.controller.people;
    const { rooms } = this.controller.rooms;
    const last = this.lastPeers;
    if (last?.contacts === contacts && last.rooms === rooms) return last.peers;
    const peers = new Map<Jid, ChatPeer>();
    for (const c of contacts)
      peers.set(c.jid, { name: contactName(c), ...(c.avatar ? { avatar: c.avatar } : {}) });
    for (const r of rooms) peers.set(r.jid, { name: roomName(r), room: true, subject: r.subject });
    this.lastPeers = { contacts, rooms, peers };
    return peers;
  }

  /**
   * Unread counts (or calls for the user) by conversation, for the contact and room lists. The
   * same map as last time while no count changed: a new one would re-render the list on every
   * message, wherever it went.
   */
  private countsBy(field: 'unread' | 'calls'): ReadonlyMap<Jid, number> {
    const conversations = this.controller.conversations;
    const last = this.lastCounts[field];
    if (last.size === conversations.length && conversations.every((c) => last.get(c.jid) === c[field])) {
      return last;
    }
    return (this.lastCounts[field] = new Map(conversations.map((c) => [c.jid, c[field]])));
  }

  private renderLauncher() {
    const i = this.i18n;
    const unread = this.controller.calls;
    const label = this.opened
      ? i.t('launcher.close')
      : unread
        ? i.plural('launcher.openUnread', unread)
        : i.t('launcher.open');
    return html`<button
      part="launcher"
      class="launcher"
      aria-label=${label}
      title=${label}
      aria-expanded=${this.opened ? 'true' : 'false'}
      aria-controls="panel"
      @click=${() => (this.opened ? this.close() : this.open())}
    >
      ${this.opened ? chevronDownIcon : chatIcon}
      ${
        unread && !this.opened
          ? html`<span part="badge" class="badge" aria-hidden="true">${unread > 99 ? '99+' : unread}</span>`
          : nothing
      }
    </button>`;
  }

  private renderHeader() {
    const i = this.i18n;
    const c = this.controller;
    const signedIn = c.phase === 'signed-in';
    const status = c.phase === 'signed-out' ? '' : i.t(`status.${c.status}`);
    // Online, the user's availability is shown, and chosen, in place of the connection's status.
    // The menu's `value` follows changes made elsewhere (another tab); the options' `selected`
    // sets the first render, when `value` is set before the options exist.
    const choose = signedIn && c.status === 'online';
    return html`<header part="header" class="header" ?inert=${!!this.dialog}>
      <span class="logo" aria-hidden="true">${chatIcon}</span>
      <div class="heading">
        <h2 id="title">${i.t('app.title')}</h2>
        <p class="presence">
          ${
            status
              ? html`<span class="dot ${choose ? c.availability : c.status}" aria-hidden="true"></span>`
              : nothing
          }<span role="status" class=${choose ? 'sr-only' : ''}>${status}</span>
          ${
            choose
              ? html`<select
                    class="availability"
                    part="availability"
                    aria-label=${i.t('presence.label')}
                    title=${i.t('presence.label')}
                    .value=${c.availability}
                    @change=${(e: Event) =>
                      c.setAvailability((e.target as HTMLSelectElement).value as Availability)}
                  >
                    ${AVAILABILITIES.map(
                      (a) =>
                        html`<option value=${a} ?selected=${a === c.availability}>
                          ${i.t(`presence.${a}`)}
                        </option>`,
                    )}</select
                  >${this.renderStatusMessage()}`
              : nothing
          }
          ${c.account ? html`<span class="account" title=${c.account}>${c.account}</span>` : nothing}
        </p>
      </div>
      ${signedIn && this.notifier.supported ? this.renderBell() : nothing}
      ${
        signedIn
          ? html`<button
              class="icon-button"
              aria-label=${i.t('logout')}
              title=${i.t('logout')}
              @click=${this.onLogout}
            >
              ${logoutIcon}
            </button>`
          : nothing
      }
      ${
        this.currentMode === 'launcher'
          ? html`<button
              class="icon-button close"
              aria-label=${i.t('panel.close')}
              title=${i.t('panel.close')}
              @click=${() => this.close()}
            >
              ${closeIcon}
            </button>`
          : nothing
      }
    </header>`;
  }

  /** The desktop-notifications switch: asks the browser's permission on the first click. */
  private renderBell() {
    const i = this.i18n;
    const on = this.notifier.enabled;
    const label = this.notifier.denied ? i.t('notify.denied') : on ? i.t('notify.off') : i.t('notify.on');
    return html`<button
      class="icon-button bell"
      aria-label=${label}
      title=${label}
      aria-pressed=${on ? 'true' : 'false'}
      ?disabled=${this.notifier.denied}
      @click=${() => this.notifier.toggle()}
    >
      ${on ? bellIcon : bellOffIcon}
    </button>`;
  }

  private renderBanner() {
    const c = this.controller;
    if (c.phase !== 'signed-in' || c.status === 'online') return nothing;
    const i = this.i18n;
    const lost = c.status === 'disconnected' || c.status === 'offline';
    // What was written meanwhile lives in this tab until it is sent (see docs/reliability.md).
    const waiting = c.waiting;
    return html`<div class="banner" part="banner">
      ${lost ? alertIcon : spinnerIcon}
      <span
        >${lost && c.error ? i.error(c.error) : i.t('status.lost')}${
          waiting ? ` ${i.plural('status.waiting', waiting)}` : nothing
        }</span
      >
      ${
        lost
          ? html`<button class="link" @click=${() => this.controller.reconnect()}>
              ${i.t('status.reconnect')}
            </button>`
          : nothing
      }
    </div>`;
  }

  private renderSignIn() {
    const i = this.i18n;
    const c = this.controller;
    const credentials = this.credentials;
    // Single sign-on announced, its credentials not set yet: shown as signing in through it.
    const awaiting = !credentials && this.sso && !this.ssoLate && c.phase === 'signed-out' && !c.error;
    // Signing in with the login key kept for this tab looks the same: no form to fill in.
    if (!credentials && !awaiting && !c.keyLogin) {
      const error = c.error ?? (this.ssoLate ? 'credentials' : undefined);
      return html`<mc-login
        class="body"
        part="body"
        .i18n=${i}
        .jid=${c.address ?? this.jid}
        .error=${error ? i.error(error) : undefined}
        ?busy=${c.phase === 'signing-in'}
        @login-submit=${({ detail }: CustomEvent<LoginSubmit>) =>
          void this.controller.signIn(detail.jid, detail.password, detail.remember)}
      ></mc-login>`;
    }
    return html`<div class="body sso" part="body">
      ${
        c.phase === 'signing-in' || !credentials
          ? html`${spinnerIcon}
              <p>${i.t('login.sso')}</p>`
          : html`<p class=${c.error ? 'error' : ''} role=${c.error ? 'alert' : nothing}>
                ${c.error ? i.error(c.error) : i.t('login.signedOut')}
              </p>
              <button class="button" @click=${() => void this.controller.signInWith(credentials)}>
                ${c.error ? i.t('login.retry') : i.t('login.again')}
              </button>`
      }
    </div>`;
  }

  private renderConversation(jid: Jid) {
    const i = this.i18n;
    const c = this.controller;
    const conversation = c.conversation;
    const room = c.rooms.get(jid);
    const name = room ? roomName(room) : this.personName(jid);
    const contact = room ? undefined : c.people.contacts.find((p) => p.jid === jid);
    const presence = contact?.presence;
    const about = room
      ? room.subject || i.plural('rooms.occupants', room.occupants.length)
      : presence
        ? [i.t(`presence.${presence.show}`), ...(presence.status ? [presence.status] : [])].join(' · ')
        : jid;
    return html`<div class="conversation-head">
        <button
          class="icon-button back"
          aria-label=${i.t('conversation.back')}
          title=${i.t('conversation.back')}
          @click=${this.onBack}
        >
          ${backIcon}
        </button>
        ${
          room
            ? roomAvatar(jid, 'small')
            : contact?.avatar
              ? html`<img class="avatar small photo" src=${contact.avatar} alt="" />`
              : initialsAvatar(jid, name, 'small')
        }
        <div class="peer">
          <h3 id="peer-name">${name}</h3>
          <p title=${jid}>${about}</p>
        </div>
        ${
          room
            ? html`<button
                class="icon-button room-info"
                aria-label=${i.t('room.info')}
                title=${i.t('room.info')}
                aria-haspopup="dialog"
                @click=${() => this.openDialog('room-info')}
              >
                ${infoIcon}
              </button>`
            : nothing
        }
      </div>
      ${keyed(
        jid,
        html`<mc-message-list
          exportparts="log, message, divider, typing, file, image, history"
          .i18n=${i}
          .peer=${jid}
          .nick=${room?.nick ?? ''}
          .messages=${conversation?.messages ?? []}
          .divider=${c.divider?.jid === jid ? c.divider : undefined}
          .typing=${conversation?.typing ?? []}
          .history=${c.historyOf(jid)}
          .expireAfter=${c.filesExpireAfter}
          @history-more=${() => void this.controller.loadHistory(jid)}
          @message-retry=${(event: CustomEvent<{ id: string }>) => {
            this.controller.retry(event.detail.id);
            // The button goes with the failed message: focus goes to the message field.
            void this.focusPanel();
          }}
          @files-drop=${(event: CustomEvent<{ files: File[] }>) =>
            this.renderRoot.querySelector<McComposer>('mc-composer')?.attach(event.detail.files)}
        ></mc-message-list>`,
      )}
      ${keyed(
        jid,
        html`<mc-composer
          part="composer"
          exportparts="textarea, editing, uploads"
          .i18n=${i}
          .name=${name}
          .lastOwn=${c.lastOwn}
          .draft=${c.draft(jid)}
          .nicks=${room ? this.othersIn(room) : NO_NICKS}
          .maxBytes=${c.uploadLimit}
          .upload=${(file: File, options: UploadOptions) => this.controller.sendFile(file, options)}
          @composer-send=${(event: CustomEvent<{ body: string }>) => this.controller.send(event.detail.body)}
          @composer-correct=${(event: CustomEvent<{ id: string; body: string }>) =>
            void this.controller.correct(event.detail.id, event.detail.body)}
          @composer-input=${({ detail }: CustomEvent<{ empty: boolean; draft: string }>) => {
            this.controller.keepDraft(detail.draft);
            this.controller.composing(detail.empty);
          }}
        ></mc-composer>`,
      )}`;
  }

  private renderTabs() {
    const i = this.i18n;
    const c = this.controller;
    const icons = { chats: chatIcon, contacts: usersIcon, rooms: hashIcon };
    const counts = { chats: c.calls, contacts: c.people.requests.length, rooms: c.rooms.invites.length };
    return html`<div
      class="tabs"
      role="tablist"
      aria-label=${i.t('tabs.label')}
      @keydown=${this.onTabKeydown}
    >
      ${TABS.map((tab) => {
        const selected = tab === this.shown;
        const count = counts[tab];
        return html`<button
          id="tab-${tab}"
          class="tab"
          role="tab"
          aria-selected=${selected ? 'true' : 'false'}
          aria-controls="tabpanel"
          tabindex=${selected ? '0' : '-1'}
          @click=${() => {
            this.listError = undefined;
            void this.selectTab(tab, false);
          }}
        >
          ${icons[tab]}<span>${i.t(`tabs.${tab}`)}</span>${
            count ? html`<span class="tab-count">${count > 99 ? '99+' : count}</span>` : nothing
          }
        </button>`;
      })}
    </div>`;
  }

  private renderSideView() {
    const i = this.i18n;
    const c = this.controller;
    if (this.shown === 'contacts') {
      return html`<mc-contact-list
        class="side-view"
        part="contacts"
        .i18n=${i}
        .contacts=${c.people.contacts}
        .requests=${c.people.requests}
        .blocked=${c.people.blockedTest}
        .unread=${this.countsBy('unread')}
        @contact-open=${(event: CustomEvent<{ jid: Jid }>) => this.onSelect(event.detail.jid)}
        @contact-add-request=${() => this.openDialog('add-contact')}
        @request-answer=${(event: CustomEvent<{ jid: Jid; accept: boolean }>) =>
          this.onAnswer(event.detail.jid, event.detail.accept)}
        @contact-block=${(event: CustomEvent<{ jid: Jid; blocked: boolean }>) =>
          void this.onBlock(event.detail.jid, event.detail.blocked)}
        @contact-remove=${(event: CustomEvent<{ jid: Jid }>) => void this.onRemoveContact(event.detail.jid)}
      ></mc-contact-list>`;
    }
    if (this.shown === 'rooms') {
      return html`<mc-room-list
        class="side-view"
        part="rooms"
        .i18n=${i}
        .rooms=${c.rooms.rooms}
        .invites=${c.rooms.invites}
        @invite-answer=${(event: CustomEvent<{ invite: RoomInvite; accept: boolean }>) =>
          void this.onInviteAnswer(event.detail.invite, event.detail.accept)}
        .unread=${this.countsBy('unread')}
        .calls=${this.countsBy('calls')}
        .active=${c.active}
        @room-open=${(event: CustomEvent<{ jid: Jid }>) => this.onSelect(event.detail.jid)}
        @room-join-request=${() => this.openDialog('room')}
      ></mc-room-list>`;
    }
    return html`<mc-conversation-list
      class="side-view"
      part="list"
      .i18n=${i}
      .conversations=${c.chats}
      .peers=${this.chatPeers()}
      .active=${c.active}
      ?loading=${c.recent === 'loading'}
      @conversation-select=${(event: CustomEvent<{ jid: Jid }>) => this.onSelect(event.detail.jid)}
    ></mc-conversation-list>`;
  }

  /** The header's status message, or a pencil to set one: either opens the dialog (one button, so focus comes back to it). */
  private renderStatusMessage() {
    const i = this.i18n;
    const message = this.controller.statusMessage;
    const label = message ? i.t('statusMessage.change', { message }) : i.t('statusMessage.set');
    return html`<button
      class="status-message ${message ? '' : 'set'}"
      part="status-message"
      aria-label=${label}
      title=${message || label}
      @click=${() => this.openDialog('status-message')}
    >
      ${message || pencilIcon}
    </button>`;
  }

  private renderDialog() {
    const i = this.i18n;
    const c = this.controller;
    const close = () => void this.closeDialog();
    if (c.phase !== 'signed-in') return nothing;
    if (this.dialog === 'add-contact') {
      return html`<mc-add-contact
        .i18n=${i}
        .error=${this.dialogError}
        ?busy=${this.dialogBusy}
        @contact-add=${(event: CustomEvent<ContactAdd>) => void this.onAddContact(event.detail)}
        @dialog-close=${close}
      ></mc-add-contact>`;
    }
    if (this.dialog === 'room') {
      return html`<mc-room-dialog
        .i18n=${i}
        .error=${this.dialogError}
        ?busy=${this.dialogBusy}
        .service=${c.rooms.service}
        .nick=${c.account ? displayName(c.account) : ''}
        @room-submit=${(event: CustomEvent<RoomRequest>) => void this.onRoomSubmit(event.detail)}
        @dialog-input=${() => (this.dialogError = undefined)}
        @dialog-close=${close}
      ></mc-room-dialog>`;
    }
    if (this.dialog === 'status-message') {
      return html`<mc-status-dialog
        .i18n=${i}
        .message=${c.statusMessage}
        @status-submit=${(event: CustomEvent<{ message: string }>) => {
          c.setStatusMessage(event.detail.message);
          close();
        }}
        @dialog-close=${close}
      ></mc-status-dialog>`;
    }
    const room = this.dialog === 'room-info' && c.active ? c.rooms.get(c.active) : undefined;
    if (room) {
      return html`<mc-room-info
        .i18n=${i}
        .room=${room}
        .error=${this.dialogError}
        .notice=${this.dialogNotice}
        ?busy=${this.dialogBusy}
        @room-invite=${(event: CustomEvent<{ jid: Jid }>) => this.onInvite(room.jid, event.detail.jid)}
        @room-leave=${() => void this.onLeaveRoom(room.jid)}
        @dialog-close=${close}
      ></mc-room-info>`;
    }
    return nothing;
  }

  private renderApp() {
    const i = this.i18n;
    const c = this.controller;
    return html`<div class="body app ${c.active ? 'has-active' : ''}" part="body" ?inert=${!!this.dialog}>
      <div class="list-pane side">
        ${this.renderTabs()}
        ${this.listError ? html`<p class="list-error" role="alert">${alertIcon}${this.listError}</p>` : nothing}
        <div id="tabpanel" class="tabpanel" role="tabpanel" aria-labelledby="tab-${this.shown}">
          ${this.renderSideView()}
        </div>
      </div>
      <section
        class="conversation-pane"
        part="conversation"
        aria-labelledby=${c.active ? 'peer-name' : nothing}
      >
        ${
          c.active
            ? this.renderConversation(c.active)
            : html`<p class="placeholder">${i.t('conversation.none')}</p>`
        }
      </section>
    </div>`;
  }

  protected override render() {
    const mode = this.currentMode;
    const launcher = mode === 'launcher';
    return html`${launcher ? this.renderLauncher() : nothing}
      <section
        id="panel"
        part="panel"
        class="panel mode-${mode}"
        role=${launcher ? 'dialog' : 'region'}
        aria-labelledby="title"
        lang=${this.i18n.lang}
        ?hidden=${launcher && !this.opened}
        @keydown=${this.onKeydown}
      >
        ${this.renderHeader()} ${this.renderBanner()}
        ${this.controller.phase === 'signed-in' ? this.renderApp() : this.renderSignIn()}
        ${this.renderDialog()}
      </section>`;
  }
}
