// Vitest global setup for the browser tier: builds the single-file bundle from source (the same
// Rollup config as `npm run build`, minus minification) into a temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rollup, type OutputOptions, type RollupOptions } from 'rollup';
import type { TestProject } from 'vitest/node';
import configs from '../../rollup.config.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    bundle: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'mailbox-chat-bundle-'));
  const browserConfig = (configs as RollupOptions[]).find((c) => c.input === 'widget/bundle.ts');
  if (!browserConfig) throw new Error('rollup.config.mjs has no browser build');
  const plugins = (browserConfig.plugins as Array<{ name: string }>).filter((p) => p.name !== 'terser');
  const build = await rollup({ ...browserConfig, plugins, onwarn: () => {} });
  const file = join(dir, 'mailbox-chat.js');
  await build.write({ ...(browserConfig.output as OutputOptions), file, banner: '' });
  await build.close();
  project.provide('bundle', file);
  return () => rmSync(dir, { recursive: true, force: true });
}
