/**
 * Plural forms, picked with `Intl.PluralRules` for the language; `#` stands for the formatted
 * count. `other` is required, the rest as the language needs them.
 */
export interface PluralText {
  readonly zero?: string;
  readonly one?: string;
  readonly two?: string;
  readonly few?: string;
  readonly many?: string;
  readonly other: string;
}

/**
 * English texts: the reference every other language file must match key for key (the type
 * checker enforces it). `{name}` placeholders are filled in by the caller.
 */
export const en = {
  'app.title': 'Chat',
  'launcher.open': 'Open chat',
  'launcher.openUnread': { one: 'Open chat, # unread message', other: 'Open chat, # unread messages' },
  'launcher.close': 'Close chat',
  'panel.close': 'Close chat',

  'status.offline': 'Offline',
  'status.connecting': 'Connecting…',
  'status.online': 'Online',
  'status.reconnecting': 'Reconnecting…',
  'status.disconnected': 'Disconnected',
  'status.reconnect': 'Reconnect',
  'status.lost': 'The connection was lost. Messages you write now are sent once it is back.',

  'login.title': 'Sign in to chat',
  'login.hint': 'Use your mailbox e-mail address and password.',
  'login.jid': 'E-mail address',
  'login.jidPlaceholder': 'name@example.com',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.busy': 'Signing in…',
  'login.sso': 'Signing you in…',
  'login.signedOut': 'You are signed out.',
  'login.again': 'Sign in',
  'login.retry': 'Try again',
  logout: 'Sign out',

  'error.auth-failed': 'The e-mail address or password is wrong.',
  'error.account-disabled': 'This account is disabled.',
  'error.connection-failed': 'The chat server cannot be reached.',
  'error.certificate': 'The chat server’s certificate is not valid.',
  'error.timeout': 'The chat server did not answer in time.',
  'error.not-connected': 'You are not connected to the chat server.',
  'error.stream-error': 'The chat server ended the connection.',
  'error.aborted': 'The request was cancelled.',
  'error.invalid-argument': 'Please check the e-mail address.',
  'error.credentials': 'The portal could not sign you in to the chat.',
  'error.unknown': 'Something went wrong.',

  'list.title': 'Conversations',
  'list.new': 'New conversation',
  'list.empty': 'No conversations yet',
  'list.emptyHint': 'Start one with a colleague’s e-mail address.',
  'list.you': 'You: {text}',
  'list.unread': { one: '# unread message', other: '# unread messages' },
  'new.label': 'E-mail address',
  'new.start': 'Start',
  'new.cancel': 'Cancel',
  'new.invalid': 'Enter an address like name@example.com.',

  'conversation.back': 'Back to conversations',
  'conversation.log': 'Messages with {name}',
  'conversation.empty': 'No messages yet. Say hello!',
  'conversation.none': 'Choose a conversation or start a new one.',
  'conversation.you': 'You',
  'conversation.newMessages': { one: '# new message', other: '# new messages' },
  'conversation.jump': 'Jump to the latest message',
  'conversation.jumpNew': {
    one: 'Jump to the latest message, # new',
    other: 'Jump to the latest message, # new',
  },
  'conversation.typing': '{name} is typing…',
  'conversation.showMore': 'Show the whole message',
  'conversation.showLess': 'Show less',
  'conversation.edited': 'edited',
  'conversation.editedFrom': 'Edited. Before: {text}',
  'attachment.file': 'File',
  'attachment.open': 'Open {name} in a new tab',
  'attachment.expired': '{name} is no longer available.',

  'state.queued': 'Waiting to be sent',
  'state.sent': 'Sent',
  'state.acked': 'Received by the server',
  'state.delivered': 'Delivered',
  'state.displayed': 'Read',
  'state.failed': 'Not sent',

  'composer.label': 'Message to {name}',
  'composer.placeholder': 'Write a message…',
  'composer.hint': 'Enter sends, Shift+Enter starts a new line, Up arrow edits your last message.',
  'composer.send': 'Send',
  'composer.save': 'Save the correction',
  'composer.editing': 'Editing your message',
  'composer.editLabel': 'Correct your last message',
  'composer.editHint': 'Enter saves, Escape cancels.',
  'composer.cancelEdit': 'Cancel editing',
} as const;

type English = typeof en;
/** A text key. */
export type TextKey = keyof English;
/** Keys of plain texts. */
export type StringKey = { [K in TextKey]: English[K] extends string ? K : never }[TextKey];
/** Keys of texts with plural forms. */
export type PluralKey = Exclude<TextKey, StringKey>;
/** A complete language: every key of English, plain or plural as in English. */
export type Texts = { readonly [K in TextKey]: English[K] extends string ? string : PluralText };
