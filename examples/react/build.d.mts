export function buildApp(options?: {
  outdir?: string;
  fromSource?: boolean;
  minify?: boolean;
}): Promise<{ outdir: string; warnings: unknown[] }>;
