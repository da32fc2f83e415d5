/* global fetch -- a browser script */
// Portal single sign-on: the widget asks this callback for credentials whenever it needs a fresh
// login; the portal's backend answers for the signed-in user (its session cookie goes along).
// Nothing here stores the password: the widget hands it to the SDK and drops it. This script is
// loaded before the widget's (portal.html): the element takes the callback when it is defined,
// and the first login's credentials are fetched while the widget's script still loads.
const chat = document.querySelector('mailbox-chat');

const fetchCredentials = async () => {
  const response = await fetch('/chat-credentials', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'x-portal-request': 'chat' },
  });
  if (!response.ok) throw new Error(`the portal refused chat credentials (${response.status})`);
  return response.json(); // { jid, password }
};

let first = fetchCredentials();
first.catch(() => undefined); // a failure shows when the widget asks for them
chat.credentials = () => {
  // The first login gets the credentials asked for at page load; later logins fresh ones.
  const next = first ?? fetchCredentials();
  first = undefined;
  return next;
};

// The portal's sign-out signs the chat out first: its stream is closed at once (contacts see the
// user go offline now, not when the server gives up on the page), and nothing of the chat's
// session stays in the tab for the next page.
const logout = document.querySelector('form[action="/logout"]');
logout.addEventListener('submit', async (event) => {
  event.preventDefault();
  await chat.signOut();
  logout.submit();
});

// The page follows the chat: unread count in the page and the tab title.
chat.addEventListener('mc-unread', ({ detail }) => {
  document.querySelector('#unread').textContent = String(detail.count);
  document.title = detail.count ? `(${detail.count}) Example portal` : 'Example portal';
});
