/* global self */
// The worker that `prepareDateFormats` (date-formats.ts) starts: it creates one date format and
// ends. The browser builds copy it beside their bundle as `mailbox-chat-intl.js`.
new Intl.DateTimeFormat(undefined, { timeStyle: 'short' }).format(0);
self.close();
