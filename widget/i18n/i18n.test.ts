import { describe, expect, it, vi } from 'vitest';
import { de } from './de.js';
import { en } from './en.js';
import { ErrorCodes } from '../../sdk/index.js';
import { LANGUAGES, localizer } from './index.js';

describe('widget texts', () => {
  it('has every English key in German, plain or plural alike', () => {
    expect(Object.keys(de).sort()).toEqual(Object.keys(en).sort());
    for (const [key, value] of Object.entries(en)) {
      expect(typeof de[key as keyof typeof de], key).toBe(typeof value);
    }
  });

  it('picks the language from the tag, falling back to English', () => {
    expect(localizer('de').t('login.submit')).toBe('Anmelden');
    expect(localizer('de-AT').lang).toBe('de-AT');
    expect(localizer('fr').t('login.submit')).toBe('Sign in');
    expect(localizer('fr').lang).toBe('en');
    expect(localizer('not a tag!').lang).toBe('en');
    expect(localizer(undefined).lang).toBe('en');
  });

  it('fills placeholders and chooses plural forms with Intl.PluralRules', () => {
    const en = localizer('en');
    const de = localizer('de');
    expect(en.t('composer.label', { name: 'ben' })).toBe('Message to ben');
    expect(en.plural('list.unread', 1)).toBe('1 unread message');
    expect(en.plural('list.unread', 1200)).toBe('1,200 unread messages');
    expect(de.plural('list.unread', 1)).toBe('1 ungelesene Nachricht');
    expect(de.plural('list.unread', 1200)).toBe('1.200 ungelesene Nachrichten');
  });

  it('says counts below 1,000 as Intl does, without loading Intl plural or number data', () => {
    for (const tag of ['en', 'de', 'de-AT', 'en-GB']) {
      const rules = new Intl.PluralRules(tag);
      const numbers = new Intl.NumberFormat(tag);
      const created = vi.spyOn(Intl, 'PluralRules');
      const formatted = vi.spyOn(Intl, 'NumberFormat');
      const fresh = localizer(tag);
      const forms = tag.startsWith('de')
        ? ['ungelesene Nachricht', 'ungelesene Nachrichten']
        : ['unread message', 'unread messages'];
      for (let n = 0; n < 1000; n += 1) {
        const form = rules.select(n) === 'one' ? forms[0] : forms[1];
        expect(fresh.plural('list.unread', n)).toBe(`${numbers.format(n)} ${form}`);
      }
      expect(created).not.toHaveBeenCalled();
      expect(formatted).not.toHaveBeenCalled();
      vi.restoreAllMocks();
    }
    // Beyond, and for fractions, Intl as before.
    expect(localizer('de').plural('list.unread', 1000)).toBe('1.000 ungelesene Nachrichten');
  });

  it('maps SDK error codes to text, and unknown codes to a generic one', () => {
    expect(localizer('de').error('auth-failed')).toBe('E-Mail-Adresse oder Passwort ist falsch.');
    expect(localizer('en').error('some-future-code')).toBe('Something went wrong.');
  });

  it('has a text for every SDK error code in every language', () => {
    expect(LANGUAGES).toEqual(['en', 'de']);
    for (const lang of LANGUAGES) {
      const i = localizer(lang);
      const generic = i.error('unknown');
      const missing = Object.values(ErrorCodes).filter((code) => !i.has(`error.${code}`));
      expect(missing, lang).toEqual([]);
      for (const code of Object.values(ErrorCodes)) {
        expect(i.error(code), `${lang} ${code}`).not.toBe(generic);
      }
    }
    // The two languages really differ (no English left in the German file).
    for (const code of Object.values(ErrorCodes)) {
      expect(localizer('de').error(code), code).not.toBe(localizer('en').error(code));
    }
  });

  it('formats file sizes in the language', () => {
    expect(localizer('en').bytes(1)).toBe('1 byte');
    expect(localizer('en').bytes(11)).toBe('11 bytes');
    expect(localizer('de').bytes(11)).toBe('11 Byte');
    expect(localizer('en').bytes(4200)).toBe('4.2 kB');
    expect(localizer('de').bytes(1_500_000)).toBe('1,5 MB');
  });

  it('names days relative to today, in the language', () => {
    const now = new Date(2024, 5, 12, 15, 0);
    expect(localizer('en').day(new Date(2024, 5, 12, 9, 0), now)).toBe('Today');
    expect(localizer('de').day(new Date(2024, 5, 11, 9, 0), now)).toBe('Gestern');
    expect(localizer('de').day(new Date(2024, 5, 3, 9, 0), now)).toBe('Montag, 3. Juni');
    expect(localizer('en').day(new Date(2023, 5, 3, 9, 0), now)).toBe('Saturday, June 3, 2023');
  });
});
