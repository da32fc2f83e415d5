import { describe, expect, it } from 'vitest';
import { ChatError, FileTooLargeError } from '../../sdk/index.js';
import { localizer } from '../i18n/index.js';
import { failure, tooLarge } from './uploads.js';

const file = (size: number, name = 'report.pdf') => new File([new Uint8Array(size)], name);

describe('upload checks and failures', () => {
  it('refuses a file over the limit before anything is sent, in the user’s language', () => {
    expect(tooLarge(localizer('en'), file(11_000_000), 10_485_760)).toBe(
      'report.pdf is too large (11 MB). Files can be up to 10.5 MB.',
    );
    expect(tooLarge(localizer('de'), file(11_000_000), 10_485_760)).toBe(
      'report.pdf ist zu groß (11 MB). Dateien dürfen höchstens 10,5 MB groß sein.',
    );
    expect(tooLarge(localizer('en'), file(10), 10)).toBeUndefined();
    // No limit known: the server decides.
    expect(tooLarge(localizer('en'), file(11_000_000), undefined)).toBeUndefined();
  });

  it('explains a failed upload and offers a retry unless the file is too large', () => {
    const en = localizer('en');
    expect(failure(en, file(5), new ChatError('timeout', 'slow'))).toEqual({
      text: 'report.pdf was not sent. The chat server did not answer in time.',
      retry: true,
    });
    expect(failure(en, file(2_000_000), new FileTooLargeError('too big', 1_000_000))).toEqual({
      text: 'report.pdf is too large (2 MB). Files can be up to 1 MB.',
      retry: false,
    });
    expect(failure(en, file(5), new Error('boom')).text).toBe(
      'report.pdf was not sent. Something went wrong.',
    );
  });
});
