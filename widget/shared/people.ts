import { css, html, type TemplateResult } from 'lit';
import type { Jid } from '../../sdk/index.js';

// How a person (a JID) is shown until contacts with names and avatars land: the local part as
// the name, initials on a color that is always the same for the same address.

/** The name to show for an address: its local part (`anna.berg` for `anna.berg@example.com`). */
export function displayName(jid: Jid): string {
  const at = jid.indexOf('@');
  return at > 0 ? jid.slice(0, at) : jid;
}

/** One or two letters for an avatar: `AB` for `anna.berg@…`, `B` for `ben@…`. */
export function initials(jid: Jid): string {
  const letters = [...displayName(jid)].filter((c) => /[\p{L}\p{N}]/u.test(c));
  const parts = displayName(jid)
    .split(/[._\-\s]+/)
    .map((p) => [...p].find((c) => /[\p{L}\p{N}]/u.test(c)))
    .filter((c): c is string => Boolean(c));
  const chosen = parts.length >= 2 ? parts[0]! + parts[1]! : (letters[0] ?? '?');
  return chosen.toLocaleUpperCase();
}

/** A stable palette slot (0–7) for an address (FNV-1a over its characters). */
export function hue(jid: Jid): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < jid.length; i += 1) {
    hash ^= jid.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % 8;
}

/** A round avatar with initials; decorative (the name is always next to it). */
export function avatar(jid: Jid, size: 'small' | 'large' = 'large'): TemplateResult {
  return html`<span class="avatar ${size} hue-${hue(jid)}" aria-hidden="true">${initials(jid)}</span>`;
}

/** Styles for {@link avatar}: eight tinted backgrounds, each with AA-contrast initials, light and dark. */
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
    background: var(--mc-avatar-bg);
    color: var(--mc-avatar-text);
  }
  .avatar.small {
    width: 32px;
    height: 32px;
    font-size: 13px;
  }
  .hue-0 {
    --mc-avatar-bg: #dbeafe;
    --mc-avatar-text: #1e3a8a;
  }
  .hue-1 {
    --mc-avatar-bg: #dcfce7;
    --mc-avatar-text: #14532d;
  }
  .hue-2 {
    --mc-avatar-bg: #fef3c7;
    --mc-avatar-text: #78350f;
  }
  .hue-3 {
    --mc-avatar-bg: #fce7f3;
    --mc-avatar-text: #831843;
  }
  .hue-4 {
    --mc-avatar-bg: #ede9fe;
    --mc-avatar-text: #4c1d95;
  }
  .hue-5 {
    --mc-avatar-bg: #cffafe;
    --mc-avatar-text: #164e63;
  }
  .hue-6 {
    --mc-avatar-bg: #ffe4e6;
    --mc-avatar-text: #881337;
  }
  .hue-7 {
    --mc-avatar-bg: #e0e7ff;
    --mc-avatar-text: #312e81;
  }
`;
