import type { Message } from '../../sdk/index.js';

/**
 * When a message's shared file is gone from the server: its `attachment.expiresAt`, else — for
 * an uploaded file (the body is just its URL, as clients send them) — its time plus `after`.
 */
export function expiryOf(m: Message, after: number | undefined): number | undefined {
  const a = m.attachment;
  if (!a) return undefined;
  if (a.expiresAt) return a.expiresAt.getTime();
  return after && m.body.trim() === a.url ? m.time.getTime() + after : undefined;
}
