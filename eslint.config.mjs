import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'docs/api/**', 'node_modules/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        globalThis: 'readonly',
        document: 'readonly',
        location: 'readonly',
        customElements: 'readonly',
      },
    },
    rules: {
      // Errors are handled or reported, never swallowed by an empty block.
      'no-empty': ['error', { allowEmptyCatch: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Only the transport layer may import StanzaJS.
    files: ['sdk/**/*.ts', 'widget/**/*.ts'],
    ignores: ['sdk/transport/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['stanza', 'stanza/*'], message: 'Only sdk/transport/ imports stanza.' }] },
      ],
    },
  },
  {
    // The widget is built on the public SDK only.
    files: ['widget/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['stanza', 'stanza/*'], message: 'Only sdk/transport/ imports stanza.' },
            {
              regex: '^\\.\\./(\\.\\./)*sdk/(?!index\\.js$)',
              message: 'The widget imports only sdk/index.js.',
            },
          ],
        },
      ],
    },
  },
);
