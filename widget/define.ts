// The only module with side effects: registers the elements. Loading it twice is harmless.
import { MailboxChatElement } from './mailbox-chat/mailbox-chat.js';

if (!customElements.get('mailbox-chat')) customElements.define('mailbox-chat', MailboxChatElement);

declare global {
  interface HTMLElementTagNameMap {
    'mailbox-chat': MailboxChatElement;
  }
}
