// The mailbox theme's design tokens as plain CSS text (no Lit), shared by the widget's styles
// (tokens.ts) and the lazy build's launcher.
// The mailbox theme: clean and light, one accent color, plus a dark variant. Every color the
// elements use comes from one of these custom properties, so a host page can restyle the widget
// from outside (`mailbox-chat { --mc-accent: #7a3cc2 }`), per theme if it likes
// (`mailbox-chat[theme='dark'] { … }`). All pairs below meet WCAG AA (4.5:1 for text).

const dark = `
  --mc-accent: #2563c4;
  --mc-on-accent: #ffffff;
  --mc-on-accent-muted: #e0ecfb;
  --mc-accent-text: #8ab8ff;
  --mc-accent-soft: #22324a;
  --mc-read: #8fe3ff;
  --mc-surface: #1b1f27;
  --mc-surface-alt: #262c36;
  --mc-text: #e6e9ef;
  --mc-muted: #a3acba;
  --mc-border: #363e4b;
  --mc-danger: #ff8a80;
  --mc-danger-soft: #3a2426;
  --mc-badge: #c5221f;
  --mc-online: #4cc27a;
  --mc-warning-soft: #2b2515;
  --mc-warning-text: #ffd27a;
  --mc-code-bg: rgb(255 255 255 / 0.1);
  --mc-shadow: 0 16px 48px rgb(0 0 0 / 0.5), 0 2px 8px rgb(0 0 0 / 0.4);
  color-scheme: dark;
`;

/**
 * The design tokens as plain CSS, for code that must not load Lit (the lazy build's launcher):
 * light by default, dark for `theme="dark"` or `auto` on a dark system.
 */
export const TOKENS_CSS = `
  :host {
    --mc-accent: #0b6bcb;
    --mc-on-accent: #ffffff;
    --mc-on-accent-muted: #e8f0fc;
    --mc-accent-text: #0a5fb4;
    --mc-accent-soft: #e3eefc;
    --mc-read: #a5f3fc;
    --mc-surface: #ffffff;
    --mc-surface-alt: #eef1f5;
    --mc-text: #1d2430;
    --mc-muted: #5b6576;
    --mc-border: #d8dde6;
    --mc-danger: #b3261e;
    --mc-danger-soft: #fdecea;
    --mc-badge: #b3261e;
    --mc-on-badge: #ffffff;
    --mc-online: #1e8e3e;
    --mc-warning-soft: #fff4e0;
    --mc-warning-text: #8a5a00;
    --mc-code-bg: rgb(16 24 40 / 0.07);
    --mc-shadow: 0 16px 48px rgb(16 24 40 / 0.18), 0 2px 8px rgb(16 24 40 / 0.08);
    --mc-radius: 14px;
    --mc-font: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif;
    --mc-font-size: 15px;
    --mc-panel-width: 380px;
    --mc-panel-height: 600px;
    --mc-launcher-size: 56px;
    --mc-offset: 20px;
    --mc-z-index: 2147483000;
    color-scheme: light;
  }
  :host([theme='dark']) {
    ${dark}
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      ${dark}
    }
  }
`;
