// XEP-0363 HTTP File Upload: asking the upload service for a slot, as plain data. The HTTP PUT
// itself is not XMPP and lives in the files feature. The request is sent here, as StanzaJS's
// sharing plugin would (the browser build leaves that plugin out).
import type { Stanzas } from 'stanza';
import { ChatError, ErrorCodes, FileTooLargeError } from '../errors.js';
import { toChatError } from './iq.js';
import { agentOf, type Transport } from './xmpp.js';

/** Where to PUT a file and where it can be fetched afterwards. */
export interface UploadSlot {
  /** The URL to PUT the bytes to. */
  putUrl: string;
  /** The URL the file is served from once uploaded (to share in the message). */
  getUrl: string;
  /** Headers the service wants on the PUT (XEP-0363 allows `Authorization`, `Cookie`, `Expires`). */
  headers: Record<string, string>;
}

/** The only slot headers XEP-0363 lets a service ask for. */
const ALLOWED_HEADERS = new Set(['authorization', 'cookie', 'expires']);

/** Conditions that mean "you may not upload (this)", e.g. a daily quota used up. */
const REFUSED = new Set(['not-allowed', 'forbidden', 'resource-constraint', 'not-authorized']);

/**
 * Asks the upload service `service` for a slot for one file. Rejects with a ChatError:
 * `file-too-large` ({@link FileTooLargeError}, with the service's limit when it says),
 * `forbidden` (quota used up, not allowed), else the usual IQ codes (`timeout`, …).
 */
export async function requestUploadSlot(
  transport: Transport,
  service: string,
  file: { name: string; size: number; type: string },
): Promise<UploadSlot> {
  const agent = agentOf(transport);
  try {
    const answer = await agent.sendIQ({
      to: service,
      type: 'get',
      httpUpload: { type: 'request', name: file.name, size: file.size, mediaType: file.type },
    });
    // The answer's `httpUpload` is the slot (StanzaJS types it as the request).
    const slot = answer.httpUpload as unknown as Stanzas.HTTPUploadSlot | undefined;
    const headers: Record<string, string> = {};
    for (const header of slot?.upload?.headers ?? []) {
      // Drop anything else, and line breaks that could smuggle in headers of their own.
      if (!ALLOWED_HEADERS.has(header.name.toLowerCase())) continue;
      headers[header.name] = String(header.value ?? '').replace(/[\r\n]+/g, ' ');
    }
    if (!slot?.upload?.url || !slot.download) {
      throw new ChatError(ErrorCodes.requestFailed, 'The upload service sent an incomplete slot');
    }
    return { putUrl: slot.upload.url, getUrl: slot.download, headers };
  } catch (cause) {
    if (cause instanceof ChatError) throw cause;
    const error = (
      cause as
        | { error?: { condition?: string; httpUploadError?: string; httpUploadMaxFileSize?: number } }
        | undefined
    )?.error;
    const condition = error?.condition;
    if (error?.httpUploadError === 'file-too-large') {
      const limit = error.httpUploadMaxFileSize;
      throw new FileTooLargeError(
        `The upload service refused ${file.size} bytes${limit !== undefined ? ` (limit ${limit})` : ''}`,
        limit,
        { ...(condition ? { condition } : {}), cause },
      );
    }
    if (condition && REFUSED.has(condition)) {
      throw new ChatError(ErrorCodes.forbidden, `The upload service refused the file: ${condition}`, {
        condition,
        cause,
      });
    }
    throw toChatError(cause, 'Requesting an upload slot');
  }
}
