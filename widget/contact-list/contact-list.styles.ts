import { css } from 'lit';

/** An unread count on a row (the conversation, contact and room lists). */
export const badgeStyles = css`
  .badge {
    flex: none;
    min-width: 20px;
    height: 20px;
    padding: 0 6px;
    border-radius: 10px;
    background: var(--mc-accent);
    color: var(--mc-on-accent);
    font-size: 12px;
    font-weight: 600;
    line-height: 20px;
    text-align: center;
  }
  /* A room's unread messages none of which mentions the user. */
  .badge.quiet {
    background: var(--mc-surface-alt);
    color: var(--mc-muted);
  }
`;

/** The side lists' common look (contacts, rooms): head, rows, badges, empty state. */
export const listStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    background: var(--mc-surface);
  }
  .head {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 8px;
    padding: 10px 10px 6px 16px;
  }
  h2,
  h3 {
    margin: 0;
    font-size: 0.8em;
    font-weight: 600;
    letter-spacing: 0.06em;
    text-transform: uppercase;
    color: var(--mc-muted);
  }
  .scroll {
    flex: 1;
    min-height: 0;
    overflow-y: auto;
    padding: 0 8px 8px;
  }
  ul {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .item {
    display: flex;
    align-items: center;
    gap: 12px;
    flex: 1;
    min-width: 0;
    padding: 10px 8px;
    border: 0;
    border-radius: 12px;
    background: transparent;
    text-align: start;
  }
  .item:hover {
    background: var(--mc-surface-alt);
  }
  .item[aria-current='true'] {
    background: var(--mc-accent-soft);
  }
  .main {
    display: grid;
    flex: 1;
    min-width: 0;
    gap: 2px;
  }
  .name,
  .status {
    min-width: 0;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
    unicode-bidi: isolate;
  }
  .name {
    font-weight: 600;
  }
  .status {
    color: var(--mc-muted);
    font-size: 0.87em;
  }
  ${badgeStyles}
  .empty {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 16px;
    margin: 24px auto;
    padding: 0 24px 24px;
    max-width: 320px;
    text-align: center;
    color: var(--mc-muted);
  }
  .empty p,
  .none {
    margin: 0;
  }
  .none {
    padding: 16px;
    color: var(--mc-muted);
    text-align: center;
  }
  .empty strong {
    display: block;
    margin-bottom: 4px;
    color: var(--mc-text);
  }
  .button.small {
    min-height: 32px;
    padding: 4px 12px;
    font-size: 0.87em;
  }
`;

/**
 * Styles of `<mc-contact-list>`: search, requests, avatars with presence, the contact menu. A
 * contact's row is its button (avatar | name over status | badge, a grid without wrappers) and
 * its "more" button, whose three dots are drawn here; the presence dot is the avatar's `::after`.
 * `.scroll` is the rows' offset parent (the list renders only the rows in view).
 */
export const styles = css`
  .scroll {
    position: relative;
    overflow-anchor: none;
  }
  .search {
    position: relative;
    padding: 0 12px 8px;
  }
  .search svg {
    position: absolute;
    top: 11px;
    left: 24px;
    width: 18px;
    height: 18px;
    color: var(--mc-muted);
    pointer-events: none;
  }
  .search .field {
    min-height: 38px;
    padding-inline-start: 38px;
    background: var(--mc-surface-alt);
    border-color: transparent;
  }
  .requests {
    margin: 4px 0 10px;
    padding: 10px 8px 4px;
    border-radius: 12px;
    background: var(--mc-accent-soft);
  }
  .requests h3 {
    padding: 0 4px 4px;
    color: var(--mc-accent-text);
  }
  .request {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px 12px;
    padding: 8px 4px;
  }
  .request .status {
    white-space: normal;
    color: var(--mc-text);
  }
  .request-actions {
    display: flex;
    gap: 6px;
    margin-inline-start: auto;
  }
  .contact {
    display: grid;
    grid-template-columns: minmax(0, 1fr) auto;
    align-items: center;
    column-gap: 2px;
  }
  .contact .item {
    display: grid;
    grid-template: auto auto / auto minmax(0, 1fr);
    grid-auto-flow: column;
    row-gap: 2px;
  }
  .contact .item > :not(.name, .status) {
    grid-row: span 2;
  }
  .is-blocked .name,
  .is-blocked .avatar {
    opacity: 0.6;
  }
  .is-blocked .status {
    color: var(--mc-danger);
  }
  .more {
    opacity: 0.75;
  }
  .more::before {
    content: '';
    width: 3px;
    height: 3px;
    border-radius: 50%;
    background: currentColor;
    box-shadow:
      0 -5px,
      0 5px;
    forced-color-adjust: none;
  }
  .contact:hover .more,
  .more:focus-visible,
  .more[aria-expanded='true'] {
    opacity: 1;
  }
  .menu {
    grid-column: 1 / -1;
    display: grid;
    margin: 2px 8px 8px 60px;
    padding: 4px;
    border: 1px solid var(--mc-border);
    border-radius: 12px;
    background: var(--mc-surface);
    box-shadow: var(--mc-shadow);
  }
  .menu-item {
    display: flex;
    align-items: center;
    gap: 10px;
    min-height: 40px;
    padding: 8px 12px;
    border: 0;
    border-radius: 8px;
    background: transparent;
    text-align: start;
  }
  .menu-item svg {
    width: 18px;
    height: 18px;
    color: var(--mc-muted);
  }
  .menu-item:hover {
    background: var(--mc-surface-alt);
  }
  .menu-item.danger,
  .menu-item.danger svg {
    color: var(--mc-danger);
  }
  .avatar-wrap {
    position: relative;
    flex: none;
    display: inline-grid;
  }
  img.avatar {
    object-fit: cover;
    background: var(--mc-surface-alt);
  }
  .presence {
    position: relative;
  }
  .presence::after {
    content: '';
    position: absolute;
    right: -1px;
    bottom: -1px;
    width: 13px;
    height: 13px;
    border: 2px solid var(--mc-surface);
    border-radius: 50%;
    background: var(--dot, var(--mc-muted));
  }
  .online,
  .chat {
    --dot: var(--mc-online);
  }
  .away,
  .xa {
    --dot: var(--mc-away, #d98e04);
  }
  .dnd {
    --dot: var(--mc-busy, #d93025);
  }
  .offline::after {
    background: transparent;
    box-shadow: inset 0 0 0 2px var(--mc-muted);
  }
`;
