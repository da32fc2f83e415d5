export const STRICT_CSP: string;
export function startPortal(options: {
  port?: number;
  bundle: string;
  upstream: { host: string; port: number };
  pages?: string;
}): Promise<{ url: string; port: number; close(): Promise<void> }>;
