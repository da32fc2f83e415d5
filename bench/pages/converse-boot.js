/* global fetch, window */
// Converse.js on the same server with the same account: logs in at once, joins the same room,
// and lets the bench open a one-to-one chat through Converse's own API (a tiny plugin).
const config = await (await fetch('/bench/config.json')).json();
const socket = new URL('/xmpp-websocket', location.href);
socket.protocol = 'ws:';
window.converse.plugins.add('bench', {
  initialize() {
    const api = this._converse.api;
    window.benchOpenChat = (jid) => api.chats.open(jid, {}, true);
  },
});
window.converse.initialize({
  assets_path: '/dist/',
  websocket_url: socket.href,
  discover_connection_methods: false,
  jid: config.jid,
  password: config.password,
  auto_login: true,
  view_mode: 'fullscreen',
  auto_join_rooms: [config.room],
  nickname: 'bench',
  whitelisted_plugins: ['bench'],
  i18n: 'en',
  loglevel: 'error',
  play_sounds: false,
  show_desktop_notifications: false,
  allow_non_roster_messaging: true,
});
