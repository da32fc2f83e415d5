import { unsafeCSS } from 'lit';
import { TOKENS_CSS } from './token-css.js';

/** Design tokens on the host: light by default, dark for `theme="dark"` or `auto` on a dark system. */
export const tokens = unsafeCSS(TOKENS_CSS);
