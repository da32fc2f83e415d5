import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  bareJid,
  createChat,
  createTabLoginKeyStorage,
  isChatError,
  type Chat,
  type Jid,
  type LoginKeyStorage,
  type Message,
  type Status,
  type TypingState,
  type UploadOptions,
} from '../../sdk/index.js';
import { ChatError, ErrorCodes } from '../../sdk/index.js';
import { McMessageEvent } from '../events/message.js';
import { McStatusEvent } from '../events/status.js';
import { McUnreadEvent } from '../events/unread.js';
import { renderAfterSends } from '../shared/after-sends.js';
import {
  loadAvailability,
  loadStatusMessage,
  saveAvailability,
  saveStatusMessage,
  STATUS_MESSAGE_MAX,
  watchAvailability,
  type Availability,
} from '../shared/availability.js';
import {
  ConversationStore,
  messageKey,
  type Conversation,
  type Divider,
  type HistoryState,
} from './conversations.js';
import { ContactsModel } from '../contact-list/model.js';
import { mentions } from '../shared/mention.js';
import { RoomsModel } from '../rooms/model.js';

/** What the host page's single-sign-on callback returns. */
export interface WidgetCredentials {
  jid: string;
  password: string;
}

/** Where the user is: no session, a login under way, or signed in. */
export type Phase = 'signed-out' | 'signing-in' | 'signed-in';

/** Errors after which the session is over and the login view comes back. */
const FATAL = new Set(['auth-failed', 'account-disabled']);

/** Accepts `local@domain` (the mailbox e-mail address); the server has the last word. */
export const isAddress = (text: string): boolean => /^[^\s@/]+@[^\s@/]+$/u.test(text);

/** How often `composing` is repeated at most while the user types, and the pause that sends `paused`. */
export const TYPING_THROTTLE = 5_000;
export const TYPING_IDLE = 5_000;
/** A peer's `composing` that nothing follows is dropped after this long (a lost `paused`). */
export const TYPING_TIMEOUT = 30_000;

const codeOf = (error: unknown): string => (isChatError(error) ? error.code : 'unknown');

/**
 * The one place where SDK state and events become the widget's view model: the session phase,
 * the connection status, the conversations of this session with their unread counts, the open
 * conversation and its "new messages" divider. It also dispatches the host-facing `mc-status`,
 * `mc-message` and `mc-unread` events. Elements read its fields and call its methods; they never
 * touch the SDK themselves.
 */
export class ChatController implements ReactiveController {
  phase: Phase = 'signed-out';
  status: Status = 'offline';
  /** Code of the last failure (`auth-failed`, `connection-failed`, `credentials`, …). */
  error: string | undefined;
  /** True after the user signed out (the SSO view then offers to sign in again). */
  signedOut = false;
  /**
   * The session keeps a login key for this browser tab ("stay signed in while this tab is
   * open"): its next pages sign in with `signInWithKey`.
   */
  remembered = false;
  /** The sign-in under way uses the tab's login key, not a password typed now. */
  keyLogin = false;
  /** The address of the last sign-in, for the login form to show again. */
  address: string | undefined;
  /**
   * What the user tells contacts (header menu): the presence each session announces, kept for
   * the account in this browser (see `availability.ts`). "Do not disturb" also holds back desktop
   * notifications.
   */
  availability: Availability = 'online';
  /** The status message contacts see beside the availability (header dialog); kept like it. */
  statusMessage = '';

  /** The account the next page of this tab signs in to with the kept login key, if any. */
  get keptLogin(): Jid | undefined {
    if (this.keyLogin) return this.address;
    return this.remembered && this.phase === 'signed-in' ? this.account : undefined;
  }
  /** The signed-in account, bare. */
  account: Jid | undefined;
  /** The open conversation. */
  active: Jid | undefined;
  /** Where to show "N new messages" in the open conversation. */
  divider: Divider | undefined;

  /** Contacts with presence, subscription requests and the block list of this session. */
  readonly people: ContactsModel;
  /** The rooms we are in. */
  readonly rooms: RoomsModel;

