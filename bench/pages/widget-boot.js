/* global fetch, window */
// Signs the widget in with the bench account (as a portal's single sign-on would) and, like
// Converse.js's page (roster in view, `auto_join_rooms`), shows the contact list and joins and
// opens the room once online, through the widget's scripting API (`el.chat` is the SDK).
const config = await (await fetch('/bench/config.json')).json();
const chat = document.querySelector('mailbox-chat');
let started = false;
/** Finds `selector` in `host`'s shadow root or a shadow root nested in it (the lazy build's shell). */
const deep = (host, selector) => {
  const root = host.shadowRoot;
  if (!root) return null;
  const found = root.querySelector(selector);
  if (found) return found;
  for (const el of root.querySelectorAll('*')) {
    const inner = el.shadowRoot && deep(el, selector);
    if (inner) return inner;
  }
  return null;
};
chat.addEventListener('mc-status', async ({ detail }) => {
  // Seen with BENCH_CONSOLE=1; an error is also what the bench reports when "ready" never comes.
  // Only then: every console call is a round trip to the bench (~10 ms of the page's time).
  if (detail.error) console.warn(`mailbox-chat status: ${JSON.stringify(detail)}`);
  if (detail.status !== 'online' || started) return;
  started = true;
  // The room is joined at once; the contact list is shown as soon as its tab is there.
  const joined = chat.chat.rooms.join(config.room, { nick: 'bench' });
  joined.catch(() => undefined); // awaited below; a failure shows there
  // The tabs render once the widget has taken the session in (looked for every 4 ms: a coarser
  // poll would add its wait to the widget's time).
  for (let i = 0; i < 1250 && !deep(chat, '#tab-contacts'); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 4));
  }
  deep(chat, '#tab-contacts')?.click();
  await joined;
  await chat.openConversation(config.room);
});
chat.credentials = async () => ({ jid: config.jid, password: config.password });
window.benchOpenChat = (jid) => chat.openConversation(jid);
