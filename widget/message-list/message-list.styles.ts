import { css } from 'lit';

export const styles = css`
  :host {
    position: relative;
    display: flex;
    flex-direction: column;
    min-height: 0;
  }
  .log {
    position: relative;
    flex: 1;
    min-height: 0;
    overflow-x: hidden;
    overflow-y: auto;
    overscroll-behavior: contain;
    /* The list keeps the reader's place itself (see reflow), across items measured late. */
    overflow-anchor: none;
    padding: 8px 12px 12px;
  }
  .spacer {
    height: 0;
  }
  /* Items carry their spacing as padding, never margins, so a measured height is the whole row. */
  .item {
    display: flow-root;
  }
  .history {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: 2px;
    margin: 0;
    padding: 12px 8px 4px;
    font-size: 0.85em;
    text-align: center;
    color: var(--mc-muted);
  }
  .history.loading {
    flex-direction: row;
    justify-content: center;
    gap: 8px;
  }
  .history .spinner {
    width: 18px;
    height: 18px;
    color: var(--mc-accent-text);
  }
  .history.horizon > span:first-child {
    font-weight: 600;
  }
  .since {
    font-size: 0.95em;
  }
  .link {
    padding: 0;
    border: 0;
    background: none;
    color: var(--mc-accent-text);
    font-weight: 600;
    text-decoration: underline;
  }
  .log:focus-visible {
    outline-offset: -2px;
  }
  .day,
  .divider {
    display: flex;
    align-items: center;
    gap: 10px;
    margin: 0;
    padding: 14px 4px 8px;
    font-size: 0.8em;
    font-weight: 600;
    color: var(--mc-muted);
  }
  .day {
    justify-content: center;
  }
  .divider {
    color: var(--mc-accent-text);
  }
  .divider::before,
  .divider::after {
    content: '';
    flex: 1;
    height: 1px;
    background: currentColor;
    opacity: 0.6;
  }
  .row {
    display: flex;
    flex-direction: column;
    padding-top: 3px;
  }
  .row.first {
    padding-top: 10px;
  }
  .row.out {
    align-items: flex-end;
  }
  .sender {
    max-width: 85%;
    margin: 0 11px 2px;
    overflow: hidden;
    color: var(--mc-muted);
    font-size: 0.8em;
    font-weight: 600;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .row.in {
    align-items: flex-start;
  }
  .msg {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-end;
    column-gap: 10px;
    max-width: min(85%, 560px);
    min-width: 0;
    padding: 7px 11px 6px;
    border-radius: 16px;
    /* Whatever a body contains (combining-mark towers, huge words) is painted inside its bubble. */
    overflow: hidden;
    contain: paint;
  }
  .in .msg {
    background: var(--mc-surface-alt);
    color: var(--mc-text);
  }
  .out .msg {
    background: var(--mc-accent);
    color: var(--mc-on-accent);
  }
  /* A room message that calls us by our nickname. */
  .in .msg.mention {
    background: var(--mc-accent-soft);
    box-shadow: inset 3px 0 var(--mc-accent);
  }
  .in:not(.first) .msg {
    border-top-left-radius: 6px;
  }
  .in:not(.last) .msg {
    border-bottom-left-radius: 6px;
  }
  .out:not(.first) .msg {
    border-top-right-radius: 6px;
  }
  .out:not(.last) .msg {
    border-bottom-right-radius: 6px;
  }
  .out .msg.failed {
    background: var(--mc-danger-soft);
    color: var(--mc-text);
    box-shadow: inset 0 0 0 1px var(--mc-danger);
  }
  .text {
    flex: 0 1 auto;
    min-width: 0;
    max-width: 100%;
    overflow-wrap: anywhere;
    unicode-bidi: isolate;
    /* Plain text is the element's own text: its line breaks and spaces kept, as in a paragraph. */
    white-space: pre-wrap;
  }
  .text p,
  .text pre,
  .text blockquote {
    margin: 0;
  }
  .text > * + *,
  blockquote > * + * {
    margin-top: 4px;
  }
  blockquote {
    padding-inline-start: 10px;
    border-inline-start: 3px solid currentColor;
    opacity: 0.92;
  }
  pre,
  code {
    font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
    font-size: 0.9em;
  }
  pre {
    padding: 6px 8px;
    border-radius: 8px;
    background: var(--mc-code-bg);
    overflow-x: auto;
    white-space: pre;
  }
  code {
    padding: 0 3px;
    border-radius: 4px;
    background: var(--mc-code-bg);
  }
  .out pre,
  .out code {
    background: rgb(255 255 255 / 0.16);
  }
  .directive {
    opacity: 0.6;
  }
  a {
    color: inherit;
    text-decoration: underline;
    text-underline-offset: 2px;
  }
  .in a {
    color: var(--mc-accent-text);
  }
  .more {
    display: block;
    white-space: normal;
    margin-top: 6px;
    padding: 0;
    border: 0;
    background: none;
    color: inherit;
    font-weight: 600;
    text-decoration: underline;
  }
  .meta {
    display: inline-flex;
    align-items: center;
    gap: 3px;
    margin-inline-start: auto;
    font-size: 0.72em;
    line-height: 1.6;
    white-space: nowrap;
    color: var(--mc-muted);
  }
  .out .meta {
    color: var(--mc-on-accent-muted);
  }
  .out .failed .meta {
    color: var(--mc-danger);
    font-weight: 600;
  }
  .retry {
    display: inline-flex;
    align-items: center;
    gap: 3px;
    margin-inline-start: 6px;
    padding: 2px 8px;
    border: 1px solid var(--mc-danger);
    border-radius: 999px;
    background: var(--mc-surface);
    color: var(--mc-danger);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }
  .retry svg {
    width: 13px;
    height: 13px;
  }
  .tick {
    width: 15px;
    height: 15px;
  }
  .tick.sent {
    opacity: 0.75;
  }
  .tick.displayed {
    color: var(--mc-read);
  }
  .empty {
    margin: auto;
    padding: 32px 16px;
    text-align: center;
    color: var(--mc-muted);
  }
  .typing {
    min-height: 0;
    padding: 0 16px;
    font-size: 0.85em;
    font-style: italic;
    color: var(--mc-muted);
  }
  .typing:not(:empty) {
    padding-bottom: 4px;
  }
  .jump {
    position: absolute;
    right: 16px;
    bottom: 16px;
    display: grid;
    place-items: center;
    width: 40px;
    height: 40px;
    border: 1px solid var(--mc-border);
    border-radius: 50%;
    background: var(--mc-surface);
    color: var(--mc-text);
    box-shadow: 0 4px 12px rgb(0 0 0 / 0.15);
  }
  .jump-count {
    position: absolute;
    top: -6px;
    right: -6px;
    min-width: 20px;
    height: 20px;
    padding: 0 5px;
    border-radius: 10px;
    background: var(--mc-accent);
    color: var(--mc-on-accent);
    font-size: 11px;
    font-weight: 600;
    line-height: 20px;
  }
  .edited {
    font-style: italic;
  }
  .action {
    font-style: italic;
  }
  .action > p:first-of-type {
    display: inline;
  }
  .actor {
    font-weight: 600;
  }
  .file,
  .image {
    flex-basis: 100%;
    min-width: 0;
    margin-bottom: 4px;
  }
  .file {
    display: flex;
    align-items: center;
    gap: 10px;
    padding: 8px 10px;
    border: 1px solid var(--mc-border);
    border-radius: 10px;
    background: var(--mc-surface);
    color: var(--mc-text);
    text-decoration: none;
  }
  a.file:hover .file-name {
    text-decoration: underline;
  }
  .file svg {
    flex: none;
    width: 28px;
    height: 28px;
    color: var(--mc-accent-text);
  }
  .file.expired {
    margin: 0 0 4px;
    color: var(--mc-muted);
    font-style: italic;
  }
  .file.expired svg {
    width: 20px;
    height: 20px;
    color: var(--mc-muted);
  }
  .file-text {
    display: flex;
    flex-direction: column;
    min-width: 0;
  }
  .file-name {
    overflow: hidden;
    font-weight: 600;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .file-type,
  .file-desc {
    font-size: 0.8em;
    color: var(--mc-muted);
    overflow-wrap: anywhere;
  }
  .image img {
    display: block;
    max-width: 100%;
    max-height: 240px;
    border-radius: 10px;
  }
`;
