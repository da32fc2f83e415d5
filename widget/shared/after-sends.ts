// The widget's elements render after the stanzas just asked for are on the wire (`chat.written()`).
// The SDK writes each stanza through a chain of microtasks; a Lit update is a microtask too, so a
// render requested while stanzas waited ran in between them, and what the user or the host page
// had just asked the server for (a room join at sign-in, a history page) left only after the
// render: 5 to 10 ms later in the bench's frame logs. Over WebSocket the wait stays within the
// same task (the view is not a frame later); over BOSH it lasts until the next task at the latest;
// nothing waits while the link is down.
import type { LitElement } from 'lit';
import type { Chat } from '../../sdk/index.js';

const chats = new Set<Chat>();

/** Renders of the widget's elements wait for `chat`'s queued stanzas from now on; returns the undo. */
export function renderAfterSends(chat: Chat): () => void {
  chats.add(chat);
  return () => chats.delete(chat);
}

/** Resolves once the queued stanzas of every chat in use are written; undefined without a chat. */
function written(): Promise<unknown> | undefined {
  if (chats.size === 0) return undefined;
  if (chats.size === 1) for (const chat of chats) return chat.written();
  return Promise.all([...chats].map((chat) => chat.written()));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mixin pattern's constructor type
type Constructor<T> = abstract new (...args: any[]) => T;

/** A LitElement whose updates wait for the queued stanzas (see above). */
export function RendersAfterSends<T extends Constructor<LitElement>>(Base: T): T {
  abstract class RendersAfterSendsElement extends Base {
    protected override scheduleUpdate(): void | Promise<unknown> {
      const wait = written();
      if (!wait) return super.scheduleUpdate();
      // What was asked for while waiting (the update was requested before a history page, say,
      // that it will show as loading) is waited for too, once.
      return wait.then(() => {
        const more = written();
        return more ? more.then(() => super.scheduleUpdate()) : super.scheduleUpdate();
      });
    }
  }
  return RendersAfterSendsElement;
}
