import { css } from 'lit';
import { badgeStyles } from '../contact-list/contact-list.styles.js';

export const styles = css`
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
  h2 {
    margin: 0;
    font-size: 0.8em;
    font-weight: 600;
    letter-spacing: 0.06em;
    text-transform: uppercase;
    color: var(--mc-muted);
  }
  .new[aria-expanded='true'] {
    background: var(--mc-accent-soft);
    color: var(--mc-accent-text);
  }
  .new-form {
    display: grid;
    grid-template-columns: 1fr auto auto;
    gap: 6px;
    align-items: center;
    padding: 0 12px 12px 16px;
  }
  .new-form .error {
    grid-column: 1 / -1;
  }
  ul {
    flex: 1;
    min-height: 0;
    margin: 0;
    padding: 0 8px 8px;
    overflow-y: auto;
    list-style: none;
  }
  .item {
    display: flex;
    align-items: center;
    gap: 12px;
    width: 100%;
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
  .row {
    display: flex;
    align-items: baseline;
    gap: 8px;
    min-width: 0;
  }
  .name,
  .preview {
    flex: 1;
    min-width: 0;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
    unicode-bidi: isolate;
  }
  .name {
    font-weight: 600;
  }
  .when,
  .preview {
    color: var(--mc-muted);
    font-size: 0.87em;
  }
  .unread .preview {
    color: var(--mc-text);
  }
  .unread .when {
    color: var(--mc-accent-text);
    font-weight: 600;
  }
  ${badgeStyles}
  .loading {
    display: flex;
    justify-content: center;
    gap: 8px;
    margin: 24px 16px;
    color: var(--mc-muted);
  }
  .loading .spinner {
    width: 18px;
    height: 18px;
    color: var(--mc-accent-text);
  }
  .empty {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 16px;
    margin: auto;
    padding: 24px 24px 48px;
    max-width: 320px;
    text-align: center;
    color: var(--mc-muted);
  }
  .empty p {
    margin: 0;
  }
  .empty strong {
    display: block;
    margin-bottom: 4px;
    color: var(--mc-text);
  }
`;
