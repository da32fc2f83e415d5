import { css, html, type TemplateResult } from 'lit';
import type { Jid } from '../../sdk/index.js';
import { tint } from './color.js';

// How a person (a JID) is shown without a picture: the local part as the name, initials on the
// color XEP-0392 gives the address.

/** The name to show for an address: its local part (`anna.berg` for `anna.berg@example.com`). */
export function displayName(jid: Jid): string {
  const at = jid.indexOf('@');
  return at > 0 ? jid.slice(0, at) : jid;
}

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

const firstLetter = (text: string): string | undefined => {
  for (const char of text) if (LETTER_OR_DIGIT.test(char)) return char;
  return undefined;
};

/** Initials by name: every render of a list asks again for each row it shows. */
const initialsOf = new Map<string, string>();

/** One or two letters for an avatar: `AB` for `anna.berg@…`, `B` for `ben@…`. */
export function initials(jid: Jid): string {
  let known = initialsOf.get(jid);
  if (known === undefined) {
    const name = displayName(jid);
    const parts = name
      .split(/[._\-\s]+/)
      .map(firstLetter)
      .filter((c): c is string => c !== undefined);
    known = (parts.length >= 2 ? parts[0]! + parts[1]! : (firstLetter(name) ?? '?')).toLocaleUpperCase();
    initialsOf.set(jid, known);
  }
  return known;
}

/**
 * A round avatar: the initials of `name` on the XEP-0392 color of `key` (an address, so the same
 * person has the same color here as in other XMPP clients). Decorative: the name is always next to it.
 */
export function avatar(key: string, size: 'small' | 'large' = 'large', name: string = key): TemplateResult {
  return html`<span class="avatar ${size}" ${tint(key)} aria-hidden="true">${initials(name)}</span>`;
}

/** Styles for {@link avatar}: black initials, which have AA contrast on every XEP-0392 color. */
export const avatarStyles = css`
  .avatar {
    display: inline-grid;
    place-items: center;
    flex: none;
    width: 40px;
    height: 40px;
    border-radius: 50%;
    font-size: 15px;
    font-weight: 600;
    letter-spacing: 0.02em;
    background: var(--mc-avatar-bg, #8e8e8e);
    color: #000;
  }
  .avatar.small {
    width: 32px;
    height: 32px;
    font-size: 13px;
  }
`;
