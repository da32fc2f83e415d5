// Entry of the lazy browser build `dist/lazy/mailbox-chat.js`: registers the shell of
// `<mailbox-chat>`; the widget itself is a separate file it loads on idle or on open.
import { MailboxChatShell } from './shell.js';

if (!customElements.get('mailbox-chat')) customElements.define('mailbox-chat', MailboxChatShell);

export { MailboxChatShell };
