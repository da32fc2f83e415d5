/* global self */
// The worker that `prepareDateFormats` (date-formats.ts) starts: it creates one collator (the
// contact list's sort) and one date format, and ends. The browser builds copy it beside their
// bundle as `mailbox-chat-intl.js`.
new Intl.Collator().compare('a', 'b');
new Intl.DateTimeFormat(undefined, { timeStyle: 'short' }).format(0);
self.close();
