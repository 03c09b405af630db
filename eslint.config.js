// ESLint (flat config) with typescript-eslint's type-aware rules for the shipped sources, the
// scripts and the tests. `npm run lint`; `npm test` runs it first.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'templates/**', 'examples/**', 'test/fixtures/**', 'test/lab/apps/**', 'bin/**', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // A sanitiser and an escape-aware reporter match control characters on purpose.
      'no-control-regex': 'off',
      // Config scalars and debug lines are stringified on purpose (String(unknown) of parsed YAML/TOML).
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
      // Plugin interfaces (probe checks, PKI minting) are async by contract even when one answer is at hand.
      '@typescript-eslint/require-await': 'off',
      // Function-valued properties (`mod.text`, the parser's cursor API) are declared in interfaces, not bound methods.
      '@typescript-eslint/unbound-method': 'off',
      // node:test's test()/describe() return promises the runner awaits itself.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] }],
    },
  },
  {
    // Tests read reports and SARIF as parsed JSON and assert on them; typing every read would add
    // nothing the assertions do not already check.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
