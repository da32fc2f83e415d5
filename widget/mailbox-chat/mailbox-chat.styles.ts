import { css } from 'lit';

/** Styles of `<mailbox-chat>`; every color and size comes from a `--mc-*` custom property. */
export const styles = css`
  :host {
    --mc-accent: #0b6bcb;
    --mc-surface: #ffffff;
    --mc-text: #1d2430;
    --mc-muted: #5b6576;
    --mc-border: #d8dde6;
    --mc-radius: 10px;
    --mc-font: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    display: block;
    font-family: var(--mc-font);
    color: var(--mc-text);
  }
  .panel {
    display: flex;
    flex-direction: column;
    gap: 8px;
    background: var(--mc-surface);
    border: 1px solid var(--mc-border);
    border-radius: var(--mc-radius);
    padding: 12px;
    min-height: 240px;
  }
  .status {
    font-size: 0.85rem;
    color: var(--mc-muted);
  }
  [role='log'] {
    flex: 1;
    overflow-y: auto;
    list-style: none;
    margin: 0;
    padding: 0;
    max-height: 320px;
  }
  [role='log'] li {
    padding: 4px 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .from {
    font-weight: 600;
    margin-right: 6px;
  }
  form {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  input {
    flex: 1 1 140px;
    font: inherit;
    padding: 6px 8px;
    border: 1px solid var(--mc-border);
    border-radius: 6px;
  }
  button {
    font: inherit;
    padding: 6px 12px;
    border: 0;
    border-radius: 6px;
    background: var(--mc-accent);
    color: #fff;
    cursor: pointer;
  }
  .error {
    color: #b3261e;
  }
`;
