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
const bodies = (results) =>
  results.map((r) => r.item.message?.body).filter((body) => typeof body === 'string');
// One page of an archive (XEP-0313): the query, and the results that come back with its id.
// (Written out, as the SDK does: the browser build leaves StanzaJS's MAM plugin out.)
const newest = async (to, filter) => {
  const queryId = client.nextId();
  const results = [];
  const collect = (msg) => {
    if (msg.archive?.queryId === queryId) results.push(msg.archive);
  };
  client.on('message', collect);
  const fields = [{ name: 'FORM_TYPE', type: 'hidden', value: 'urn:xmpp:mam:2' }];
  if (filter) fields.push({ name: 'with', type: 'text-single', value: filter });
  await client.sendIQ({
    id: queryId,
    to,
    type: 'set',
    archive: { type: 'query', queryId, form: { type: 'submit', fields }, paging: { before: '', max: 50 } },
  });
  client.off('message', collect);
  return results;
};

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
  for (const body of bodies(await newest(config.room))) add('room', body);
});
window.benchOpenChat = async (jid) => {
  direct = jid;
  for (const body of bodies(await newest('', jid))) add('direct', body);
};
client.connect();
