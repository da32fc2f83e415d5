// Builds: the SDK and widget as ESM modules for bundlers (dependencies external), and the
// single-file browser build `dist/mailbox-chat.js` (widget + SDK + Lit + StanzaJS, minified).
// Type declarations come from `tsc -p tsconfig.build.json` (see the `build` script).
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import esbuild from 'rollup-plugin-esbuild';
import { minifyCssLiterals } from './scripts/rollup-css-literals.mjs';
import { stanzaBrowserShims, stanzaBrowserSubset } from './scripts/rollup-stanza-subset.mjs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const dependencies = Object.keys(pkg.dependencies ?? {});
const external = (id) =>
  dependencies.some((dep) => id === dep || id.startsWith(`${dep}/`)) || id.startsWith('node:');

const licenseBanner = `/*! mailbox-chat ${pkg.version} | MIT. Bundles Lit (BSD-3-Clause), StanzaJS, nanoevents (MIT), idb (ISC); full texts in THIRD_PARTY_LICENSES.txt beside this file */`;

// StanzaJS maps only the literal "./platform" in its `browser` field; its modules import the
// platform as "../platform" too, which would pull Node's crypto, dns, buffer and stream into the
// browser build. Send every such import to the browser platform.
function stanzaBrowserPlatform() {
  return {
    name: 'stanza-browser-platform',
    async resolveId(source, importer, options) {
      if (!importer || !/[\\/]stanza[\\/]/.test(importer) || !/(^|\/)platform$/.test(source)) return null;
      const resolved = await this.resolve(`${source}/browser/index.js`, importer, {
        ...options,
        skipSelf: true,
      });
      return resolved;
    },
  };
}

