import { css } from 'lit';

/** Styles of `<mailbox-chat>`: the modes, the launcher, the panel frame and its header. */
export const styles = css`
  :host {
    display: block;
  }
  :host([mode='launcher']),
  :host(:not([mode])) {
    display: contents;
  }
  :host([mode='embedded']) {
    height: 100%;
  }

  /* Launcher */
  .launcher {
    position: fixed;
    right: var(--mc-offset);
    bottom: var(--mc-offset);
    z-index: var(--mc-z-index);
    display: grid;
    place-items: center;
    width: var(--mc-launcher-size);
    height: var(--mc-launcher-size);
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: var(--mc-accent);
    color: var(--mc-on-accent);
    box-shadow: var(--mc-shadow);
    transition: transform 0.15s ease;
  }
  .launcher:hover {
    transform: scale(1.05);
  }
  .launcher:focus-visible {
    outline: 3px solid var(--mc-accent-text);
    outline-offset: 3px;
  }
  .launcher svg {
    width: 28px;
    height: 28px;
  }
  .badge {
    position: absolute;
    top: -3px;
    right: -3px;
    min-width: 22px;
    height: 22px;
    padding: 0 6px;
    border-radius: 11px;
    background: var(--mc-badge);
    color: var(--mc-on-badge);
    box-shadow: 0 0 0 2px var(--mc-surface);
    font-size: 12px;
    font-weight: 600;
    line-height: 22px;
    text-align: center;
  }

  /* Panel */
  .panel {
    container: panel / inline-size;
    display: flex;
    flex-direction: column;
    overflow: hidden;
    background: var(--mc-surface);
    color: var(--mc-text);
    font-family: var(--mc-font);
    font-size: var(--mc-font-size);
  }
  .panel.mode-launcher {
    position: fixed;
    right: var(--mc-offset);
    bottom: calc(var(--mc-offset) + var(--mc-launcher-size) + 14px);
    z-index: var(--mc-z-index);
    width: min(var(--mc-panel-width), calc(100vw - 2 * var(--mc-offset)));
    height: min(var(--mc-panel-height), calc(100dvh - var(--mc-launcher-size) - 2 * var(--mc-offset) - 28px));
    border: 1px solid var(--mc-border);
    border-radius: var(--mc-radius);
    box-shadow: var(--mc-shadow);
    transform-origin: bottom right;
    animation: pop 0.18s ease-out;
  }
  .panel.mode-embedded {
    height: 100%;
    min-height: 440px;
    border: 1px solid var(--mc-border);
    border-radius: var(--mc-radius);
  }
  .panel.mode-fullscreen {
    position: fixed;
    inset: 0;
    z-index: var(--mc-z-index);
  }
  @keyframes pop {
    from {
      opacity: 0;
      transform: translateY(12px) scale(0.98);
    }
  }
  /* Phones: the launcher's panel covers the screen; its header has the close button. */
  @media (max-width: 520px), (max-height: 480px) {
    .panel.mode-launcher {
      inset: 0;
      width: auto;
      height: auto;
      border: 0;
      border-radius: 0;
    }
    .launcher[aria-expanded='true'] {
      display: none;
    }
  }

  /* Header */
  .header {
    display: flex;
    align-items: center;
    gap: 10px;
    min-height: 60px;
    padding: 10px 8px 10px 14px;
    border-bottom: 1px solid var(--mc-border);
  }
  .logo {
    display: grid;
    place-items: center;
    flex: none;
    width: 34px;
    height: 34px;
    border-radius: 10px;
    background: var(--mc-accent);
    color: var(--mc-on-accent);
  }
  .heading {
    flex: 1;
    min-width: 0;
  }
  h2 {
    margin: 0;
    font-size: 1.05em;
    line-height: 1.25;
  }
  .presence {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0 6px;
    margin: 0;
    min-width: 0;
    font-size: 0.8em;
    color: var(--mc-muted);
  }
  .presence [role='status']:empty,
  .presence [role='status']:empty ~ .account {
    display: none;
  }
  .dot {
    flex: none;
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--mc-muted);
  }
  .dot.online {
    background: var(--mc-online);
  }
  .dot.away {
    background: var(--mc-away, #d98e04);
  }
  .dot.dnd {
    background: var(--mc-busy, #d93025);
  }
  .availability {
    flex: none;
    /* As wide as the choice shown, where supported (else as the widest). */
    field-sizing: content;
    padding: 0;
    border: 0;
    background: none;
    color: inherit;
    font: inherit;
  }
  /* The status message (or, without one, a pencil to set it): text that opens its dialog, on a
     line of its own under the availability and the address (a header has little width). */
  .status-message {
    order: 1;
    flex: 1 0 100%;
    min-width: 0;
    padding: 0;
    text-align: start;
    border: 0;
    background: none;
    color: var(--mc-text);
    font: inherit;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
    cursor: pointer;
  }
  .status-message.set {
    order: 0;
    flex: none;
    display: inline-grid;
    color: var(--mc-muted);
  }
  .status-message svg {
    width: 14px;
    height: 14px;
  }
  .status-message:hover {
    text-decoration: underline;
  }
  .account {
    /* Takes the rest of the line, cut short there rather than wrapped to the next. */
    flex: 1 1 0;
    min-width: 0;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
  }
  .account::before {
    content: '·';
    margin-inline-end: 6px;
  }

  /* Connection banner */
  .banner {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 8px 14px;
    background: var(--mc-warning-soft);
    color: var(--mc-warning-text);
    font-size: 0.85em;
  }
  .banner svg {
    flex: none;
    width: 18px;
    height: 18px;
  }
  .banner span {
    flex: 1;
  }
  .link {
    padding: 0;
    border: 0;
    background: none;
    color: inherit;
    font-weight: 600;
    text-decoration: underline;
  }

  /* Body */
  .body {
    flex: 1;
    min-height: 0;
  }
  .sso {
    display: flex;
    flex-direction: column;
    align-items: center;
    justify-content: center;
    gap: 12px;
    padding: 24px;
    text-align: center;
    color: var(--mc-muted);
  }
  .sso p {
    margin: 0;
  }
  .sso svg {
    width: 28px;
    height: 28px;
  }
  .spinner {
    color: var(--mc-accent-text);
  }

  /* Conversations: one pane at a time when narrow, list and conversation side by side when wide. */
  .app {
    display: grid;
    grid-template-columns: 100%;
    grid-template-rows: 100%;
  }
  .app > * {
    grid-area: 1 / 1;
    min-height: 0;
    min-width: 0;
  }
  .app.has-active > .list-pane,
  .app:not(.has-active) > .conversation-pane {
    display: none;
  }
  .conversation-pane {
    display: flex;
    flex-direction: column;
    background: var(--mc-surface);
  }
  mc-message-list {
    flex: 1;
  }
  .placeholder {
    margin: auto;
    padding: 24px;
    max-width: 280px;
    text-align: center;
    color: var(--mc-muted);
  }
  @container panel (min-width: 640px) {
    .app {
      grid-template-columns: minmax(260px, 32%) 1fr;
    }
    .app > .list-pane,
    .app.has-active > .list-pane {
      display: flex;
      grid-area: 1 / 1;
      border-inline-end: 1px solid var(--mc-border);
    }
    .app > .conversation-pane,
    .app:not(.has-active) > .conversation-pane {
      display: flex;
      grid-area: 1 / 2;
    }
    .back {
      display: none;
    }
  }
  .conversation-head {
    display: flex;
    align-items: center;
    gap: 10px;
    min-height: 56px;
    padding: 8px 14px 8px 6px;
    border-bottom: 1px solid var(--mc-border);
  }
  @container panel (min-width: 640px) {
    .conversation-head {
      padding-inline-start: 14px;
    }
  }
  .peer {
    min-width: 0;
  }
  .peer h3,
  .peer p {
    margin: 0;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
    unicode-bidi: isolate;
  }
  .peer h3 {
    font-size: 1em;
  }
  .peer p {
    font-size: 0.8em;
    color: var(--mc-muted);
  }
`;

