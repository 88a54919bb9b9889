// Lint is part of `npm test`. Type-aware rules catch the mistakes that lose data in async code.
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'eslint.config.js'] },
  js.configs.recommended,
  // Plain JavaScript (bin/, scripts/) runs on Node directly, on any line: it checks the version before the rest loads.
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' } },
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's describe/it return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', name: ['describe', 'it', 'test', 'suite'], package: 'node:test' },
          ],
        },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // Components implement Promise-returning interfaces (start, shutdown, consume, authenticate); `async` on one
      // with nothing to await is what turns its throw into the rejection callers handle, so it is not a mistake here.
      '@typescript-eslint/require-await': 'off',
      // A caught error (typed unknown) is passed on as it is: wrapping it would change what callers check for.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  { files: ['**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
  {
    // The console's page script runs in the browser.
    files: ['extensions/console/page/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        document: 'readonly',
        window: 'readonly',
        EventSource: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
        Node: 'readonly',
      },
    },
  },
  {
    // A cycle makes module initialisation order matter: a value read at load time can be undefined.
    files: ['**/*.ts', '**/*.js'],
    plugins: { 'import-x': importX },
    settings: {
      // Sources import each other with explicit `.ts` extensions, which Node's resolution finds as they are.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.node'] })],
      'import-x/extensions': ['.ts', '.js', '.mjs', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      // No cycle runs through a dependency back into this package; not parsing them keeps the rule cheap.
      'import-x/ignore': ['/node_modules/'],
    },
    rules: { 'import-x/no-cycle': 'error' },
  },
  {
    // Tests, benchmarks, examples and the CLI entry may print.
    files: ['**/*.test.ts', 'bench/**', 'cli/**', 'test/**', 'examples/**'],
    rules: { 'no-console': 'off' },
  },
);