// Writes THIRD_PARTY_LICENSES.txt next to the bundle: the licence (and NOTICE) of every npm
// package whose code ended up in it, found from the modules Rollup actually included.
function thirdPartyLicenses() {
  const packageDir = (id) => {
    const match = /^(.*[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)/.exec(id.replace(/^\0/, ''));
    return match?.[1];
  };
  return {
    name: 'third-party-licenses',
    generateBundle(_options, bundle) {
      const dirs = new Set();
      for (const chunk of Object.values(bundle)) {
        if (chunk.type !== 'chunk') continue;
        for (const id of Object.keys(chunk.modules)) {
          const dir = packageDir(id);
          if (dir) dirs.add(dir);
        }
      }
      const sections = [...dirs].sort().map((dir) => {
        const meta = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
        const texts = readdirSync(dir)
          .filter((f) => /^(licen[cs]e|notice)/i.test(f))
          .map((f) => readFileSync(join(dir, f), 'utf8').trim());
        const vendored = meta.name === 'stanza' ? stanzaVendoredNotices(dir) : [];
        return [`${meta.name}@${meta.version} (${meta.license})`, ...texts, ...vendored].join('\n\n');
      });
      this.emitFile({
        type: 'asset',
        fileName: 'THIRD_PARTY_LICENSES.txt',
        source: `mailbox-chat bundles the following packages.\n\n${sections.join('\n\n' + '-'.repeat(72) + '\n\n')}\n`,
      });
    },
  };
}

// StanzaJS vendors ieee754 (BSD-3-Clause) in its browser buffer polyfill; keep its licence. (The
// browser builds replace that polyfill, see scripts/rollup-stanza-subset.mjs; the notice stays
// with the StanzaJS package it ships in.)
const IEEE754_LICENSE = `ieee754 (vendored in stanza/platform/browser/buffer/ieee754), BSD-3-Clause

Copyright 2008 Fair Oaks Labs, Inc.

Redistribution and use in source and binary forms, with or without modification, are permitted
provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this list of conditions
   and the following disclaimer.
2. Redistributions in binary form must reproduce the above copyright notice, this list of
   conditions and the following disclaimer in the documentation and/or other materials provided
   with the distribution.
3. Neither the name of the copyright holder nor the names of its contributors may be used to
   endorse or promote products derived from this software without specific prior written
   permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY EXPRESS OR
IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND
FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR
CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE,
DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER
IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT
OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.`;

function stanzaVendoredNotices(dir) {
  return existsSync(join(dir, 'platform/browser/buffer/ieee754/index.js')) ? [IEEE754_LICENSE] : [];
}

/** The worker beside each browser bundle, preparing date formats and sorting (date-formats.ts). */
const DATE_FORMATS_WORKER = 'mailbox-chat-intl.js';

/**
 * Copies the date formats' worker (widget/shared/date-formats-worker.js) beside the bundle as
 * `mailbox-chat-intl.js` and gives its name to the code that starts it.
 */
function dateFormatsWorker() {
  const starter = join(process.cwd(), 'widget/shared/date-formats.ts');
  const unset = 'let workerFile: string | undefined;';
  return {
    name: 'date-formats-worker',
    buildStart() {
      this.emitFile({
        type: 'asset',
        fileName: DATE_FORMATS_WORKER,
        // Its code without the comments: three lines.
        source: readFileSync('widget/shared/date-formats-worker.js', 'utf8').replace(
          /^(\/\/|\/\*).*\n/gm,
          '',
        ),
      });
    },
    transform(code, id) {
      if (id !== starter) return null;
      if (!code.includes(unset)) this.error(`${id} no longer declares \`${unset}\``);
      const set = `let workerFile: string | undefined = ${JSON.stringify(DATE_FORMATS_WORKER)};`;
      return { code: code.replace(unset, set), map: null };
    },
  };
}

export default [
  {
    input: {
      'sdk/index': 'sdk/index.ts',
      'sdk/node': 'sdk/node.ts',
      'widget/index': 'widget/index.ts',
      // Node only: the WebSocket-to-TCP gateway and the `mailbox-chat` command.
      'gateway/index': 'gateway/index.ts',
      'gateway/cli': 'gateway/cli.ts',
    },
    external,
    output: {
      dir: 'dist',
      format: 'es',
      preserveModules: true,
      preserveModulesRoot: '.',
      sourcemap: true,
    },
    plugins: [esbuild({ target: 'es2022', tsconfig: 'tsconfig.json' })],
  },
  {
    input: 'widget/bundle.ts',
    output: {
      file: 'dist/mailbox-chat.js',
      format: 'es',
      sourcemap: true,
      banner: licenseBanner,
    },
    plugins: [
      dateFormatsWorker(),
      stanzaBrowserSubset(),
      stanzaBrowserPlatform(),
      stanzaBrowserShims(),
      nodeResolve({ browser: true, preferBuiltins: false }),
      commonjs(),
      minifyCssLiterals(),
      esbuild({ target: 'es2022', tsconfig: 'tsconfig.json' }),
      terser({ format: { comments: /^!/ }, ecma: 2020 }),
      thirdPartyLicenses(),
    ],
  },
  {
    // The lazy build: a small entry (the launcher) that loads the rest on idle or on open.
    input: { 'mailbox-chat': 'widget/lazy/entry.ts' },
    // The widget's chunk imports the theme from the entry: no extra facade file for that.
    preserveEntrySignatures: 'allow-extension',
    output: {
      dir: 'dist/lazy',
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: 'mailbox-chat-[name]-[hash].js',
      sourcemap: true,
      banner: licenseBanner,
    },
    plugins: [
      dateFormatsWorker(),
      stanzaBrowserSubset(),
      stanzaBrowserPlatform(),
      stanzaBrowserShims(),
      nodeResolve({ browser: true, preferBuiltins: false }),
      commonjs(),
      minifyCssLiterals(),
      esbuild({ target: 'es2022', tsconfig: 'tsconfig.json' }),
      terser({ format: { comments: /^!/ }, ecma: 2020 }),
      thirdPartyLicenses(),
    ],
  },
];
