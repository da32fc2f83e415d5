import { css } from 'lit';

/** Shared element basics: box sizing, typography, buttons, focus rings, visually hidden text. */
export const base = css`
  :host {
    box-sizing: border-box;
    font-family: var(--mc-font);
    font-size: var(--mc-font-size);
    line-height: 1.4;
    color: var(--mc-text);
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  [hidden] {
    display: none !important;
  }
  /* One bold weight everywhere: each weight a page uses is a font face the browser loads and
     shapes text with the first time (3-10 ms each, measured in Chromium on Linux). */
  h1,
  h2,
  h3,
  strong,
  b {
    font-weight: 600;
  }
  button,
  input,
  textarea {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
  }
  :focus-visible {
    outline: 2px solid var(--mc-accent-text);
    outline-offset: 2px;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
  .button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    min-height: 40px;
    padding: 8px 16px;
    border: 0;
    border-radius: 10px;
    background: var(--mc-accent);
    color: var(--mc-on-accent);
    font-weight: 600;
  }
  .button:hover {
    filter: brightness(1.08);
  }
  .button:disabled {
    cursor: default;
    opacity: 0.7;
  }
  .button.secondary {
    background: transparent;
    color: var(--mc-accent-text);
    box-shadow: inset 0 0 0 1px var(--mc-border);
  }
  .icon-button {
    display: inline-grid;
    place-items: center;
    flex: none;
    width: 36px;
    height: 36px;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: transparent;
    color: var(--mc-muted);
  }
  .icon-button:hover {
    background: var(--mc-surface-alt);
    color: var(--mc-text);
  }
  .field {
    display: block;
    width: 100%;
    min-height: 42px;
    padding: 9px 12px;
    border: 1px solid var(--mc-border);
    border-radius: 10px;
    background: var(--mc-surface);
  }
  .field::placeholder {
    color: var(--mc-muted);
    opacity: 1;
  }
  .field:focus-visible {
    outline: 2px solid var(--mc-accent-text);
    outline-offset: 0;
    border-color: transparent;
  }
  .field[aria-invalid='true'] {
    border-color: var(--mc-danger);
  }
  .error {
    margin: 0;
    color: var(--mc-danger);
    font-size: 0.9em;
  }
  svg {
    display: block;
    width: 20px;
    height: 20px;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
    stroke-linecap: round;
    stroke-linejoin: round;
  }
  /* The spinner icon (icons.ts), wherever something loads. */
  .spinner {
    animation: spin 0.9s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(1turn);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      animation: none !important;
      transition: none !important;
    }
  }
`;
