import type { Chat } from '../../sdk/index.js';
export function answer(body: string, now?: Date): string;
export function startBot(options: { jid: string; password: string; service: string }): Promise<Chat>;
