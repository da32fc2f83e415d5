import { isChatError, type UploadOptions } from '../../sdk/index.js';
import type { Localizer } from '../i18n/index.js';

/** One file the composer is sending, or failed to send. */
export interface PendingUpload {
  readonly id: number;
  readonly file: File;
  /** 0–100 while uploading. */
  readonly percent: number;
  readonly state: 'uploading' | 'failed';
  /** Why it failed, localized. */
  readonly error?: string;
  /** Whether trying again can help (not for a file that is too large). */
  readonly retry?: boolean;
  readonly abort?: AbortController;
}

/** Uploads a file and sends it (the controller's `sendFile`). */
export type UploadFile = (file: File, options: UploadOptions) => Promise<void>;

/** The size check done before anything is sent: the localized refusal, or undefined when it fits. */
export function tooLarge(i: Localizer, file: File, limit: number | undefined): string | undefined {
  if (limit === undefined || file.size <= limit) return undefined;
  return i.t('upload.tooLarge', { name: file.name, size: i.bytes(file.size), limit: i.bytes(limit) });
}

/** The localized reason an upload failed. */
export function failure(i: Localizer, file: File, error: unknown): { text: string; retry: boolean } {
  const code = isChatError(error) ? error.code : 'unknown';
  if (code === 'file-too-large') {
    const limit = (error as { limit?: number }).limit;
    if (limit !== undefined) return { text: tooLarge(i, file, limit) ?? i.error(code), retry: false };
  }
  return {
    text: i.t('upload.failed', { name: file.name, reason: i.error(code) }),
    retry: code !== 'file-too-large',
  };
}
