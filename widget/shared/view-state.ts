// What of the panel survives a page load in the same browser tab: whether the launcher's panel
// was open, the tab shown and the open conversation (with the account it belongs to). An
// intranet is many pages; moving between them should not close the chat or lose the
// conversation. Kept in `sessionStorage`, so it ends with the tab; it holds addresses, no message
// text and no credentials (a login kept for the tab is the SDK's `createTabLoginKeyStorage`). The lazy build's launcher reads it too (to load at once when the panel
// was open), so this module stays small and free of Lit.

/** The panel's state as a page load finds it. */
export interface ViewState {
  /** The launcher's panel was open. */
  open?: boolean;
  /** The tab shown: `chats`, `contacts` or `rooms`. */
  tab?: string;
  /** The open conversation, and the account it was open in. */
  active?: { account: string; jid: string };
  /** The account signed in with "stay signed in while this tab is open". */
  login?: string;
}

/** The storage key of one element: `mailbox-chat:view`, with the element's id when it has one. */
export const viewKey = (id: string): string => 'mailbox-chat:view' + (id && ':' + id);

/** The state saved under `key`; `{}` when there is none, it is malformed, or storage is off. */
export function loadView(key: string): ViewState {
  try {
    // Blocked storage (sandboxed frames) and a stored `null` throw here; any other value that is
    // not our object has none of the fields read.
    const { open, tab, active, login } = JSON.parse(sessionStorage.getItem(key) ?? '{}') as Record<
      string,
      unknown
    >;
    const { account, jid } = (active ?? {}) as Record<string, unknown>;
    return {
      ...(open === true ? { open } : {}),
      ...(typeof tab === 'string' ? { tab } : {}),
      ...(typeof account === 'string' && typeof jid === 'string' ? { active: { account, jid } } : {}),
      ...(typeof login === 'string' ? { login } : {}),
    };
  } catch {
    return {};
  }
}

/** Saves the state under `key` (nothing when storage is off or full). */
export function saveView(key: string, state: ViewState): void {
  try {
    sessionStorage.setItem(key, JSON.stringify(state));
  } catch {
    // Storage blocked or full: the panel just starts closed next time.
  }
}
