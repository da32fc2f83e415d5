import type { Chat, ResumeStorage } from '../../sdk/index.js';
export const NICK: string;
export function helpdeskFile(now?: Date): { name: string; type: string; data: Uint8Array };
export function command(body: string, options?: { inRoom?: boolean }): 'help' | 'time' | 'file' | undefined;
export function answer(body: string, now?: Date): string;
export function greeting(nick: string): string;
export function startBot(options: {
  jid: string;
  password: string;
  service?: string;
  tls?: { ca?: string | string[] };
  rooms?: string[];
  session?: string;
}): Promise<Chat>;
export function fileResumeStorage(path: string): ResumeStorage;
export function parseArgs(argv: string[]): {
  jid?: string;
  service?: string;
  ca?: string;
  session?: string;
  rooms: string[];
};
