export const CSP: string;
export function hashPassword(password: string, salt?: Uint8Array): { salt: Uint8Array; hash: Uint8Array };
export function startSsoPortal(options: {
  port?: number;
  bundle: string;
  upstream: { host: string; port: number };
  users: Array<{ username: string; password: string; jid: string; xmppPassword: string }>;
  pages?: string;
}): Promise<{ url: string; close(): Promise<void> }>;
