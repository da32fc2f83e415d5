import type { Chat } from '../../sdk/index.js';
export function answer(body: string, now?: Date): string;
export function greeting(nick: string): string;
export function startBot(options: {
  jid: string;
  password: string;
  service: string;
  rooms?: string[];
}): Promise<Chat>;
