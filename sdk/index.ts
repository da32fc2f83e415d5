// The public API of `mailbox-chat/sdk`. Only what is exported here is supported.
export { createChat } from './client.js';
export type { Chat, ChatOptions } from './client.js';
export { ChatError, ErrorCodes, isChatError } from './errors.js';
export { FileTooLargeError, UploadFailedError } from './errors.js';
export type { Files, UploadData, UploadedFile, UploadOptions, UploadProgress } from './features/files.js';
export type {
  AcceptOptions,
  SentTransfer,
  TransferData,
  TransferOffer,
  TransferOptions,
  TransferProgress,
  Transfers,
} from './features/transfers.js';
export type { ChatErrorOptions, ErrorCode } from './errors.js';
export type { ChatEvents } from './events.js';
export { bareJid } from './jid.js';
export type {
  Jid,
  LoginKey,
  LoginKeyStorage,
  Message,
  MessageState,
  ResumeState,
  ResumeStorage,
  ServerInfo,
  Status,
} from './types.js';
export { createTabLoginKeyStorage } from './login-key.js';
export type { TabLoginKeyOptions } from './login-key.js';
export type { ReconnectOptions } from './features/session.js';
export type { Conversations } from './features/chats.js';
export type { Attachment, Conversation, TypingState } from './types.js';
export type { Blocking } from './features/blocking.js';
export type { Contacts } from './features/contacts.js';
export type { PresenceApi } from './features/presence.js';
export type { ProfileApi } from './features/profile.js';
export type { Push } from './features/push.js';
export { PresenceShows } from './types.js';
export type {
  Contact,
  OwnPresence,
  Presence,
  PresenceShow,
  Profile,
  PushTarget,
  RequestOptions,
  Subscription,
} from './types.js';
export type {
  AffiliationEntry,
  JoinOptions,
  Occupant,
  OccupantLeaveReason,
  Room,
  RoomAffiliation,
  RoomConfig,
  RoomInfo,
  RoomInvite,
  RoomLeaveReason,
  RoomRole,
  Rooms,
  RoomSummary,
  RoomFile,
  RoomsOptions,
} from './features/rooms.js';
export type {
  Archive,
  ArchivePreferences,
  HistoryOptions,
  HistoryPage,
  RecentOptions,
} from './features/archive.js';
export type { Bookmark, BookmarkInput, Bookmarks } from './features/bookmarks.js';
export { createIndexedDbStore, createMemoryStore, DEFAULT_STORE_LIMITS } from './store/index.js';
export type {
  IndexedDbStoreOptions,
  Store,
  StoreChanges,
  StoredConversation,
  StoredMessageRef,
  StoreLimits,
} from './store/index.js';
