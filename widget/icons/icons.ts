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
export const usersIcon = icon(
  svg`<circle cx="9" cy="8.5" r="3.5"/><path d="M3 19.5c.6-3.2 3-5 6-5s5.4 1.8 6 5"/><path d="M15.5 5.2a3.5 3.5 0 0 1 0 6.6M17.5 14.8c1.8.6 3 2.2 3.5 4.7"/>`,
);
export const userPlusIcon = icon(
  svg`<circle cx="10" cy="8.5" r="3.5"/><path d="M4 19.5c.6-3.2 3-5 6-5s5.4 1.8 6 5M18.5 8v6M15.5 11h6"/>`,
);
export const hashIcon = icon(svg`<path d="M9.5 4L7.5 20M16.5 4l-2 16M4.5 9h15M4 15h15"/>`);
export const searchIcon = icon(svg`<circle cx="11" cy="11" r="6"/><path d="M20 20l-4.5-4.5"/>`);
export const moreIcon = icon(svg`<path d="M12 6.5v.01M12 12v.01M12 17.5v.01" stroke-width="3"/>`);
export const infoIcon = icon(svg`<circle cx="12" cy="12" r="8.5"/><path d="M12 11v5.5M12 7.5v.01"/>`);
export const blockIcon = icon(svg`<circle cx="12" cy="12" r="8.5"/><path d="M6 6l12 12"/>`);
export const trashIcon = icon(svg`<path d="M4.5 7h15M10 4h4M6.5 7l1 12.5h9l1-12.5M10 11v5M14 11v5"/>`);
export const bellIcon = icon(
  svg`<path d="M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 1.5h-15z"/><path d="M10 20.5h4"/>`,
);
export const bellOffIcon = icon(
  svg`<path d="M8.5 5.5A6 6 0 0 1 18 11v4M6 9.5v7L4.5 18H17M10 20.5h4M4 4l16 16"/>`,
);
export const doorIcon = icon(
  svg`<path d="M14 4H7.5A1.5 1.5 0 0 0 6 5.5v13A1.5 1.5 0 0 0 7.5 20H14"/><path d="M14.5 8l4 4-4 4M18.5 12H10"/>`,
);
export const attachIcon = icon(
  svg`<path d="M19 11.5l-6.8 6.8a4.5 4.5 0 0 1-6.4-6.4l7.3-7.3a3 3 0 0 1 4.2 4.2l-7.2 7.2a1.5 1.5 0 0 1-2.1-2.1l6.5-6.5"/>`,
);
export const retryIcon = icon(svg`<path d="M19.5 12a7.5 7.5 0 1 1-2.2-5.3"/><path d="M19.5 4.5v4h-4"/>`);
