// The lazily loaded part of the lazy build: every element of the widget, with the full
// `<mailbox-chat>` registered as `<mailbox-chat-app>` for the shell to host (the shell owns the
// `mailbox-chat` name, so define.ts leaves it alone here).
import type { PropertyValues } from 'lit';
import '../define.js';
import { MailboxChatElement } from '../mailbox-chat/mailbox-chat.js';

/** The full widget inside the lazy build's shell; forwards its parts to the shell's host. */
export class MailboxChatApp extends MailboxChatElement {
  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    // A page styles `mailbox-chat::part(x)`: every part this element shows (its own and those
    // its children export) must be exported again through the shell. Views come and go, so the
    // list is taken after each render.
    const names = new Set<string>();
    for (const element of this.renderRoot.querySelectorAll('[part], [exportparts]')) {
      for (const name of (element.getAttribute('part') ?? '').split(/\s+/)) if (name) names.add(name);
      for (const entry of (element.getAttribute('exportparts') ?? '').split(',')) {
        const name = entry.split(':').pop()?.trim();
        if (name) names.add(name);
      }
    }
    const value = [...names].sort().join(', ');
    if (this.getAttribute('exportparts') !== value) this.setAttribute('exportparts', value);
  }
}

if (!customElements.get('mailbox-chat-app')) customElements.define('mailbox-chat-app', MailboxChatApp);
