// Lint rules for the server and its console. The repository root's eslint.config.mjs is n8n's own
// configuration, unchanged, because the package is in n8n's strict mode; `npm run lint` runs ESLint
// with `unstable_config_lookup_from_file`, so every file takes the nearest eslint.config.mjs above it
// and these rules, not n8n's node rules (which forbid `process` and timers), apply to server/.
// The tests share the house rules (test/eslint.config.mjs imports them).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** The house rules for TypeScript and the plain JavaScript scripts, wherever they live. */
export const houseRules = [
  { ignores: ['**/dist/**', 'node_modules/**', 'coverage/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.{js,cjs}'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off', 'no-console': 'off' },
  },
];

export default tseslint.config(
  ...houseRules,
  {
    files: ['src/**/*.ts'],
    rules: {
      // Time and environment come from the clock and config.ts, never from globals.
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Use the injected clock.' },
        { object: 'process', property: 'env', message: 'Read configuration in config.ts.' },
      ],
    },
  },
  {
    // The admin console runs in the browser.
    files: ['console/src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['src/config.ts', 'src/clock.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
