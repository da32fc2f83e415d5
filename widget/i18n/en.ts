/** English texts; the reference every other language file must match key for key. */
export const en = {
  'status.offline': 'Offline',
  'status.connecting': 'Connecting…',
  'status.online': 'Online',
  'status.reconnecting': 'Reconnecting…',
  'status.disconnected': 'Disconnected',
  'login.jid': 'E-mail address',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'compose.to': 'To',
  'compose.message': 'Message',
  'compose.send': 'Send',
  'messages.label': 'Messages',
  'error.auth-failed': 'The e-mail address or password is wrong.',
  'error.connection-failed': 'The chat server cannot be reached.',
  'error.certificate': 'The chat server’s certificate is not valid.',
  'error.timeout': 'The chat server did not answer in time.',
  'error.unknown': 'Something went wrong.',
} as const;

/** A text key. */
export type TextKey = keyof typeof en;
/** A complete language: every key of English. */
export type Texts = Record<TextKey, string>;
