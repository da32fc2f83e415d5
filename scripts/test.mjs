#!/usr/bin/env node
// `npm test`: set-up, then every check in order, failing fast. Each step prints its duration.
import { spawnSync } from 'node:child_process';
import { setup } from './setup.mjs';

const steps = [
  ['typecheck', 'npx', ['tsc', '-p', '.']],
  ['lint', 'npx', ['eslint', '.']],
  ['format', 'npx', ['prettier', '--check', '.', '--log-level', 'warn']],
  ['API reference (TypeDoc, warnings are errors)', 'npx', ['typedoc', '--logLevel', 'Warn']],
  ['tests (unit, server, browser)', 'npx', ['vitest', 'run']],
  ['build', 'npm', ['run', 'build', '--silent']],
  ['size budgets', 'node', ['scripts/size.mjs']],
  ['package (npm pack, install, import, types, bundle)', 'node', ['scripts/pack-test.mjs']],
  ['bench smoke (widget vs floor page, SDK vs raw StanzaJS)', 'node', ['bench/run.mjs', '--smoke']],
];

const started = Date.now();
try {
  setup();
} catch (error) {
  process.stderr.write(`[setup] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
for (const [name, command, args] of steps) {
  const t = Date.now();
  process.stdout.write(`\n▶ ${name}\n`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } });
  const seconds = ((Date.now() - t) / 1000).toFixed(1);
  if (result.status !== 0) {
    process.stderr.write(`\n✖ ${name} failed after ${seconds}s\n`);
    process.exit(result.status ?? 1);
  }
  process.stdout.write(`✔ ${name} (${seconds}s)\n`);
}
process.stdout.write(`\nAll checks passed in ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
