import { LitElement, css, html, nothing, type TemplateResult } from 'lit';
import type { Localizer } from '../i18n/index.js';
import { closeIcon } from '../icons/icons.js';
import { RendersAfterSends } from '../shared/after-sends.js';
import { base } from '../theme/base.js';

const FOCUSABLE =
  'button:not([disabled]), input:not([disabled]), textarea:not([disabled]), select:not([disabled]), a[href], [tabindex="0"]';

/** The sheet and its backdrop, shared by every dialog of the widget. */
export const dialogStyles = css`
  :host {
    position: absolute;
    inset: 0;
    z-index: 10;
    display: flex;
    align-items: center;
    justify-content: center;
    padding: 16px;
  }
  .backdrop {
    position: absolute;
    inset: 0;
    background: rgb(16 24 40 / 0.45);
  }
  .sheet {
    position: relative;
    display: flex;
    flex-direction: column;
    width: min(100%, 440px);
    max-height: 100%;
    overflow: hidden;
    border: 1px solid var(--mc-border);
    border-radius: 16px;
    background: var(--mc-surface);
    color: var(--mc-text);
    box-shadow: var(--mc-shadow);
    animation: rise 0.16s ease-out;
  }
  @keyframes rise {
    from {
      opacity: 0;
      transform: translateY(8px);
    }
  }
  .sheet-head {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 14px 10px 6px 20px;
  }
  .sheet-head h2 {
    flex: 1;
    min-width: 0;
    margin: 0;
    font-size: 1.1em;
    line-height: 1.3;
    overflow-wrap: anywhere;
  }
  .sheet-body {
    display: grid;
    gap: 14px;
    padding: 6px 20px 20px;
    overflow-y: auto;
  }
  .sheet-body p {
    margin: 0;
  }
  .hint {
    color: var(--mc-muted);
    font-size: 0.87em;
  }
  .form {
    display: grid;
    gap: 14px;
  }
  .group {
    display: grid;
    gap: 6px;
  }
  label {
    font-weight: 600;
    font-size: 0.92em;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: 8px;
    padding-top: 4px;
  }
  /* A switch: a checkbox with role="switch", drawn as a track with a knob. */
  .switch-row {
    display: flex;
    align-items: flex-start;
    gap: 12px;
  }
  .switch-row .group {
    flex: 1;
  }
  .switch {
    appearance: none;
    position: relative;
    flex: none;
    width: 44px;
    height: 26px;
    margin: 0;
    border-radius: 13px;
    background: var(--mc-muted);
    cursor: pointer;
    transition: background 0.15s ease;
  }
  .switch::after {
    content: '';
    position: absolute;
    top: 3px;
    left: 3px;
    width: 20px;
    height: 20px;
    border-radius: 50%;
    background: var(--mc-surface);
    transition: transform 0.15s ease;
  }
  .switch:checked {
    background: var(--mc-accent);
  }
  .switch:checked::after {
    background: var(--mc-on-accent);
    transform: translateX(18px);
  }
  @media (max-width: 420px) {
    :host {
      align-items: flex-end;
      padding: 0;
    }
    .sheet {
      width: 100%;
      border-radius: 16px 16px 0 0;
    }
  }
`;

/**
 * A modal dialog inside the panel: a backdrop, a sheet with a heading and a close button, focus
 * kept inside (Tab wraps) and Escape to close. Subclasses render the body; the opener moves focus
 * back when it handles `dialog-close`. Internal to `<mailbox-chat>`.
 */
export abstract class McDialog extends RendersAfterSends(LitElement) {
  static override properties = {
    i18n: { attribute: false },
    error: { attribute: false },
    busy: { type: Boolean },
  };

  declare i18n: Localizer;
  /** A localized error from the last attempt. */
  declare error: string | undefined;
  /** A request is under way: the submit button is disabled. */
  declare busy: boolean;

  constructor() {
    super();
    this.error = undefined;
    this.busy = false;
  }

  /** The dialog's title. */
  protected abstract heading(): string;
  /** The dialog's content. */
  protected abstract renderBody(): TemplateResult;

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.onKeydown);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.onKeydown);
  }

  protected override async firstUpdated(): Promise<void> {
    await this.updateComplete;
    this.focusFirst();
  }

  /** Focuses the first field (or the first button when there is none). */
  focusFirst(): void {
    const root = this.renderRoot;
    (
      root.querySelector<HTMLElement>(
        '.sheet-body input:not([type="checkbox"], [type="radio"]), .sheet-body textarea',
      ) ??
      root.querySelector<HTMLElement>(`.sheet-body :is(${FOCUSABLE})`) ??
      root.querySelector<HTMLElement>('.sheet-head button')
    )?.focus();
  }

  /** Asks the opener to close the dialog. */
  protected close(): void {
    this.dispatchEvent(new CustomEvent('dialog-close'));
  }

  private onKeydown = (event: KeyboardEvent): void => {
    if (event.key === 'Escape') {
      // The dialog closes first; Escape does not reach the panel (which would close the launcher).
      event.preventDefault();
      event.stopPropagation();
      this.close();
      return;
    }
    if (event.key !== 'Tab') return;
    const items = [...this.renderRoot.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
      (el) => el.offsetParent !== null || el === this.shadowRoot?.activeElement,
    );
    if (!items.length) return;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    const active = this.shadowRoot?.activeElement;
    if (event.shiftKey && (active === first || !active)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !active)) {
      event.preventDefault();
      first.focus();
    }
  };

  protected override render() {
    const i = this.i18n;
    return html`<div class="backdrop" @click=${() => this.close()}></div>
      <div class="sheet" role="dialog" aria-modal="true" aria-labelledby="dialog-title">
        <div class="sheet-head">
          <h2 id="dialog-title">${this.heading()}</h2>
          <button
            type="button"
            class="icon-button"
            aria-label=${i.t('dialog.close')}
            title=${i.t('dialog.close')}
            @click=${() => this.close()}
          >
            ${closeIcon}
          </button>
        </div>
        <div class="sheet-body">${this.renderBody()}</div>
      </div>`;
  }

  /** The error line, announced when it appears. */
  protected renderError() {
    return this.error ? html`<p id="dialog-error" class="error" role="alert">${this.error}</p>` : nothing;
  }
}

/** Base styles for dialogs (element basics plus the sheet). */
export const dialogBase = [base, dialogStyles];
