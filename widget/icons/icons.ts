import { html, svg, type TemplateResult } from 'lit';

// Line icons drawn for this widget (24×24, stroked with currentColor by the shared styles).
// Decorative: every button that shows one carries its own label.

const icon = (paths: TemplateResult<2>): TemplateResult =>
  html`<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">${paths}</svg>`;

export const chatIcon = icon(
  svg`<path d="M4 6.5A2.5 2.5 0 0 1 6.5 4h11A2.5 2.5 0 0 1 20 6.5v8a2.5 2.5 0 0 1-2.5 2.5H11l-4.5 3.5V17A2.5 2.5 0 0 1 4 14.5z"/><path d="M8.5 9h7M8.5 12.5h4.5"/>`,
);
export const closeIcon = icon(svg`<path d="M6 6l12 12M18 6L6 18"/>`);
export const chevronDownIcon = icon(svg`<path d="M6 9.5l6 6 6-6"/>`);
export const backIcon = icon(svg`<path d="M14.5 6l-6 6 6 6"/>`);
export const sendIcon = icon(svg`<path d="M4.5 12L20 4.5 15.5 20l-3.5-6.5z"/><path d="M12 13.5L20 4.5"/>`);
export const plusIcon = icon(svg`<path d="M12 5v14M5 12h14"/>`);
export const logoutIcon = icon(
  svg`<path d="M14 4h3.5A2.5 2.5 0 0 1 20 6.5v11a2.5 2.5 0 0 1-2.5 2.5H14"/><path d="M9.5 16.5L5 12l4.5-4.5M5 12h10"/>`,
);
export const arrowDownIcon = icon(svg`<path d="M12 5v14M6 13l6 6 6-6"/>`);
export const clockIcon = icon(svg`<circle cx="12" cy="12" r="8"/><path d="M12 8v4.5l3 2"/>`);
export const checkIcon = icon(svg`<path d="M5 12.5l4.5 4.5L19 7.5"/>`);
export const doubleCheckIcon = icon(svg`<path d="M2.5 12.5L7 17l9.5-9.5"/><path d="M12 16l1 1 9-9.5"/>`);
export const alertIcon = icon(svg`<circle cx="12" cy="12" r="8.5"/><path d="M12 7.5v5.5M12 16.5v.01"/>`);
export const spinnerIcon = html`<svg class="spinner" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
  <path d="M12 3a9 9 0 1 0 9 9" />
</svg>`;
export const fileIcon = icon(
  svg`<path d="M13.5 3.5H7A1.5 1.5 0 0 0 5.5 5v14A1.5 1.5 0 0 0 7 20.5h10a1.5 1.5 0 0 0 1.5-1.5V8.5z"/><path d="M13.5 3.5v5h5M9 13h6M9 16.5h4"/>`,
);
