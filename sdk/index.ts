// The public API of `mailbox-chat/sdk`. Only what is exported here is supported.
export { createChat } from './client.js';
export type { Chat, ChatOptions } from './client.js';
export { ChatError, ErrorCodes, isChatError } from './errors.js';
export type { ChatErrorOptions, ErrorCode } from './errors.js';
export type { ChatEvents } from './events.js';
export { bareJid } from './jid.js';
export type { Jid, Message, MessageState, ResumeState, ResumeStorage, ServerInfo, Status } from './types.js';
export type { ReconnectOptions } from './features/session.js';
