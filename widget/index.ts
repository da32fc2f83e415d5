// The public API of `mailbox-chat/widget`. Importing it registers `<mailbox-chat>`.
import './define.js';

export { MailboxChatElement } from './mailbox-chat/mailbox-chat.js';
export type { Mode, Tab, Theme, WidgetCredentials } from './mailbox-chat/mailbox-chat.js';
export { McCloseEvent, McMessageEvent, McOpenEvent, McStatusEvent, McUnreadEvent } from './events/index.js';
