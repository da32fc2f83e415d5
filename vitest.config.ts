import { defineConfig } from 'vitest/config';

// Three tiers: `unit` (no network), `server` (a private Prosody started by the global setup) and
// `browser` (the system Chromium driven by playwright-core, against the same kind of Prosody).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{sdk,widget,test,scripts,examples}/**/*.test.ts'],
          exclude: ['**/*.server.test.ts', '**/*.browser.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'server',
          include: ['{sdk,widget,test,scripts,examples}/**/*.server.test.ts'],
          globalSetup: ['test/rig/server-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['{sdk,widget,test,scripts,examples}/**/*.browser.test.ts'],
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
