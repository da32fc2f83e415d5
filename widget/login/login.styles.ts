import { css } from 'lit';

export const styles = css`
  :host {
    display: flex;
    flex-direction: column;
    overflow-y: auto;
  }
  form {
    display: flex;
    flex-direction: column;
    gap: 6px;
    width: 100%;
    max-width: 340px;
    margin: auto;
    padding: 24px 24px 32px;
  }
  .mark {
    display: grid;
    place-items: center;
    width: 48px;
    height: 48px;
    margin: 0 auto 8px;
    border-radius: 14px;
    background: var(--mc-accent-soft);
    color: var(--mc-accent-text);
  }
  .mark svg {
    width: 26px;
    height: 26px;
  }
  h2 {
    margin: 0;
    font-size: 1.2em;
    text-align: center;
  }
  .hint {
    margin: 0 0 14px;
    color: var(--mc-muted);
    text-align: center;
    font-size: 0.93em;
  }
  label {
    margin-top: 8px;
    font-size: 0.9em;
    font-weight: 600;
  }
  .remember {
    display: flex;
    align-items: center;
    gap: 8px;
    margin-top: 12px;
    font-weight: normal;
  }
  .remember input {
    width: 16px;
    height: 16px;
    margin: 0;
    accent-color: var(--mc-accent);
  }
  .error {
    margin-top: 8px;
  }
  .button {
    margin-top: 16px;
  }
  .button[aria-disabled='true'] {
    cursor: progress;
    opacity: 0.8;
  }
`;
