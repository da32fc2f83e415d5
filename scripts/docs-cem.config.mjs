// Configuration of the custom elements manifest (`custom-elements.json`), generated from the JSDoc
// of the public element by `npm run build` (and by the manifest test, into a temp dir):
// `cem analyze --config scripts/docs-cem.config.mjs`.
// The manifest describes the published package: module paths point at `dist/…js`, and members
// that are not part of the public API (private fields and methods, internal state) are left out.

import { posix } from 'node:path';

/** Module path in the package for a source path: `widget/x.ts` → `dist/widget/x.js`. */
const published = (path) => `dist/${posix.normalize(path).replace(/\.ts$/, '.js')}`;

/** A module reference as the analyzer writes it (relative to `from`, or from the root) → published. */
const publishedRef = (ref, from) =>
  published(ref.startsWith('.') ? posix.join(posix.dirname(from), ref).replace(/\.js$/, '.ts') : ref);

/** Leaves out what a page cannot use: private members, their attributes, unnamed events. */
function publicApiOnly() {
  return {
    name: 'mailbox-chat-public-api-only',
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        for (const entry of mod.exports ?? []) {
          if (entry.declaration?.module)
            entry.declaration.module = publishedRef(entry.declaration.module, mod.path);
        }
        mod.path = published(mod.path);
        for (const declaration of mod.declarations ?? []) {
          const hidden = new Set(
            (declaration.members ?? [])
              .filter((m) => m.privacy === 'private' || m.privacy === 'protected' || m.name.startsWith('#'))
              .map((m) => m.name),
          );
          if (declaration.members)
            declaration.members = declaration.members.filter((m) => !hidden.has(m.name));
          if (declaration.attributes) {
            declaration.attributes = declaration.attributes.filter((a) => !hidden.has(a.fieldName ?? a.name));
          }
          if (declaration.events) declaration.events = declaration.events.filter((e) => e.name);
          // The element is registered in a loop (widget/define.ts), which the analyzer cannot see.
          if (declaration.tagName) {
            mod.exports = [
              ...(mod.exports ?? []),
              {
                kind: 'custom-element-definition',
                name: declaration.tagName,
                declaration: { name: declaration.name, module: mod.path },
              },
            ];
          }
        }
      }
    },
  };
}

export default {
  globs: ['widget/mailbox-chat/mailbox-chat.ts', 'widget/events/*.ts'],
  exclude: ['**/*.test.ts'],
  outdir: '.',
  litelement: true,
  // package.json names the manifest itself (`customElements`); the analyzer must not rewrite it.
  packagejson: false,
  quiet: true,
  plugins: [publicApiOnly()],
};
