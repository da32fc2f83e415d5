// The local store: interface and the two built-in implementations.
export { createMemoryStore } from './memory.js';
export { createIndexedDbStore, type IndexedDbStoreOptions } from './indexeddb.js';
export {
  DEFAULT_STORE_LIMITS,
  type Store,
  type StoreChanges,
  type StoredConversation,
  type StoredMessageRef,
  type StoreLimits,
} from './store.js';
