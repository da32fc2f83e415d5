// SDK clients for server tests: created against the tier's Prosody, disconnected after each test.
// Through the SDK's Node entry, as `mailbox-chat/sdk` resolves in Node: its clients share one
// StanzaJS protocol registry (sdk/transport/shared-registry.ts), as a bot process's do.
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import {
  createChat,
  type Chat,
  type ChatOptions,
  type LoginKey,
  type LoginKeyStorage,
  type ResumeState,
  type ResumeStorage,
  type Status,
} from '../../sdk/node.js';
import { createAccounts, type TestAccount } from './accounts.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { startProsody, type Prosody } from './prosody.mjs';

/**
 * Returns a factory for clients of test accounts (WebSocket to the tier's Prosody, no resume
 * storage unless given); every client it made is disconnected after each test. Call it once, at
 * the top level of a test file.
 */
export function useClients(): (account: TestAccount, options?: Partial<ChatOptions>) => Chat {
  const open: Chat[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((chat) => chat.disconnect()));
  });
  return (account, options = {}) => {
    const chat = createChat({
      jid: account.jid,
      password: account.password,
      service: inject('xmpp').websocketUrl,
      resumeStorage: false,
      ...options,
    });
    open.push(chat);
    return chat;
  };
}

/** Polls `check` until it returns a truthy value (and returns that), or fails after `ms`. */
export async function eventually<T>(check: () => T, ms = 8000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Resolves once `chat` reaches `wanted` (at once if it is there), or fails after `ms`. */
export function until(chat: Chat, wanted: Status, ms = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (chat.status === wanted) return resolve();
    const timer = setTimeout(() => reject(new Error(`still ${chat.status}, wanted ${wanted}`)), ms);
    const off = chat.on('status', ({ status }) => {
      if (status !== wanted) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

/** Connects `chat` and resolves once the server's discovery is in (`chat.server`). */
export async function connectDiscovered(chat: Chat): Promise<Chat> {
  const discovered = new Promise<void>((resolve) => chat.on('server', () => resolve()));
  await chat.connect();
  await discovered;
  return chat;
}

/**
 * Resume storage in memory, shared by the clients given it as the pages of one browser tab share
 * `sessionStorage`; `state` is what it holds now.
 */
export function memoryResumeStorage(): ResumeStorage & { readonly state: ResumeState | undefined } {
  let stored: ResumeState | undefined;
  return {
    load: () => stored,
    save: (state) => {
      stored = state;
    },
    get state() {
      return stored;
    },
  };
}

/** A login key storage in memory, as `createTabLoginKeyStorage` is in a browser tab. */
export function memoryLoginKey(): LoginKeyStorage & { kept: LoginKey | undefined } {
  return {
    kept: undefined,
    load() {
      return this.kept;
    },
    save(key) {
      this.kept = key;
    },
  };
}

/**
 * A client of `account` as a page in a browser tab: its own resume storage (as `sessionStorage`
 * is), and a link to the tier's Prosody through a fault proxy. `reload()` drops the link without
 * closing the stream, as a page that goes away does, waits until the page noticed, and returns the
 * next page's client: same account, link and resume storage, not connected yet. `close()` closes
 * the link.
 */
export async function reloadingPage(
  client: ReturnType<typeof useClients>,
  account: TestAccount,
): Promise<{
  page: Chat;
  resumeStorage: ReturnType<typeof memoryResumeStorage>;
  /** The fault proxy the page's connection goes through. */
  link: FaultProxy;
  /** Cuts the page's link and creates the next page's client; `meanwhile` runs in between. */
  reload(meanwhile?: () => void): Promise<Chat>;
  close(): Promise<void>;
}> {
  const xmpp = inject('xmpp');
  const link = await startFaultProxy({ target: { host: xmpp.host, port: xmpp.ports.http } });
  const resumeStorage = memoryResumeStorage();
  const service = link.url('ws', '/xmpp-websocket');
  const page = client(account, { service, resumeStorage, reconnect: false });
  return {
    page,
    resumeStorage,
    link,
    async reload(meanwhile) {
      link.cutAll();
      await until(page, 'disconnected');
      meanwhile?.();
      return client(account, { service, resumeStorage });
    },
    close: () => link.close(),
  };
}

/** Two online clients of new accounts that are mutual contacts (subscription `both`). */
export async function friends(
  client: ReturnType<typeof useClients>,
  name?: string,
): Promise<{ a: Chat; b: Chat; anna: TestAccount; ben: TestAccount }> {
  const [anna, ben] = await createAccounts(2);
  const a = client(anna!);
  const b = client(ben!);
  await Promise.all([a.connect(), b.connect()]);
  b.on('subscription:request', ({ jid }) => b.contacts.approve(jid));
  await a.contacts.add(ben!.jid, name ? { name } : {});
  await eventually(() => a.contacts.get(ben!.jid)?.subscription === 'both');
  await eventually(() => b.contacts.get(anna!.jid)?.subscription === 'both');
  return { a, b, anna: anna!, ben: ben! };
}

/**
 * A private Prosody for one test file (with accounts `<user>@<domain>`, password `<user>-pass`),
 * for tests that stop or restart the server, which would disturb other files on the tier's shared
 * one; clients reconnect quickly and are disconnected, and the server disposed, after the file.
 */
export function usePrivateServer(
  users: string[] = ['anna', 'ben'],
  options: Pick<Parameters<typeof startProsody>[0] & object, 'modules'> = {},
): {
  readonly server: Prosody;
  client(user: string, extra?: Partial<ChatOptions>): Chat;
} {
  let server: Prosody | undefined;
  const clients: Chat[] = [];
  beforeAll(async () => {
    server = await startProsody({ ...options, accounts: users.map((user) => [user, `${user}-pass`]) });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.disconnect()));
    await server?.dispose();
  });
  return {
    get server() {
      return server!;
    },
    client(user, extra = {}) {
      const chat = createChat({
        jid: `${user}@${server!.domain}`,
        password: `${user}-pass`,
        service: server!.websocketUrl,
        reconnect: { initialDelay: 200, maxDelay: 1000 },
        resumeStorage: false,
        ...extra,
      });
      clients.push(chat);
      return chat;
    },
  };
}
