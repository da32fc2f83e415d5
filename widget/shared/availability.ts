// The availability the user chose in the header, and their status message, per account, for
// every tab of this browser: `localStorage` `mailbox-chat:availability:<account>` holds `away` or
// `dnd` (nothing: available), `mailbox-chat:status:<account>` the message (nothing: none). A tab
// that signs in starts with them, and a change in one tab reaches the others (`storage` events):
// each tab is a session of its own, and a second portal tab that told contacts "available" would
// undo the first one's "do not disturb".

/** What the user tells contacts about being reachable (their presence `show`, RFC 6121). */
export type Availability = 'online' | 'away' | 'dnd';

const key = (account: string): string => `mailbox-chat:availability:${account.toLowerCase()}`;
const messageKey = (account: string): string => `mailbox-chat:status:${account.toLowerCase()}`;
/** The longest status message kept (and offered by the header's dialog). */
export const STATUS_MESSAGE_MAX = 140;
const parse = (value: string | null | undefined): Availability =>
  value === 'away' || value === 'dnd' ? value : 'online';

/** The availability kept for `account`; `online` when none is (or storage is blocked). */
export function loadAvailability(account: string): Availability {
  try {
    return parse(globalThis.localStorage?.getItem(key(account)));
  } catch {
    return 'online';
  }
}

/** Keeps `availability` for `account` (nothing kept means available). */
export function saveAvailability(account: string, availability: Availability): void {
  try {
    if (availability === 'online') localStorage.removeItem(key(account));
    else localStorage.setItem(key(account), availability);
  } catch {
    // Storage blocked or full: the choice holds for this tab only.
  }
}

/** The status message kept for `account`; empty when none is (or storage is blocked). */
export function loadStatusMessage(account: string): string {
  try {
    return (globalThis.localStorage?.getItem(messageKey(account)) ?? '').slice(0, STATUS_MESSAGE_MAX);
  } catch {
    return '';
  }
}

/** Keeps `message` for `account` (an empty one is kept as nothing). */
export function saveStatusMessage(account: string, message: string): void {
  try {
    if (message) localStorage.setItem(messageKey(account), message);
    else localStorage.removeItem(messageKey(account));
  } catch {
    // Storage blocked or full: the message holds for this tab only.
  }
}

/**
 * Calls `changed` when another tab changes `account`'s availability or status message (with
 * both, as kept now); returns the undo.
 */
export function watchAvailability(
  account: string,
  changed: (availability: Availability, message: string) => void,
): () => void {
  const onStorage = (event: StorageEvent): void => {
    if (event.key === key(account) || event.key === messageKey(account)) {
      changed(loadAvailability(account), loadStatusMessage(account));
    }
  };
  addEventListener('storage', onStorage);
  return () => removeEventListener('storage', onStorage);
}
