// Vitest global setup for the browser tier: builds the single-file bundle and the lazy build
// from source (the same Rollup configs as `npm run build`, minus minification) into a temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rollup, type OutputOptions, type RollupOptions } from 'rollup';
import type { TestProject } from 'vitest/node';
import configs from '../../rollup.config.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The single-file build (dist/mailbox-chat.js). */
    bundle: string;
    /** The folder of the lazy build (dist/lazy/): mailbox-chat.js and the chunk it loads. */
    lazyBundle: string;
  }
}

async function build(config: RollupOptions, output: OutputOptions): Promise<void> {
  const plugins = (config.plugins as Array<{ name: string }>).filter((p) => p.name !== 'terser');
  const bundle = await rollup({ ...config, plugins, onwarn: () => {} });
  await bundle.write({ ...(config.output as OutputOptions), ...output, banner: '' });
  await bundle.close();
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'mailbox-chat-bundle-'));
  const all = configs as RollupOptions[];
  const single = all.find((c) => c.input === 'widget/bundle.ts');
  const lazy = all.find((c) => (c.output as OutputOptions | undefined)?.dir === 'dist/lazy');
  if (!single || !lazy) throw new Error('rollup.config.mjs lacks the single-file or the lazy browser build');
  const file = join(dir, 'mailbox-chat.js');
  const lazyDir = join(dir, 'lazy');
  await Promise.all([build(single, { file }), build(lazy, { dir: lazyDir })]);
  project.provide('bundle', file);
  project.provide('lazyBundle', lazyDir);
  return () => rmSync(dir, { recursive: true, force: true });
}
