import { html, nothing, type TemplateResult } from 'lit';
import type { Localizer } from '../i18n/index.js';

/**
 * A list row's unread count: the badge, and its words for screen readers. For a room (`calls`
 * given: its unread messages that mention the user), the badge is quiet when none of them does,
 * and the words say how many do: a room's chatter shows, a call stands out (as in Slack).
 */
export function unreadBadge(i: Localizer, unread: number, calls?: number): TemplateResult | typeof nothing {
  if (!unread) return nothing;
  const words = calls
    ? `${i.plural('list.unread', unread)}, ${i.plural('list.mentions', calls)}`
    : i.plural('list.unread', unread);
  // Line breaks only inside tags: the rows it goes in have no whitespace between their parts.
  // prettier-ignore
  return html`<span class="badge ${calls === 0 ? 'quiet' : ''}" aria-hidden="true">${unread > 99 ? '99+' : unread}</span
    ><span class="sr-only">${words}</span>`;
}
