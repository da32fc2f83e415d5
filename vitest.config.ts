import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Three tiers: `unit` (no network), `server` (a private Prosody started by the global setup) and
// `browser` (the system Chromium driven by playwright-core, against the same kind of Prosody).
export default defineConfig({
  resolve: {
    // Tests run against source, never dist/: examples that import the package by name get the
    // source entry points.
    alias: [
      { find: /^mailbox-chat\/sdk$/, replacement: fileURLToPath(new URL('./sdk/node.ts', import.meta.url)) },
      {
        find: /^mailbox-chat\/widget$/,
        replacement: fileURLToPath(new URL('./widget/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['{sdk,widget,gateway,test,scripts,examples}/**/*.test.ts'],
          exclude: ['**/*.server.test.ts', '**/*.browser.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'server',
          include: ['{sdk,widget,gateway,test,scripts,examples}/**/*.server.test.ts'],
          globalSetup: ['test/rig/server-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['{sdk,widget,gateway,test,scripts,examples}/**/*.browser.test.ts'],
          globalSetup: ['test/rig/server-setup.ts', 'test/rig/browser-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One Chromium at a time: the machine has two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