  private readonly host: ReactiveControllerHost & HTMLElement;
  private readonly service: () => string;
  private readonly store = new ConversationStore();
  /** Archive paging per conversation: its state and the cursor of the oldest page loaded. */
  private histories = new Map<Jid, HistoryState & { readonly cursor?: string }>();
  /** Text typed in a conversation and not sent, by conversation (see `keepDraft`). */
  private drafts = new Map<Jid, string>();
  private current: Chat | undefined;
  private unsubscribe: Array<() => void> = [];
  private panelVisible = false;
  private viewing: Jid | undefined;
  private pending: Jid | undefined;
  /** The account a conversation restored from an earlier page load (`pending`) belongs to. */
  private pendingAccount: Jid | undefined;
  private lastUnread = 0;
  /** When `composing` was last sent, and the timer that sends `paused`. */
  private composingSent = 0;
  private composingIn: Jid | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Timers that drop a peer's stale typing state, by `conversation typist`. */
  private typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Forgets a password held for the login under way; called when a login attempt ends. */
  private settle: (() => void) | undefined;
  /** Whether a history request started since the host last scheduled a render. */
  private historyAsked = false;
  /**
   * The conversations of the account's newest archived messages (`chat.archive.recent()`): asked
   * once per session, when the conversation list first shows.
   */
  recent: 'idle' | 'loading' | 'done' = 'idle';

  constructor(host: ReactiveControllerHost & HTMLElement, service: () => string) {
    this.host = host;
    this.service = service;
    this.people = new ContactsModel(() => host.requestUpdate());
    this.rooms = new RoomsModel(() => host.requestUpdate());
    host.addController(this);
  }

  /** The SDK instance of the current session. */
  get chat(): Chat | undefined {
    return this.current;
  }

  /** Conversations of this session, most recent first. */
  get conversations(): Conversation[] {
    return this.store.list();
  }

  /**
   * The Chats tab's list: this session's conversations, most recent first, then the rooms we are
   * in where nothing was said yet this session (a fresh device's bookmarked rooms), as the Rooms
   * tab orders them.
   */
  get chats(): Conversation[] {
    const list = this.store.list();
    const listed = new Set(list.map((c) => c.jid));
    for (const room of this.rooms.rooms) {
      if (!listed.has(room.jid))
        list.push({ jid: room.jid, messages: [], unread: 0, calls: 0, updated: 0, typing: [] });
    }
    return list;
  }

  /** How many of our messages wait to be sent (written while the connection was lost). */
  get waiting(): number {
    return this.store.waiting;
  }

  /** The open conversation. */
  get conversation(): Conversation | undefined {
    return this.active ? this.store.get(this.active) : undefined;
  }

  /** Unread messages that call for the user, over all conversations (see `Conversation.calls`). */
  get calls(): number {
    return this.store.calls;
  }