/** The side panel's tabs (chats, contacts, rooms), the room header's info button, dialogs' frame. */
export const sideStyles = css`
  .panel {
    position: relative;
  }
  .panel.mode-launcher,
  .panel.mode-fullscreen {
    position: fixed;
  }
  .side {
    display: flex;
    flex-direction: column;
    min-height: 0;
    background: var(--mc-surface);
  }
  .tabs {
    display: flex;
    gap: 2px;
    padding: 6px 8px 0;
    border-bottom: 1px solid var(--mc-border);
  }
  .tab {
    position: relative;
    display: flex;
    flex: 1;
    flex-direction: column;
    align-items: center;
    gap: 2px;
    min-width: 0;
    padding: 6px 4px 7px;
    border: 0;
    border-bottom: 2px solid transparent;
    border-radius: 8px 8px 0 0;
    background: transparent;
    color: var(--mc-muted);
    font-size: 0.8em;
    font-weight: 600;
  }
  .tab span {
    max-width: 100%;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
  }
  .tab:hover {
    background: var(--mc-surface-alt);
    color: var(--mc-text);
  }
  .tab[aria-selected='true'] {
    border-bottom-color: var(--mc-accent-text);
    color: var(--mc-accent-text);
  }
  .tab:focus-visible {
    outline-offset: -2px;
  }
  .tab .tab-count {
    position: absolute;
    top: 2px;
    left: calc(50% + 6px);
    min-width: 18px;
    height: 18px;
    padding: 0 5px;
    border-radius: 9px;
    background: var(--mc-accent);
    color: var(--mc-on-accent);
    font-size: 11px;
    line-height: 18px;
    text-align: center;
  }
  .tabpanel {
    display: flex;
    flex: 1;
    flex-direction: column;
    min-height: 0;
  }
  .side-view {
    flex: 1;
    min-height: 0;
  }
  .list-error {
    display: flex;
    align-items: center;
    gap: 8px;
    margin: 8px 8px 0;
    padding: 8px 12px;
    border-radius: 10px;
    background: var(--mc-danger-soft);
    color: var(--mc-danger);
    font-size: 0.87em;
  }
  .list-error svg {
    flex: none;
    width: 18px;
    height: 18px;
  }
  .conversation-head .peer {
    flex: 1;
  }
  img.avatar {
    object-fit: cover;
  }
  .bell[aria-pressed='true'] {
    color: var(--mc-accent-text);
  }
  .bell:disabled {
    cursor: default;
    opacity: 0.6;
  }
`;
