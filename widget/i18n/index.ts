import { de } from './de.js';
import { en, type TextKey, type Texts } from './en.js';

const languages: Record<string, Texts> = { en, de };

/** Picks the texts for a language tag (`de`, `de-AT`, …), falling back to English. */
export function textsFor(lang: string | null | undefined): Texts {
  const base = (lang ?? '').toLowerCase().split('-')[0] ?? '';
  return languages[base] ?? en;
}

export type { TextKey, Texts };
