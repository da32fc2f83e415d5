import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Jid, Message } from '../../sdk/index.js';
import type { McMessageEvent } from '../events/message.js';

/** Where the user's choice is kept (the widget's own key; no message content is ever stored). */
export const STORAGE_KEY = 'mailbox-chat:notifications';

/** Longest message text shown in a desktop notification. */
const BODY = 140;

/** The page's title with an unread count in front: `(3) Intranet`. Pure. */
export function badgeTitle(title: string, count: number): string {
  return count > 0 ? `(${count > 99 ? '99+' : count}) ${title}` : title;
}

/** What the notifier needs from the widget. */
export interface NotifierOptions {
  /**
   * Whether a message calls for the user (any in a one-to-one chat; in a room, one that mentions
   * them, as Converse.js and Conversations have it): only those count in the title and notify.
   */
  calls?(message: Message): boolean;
  /** No desktop notification for now (the user chose "do not disturb"); the title still counts. */
  quiet?(): boolean;
  /** The notification's title for a message (localized, with the sender's and room's names). */
  title(message: Message): string;
  /** The user clicked a notification: show that conversation. */
  open(conversation: Jid): void;
}

const storage = (): Storage | undefined => {
  try {
    return globalThis.localStorage;
  } catch {
    // Storage can be blocked (privacy settings, sandboxed frames): the choice then lasts for the page.
    return undefined;
  }
};

/**
 * New-message alerts while the page is hidden (another tab is in front, or the window is
 * minimized): the count in front of the page's title (`(3) Intranet`, back to `Intranet` when the
 * page is visible again) and, when the user turned them on, desktop notifications. Permission is
 * asked only from {@link toggle}, which the widget calls on a click. No sound.
 */
export class Notifier implements ReactiveController {
  private readonly host: ReactiveControllerHost & HTMLElement;
  private readonly options: NotifierOptions;
  private wanted: boolean;
  private count = 0;
  /** The page's own title, while ours (with the count) is shown. */
  private original: string | undefined;
  private shown: string | undefined;
  private open = new Set<Notification>();

  constructor(host: ReactiveControllerHost & HTMLElement, options: NotifierOptions) {
    this.host = host;
    this.options = options;
    this.wanted = storage()?.getItem(STORAGE_KEY) === 'on';
    host.addController(this);
  }

  /** Whether this browser has desktop notifications at all. */
  get supported(): boolean {
    return typeof Notification === 'function';
  }

  private permissionKnown: NotificationPermission | undefined;
  private permissionWatch: { status: PermissionStatus; onChange: () => void } | undefined;

  /**
   * The browser's notification permission, read once and then kept: each read of
   * `Notification.permission` is a synchronous call into the browser (about a millisecond of main
   * thread in Chromium, and renders ask for it). It is read again when it can have changed: after
   * {@link toggle} asked, when the browser reports a change (the Permissions API), and when the
   * page comes back into view (for browsers without change events).
   */
  private get permission(): NotificationPermission {
    this.permissionKnown ??= Notification.permission;
    return this.permissionKnown;
  }

  /** Reads the permission again; re-renders the host when it changed. */
  private refreshPermission(): void {
    if (!this.supported || this.permissionKnown === undefined) return;
    const now = Notification.permission;
    if (now === this.permissionKnown) return;
    this.permissionKnown = now;
    this.host.requestUpdate();
  }

  /** Desktop notifications are on: the user wants them and the browser allows them. */
  get enabled(): boolean {
    return this.wanted && this.supported && this.permission === 'granted';
  }

  /** The browser refuses notifications for this site (the user said no, or the admin did). */
  get denied(): boolean {
    return this.supported && this.permission === 'denied';
  }

  hostConnected(): void {
    this.host.addEventListener('mc-message', this.onMessage);
    document.addEventListener('visibilitychange', this.onVisibility);
    this.watchPermission();
  }

  hostDisconnected(): void {
    this.host.removeEventListener('mc-message', this.onMessage);
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.permissionWatch?.status.removeEventListener('change', this.permissionWatch.onChange);
    this.permissionWatch = undefined;
    this.reset();
  }

  /**
   * Follows changes the user makes in the browser's site settings while the page is open. The
   * answer also tells the permission itself, without the synchronous call: the widget's first
   * signed-in render needs it, and by then the answer is usually in (in the bench's profiles that
   * call took up to 3 ms of that render).
   */
  private watchPermission(): void {
    if (!this.supported || typeof navigator.permissions?.query !== 'function') return;
    navigator.permissions.query({ name: 'notifications' }).then(
      (status) => {
        if (!this.host.isConnected || this.permissionWatch) return;
        this.permissionKnown ??= status.state === 'prompt' ? 'default' : status.state;
        const onChange = () => this.refreshPermission();
        status.addEventListener('change', onChange);
        this.permissionWatch = { status, onChange };
      },
      () => undefined, // no such permission name in this browser: the visibility check remains
    );
  }

  /**
   * Turns desktop notifications on (asking the browser's permission the first time) or off. Call
   * it from a user action: browsers ignore permission requests that no click asked for.
   */
  async toggle(): Promise<void> {
    if (!this.supported) return;
    if (this.enabled) {
      this.wanted = false;
    } else {
      const permission =
        Notification.permission === 'default'
          ? await Notification.requestPermission()
          : Notification.permission;
      this.permissionKnown = permission;
      this.wanted = permission === 'granted';
    }
    try {
      storage()?.setItem(STORAGE_KEY, this.wanted ? 'on' : 'off');
    } catch (error) {
      // A full or blocked storage: the choice still holds for this page.
      console.warn('mailbox-chat: could not keep the notification setting', error);
    }
    this.host.requestUpdate();
  }

  private onMessage = (event: McMessageEvent): void => {
    const { message } = event.detail;
    if (message.direction !== 'in' || document.visibilityState !== 'hidden') return;
    if (this.options.calls && !this.options.calls(message)) return;
    this.count += 1;
    this.showCount();
    if (this.enabled && !this.options.quiet?.()) this.notify(message);
  };

  private onVisibility = (): void => {
    if (document.visibilityState !== 'visible') return;
    this.reset();
    this.refreshPermission();
  };

  private showCount(): void {
    // The page may have changed its own title meanwhile: keep that one as the original.
    if (this.original === undefined || document.title !== this.shown) this.original = document.title;
    this.shown = badgeTitle(this.original, this.count);
    document.title = this.shown;
  }

  /** The page is in view again: its own title back, and the notifications gone. */
  private reset(): void {
    if (this.original !== undefined && document.title === this.shown) document.title = this.original;
    this.original = undefined;
    this.shown = undefined;
    this.count = 0;
    for (const notification of this.open) notification.close();
    this.open.clear();
  }

  private notify(message: Message): void {
    const text = message.body.length > BODY ? `${message.body.slice(0, BODY)}…` : message.body;
    try {
      const notification = new Notification(this.options.title(message), {
        body: text,
        // One notification per conversation: a newer message replaces the older one.
        tag: `mailbox-chat:${message.conversation}`,
      });
      this.open.add(notification);
      notification.addEventListener('close', () => this.open.delete(notification));
      notification.addEventListener('click', () => {
        window.focus();
        this.options.open(message.conversation);
        notification.close();
      });
    } catch (error) {
      // Some browsers (Android Chrome) allow notifications only from a service worker.
      console.warn('mailbox-chat: could not show a notification', error);
    }
  }
}
