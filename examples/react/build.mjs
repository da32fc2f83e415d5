// Builds the React example with esbuild: src/main.jsx and everything it imports (React, the
// widget, the SDK) into one `app.js`, plus the page (`portal.html`) and its styles.
//
//   npm run build && node examples/react/build.mjs      → examples/react/dist/
//
// The app imports `mailbox-chat/widget` like any app using the package; inside this repository
// that name resolves to the package's own build (dist/). `fromSource: true` (the tests) takes
// the TypeScript sources instead, so no build is needed first.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../..');

/** Resolves `mailbox-chat/sdk` and `mailbox-chat/widget` to this repository's sources. */
const sources = {
  name: 'mailbox-chat-sources',
  setup(plugin) {
    plugin.onResolve({ filter: /^mailbox-chat\/(sdk|widget)$/ }, ({ path }) => ({
      path: join(root, path.slice('mailbox-chat/'.length), 'index.ts'),
      // Importing the widget registers the element: a side effect the bundle must keep.
      sideEffects: path.endsWith('widget'),
    }));
    plugin.onResolve({ filter: /^\.\/define\.js$/ }, ({ importer }) =>
      importer === join(root, 'widget/index.ts')
        ? { path: join(root, 'widget/define.ts'), sideEffects: true }
        : undefined,
    );
  },
};

/**
 * Builds the example into `outdir`.
 * @param {{ outdir?: string, fromSource?: boolean, minify?: boolean }} [options]
 */
export async function buildApp({ outdir = join(here, 'dist'), fromSource = false, minify = true } = {}) {
  mkdirSync(outdir, { recursive: true });
  const result = await build({
    entryPoints: { app: join(here, 'src/main.jsx') },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    minify,
    sourcemap: true,
    define: { 'process.env.NODE_ENV': minify ? '"production"' : '"development"' },
    plugins: fromSource ? [sources] : [],
    logLevel: 'warning',
  });
  for (const file of ['portal.html', 'app.css']) copyFileSync(join(here, 'src', file), join(outdir, file));
  return { outdir, warnings: result.warnings };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { outdir } = await buildApp({ fromSource: process.argv.includes('--from-source') });
  console.log(`built ${outdir}; serve portal.html behind a portal like examples/sso/server.mjs`);
}
