// The chat in a React 19 app. React 19 passes props to custom elements as properties when the
// element has one (`credentials` is a function, so it must be a property) and `on<event-name>`
// props as event listeners (`onmc-unread` listens to `mc-unread`). Methods go through a ref.
import { useRef, useState } from 'react';
import 'mailbox-chat/widget'; // registers <mailbox-chat>

/**
 * Single sign-on: the portal's backend hands out the chat credentials of the signed-in user (see
 * docs/sso.md). Defined outside the component, so it is the same function on every render and
 * the widget signs in once.
 */
async function chatCredentials() {
  const response = await fetch('/chat-credentials', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'x-portal-request': 'chat' },
  });
  if (!response.ok) throw new Error(`the portal refused chat credentials (${response.status})`);
  return response.json(); // { jid, password }
}

/** @param {{ service: string, helpdesk: string }} props */
export function App({ service, helpdesk }) {
  /** @type {import('react').RefObject<import('mailbox-chat/widget').MailboxChatElement | null>} */
  const chat = useRef(null);
  const [status, setStatus] = useState('offline');
  const [unread, setUnread] = useState(0);
  const [dark, setDark] = useState(false);
  // The app's own views. The chat's element leaves the page with its view: its session stays on
  // the server, and the element of the next visit picks it up (contacts see no change).
  const [view, setView] = useState('chat');

  return (
    <div className={dark ? 'app dark' : 'app'}>
      <header>
        <h1>Team board</h1>
        <p>
          Chat: <output aria-label="Chat status">{status}</output> · unread:{' '}
          <output aria-label="Unread messages">{unread}</output>
        </p>
        <button type="button" onClick={() => chat.current?.openConversation(helpdesk)}>
          Ask the helpdesk
        </button>
        <button type="button" aria-pressed={dark} onClick={() => setDark(!dark)}>
          Dark mode
        </button>
        <nav aria-label="Views">
          <button type="button" aria-pressed={view === 'chat'} onClick={() => setView('chat')}>
            Chat
          </button>
          <button type="button" aria-pressed={view === 'notes'} onClick={() => setView('notes')}>
            Notes
          </button>
        </nav>
      </header>
      {view === 'chat' ? (
        <mailbox-chat
          ref={chat}
          service={service}
          mode="embedded"
          lang="en"
          theme={dark ? 'dark' : 'light'}
          credentials={chatCredentials}
          onmc-status={(event) => setStatus(event.detail.status)}
          onmc-unread={(event) => setUnread(event.detail.count)}
        ></mailbox-chat>
      ) : (
        <main className="notes">
          <h2>Notes</h2>
          <p>The team's notes would be here. The chat picks up where it was when you come back.</p>
        </main>
      )}
    </div>
  );
}
