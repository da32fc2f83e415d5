/* global fetch, window */
// The floor: raw StanzaJS logging in and writing the same messages into bare lists, with nothing
// else — no styling, no store, no components. What any chat UI on StanzaJS costs at least.
// StanzaJS as the browser build carries it: its SASL comes from the SDK (SCRAM on WebCrypto, see
// sdk/transport/scram.ts), as the build leaves out StanzaJS's own SCRAM and SASL negotiation.
import * as XMPP from 'stanza';
import { useWebCryptoScram } from '../../sdk/transport/scram.ts';

const config = await (await fetch('/bench/config.json')).json();
const socket = new URL('/xmpp-websocket', location.href);
socket.protocol = 'ws:';
const client = XMPP.createClient({
  jid: config.jid,
  password: config.password,
  transports: { websocket: socket.href, bosh: false },
});
useWebCryptoScram(client, { username: () => config.jid.split('@')[0] });
const list = (id) => document.getElementById(id);
const add = (id, text) => {
  const li = document.createElement('li');
  li.textContent = text;
  list(id).append(li);
};
const bodies = (fin) =>
  (fin.results ?? []).map((r) => r.item.message?.body).filter((body) => typeof body === 'string');

let direct;
client.on('groupchat', (msg) => {
  if (msg.body && msg.from.startsWith(`${config.room}/`)) add('room', msg.body);
});
client.on('chat', (msg) => {
  if (msg.body && direct && msg.from.startsWith(`${direct}/`)) add('direct', msg.body);
});
client.on('session:started', async () => {
  const roster = await client.getRoster();
  client.sendPresence();
  for (const item of roster.items) add('contacts', item.name ?? item.jid);
  // The join presence, then our own presence back from the room (status 110): joined. (Written
  // out, as the SDK does: the browser build leaves StanzaJS's MUC plugin and its joinRoom out.)
  const joined = new Promise((resolve) => {
    const onPresence = (pres) => {
      if (pres.from !== `${config.room}/bench` || !pres.muc?.statusCodes?.includes('110')) return;
      client.off('presence', onPresence);
      resolve();
    };
    client.on('presence', onPresence);
  });
  client.sendPresence({ to: `${config.room}/bench`, muc: { type: 'join', history: { maxStanzas: 0 } } });
  await joined;
  const page = await client.searchHistory(config.room, { paging: { before: '', max: 50 } });
  for (const body of bodies(page)) add('room', body);
});
window.benchOpenChat = async (jid) => {
  direct = jid;
  const page = await client.searchHistory({ with: jid, paging: { before: '', max: 50 } });
  for (const body of bodies(page)) add('direct', body);
};
client.connect();
