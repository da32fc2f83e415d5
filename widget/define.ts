// The only module with side effects: registers the elements. Loading it twice is harmless.
import { McComposer } from './composer/composer.js';
import { McConversationList } from './conversation-list/conversation-list.js';
import { McLogin } from './login/login.js';
import { MailboxChatElement } from './mailbox-chat/mailbox-chat.js';
import { McMessageList } from './message-list/message-list.js';
import { McAddContact } from './contact-list/add-contact.js';
import { McContactList } from './contact-list/contact-list.js';
import { McRoomDialog } from './rooms/room-dialog.js';
import { McRoomInfo } from './rooms/room-info.js';
import { McRoomList } from './rooms/room-list.js';
import { McStatusDialog } from './dialog/status-dialog.js';

const elements: Record<string, CustomElementConstructor> = {
  'mailbox-chat': MailboxChatElement,
  'mc-login': McLogin,
  'mc-conversation-list': McConversationList,
  'mc-message-list': McMessageList,
  'mc-composer': McComposer,
  'mc-contact-list': McContactList,
  'mc-add-contact': McAddContact,
  'mc-room-list': McRoomList,
  'mc-room-dialog': McRoomDialog,
  'mc-room-info': McRoomInfo,
  'mc-status-dialog': McStatusDialog,
};
for (const [name, element] of Object.entries(elements)) {
  if (!customElements.get(name)) customElements.define(name, element);
}

declare global {
  interface HTMLElementTagNameMap {
    'mailbox-chat': MailboxChatElement;
    'mc-login': McLogin;
    'mc-conversation-list': McConversationList;
    'mc-message-list': McMessageList;
    'mc-composer': McComposer;
    'mc-contact-list': McContactList;
    'mc-add-contact': McAddContact;
    'mc-room-list': McRoomList;
    'mc-room-dialog': McRoomDialog;
    'mc-room-info': McRoomInfo;
    'mc-status-dialog': McStatusDialog;
  }
}
