/* global fetch, window */
// Signs the widget in with the bench account (as a portal's single sign-on would) and, like
// Converse.js's page (roster in view, `auto_join_rooms`), joins and opens the room once online,
// through the widget's scripting API (`el.chat` is the SDK). The contact list is in view from the
// start: the pages open the widget on it (`tab="contacts"`).
const config = await (await fetch('/bench/config.json')).json();
const chat = document.querySelector('mailbox-chat');
let started = false;
chat.addEventListener('mc-status', async ({ detail }) => {
  // Seen with BENCH_CONSOLE=1; an error is also what the bench reports when "ready" never comes.
  // Only then: every console call is a round trip to the bench (~10 ms of the page's time).
  if (detail.error) console.warn(`mailbox-chat status: ${JSON.stringify(detail)}`);
  if (detail.status !== 'online' || started) return;
  started = true;
  await chat.chat.rooms.join(config.room, { nick: 'bench' });
  await chat.openConversation(config.room);
});
chat.credentials = async () => ({ jid: config.jid, password: config.password });
window.benchOpenChat = (jid) => chat.openConversation(jid);
