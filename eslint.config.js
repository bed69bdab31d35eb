// Lint rules for the server, the tests and the n8n package. The package gets n8n's own rules: the
// community-node rules its verification scanner runs (@n8n/eslint-plugin-community-nodes) and the
// classic node, credential and package.json rules (eslint-plugin-n8n-nodes-base), set up the way
// n8n's scanner sets them up (three base rules that contradict the community ones are off there too).
const js = require('@eslint/js');
const globals = require('globals');
const tseslint = require('typescript-eslint');
const { n8nCommunityNodesPlugin } = require('@n8n/eslint-plugin-community-nodes');
const n8nNodesBase = require('eslint-plugin-n8n-nodes-base');

const community = n8nCommunityNodesPlugin.configs.recommended;

module.exports = tseslint.config(
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
    files: ['server/src/**/*.ts'],
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
    files: ['server/console/src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['server/src/config.ts', 'server/src/clock.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['**/*.{js,cjs}'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off', 'no-console': 'off' },
  },
  // The published package: sources, codex files and package.json.
  {
    files: ['nodes/**/*.{ts,json}', 'credentials/**/*.ts', 'package.json'],
    plugins: community.plugins,
    rules: { ...community.rules, 'no-console': 'error' },
  },
  {
    files: ['package.json', 'nodes/**/*.json'],
    languageOptions: { parser: tseslint.parser },
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
  { plugins: { 'n8n-nodes-base': n8nNodesBase } },
  { files: ['package.json'], rules: { ...n8nNodesBase.configs.community.rules } },
  {
    files: ['credentials/**/*.ts'],
    rules: {
      ...n8nNodesBase.configs.credentials.rules,
      'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
      'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
    },
  },
  {
    files: ['nodes/**/*.ts'],
    rules: {
      ...n8nNodesBase.configs.nodes.rules,
      'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
      'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
      'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
    },
  },
);
