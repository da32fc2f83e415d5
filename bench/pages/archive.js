/* global fetch, window, performance, indexedDB */
// The archive catch-up in Chromium: the SDK from the single-file build, with its IndexedDB store
// (default limits), measured by the same code as in Node (bench/lib/catch-up.mjs).
import { createChat, createIndexedDbStore } from '/mailbox-chat.js';
import { measureCatchUp } from '/bench-lib/catch-up.mjs';

const config = await (await fetch('/bench/config.json')).json();
const socket = new URL('/xmpp-websocket', location.href);
socket.protocol = 'ws:';
window.benchCatchUp = async () => {
  // A fresh profile: nothing stored yet.
  const databases = (await indexedDB.databases?.()) ?? [];
  if (databases.length) throw new Error(`IndexedDB is not empty: ${databases.map((d) => d.name).join(', ')}`);
  return measureCatchUp({
    createChat,
    store: createIndexedDbStore({ jid: config.jid }),
    jid: config.jid,
    password: config.password,
    service: socket.href,
    peers: config.peers,
    expected: config.expected,
    memory: () => performance.memory.usedJSHeapSize,
  });
};
window.benchLoaded = true;
