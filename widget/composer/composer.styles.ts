import { css } from 'lit';

export const styles = css`
  :host {
    position: relative;
    display: block;
    padding: 8px 12px 12px;
    border-top: 1px solid var(--mc-border);
    background: var(--mc-surface);
  }
  /* Nicknames offered after @: a list over the end of the conversation, above the field. */
  .nicks {
    position: absolute;
    z-index: 2;
    bottom: 100%;
    left: 12px;
    max-width: calc(100% - 24px);
    margin: 0 0 4px;
    padding: 4px;
    list-style: none;
    border: 1px solid var(--mc-border);
    border-radius: 10px;
    background: var(--mc-surface);
    box-shadow: var(--mc-shadow);
  }
  .nicks li {
    padding: 6px 12px;
    border-radius: 6px;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
    cursor: pointer;
  }
  .nicks [aria-selected='true'] {
    background: var(--mc-accent-soft);
    color: var(--mc-accent-text);
  }
  form {
    display: flex;
    align-items: flex-end;
    gap: 8px;
  }
  /* The textarea grows with its text: a hidden copy of the text (from data-value, never an inline
     style, so it works under a strict CSP) sizes the grid cell both share. */
  .grow {
    display: grid;
    flex: 1;
    min-width: 0;
  }
  .grow::after {
    content: attr(data-value) ' ';
    visibility: hidden;
    white-space: pre-wrap;
  }
  .grow::after,
  textarea {
    grid-area: 1 / 1 / 2 / 2;
    max-height: 160px;
    min-height: 42px;
    padding: 9px 14px;
    border: 1px solid var(--mc-border);
    border-radius: 21px;
    font: inherit;
    overflow-wrap: anywhere;
    overflow: hidden;
  }
  textarea {
    resize: none;
    overflow-y: auto;
    background: var(--mc-surface-alt);
    color: var(--mc-text);
    border-color: transparent;
  }
  textarea::placeholder {
    color: var(--mc-muted);
    opacity: 1;
  }
  textarea:focus-visible {
    outline: 2px solid var(--mc-accent-text);
    outline-offset: 0;
    background: var(--mc-surface);
  }
  .send {
    display: grid;
    place-items: center;
    flex: none;
    width: 42px;
    height: 42px;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: var(--mc-accent);
    color: var(--mc-on-accent);
  }
  .send:disabled {
    background: var(--mc-surface-alt);
    color: var(--mc-muted);
    cursor: default;
  }
  .editing {
    display: flex;
    align-items: center;
    gap: 8px;
    margin: 0 0 6px;
    padding: 4px 4px 4px 12px;
    border-inline-start: 3px solid var(--mc-accent);
    font-size: 0.85em;
    font-weight: 600;
    color: var(--mc-accent-text);
  }
  .editing span {
    flex: 1;
  }
  .cancel {
    display: grid;
    place-items: center;
    width: 28px;
    height: 28px;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: none;
    color: var(--mc-muted);
  }
  .cancel:hover {
    background: var(--mc-surface-alt);
  }
  .cancel svg {
    width: 16px;
    height: 16px;
  }
  .is-editing textarea {
    border-color: var(--mc-accent);
  }
  .attach {
    display: grid;
    place-items: center;
    flex: none;
    width: 42px;
    height: 42px;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: none;
    color: var(--mc-muted);
  }
  .attach:hover {
    background: var(--mc-surface-alt);
    color: var(--mc-text);
  }
  .uploads {
    display: flex;
    flex-direction: column;
    gap: 6px;
    margin: 0 0 8px;
    padding: 0;
    list-style: none;
  }
  .upload {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 6px 6px 6px 10px;
    border: 1px solid var(--mc-border);
    border-radius: 10px;
    font-size: 0.9em;
  }
  .upload > svg {
    flex: none;
    color: var(--mc-accent-text);
  }
  .upload.failed {
    border-color: var(--mc-danger);
    background: var(--mc-danger-soft);
  }
  .upload.failed > svg {
    color: var(--mc-danger);
  }
  .upload-main {
    display: flex;
    flex: 1;
    flex-direction: column;
    gap: 3px;
    min-width: 0;
  }
  .upload-name {
    overflow: hidden;
    font-weight: 600;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .upload-bar {
    display: flex;
    align-items: center;
    gap: 8px;
  }
  progress {
    flex: 1;
    height: 6px;
    border: 0;
    border-radius: 3px;
    background: var(--mc-surface-alt);
    color: var(--mc-accent);
    appearance: none;
  }
  progress::-webkit-progress-bar {
    border-radius: 3px;
    background: var(--mc-surface-alt);
  }
  progress::-webkit-progress-value {
    border-radius: 3px;
    background: var(--mc-accent);
  }
  progress::-moz-progress-bar {
    border-radius: 3px;
    background: var(--mc-accent);
  }
  .upload-percent {
    min-width: 3.5em;
    font-size: 0.85em;
    font-variant-numeric: tabular-nums;
    text-align: end;
    color: var(--mc-muted);
  }
  .upload-error {
    color: var(--mc-text);
    overflow-wrap: anywhere;
  }
  .upload .icon-button {
    width: 32px;
    height: 32px;
  }
  .upload .icon-button svg {
    width: 18px;
    height: 18px;
  }
  .drop {
    margin: 0 0 8px;
    padding: 14px;
    border: 2px dashed var(--mc-accent-text);
    border-radius: 12px;
    text-align: center;
    font-weight: 600;
    color: var(--mc-accent-text);
  }
`;
