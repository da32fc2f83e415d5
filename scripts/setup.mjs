#!/usr/bin/env node
// Prepares this machine for `npm test` and `npm run demo`: npm dependencies, and Prosody,
// prosody-modules, lua-unbound, Chromium and openssl from the system packages when missing.
// Uses only Node built-ins: it runs before `node_modules` exists.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Debian packages and a file each one provides, to tell whether it is installed. */
const systemPackages = [
  { pkg: 'prosody', file: '/usr/bin/prosody' },
  {
    pkg: 'prosody-modules',
    file: '/usr/lib/prosody/modules/mod_cloud_notify.lua',
    alt: '/usr/share/prosody-modules/mod_cloud_notify/mod_cloud_notify.lua',
  },
  { pkg: 'lua-unbound', file: '/usr/lib/x86_64-linux-gnu/lua/5.4/lunbound.so' },
  { pkg: 'chromium', file: '/usr/bin/chromium' },
  { pkg: 'openssl', file: '/usr/bin/openssl' },
];

function log(message) {
  process.stdout.write(`[setup] ${message}\n`);
}

function ensureNpmDependencies() {
  const lock = join(root, 'package-lock.json');
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log('installing npm dependencies (npm ci)');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error('npm ci failed; see the output above');
  }
}

function missingPackages() {
  return systemPackages
    .filter(({ file }) => !existsSync(file))
    .filter(({ pkg }) => !isInstalled(pkg))
    .map(({ pkg }) => pkg);
}

function isInstalled(pkg) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

function hasSudo() {
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
}

function installSystemPackages(packages) {
  // policy-rc.d keeps Debian from starting the system-wide Prosody service: our tests and the
  // demo run their own private instance on loopback, and nothing else should listen.
  const script = [
    'set -e',
    'created_policy=0',
    'if [ ! -e /usr/sbin/policy-rc.d ]; then printf "#!/bin/sh\\nexit 101\\n" > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; created_policy=1; fi',
    'trap \'[ "$created_policy" = 1 ] && rm -f /usr/sbin/policy-rc.d\' EXIT',
    'apt-get update -q',
    `DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ${packages.join(' ')}`,
  ].join('\n');
  const command = `apt-get install ${packages.join(' ')}`;
  let argv;
  if (process.getuid?.() === 0) argv = ['sh', '-c', script];
  else if (hasSudo()) argv = ['sudo', '-n', 'sh', '-c', script];
  else {
    throw new Error(
      `missing system packages: ${packages.join(', ')}.\n` +
        `Install them with:\n\n  sudo apt-get update && sudo ${command}\n\n` +
        'then run the command again. (On a system without apt, install Prosody 0.12 with ' +
        'prosody-modules, Chromium and openssl from your distribution.)',
    );
  }
  log(`installing system packages: ${packages.join(' ')}`);
  execFileSync(argv[0], argv.slice(1), { stdio: 'inherit' });
}

export function setup({ browser = true } = {}) {
  ensureNpmDependencies();
  let missing = missingPackages();
  if (!browser) missing = missing.filter((pkg) => pkg !== 'chromium');
  if (missing.length > 0) installSystemPackages(missing);
  const still = missingPackages().filter((pkg) => browser || pkg !== 'chromium');
  if (still.length > 0) throw new Error(`still missing after install: ${still.join(', ')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    setup({ browser: !process.argv.includes('--no-browser') });
    log('ready');
  } catch (error) {
    process.stderr.write(`[setup] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
