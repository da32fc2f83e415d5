import { de } from './de.js';
import { en, type PluralKey, type PluralText, type StringKey, type TextKey, type Texts } from './en.js';

/**
 * The languages the widget speaks, by primary language subtag. Adding one is one file (`fr.ts`
 * exporting `fr: Texts`, which the type checker holds to English key for key) plus its line here.
 */
const languages: Readonly<Record<string, Texts>> = { en, de };

/** The tags of the languages the widget speaks (`en`, `de`, …). */
export const LANGUAGES: readonly string[] = Object.keys(languages);

type Params = Readonly<Record<string, string | number>>;

const fill = (text: string, params: Params | undefined): string =>
  params ? text.replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole)) : text;

/**
 * Languages in which a whole number's plural is `one` for 1 and `other` otherwise (CLDR), written
 * in Latin digits: a count below 1,000 needs no `Intl` there. (The first `Intl.PluralRules` and
 * `NumberFormat` of a page load locale data: ~40 ms in a fresh browser profile, in the way of
 * the first room header or unread count.)
 */
const SIMPLE_COUNTING = new Set(['en', 'de']);

const DAY = 86_400_000;
const startOfDay = (date: Date): number => new Date(date).setHours(0, 0, 0, 0);

/**
 * Texts, plurals, dates and times for one language, formatted with `Intl`. Immutable: a new
 * language means a new localizer, so elements that receive one re-render.
 */
export class Localizer {
  /** The language tag used for `Intl` (`en`, `de`, `de-AT`, …). */
  readonly lang: string;
  private readonly texts: Texts;
  private plurals?: Intl.PluralRules;
  private numbers?: Intl.NumberFormat;
  private formats = new Map<string, Intl.DateTimeFormat>();
  /** File sizes, one format per unit (`byte`, `kilobyte`, `megabyte`). */
  private sizes = new Map<string, Intl.NumberFormat>();
  private relative?: Intl.RelativeTimeFormat;
  /** Whether counts below 1,000 can skip `Intl` (see {@link SIMPLE_COUNTING}). */
  private readonly simpleCounting: boolean;

  constructor(tag: string | null | undefined) {
    let canonical = 'en';
    try {
      canonical = Intl.getCanonicalLocales(tag || 'en')[0] ?? 'en';
    } catch {
      // Not a valid language tag (e.g. `lang="??"`): English, as for an unknown language.
      canonical = 'en';
    }
    const base = canonical.split('-')[0]!.toLowerCase();
    const texts = languages[base];
    this.texts = texts ?? en;
    this.lang = texts ? canonical : 'en';
    this.simpleCounting = SIMPLE_COUNTING.has(texts ? base : 'en');
  }

  /** A plain text, with `{name}` placeholders filled from `params`. */
  t(key: StringKey, params?: Params): string {
    return fill(this.texts[key], params);
  }

  /** A text with plural forms for `count`; `#` becomes the formatted count. */
  plural(key: PluralKey, count: number, params?: Params): string {
    const forms: PluralText = this.texts[key];
    if (this.simpleCounting && Number.isInteger(count) && count >= 0 && count < 1000) {
      const form = (count === 1 ? forms.one : undefined) ?? forms.other;
      return fill(form.replace(/#/g, String(count)), params);
    }
    const { plurals, numbers } = this.counting();
    const form = forms[plurals.select(count) as keyof PluralText] ?? forms.other;
    return fill(form.replace(/#/g, numbers.format(count)), params);
  }

  private counting(): { plurals: Intl.PluralRules; numbers: Intl.NumberFormat } {
    this.plurals ??= new Intl.PluralRules(this.lang);
    this.numbers ??= new Intl.NumberFormat(this.lang);
    return { plurals: this.plurals, numbers: this.numbers };
  }

  /**
   * Creates the formatters a conversation view uses, ahead of it. The first of each kind loads
   * its locale data (tens of milliseconds in a fresh browser profile): called while the main
   * thread would otherwise wait for the network, that is no longer spent on the way to the
   * first conversation.
   */
  warm(): void {
    if (!this.simpleCounting) this.counting();
    this.format('time', { timeStyle: 'short' });
    this.format('dateTime', { dateStyle: 'full', timeStyle: 'short' });
    this.relativeDays();
  }

  private relativeDays(): Intl.RelativeTimeFormat {
    this.relative ??= new Intl.RelativeTimeFormat(this.lang, { numeric: 'auto' });
    return this.relative;
  }

  /** The text for an SDK error code, or the generic one for codes this language does not know. */
  error(code: string | undefined): string {
    const key = `error.${code ?? 'unknown'}`;
    return key in this.texts ? this.t(key as StringKey) : this.t('error.unknown');
  }

  /** A file size: `820 B`, `4.2 kB`, `1.5 MB`. */
  bytes(size: number): string {
    const [unit, value] =
      size >= 1_000_000
        ? (['megabyte', size / 1_000_000] as const)
        : size >= 1_000
          ? (['kilobyte', size / 1_000] as const)
          : (['byte', size] as const);
    let format = this.sizes.get(unit);
    if (!format) {
      // Bytes spelled out (`820 bytes`): the short form is `820 byte` in English.
      const unitDisplay = unit === 'byte' ? 'long' : 'short';
      format = new Intl.NumberFormat(this.lang, {
        style: 'unit',
        unit,
        unitDisplay,
        maximumFractionDigits: 1,
      });
      this.sizes.set(unit, format);
    }
    return format.format(value);
  }

  /** Whether a key exists (for codes that come from the SDK at run time). */
  has(key: string): key is TextKey {
    return key in this.texts;
  }

  private format(name: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
    let format = this.formats.get(name);
    if (!format) {
      format = new Intl.DateTimeFormat(this.lang, options);
      this.formats.set(name, format);
    }
    return format;
  }

  /** The time of day: `14:05`, `2:05 PM`. */
  time(date: Date): string {
    return this.format('time', { timeStyle: 'short' }).format(date);
  }

  /** Date and time in full, for tooltips: `Monday, 3 June 2024 at 14:05`. */
  dateTime(date: Date): string {
    return this.format('dateTime', { dateStyle: 'full', timeStyle: 'short' }).format(date);
  }

  /** A day heading: `Today`, `Yesterday`, `Monday, 3 June`, with the year when it is not this one. */
  day(date: Date, now: Date = new Date()): string {
    const days = Math.round((startOfDay(now) - startOfDay(date)) / DAY);
    if (days === 0 || days === 1) {
      const word = this.relativeDays().format(-days, 'day');
      return word.charAt(0).toLocaleUpperCase(this.lang) + word.slice(1);
    }
    const sameYear = date.getFullYear() === now.getFullYear();
    return sameYear
      ? this.format('day', { weekday: 'long', day: 'numeric', month: 'long' }).format(date)
      : this.format('dayYear', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(
          date,
        );
  }

  /** A short stamp for lists: the time today, the weekday this week, else the date. */
  when(date: Date, now: Date = new Date()): string {
    const days = Math.round((startOfDay(now) - startOfDay(date)) / DAY);
    if (days === 0) return this.time(date);
    if (days > 0 && days < 7) return this.format('weekday', { weekday: 'short' }).format(date);
    return this.format('short', { dateStyle: 'short' }).format(date);
  }
}

/** The localizer for a language tag (`de`, `de-AT`, …); unknown languages get English. */
export function localizer(tag: string | null | undefined): Localizer {
  return new Localizer(tag);
}

export type { PluralKey, PluralText, StringKey, TextKey, Texts };
