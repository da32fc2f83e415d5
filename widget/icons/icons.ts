import { html, type TemplateResult } from 'lit';

// Line icons drawn for this widget: 24×24, one path each (circles as two arcs), stroked with
// currentColor by the shared styles — two DOM nodes per icon. Decorative: every button that shows
// one carries its own label.

/** The shapes, for templates that draw an icon inline (a row's delivery tick): the `d` of its path. */
export const paths = {
  clock: 'M4 12a8 8 0 1 0 16 0a8 8 0 1 0-16 0M12 8v4.5l3 2',
  check: 'M5 12.5l4.5 4.5L19 7.5',
  doubleCheck: 'M2.5 12.5L7 17l9.5-9.5M12 16l1 1 9-9.5',
  alert: 'M3.5 12a8.5 8.5 0 1 0 17 0a8.5 8.5 0 1 0-17 0M12 7.5v5.5M12 16.5v.01',
} as const;

/** An icon of one path. */
const icon = (d: string): TemplateResult =>
  html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d=${d}></path></svg>`;

export const chatIcon = icon(
  'M4 6.5A2.5 2.5 0 0 1 6.5 4h11A2.5 2.5 0 0 1 20 6.5v8a2.5 2.5 0 0 1-2.5 2.5H11l-4.5 3.5V17A2.5 2.5 0 0 1 4 14.5zM8.5 9h7M8.5 12.5h4.5',
);
export const closeIcon = icon('M6 6l12 12M18 6L6 18');
export const chevronDownIcon = icon('M6 9.5l6 6 6-6');
export const backIcon = icon('M14.5 6l-6 6 6 6');
export const sendIcon = icon('M4.5 12L20 4.5 15.5 20l-3.5-6.5zM12 13.5L20 4.5');
export const plusIcon = icon('M12 5v14M5 12h14');
export const pencilIcon = icon('M4.5 19.5l1-4.5L15.5 5a2.1 2.1 0 0 1 3.5 3.5L9 18.5zM13.5 7l3.5 3.5');
export const logoutIcon = icon(
  'M14 4h3.5A2.5 2.5 0 0 1 20 6.5v11a2.5 2.5 0 0 1-2.5 2.5H14M9.5 16.5L5 12l4.5-4.5M5 12h10',
);
export const arrowDownIcon = icon('M12 5v14M6 13l6 6 6-6');
export const clockIcon = icon(paths.clock);
export const checkIcon = icon(paths.check);
export const doubleCheckIcon = icon(paths.doubleCheck);
export const alertIcon = icon(paths.alert);
export const spinnerIcon = html`<svg class="spinner" viewBox="0 0 24 24" aria-hidden="true">
  <path d="M12 3a9 9 0 1 0 9 9"></path>
</svg>`;
export const fileIcon = icon(
  'M13.5 3.5H7A1.5 1.5 0 0 0 5.5 5v14A1.5 1.5 0 0 0 7 20.5h10a1.5 1.5 0 0 0 1.5-1.5V8.5zM13.5 3.5v5h5M9 13h6M9 16.5h4',
);
export const usersIcon = icon(
  'M5.5 8.5a3.5 3.5 0 1 0 7 0a3.5 3.5 0 1 0-7 0M3 19.5c.6-3.2 3-5 6-5s5.4 1.8 6 5M15.5 5.2a3.5 3.5 0 0 1 0 6.6M17.5 14.8c1.8.6 3 2.2 3.5 4.7',
);
export const userPlusIcon = icon(
  'M6.5 8.5a3.5 3.5 0 1 0 7 0a3.5 3.5 0 1 0-7 0M4 19.5c.6-3.2 3-5 6-5s5.4 1.8 6 5M18.5 8v6M15.5 11h6',
);
export const hashIcon = icon('M9.5 4L7.5 20M16.5 4l-2 16M4.5 9h15M4 15h15');
export const searchIcon = icon('M5 11a6 6 0 1 0 12 0a6 6 0 1 0-12 0M20 20l-4.5-4.5');
export const infoIcon = icon('M3.5 12a8.5 8.5 0 1 0 17 0a8.5 8.5 0 1 0-17 0M12 11v5.5M12 7.5v.01');
export const blockIcon = icon('M3.5 12a8.5 8.5 0 1 0 17 0a8.5 8.5 0 1 0-17 0M6 6l12 12');
export const trashIcon = icon('M4.5 7h15M10 4h4M6.5 7l1 12.5h9l1-12.5M10 11v5M14 11v5');
export const bellIcon = icon('M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 1.5h-15zM10 20.5h4');
export const bellOffIcon = icon('M8.5 5.5A6 6 0 0 1 18 11v4M6 9.5v7L4.5 18H17M10 20.5h4M4 4l16 16');
export const doorIcon = icon(
  'M14 4H7.5A1.5 1.5 0 0 0 6 5.5v13A1.5 1.5 0 0 0 7.5 20H14M14.5 8l4 4-4 4M18.5 12H10',
);
export const attachIcon = icon(
  'M19 11.5l-6.8 6.8a4.5 4.5 0 0 1-6.4-6.4l7.3-7.3a3 3 0 0 1 4.2 4.2l-7.2 7.2a1.5 1.5 0 0 1-2.1-2.1l6.5-6.5',
);
export const retryIcon = icon('M19.5 12a7.5 7.5 0 1 1-2.2-5.3M19.5 4.5v4h-4');
