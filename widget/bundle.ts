// Entry of the single-file browser build `dist/mailbox-chat.js`: the element plus the SDK.
export * from '../sdk/index.js';
export * from './index.js';
