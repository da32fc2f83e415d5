// The bench's XMPP side: a private Prosody (test/rig/prosody.mjs) with the same data for every
// peer — a user with 21 contacts, a room with archiving switched on and 500 archived messages, a
// 300-message one-to-one archive — plus bulk accounts for the Node sessions and the archive test
// (an account whose personal archive gets the catch-up messages, and ten peers it writes to).
import { createHash, createHmac, pbkdf2Sync, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as XMPP from 'stanza';
import { startProsody } from '../../test/rig/prosody.mjs';

export const CONTACTS = 21;
/** The full data set; the smoke run seeds less (see `startSeededServer`). */
export const ROOM_HISTORY = 500;
export const DIRECT_HISTORY = 300;
/**
 * The archive test's messages go to this many conversations (round robin): 5,000 of them stay
 * within the built-in stores' default limits (500 per conversation, 10,000 in all).
 */
export const ARCHIVE_PEERS = 10;
/** SCRAM iterations of the bulk accounts (RFC 7677's minimum; Prosody's own default is 10,000). */
const ITERATIONS = 4096;

const pad = (n, width = 2) => String(n).padStart(width, '0');
export const contactName = (i) => `Bench Contact ${pad(i)}`;
export const roomBody = (i, total = ROOM_HISTORY) => `Room history ${pad(i, 3)} of ${total}`;
export const directBody = (i, total = DIRECT_HISTORY) => `Direct history ${pad(i, 3)} of ${total}`;

/** Prosody's data folder for a host (its datamanager encodes dots). */
const hostDir = (prosody) =>
  join(prosody.dir, 'data', encodeURIComponent(prosody.domain).replace(/\./g, '%2e'));
const lua = (value) => JSON.stringify(value);

/**
 * Writes accounts straight into Prosody's `internal_hashed` store (SCRAM-SHA-1 keys, as
 * `prosodyctl register` writes them): thousands take a second instead of one process each.
 */
export function writeAccounts(prosody, accounts) {
  const dir = join(hostDir(prosody), 'accounts');
  mkdirSync(dir, { recursive: true });
  for (const { user, password } of accounts) {
    const salt = randomUUID();
    const salted = pbkdf2Sync(password, salt, ITERATIONS, 20, 'sha1');
    const clientKey = createHmac('sha1', salted).update('Client Key').digest();
    const storedKey = createHash('sha1').update(clientKey).digest('hex');
    const serverKey = createHmac('sha1', salted).update('Server Key').digest('hex');
    writeFileSync(
      join(dir, `${user}.dat`),
      `return {\n\t["server_key"] = ${lua(serverKey)};\n\t["stored_key"] = ${lua(storedKey)};\n` +
        `\t["iteration_count"] = ${ITERATIONS};\n\t["salt"] = ${lua(salt)};\n};\n`,
    );
  }
}

/** Writes a roster (every entry subscribed both ways) in Prosody's storage format. */
function writeRoster(prosody, user, entries) {
  const dir = join(hostDir(prosody), 'roster');
  mkdirSync(dir, { recursive: true });
  const items = entries.map(
    ({ jid, name, group }) =>
      `\t[${lua(jid)}] = {\n\t\t["subscription"] = "both";\n\t\t["name"] = ${lua(name)};\n` +
      `\t\t["groups"] = { [${lua(group)}] = true; };\n\t};\n`,
  );
  writeFileSync(
    join(dir, `${user}.dat`),
    `return {\n\t[false] = {\n\t\t["version"] = 1;\n\t\t["pending"] = {};\n\t};\n${items.join('')}};\n`,
  );
}

const password = () => randomBytes(12).toString('base64url');

/** Resolves once every message id in `ids` was acknowledged by the server. */
function acked(chat, ids) {
  const waiting = new Set(ids);
  if (waiting.size === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${waiting.size} history messages were not acknowledged`));
    }, 60_000);
    const off = chat.on('message:state', ({ id, state }) => {
      if (!waiting.has(id) || (state !== 'acked' && state !== 'failed')) return;
      if (state === 'failed') {
        clearTimeout(timer);
        off();
        reject(new Error('a history message failed'));
        return;
      }
      waiting.delete(id);
      if (waiting.size === 0) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  });
}

/**
 * Starts Prosody and seeds the shared data. `createChat` is the SDK's (Node build).
 * @returns the server, the accounts, and `bots`: SDK sessions that send the live messages.
 */
export async function startSeededServer({
  createChat,
  bulkAccounts = 0,
  roomHistory = ROOM_HISTORY,
  directHistory = DIRECT_HISTORY,
  log = () => {},
}) {
  // BENCH_PROSODY_CONFIG: extra global Prosody settings for a side experiment, e.g.
  // 'network_settings = { nagle = false }'.
  const prosody = await startProsody({
    domain: 'mailbox.test',
    extraGlobal: process.env.BENCH_PROSODY_CONFIG ?? '',
  });
  const jid = (user) => `${user}@${prosody.domain}`;
  const me = { user: 'bench', password: password() };
  const contacts = Array.from({ length: CONTACTS }, (_, i) => ({
    user: `contact${pad(i + 1)}`,
    name: contactName(i + 1),
    password: password(),
  }));
  const bulk = Array.from({ length: bulkAccounts }, (_, i) => ({
    user: `node${pad(i, 4)}`,
    password: password(),
  }));
  const archiver = { user: 'archiver', password: password() };
  const archivePeers = Array.from({ length: ARCHIVE_PEERS }, (_, i) => ({
    user: `archivepeer${pad(i + 1)}`,
    password: password(),
  }));
  writeAccounts(prosody, [me, ...contacts, ...bulk, archiver, ...archivePeers]);
  writeRoster(
    prosody,
    me.user,
    contacts.map((c) => ({ jid: jid(c.user), name: c.name, group: 'Bench' })),
  );
  for (const c of contacts)
    writeRoster(prosody, c.user, [{ jid: jid(me.user), name: 'Bench User', group: 'Bench' }]);

  const service = prosody.websocketUrl;
  const room = `bench@conference.${prosody.domain}`;
  const peer = contacts[0];
  const connect = async (account) => {
    const chat = createChat({
      jid: jid(account.user),
      password: account.password,
      service,
      reconnect: false,
    });
    await chat.connect();
    return chat;
  };

  log(`seeding: room ${room} with ${roomHistory} archived messages`);
  const owner = await connect(contacts[1]);
  const ownerRoom = await owner.rooms.join(room, {
    nick: 'roombot',
    config: { name: 'Bench room', persistent: true, public: true, archive: true },
  });
  const roomIds = [];
  for (let i = 1; i <= roomHistory; i += 1) roomIds.push(ownerRoom.send(roomBody(i, roomHistory)).id);
  await acked(owner, roomIds);

  await owner.disconnect();

  // Plain StanzaJS clients: the bots that send live messages, and the writers of the one-to-one
  // history (plain messages, no receipts or markers, so the archive holds just the 300 messages).
  // Live messages carry a `no-store` hint (XEP-0334): the archives stay the same from run to run.
  // Without stream management: StanzaJS asks for an ack after each stanza without waiting for the
  // write, and one still on its way when the client disconnects failed as "write after end".
  const bot = async (account) => {
    const client = XMPP.createClient({
      jid: jid(account.user),
      password: account.password,
      transports: { websocket: service, bosh: false },
      useStreamManagement: false,
    });
    await new Promise((resolve, reject) => {
      client.once('session:started', resolve);
      client.once('auth:failed', () => reject(new Error('a bot could not log in')));
      client.connect();
    });
    client.sendPresence();
    return client;
  };
  /** A round trip: the server has handled everything the client sent before it. */
  const settled = (client) => client.ping();

  log(`seeding: ${directHistory} one-to-one messages between bench and ${peer.user}`);
  const mine = await bot(me);
  const directBot = await bot(peer);
  for (let i = 1; i <= directHistory; i += 1) {
    const [from, to] = i % 2 ? [directBot, me] : [mine, peer];
    from.sendMessage({ to: jid(to.user), type: 'chat', body: directBody(i, directHistory) });
    // The newest message last: everything before it handled by the server first.
    if (i === directHistory - 1) await Promise.all([settled(mine), settled(directBot)]);
  }
  await settled(mine);
  await mine.disconnect();
  const roomBot = await bot(contacts[1]);
  await roomBot.joinRoom(room, 'livebot');
  const live = (client, to, type) => (body) =>
    client.sendMessage({ to, type, body, processingHints: { noStore: true } });

  return {
    prosody,
    service,
    domain: prosody.domain,
    room,
    /** The newest archived message of the room and of the one-to-one conversation. */
    newest: { room: roomBody(roomHistory, roomHistory), direct: directBody(directHistory, directHistory) },
    me: { ...me, jid: jid(me.user) },
    peer: { ...peer, jid: jid(peer.user) },
    contacts: contacts.map((c) => ({ ...c, jid: jid(c.user) })),
    bulk: bulk.map((a) => ({ ...a, jid: jid(a.user) })),
    archiver: { ...archiver, jid: jid(archiver.user) },
    /** The archive test's conversations: `archiver` writes to each of them in turn. */
    archivePeers: archivePeers.map((a) => ({ ...a, jid: jid(a.user) })),
    /** Live messages: into the room, and from the one-to-one peer to the bench user. */
    bots: { room: live(roomBot, room, 'groupchat'), direct: live(directBot, jid(me.user), 'chat') },
    connect,
    async dispose() {
      await Promise.allSettled([directBot.disconnect(), roomBot.disconnect()]);
      await prosody.dispose();
    },
  };
}
