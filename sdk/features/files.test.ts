import { describe, expect, it } from 'vitest';
import { guessType } from './files.js';
import { progressReporter, type UploadProgress } from './http-put.js';

describe('files helpers', () => {
  it('reports progress forwards only, capped at the size', () => {
    const seen: UploadProgress[] = [];
    const report = progressReporter(200, (p) => seen.push(p));
    for (const loaded of [0, 50, 50, 20, 150, 400]) report(loaded);
    expect(seen.map((p) => p.percent)).toEqual([0, 25, 75, 100]);
  });

  it('guesses MIME types from extensions', () => {
    expect(guessType('Photo.JPG')).toBe('image/jpeg');
    expect(guessType('notes')).toBe('application/octet-stream');
  });
});
