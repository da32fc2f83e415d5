import { describe, expect, it } from 'vitest';
import { de } from '../i18n/de.js';
import { en } from '../i18n/en.js';
import { LAUNCHER_LABELS } from './labels.js';

describe('the lazy launcher', () => {
  it('labels its button with the widget’s own texts, in every language the widget speaks', () => {
    expect(LAUNCHER_LABELS).toEqual({ en: en['launcher.open'], de: de['launcher.open'] });
  });
});
