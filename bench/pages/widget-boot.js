/* global fetch, window */
// Signs the widget in with the bench account as a portal's single sign-on does (docs/sso.md):
// this script comes before the widget's, sets `credentials` on the element before it is defined
// and starts fetching them at once, so that they arrive while the widget's script loads. Like
// Converse.js's page (roster in view, `auto_join_rooms`) the contact list is in view from the
// start (`tab="contacts"` on the element), and the room is joined and opened once online,
// through the widget's scripting API (`el.chat` is the SDK).
const config = fetch('/bench/config.json').then((response) => response.json());
const chat = document.querySelector('mailbox-chat');
chat.credentials = async () => {
  const { jid, password } = await config;
  return { jid, password };
};
let started = false;
chat.addEventListener('mc-status', async ({ detail }) => {
  // Seen with BENCH_CONSOLE=1; an error is also what the bench reports when "ready" never comes.
  // Only then: every console call is a round trip to the bench (~10 ms of the page's time).
  if (detail.error) console.warn(`mailbox-chat status: ${JSON.stringify(detail)}`);
  if (detail.status !== 'online' || started) return;
  started = true;
  const { room } = await config;
  await chat.chat.rooms.join(room, { nick: 'bench' });
  await chat.openConversation(room);
});
window.benchOpenChat = (jid) => chat.openConversation(jid);
