// The DOM events `<mailbox-chat>` dispatches on itself, one class per event.
export { McCloseEvent } from './close.js';
export { McMessageEvent } from './message.js';
export { McOpenEvent } from './open.js';
export { McStatusEvent } from './status.js';
export { McUnreadEvent } from './unread.js';