  /** Whether a message calls for the user: any in a one-to-one chat, in a room one that mentions them. */
  calling(message: Message): boolean {
    return (
      message.kind !== 'groupchat' || mentions(message.body, this.rooms.get(message.conversation)?.nick ?? '')
    );
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.onVisibility);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this.onVisibility);
    // Moved on the page (out and in again at once), nothing changes. Removed, the element leaves
    // the session as a page that is left does, for the next element of this tab (see `leave`).
    setTimeout(() => {
      if (!this.host.isConnected) void this.leave();
    });
  }

  /**
   * Whether the element left the page with a session (or a sign-in) under way; it signs in again
   * as a new element would when it comes back.
   */
  left = false;
  /** The session the element left on the server when it was removed (see `leave`). */
  private suspended: Chat | undefined;

  /**
   * The element is no longer on the page: its session is suspended, not ended — the server keeps
   * it (a while), and the resume state and the tab's login key stay, so the element a single-page
   * portal shows next in this tab picks it up; messages that come meanwhile wait there. Contacts
   * see no change. A portal's sign-out calls `signOut()` (the element's) first.
   */
  private async leave(): Promise<void> {
    if (this.phase === 'signed-out' && !this.current) return;
    const chat = this.drop();
    this.left = true;
    this.suspended = chat;
    this.reset();
    try {
      await chat?.suspend();
    } catch (cause) {
      console.warn('mailbox-chat: suspending the session failed', cause);
    }
  }

  private onVisibility = (): void => this.refreshViewing();

  /**
   * Signs in with an address and password from the login form. With `remember`, the SDK keeps a
   * login key (derived from the password, never the password) for the next pages of this tab.
   */
  async signIn(jid: string, password: string, remember = false): Promise<void> {
    this.settle = undefined;
    const account = jid.trim();
    const loginKey = remember && isAddress(account) ? createTabLoginKeyStorage(account) : undefined;
    // The password lives only in this closure, for the SDK to use at (re)login; never stored.
    await this.start(account, async () => ({ password }), loginKey);
  }

  /**
   * Signs in to `account` with the login key an earlier page of this browser tab kept (`signIn`
   * with `remember`), without a password. Without a key, or with one the server no longer takes
   * (the password changed, or it expired), it leaves the login form with the address filled in.
   */
  async signInWithKey(account: string): Promise<void> {
    this.address = account;
    const loginKey = isAddress(account) ? createTabLoginKeyStorage(account) : undefined;
    if (!loginKey) return;
    this.begin();
    this.keyLogin = true;
    const kept = await Promise.resolve(loginKey.load()).catch(() => undefined);
    if (this.phase !== 'signing-in' || !this.keyLogin) return;
    if (!kept) {
      this.keyLogin = false;
      this.fail(undefined);
      return;
    }
    await this.start(
      account,
      () => Promise.reject(new ChatError(ErrorCodes.authFailed, 'The kept login key does not fit')),
      loginKey,
      true,
    );
  }

  /**
   * Signs in through the host's single-sign-on callback. It is called once now (for the address
   * and the password of this login) and again only when the SDK needs a fresh login; its answer is
   * handed to the SDK and dropped.
   */
  async signInWith(credentials: () => Promise<WidgetCredentials>): Promise<void> {
    this.begin();
    let first: WidgetCredentials | undefined;
    try {
      first = await credentials();
    } catch (error) {
      console.warn('mailbox-chat: the credentials callback failed', error);
    }
    // Signed out, or removed from the page, while the portal answered.
    if (this.phase !== 'signing-in') return;
    if (!first || typeof first.jid !== 'string' || typeof first.password !== 'string') {
      this.fail('credentials');
      return;
    }
    // StanzaJS asks for the password at each step of one SASL exchange: hold it for the exchange
    // (until the login settles, see `settle`) and ask the portal again only for the next login.
    let held: string | undefined = first.password;
    this.settle = () => (held = undefined);
    await this.start(first.jid, async () => {
      held ??= (await credentials()).password;
      return { password: held };
    });
  }

  private begin(): void {
    this.phase = 'signing-in';
    this.error = undefined;
    this.signedOut = false;
    this.host.requestUpdate();
  }

  private fail(code: string | undefined): void {
    this.phase = 'signed-out';
    this.error = code;
    this.host.requestUpdate();
  }

  private async start(
    jid: string,
    credentials: () => Promise<{ password: string }>,
    loginKey?: LoginKeyStorage,
    keyLogin = false,
  ): Promise<void> {
    this.begin();
    this.keyLogin = keyLogin;
    this.remembered = false;
    this.address = jid;
    if (!isAddress(jid)) {
      this.fail('invalid-argument');
      return;
    }
    const service = this.service();
    let chat: Chat;
    try {
      chat = createChat({
        jid,
        credentials,
        ...(loginKey ? { loginKey } : {}),
        ...(service ? { service } : {}),
        ...(this.filesExpireAfter ? { files: { expiresAfter: this.filesExpireAfter } } : {}),
      });
    } catch (error) {
      this.fail(codeOf(error));
      return;
    }
    this.current = chat;
    this.availability = loadAvailability(jid);
    this.statusMessage = loadStatusMessage(jid);
    if (this.availability !== 'online' || this.statusMessage) this.announce();
    this.unsubscribe = [
      renderAfterSends(chat),
      watchAvailability(jid, (availability, message) => this.showAvailability(availability, message)),
      chat.on('status', ({ status, error }) => {
        if (status !== 'connecting' && status !== 'reconnecting') this.settle?.();
        this.status = status;
        if (error) this.error = error.code;
        else if (status === 'online') this.error = undefined;
        if (status === 'online' && this.active) this.resumeHistory(this.active);
        this.host.dispatchEvent(new McStatusEvent(error ? { status, error } : { status }));
        if (status === 'disconnected' && this.phase === 'signed-in' && error && FATAL.has(error.code)) {
          void this.signOut(error.code);
        }
        this.host.requestUpdate();
      }),
      chat.on('message', ({ message }) => this.receive(message)),
      chat.on('message:state', ({ id, state }) => {
        if (this.store.setState(id, state)) this.host.requestUpdate();
      }),
      chat.on('message:updated', ({ message }) => {
        if (this.store.update(message)) this.host.requestUpdate();
      }),
      chat.on('typing', ({ conversation, from, state }) => this.peerTyping(conversation, from, state)),
      // History asked for before the join (a page load reopening the room) shows our messages as
      // others'; the join tells our nickname.
      chat.on('room:joined', ({ room }) => {
        if (this.store.claim(room.jid, `${room.jid}/${room.nick}`)) this.host.requestUpdate();
      }),
      chat.on('error', ({ error }) => console.warn('mailbox-chat:', error)),
    ];
    this.unsubscribe.push(...this.people.attach(chat), ...this.rooms.attach(chat));
    try {
      await chat.connect();
    } catch (error) {
      this.settle?.();
      if (this.current !== chat) return;
      this.drop();
      this.keyLogin = false;
      // A kept key the server no longer takes: the login form, as if none had been kept.
      this.fail(keyLogin && codeOf(error) === ErrorCodes.authFailed ? undefined : codeOf(error));
      return;
    }
    this.settle?.();
    if (this.current !== chat) return;
    this.keyLogin = false;
    this.remembered = !!loginKey;
    this.phase = 'signed-in';
    this.account = bareJid(jid);
    this.people.refresh();
    this.rooms.refresh();
    if (this.pending && (!this.pendingAccount || this.pendingAccount === this.account)) {
      this.select(this.pending);
    }
    this.pending = undefined;
    this.pendingAccount = undefined;
    this.refreshViewing();
    this.host.requestUpdate();
  }

  private drop(): Chat | undefined {
    const chat = this.current;
    this.stopComposing(false);
    for (const timer of this.typingTimers.values()) clearTimeout(timer);
    this.typingTimers.clear();
    for (const off of this.unsubscribe.splice(0)) off();
    this.current = undefined;
    return chat;
  }

  /**
   * Lists the conversations of the account's newest archived messages next to this session's,
   * so that the list is not empty after a page load or on another device. Once per session, from
   * the host's update (it renders the loading state itself); a failure leaves the list to what
   * comes live.
   */
  loadRecent(): void {
    const chat = this.current;
    if (!chat || this.recent !== 'idle' || this.phase !== 'signed-in' || this.status !== 'online') return;
    this.recent = 'loading';
    chat.archive
      .recent()
      .then(
        (found) => {
          if (this.current !== chat) return;
          // Listed already (live since sign-in, or opened): at least as new; keep it.
          for (const c of found) if (c.last && !this.store.get(c.jid)) this.store.add(c.last, true);
        },
        () => undefined, // no archive, or it did not answer: the list fills with what comes live
      )
      .finally(() => {
        if (this.current !== chat) return;
        this.recent = 'done';
        this.host.requestUpdate();
      });
  }

  /** Ends the session and forgets this session's conversations. */
  async signOut(error?: string): Promise<void> {
    const chat = this.drop();
    // A sign-in with the tab's login key still reading it: forget the key here (a session
    // forgets it as it ends).
    const unread = this.keyLogin && !chat ? this.address : undefined;
    if (unread)
      void Promise.resolve(createTabLoginKeyStorage(unread)?.save(undefined)).catch(() => undefined);
    // Signed out after it was removed from the page: the session it left on the server ends
    // too (resumed for that, then ended), so that no page of the tab picks it up again.
    const left = this.suspended;
    this.left = false;
    this.suspended = undefined;
    this.reset(error);
    this.signedOut = !error;
    try {
      if (left) await left.connect().catch(() => undefined);
      await (chat ?? left)?.disconnect();
    } catch (cause) {
      console.warn('mailbox-chat: disconnect failed', cause);
    }
  }

  /** Tells contacts whether the user is available, away or not to be disturbed; kept for the account. */
  setAvailability(availability: Availability): void {
    if (this.address) saveAvailability(this.address, availability);
    this.showAvailability(availability, this.statusMessage);
  }

  /** Tells contacts a status message (empty: none) beside the availability; kept for the account. */
  setStatusMessage(message: string): void {
    const text = message.trim().slice(0, STATUS_MESSAGE_MAX);
    if (this.address) saveStatusMessage(this.address, text);
    this.showAvailability(this.availability, text);
  }

  /** Announces an availability and status message (chosen here, or in another tab of the browser). */
  private showAvailability(availability: Availability, message: string): void {
    this.availability = availability;
    this.statusMessage = message;
    this.announce();
    this.host.requestUpdate();
  }

  /** Our presence, as chosen: the availability (`show`) and the status message. */
  private announce(): void {
    const { availability: show, statusMessage: status } = this;
    this.current?.presence.set({ ...(show === 'online' ? {} : { show }), ...(status ? { status } : {}) });
  }

  /** The element is back on the page after `leave`: it signs in anew, as a new element would. */
  back(): void {
    this.left = false;
    this.suspended = undefined;
  }

  /** Back to signed out, this session's conversations forgotten (`error`: why, if it failed). */
  private reset(error?: string): void {
    this.store.clear();
    this.drafts.clear();
    this.recent = 'idle';
    this.histories.clear();
    this.people.clear();
    this.rooms.clear();
    this.phase = 'signed-out';
    this.signedOut = false;
    this.error = error;
    this.remembered = false;
    this.keyLogin = false;
    this.account = undefined;
    this.active = undefined;
    this.pending = undefined;
    this.pendingAccount = undefined;
    this.divider = undefined;
    this.viewing = undefined;
    if (this.status !== 'offline') {
      this.status = 'offline';
      this.host.dispatchEvent(new McStatusEvent({ status: 'offline' }));
    }
    this.unreadChanged();
    this.host.requestUpdate();
  }

  /** Connects again after the link was lost. */
  reconnect(): void {
    // A failure comes back through the `status` event (and its error), which updates the view.
    this.current?.connect().catch(() => undefined);
  }

  /** The text typed in a conversation's composer and not sent (see `keepDraft`). */
  draft(jid: Jid): string {
    return this.drafts.get(jid) ?? '';
  }

  /**
   * Keeps what the user typed in the open conversation and did not send, for when they come back
   * to it: in memory only (never stored), until sent, emptied or signed out.
   */
  keepDraft(text: string): void {
    if (!this.active) return;
    if (text.trim()) this.drafts.set(this.active, text);
    else this.drafts.delete(this.active);
  }

  /** Sends a message to the open conversation. */
  send(body: string): void {
    const chat = this.current;
    const to = this.active;
    if (!chat || !to || !body.trim()) return;
    this.drafts.delete(to);
    // The SDK reports the sent message on its `message` event (direction 'out') before `send`
    // returns; `receive` adds it and tells the host page, once. Sending implies the chat state
    // `active` (the SDK sends it with the message).
    this.stopComposing(false);
    // A room we are in gets the message through the room (type groupchat).
    if (!this.rooms.send(to, body)) chat.send(to, body);
  }

  /**
   * Sends a message that failed again: it leaves its place and goes out anew as the newest
   * message (with a new id and its own delivery states).
   */
  retry(id: string): void {
    const chat = this.current;
    const to = this.active;
    const failed = to
      ? this.store.get(to)?.messages.find((m) => m.id === id && m.direction === 'out')
      : undefined;
    if (!chat || !to || failed?.state !== 'failed') return;
    this.store.remove(to, id);
    if (!this.rooms.send(to, failed.body)) chat.send(to, failed.body);
    this.host.requestUpdate();
  }

  /** Our newest message in the open conversation: the one Up arrow edits. */
  get lastOwn(): Message | undefined {
    return this.active ? this.store.lastOwn(this.active) : undefined;
  }

  /** Corrects our last message in the open conversation (XEP-0308). */
  async correct(id: string, body: string): Promise<void> {
    const chat = this.current;
    if (!chat || !body.trim()) return;
    this.stopComposing(false);
    try {
      // The SDK announces the new text on `message:updated`, which updates the view.
      await chat.correct(id, body);
    } catch (error) {
      console.warn('mailbox-chat: the correction failed', error);
    }
  }

  /**
   * The user typed in the open conversation's composer (`empty`: the field is empty now). Sends
   * `composing` (at most every {@link TYPING_THROTTLE} ms), `paused` after {@link TYPING_IDLE} ms
   * without typing, and `active` when the field was emptied.
   */
  composing(empty: boolean): void {
    const chat = this.current;
    const to = this.active;
    if (!chat || !to || this.status !== 'online') return;
    if (empty) {
      this.stopComposing(true, 'active');
      return;
    }
    const now = Date.now();
    if (this.composingIn !== to || now - this.composingSent >= TYPING_THROTTLE) {
      if (this.composingIn && this.composingIn !== to) this.stopComposing(true);
      this.setTyping(to, 'composing');
      this.composingSent = now;
      this.composingIn = to;
    }
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stopComposing(true), TYPING_IDLE);
  }

  /** Ends our `composing`: tells the peer `paused` (or `state`) when `tell`, else just forgets it. */
  private stopComposing(tell: boolean, state: TypingState = 'paused'): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    const to = this.composingIn;
    this.composingIn = undefined;
    this.composingSent = 0;
    if (tell && to) this.setTyping(to, state);
  }

  private setTyping(to: Jid, state: TypingState): void {
    try {
      this.current?.setTyping(to, state);
    } catch (error) {
      console.warn('mailbox-chat: could not send the chat state', error);
    }
  }

  /** A peer's chat state: `composing` shows the typing line; anything else (or a timeout) ends it. */
  private peerTyping(conversation: Jid, from: Jid, state: TypingState): void {
    // In a room, each occupant types for themselves; one-to-one, the contact (any device).
    const inRoom = this.current?.rooms.get(conversation) !== undefined;
    const who = !inRoom && bareJid(from) === conversation ? conversation : from;
    const key = `${conversation} ${who}`;
    clearTimeout(this.typingTimers.get(key));
    this.typingTimers.delete(key);
    const typing = state === 'composing';
    if (typing) {
      this.store.ensure(conversation);
      this.typingTimers.set(
        key,
        setTimeout(() => {
          this.typingTimers.delete(key);
          if (this.store.setTyping(conversation, who, false)) this.host.requestUpdate();
        }, TYPING_TIMEOUT),
      );
    }
    if (this.store.setTyping(conversation, who, typing)) this.host.requestUpdate();
  }

  /**
   * Milliseconds after which the server deletes shared files (`files.expiresAfter` of the SDK):
   * such attachments then show as expired. Read at sign-in. Default one hour, as on mailbox.
   */
  filesExpireAfter: number | undefined = 3_600_000;

  /** The largest file the server accepts, in bytes, when it says. */
  get uploadLimit(): number | undefined {
    return this.current?.server?.uploadMaxBytes;
  }

  /**
   * Uploads a file and sends it to the open conversation; the message then arrives on the SDK's
   * `message` event like any other.
   *
   * @throws ChatError as `chat.sendFile` (`file-too-large`, `upload-failed`, `aborted`, …).
   */
  async sendFile(file: File, options: UploadOptions = {}): Promise<void> {
    const chat = this.current;
    const to = this.active;
    if (!chat || !to) throw new ChatError(ErrorCodes.notConnected, 'No open conversation');
    this.stopComposing(false);
    // In a room, the file goes to everyone there (type groupchat).
    const room = chat.rooms.get(to);
    if (room) await room.send({ ...options, file });
    else await chat.sendFile(to, file, options);
  }

  /** How far back a conversation's history is loaded from the archive. */
  historyOf(jid: Jid): HistoryState | undefined {
    // The stored object itself: the same object until the state changes, so views re-render only then.
    return this.histories.get(jid);
  }

  /** Loads a conversation's newest history page when none is loaded yet, or after a failure. */
  private resumeHistory(jid: Jid): void {
    const h = this.histories.get(jid);
    if (this.current?.status === 'online' && (!h || (h.error && !h.loading))) void this.loadHistory(jid);
  }

  /**
   * Loads the next older page of a conversation's history from the archive (the newest page
   * first). At the archive's start (or without an archive) the history is `complete`.
   */
  async loadHistory(jid: Jid): Promise<void> {
    const chat = this.current;
    const h = this.histories.get(jid);
    if (!chat || h?.loading || h?.complete) return;
    const cursor = h?.cursor;
    const keep = cursor !== undefined ? { cursor } : {};
    // The request first, then the view: see `renderAfterHistoryRequest`.
    const request = chat.archive.history(jid, {
      ...(cursor !== undefined ? { before: cursor } : {}),
      limit: 50,
    });
    this.historyAsked = true;
    this.histories.set(jid, { loading: true, complete: false, ...keep });
    this.host.requestUpdate();
    try {
      const page = await request;
      if (this.current !== chat) return;
      this.store.addHistory(jid, page.messages);
      // Asked for before the room was joined, and it is now: which messages are ours is known.
      const room = chat.rooms.get(jid);
      if (room?.joined) this.store.claim(jid, `${jid}/${room.nick}`);
      const next = page.before ?? cursor;
      this.histories.set(jid, {
        loading: false,
        brought: new Set(page.messages.map(messageKey)),
        complete: page.complete || page.before === undefined,
        ...(page.horizon ? { horizon: page.horizon } : {}),
        ...(next !== undefined ? { cursor: next } : {}),
        ...(cursor === undefined && !page.messages.length && page.complete ? { empty: true } : {}),
      });
    } catch (error) {
      if (this.current !== chat) return;
      const code = codeOf(error);
      // No archive on this server (or in this room): the history is what this session saw.
      this.histories.set(
        jid,
        code === 'service-unavailable'
          ? { loading: false, complete: true }
          : { loading: false, complete: false, error: code, ...keep },
      );
      if (code !== 'service-unavailable') console.warn('mailbox-chat: could not load the history', error);
    }
    this.host.requestUpdate();
  }

  /**
   * True once after a conversation's history was asked for (the host's next render then waits for
   * a task). The request reaches the socket through a chain of microtasks (the SDK's, StanzaJS's
   * queue); a render started in between runs first — opening a conversation is the largest render
   * there is (its header, list and composer) and held the request up 30–50 ms in the bench's frame
   * logs. Rendered in the next task, the view follows a few milliseconds later and the history
   * arrives that much sooner.
   */
  renderAfterHistoryRequest(): boolean {
    const asked = this.historyAsked;
    this.historyAsked = false;
    return asked;
  }

  /** Opens a conversation (a new one when there is none yet), or goes back to the list. */
  select(jid: Jid | undefined): void {
    const bare = jid ? bareJid(jid) : undefined;
    if (bare) this.store.ensure(bare);
    if (bare !== this.active) this.stopComposing(true);
    if (bare !== this.active) this.divider = undefined;
    this.active = bare;
    if (bare) this.resumeHistory(bare);
    this.refreshViewing();
    this.host.requestUpdate();
  }

  /** Opens a conversation now, or once signed in. */
  openConversation(jid: Jid): void {
    if (this.phase === 'signed-in') this.select(jid);
    else {
      this.pending = jid;
      this.pendingAccount = undefined;
    }
  }

  /**
   * Opens the conversation that was open before the page was loaded, once signed in to the same
   * account; one the host asks for (`openConversation`) goes first.
   */
  restoreConversation(account: Jid, jid: Jid): void {
    if (this.phase === 'signed-in' || this.pending) return;
    this.pending = jid;
    this.pendingAccount = account;
  }

  /** The open conversation and its account, or the one waiting for the sign-in to open. */
  get openedConversation(): { account: Jid; jid: Jid } | undefined {
    if (this.phase === 'signed-in') {
      return this.active && this.account ? { account: this.account, jid: this.active } : undefined;
    }
    return this.pending && this.pendingAccount
      ? { account: this.pendingAccount, jid: this.pending }
      : undefined;
  }

  /** Whether the panel is on screen (the launcher is open, or the mode always shows it). */
  setPanelVisible(visible: boolean): void {
    if (visible === this.panelVisible) return;
    this.panelVisible = visible;
    this.refreshViewing();
  }

  private receive(message: Message): void {
    const viewing = this.viewing === message.conversation;
    if (!this.store.add(message, viewing, this.calling(message))) return;
    // Seen at once: tell the sender (XEP-0333 `displayed`).
    if (viewing && message.direction === 'in') this.markRead(message.conversation);
    this.host.dispatchEvent(new McMessageEvent({ message }));
    this.unreadChanged();
    this.host.requestUpdate();
  }

  /** The conversation the user is looking at right now, if any, counts as read. */
  private refreshViewing(): void {
    const visible = this.phase === 'signed-in' && this.panelVisible && document.visibilityState === 'visible';
    const viewing = visible ? this.active : undefined;
    if (viewing === this.viewing) return;
    this.viewing = viewing;
    if (viewing) {
      const divider = this.store.markRead(viewing);
      if (divider) this.divider = divider;
      if (this.store.get(viewing)?.messages.some((m) => m.direction === 'in')) this.markRead(viewing);
      this.unreadChanged();
    }
    this.host.requestUpdate();
  }

  /** Tells the SDK (and so the peer, XEP-0333) that the user has seen a conversation. */
  private markRead(jid: Jid): void {
    try {
      this.current?.markRead(jid);
    } catch (error) {
      console.warn('mailbox-chat: could not mark the conversation read', error);
    }
  }

  private unreadChanged(): void {
    const count = this.store.calls;
    if (count === this.lastUnread) return;
    this.lastUnread = count;
    this.host.dispatchEvent(new McUnreadEvent({ count }));
  }
}
