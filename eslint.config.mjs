// One flat config with type-aware rules for every package.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'network/run/**', 'test-artifacts/**', 'coverage/**', 'bench/caliper/**', 'packages/api/openapi/**', 'test/**/*.js', '*.js', '*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: ['./tsconfig.test.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/explicit-module-boundary-types': 'error',
    },
  },
  {
    // The portal: browser code with its own compiler options (DOM, JSX for Preact).
    files: ['packages/portal/**/*.ts', 'packages/portal/**/*.tsx'],
    ignores: ['**/*.test.ts'],
    languageOptions: {
      parserOptions: { project: ['./packages/portal/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // A component's return type is always JSX: spelling it out on each one says nothing.
    files: ['packages/portal/**/*.tsx'],
    rules: { '@typescript-eslint/explicit-module-boundary-types': 'off' },
  },
  {
    // The API documentation page: a plain browser script, linted without type information.
    files: ['packages/api/public/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'script',
      globals: Object.fromEntries(
        ['document', 'window', 'fetch', 'sessionStorage', 'location', 'crypto', 'EventSource', 'Option', 'FormData', 'console', 'Intl', 'URL', 'setTimeout'].map((g) => [g, 'readonly']),
      ),
    },
  },
  {
    // The receipt verifier also runs in browsers: no Node modules and no Node globals, except in
    // its CLI and its tests.
    files: ['packages/receipt/src/**/*.ts'],
    ignores: ['packages/receipt/src/cli.ts', 'packages/receipt/src/**/*.test.ts', 'packages/receipt/src/test-support/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'path', 'crypto', 'buffer', 'os', 'child_process'], message: 'the receipt verifier is isomorphic: use WebCrypto and Uint8Array' }] }],
      'no-restricted-globals': ['error', { name: 'Buffer', message: 'use Uint8Array: the verifier runs in browsers' }, { name: 'process', message: 'the verifier runs in browsers' }, { name: 'require', message: 'the verifier runs in browsers' }],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
);
