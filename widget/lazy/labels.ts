// Texts of the lazy build's launcher (kept out of shell.ts so that they can be checked without a DOM).

/**
 * The launcher's label before the widget has loaded, in the widget's languages (the same texts
 * as `launcher.open` in widget/i18n — a unit test holds them equal — but without loading the
 * dictionaries).
 */
export const LAUNCHER_LABELS: Readonly<Record<string, string>> = { en: 'Open chat', de: 'Chat öffnen' };
