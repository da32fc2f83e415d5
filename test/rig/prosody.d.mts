export interface ProsodyPorts {
  c2s: number;
  directTls: number;
  http: number;
  https: number;
  proxy65: number;
}
export interface Prosody {
  domain: string;
  host: string;
  dir: string;
  configPath: string;
  ports: ProsodyPorts;
  ca: string;
  caPath: string;
  readonly pid: number;
  websocketUrl: string;
  secureWebsocketUrl: string;
  boshUrl: string;
  register(user: string, password: string): Promise<void>;
  stop(): Promise<void>;
  restart(): Promise<void>;
  dispose(): Promise<void>;
  log(): string;
}
export function startProsody(options?: {
  domain?: string;
  accounts?: Array<[string, string]>;
  dir?: string;
  extraGlobal?: string;
  /** Changes to the mailbox module set of the VirtualHost's global list. */
  modules?: { enable?: string[]; disable?: string[] };
  /** Upload slots (http_file_share) point at the HTTPS port (test CA) instead of HTTP. */
  shareOverHttps?: boolean;
}): Promise<Prosody>;
export function freePorts(count: number): Promise<number[]>;
export function makeCertificates(
  dir: string,
  domain: string,
  name?: string,
): Promise<{ caPath: string; ca: string; cert: string; key: string }>;
export function registerAccount(
  configPath: string,
  user: string,
  domain: string,
  password: string,
): Promise<void>;
export function adminShell(configPath: string, ...args: string[]): Promise<string>;
