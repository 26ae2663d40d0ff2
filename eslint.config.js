// One linter for the TypeScript code; the APPSYNC_JS resolvers get the
// AppSync plugin, which knows what the APPSYNC_JS runtime forbids.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import appsync from '@aws-appsync/eslint-plugin';

// zod reaches runtime code only through core/shared/zod.ts: zod/mini (tree-shakable, where the classic
// build is ~94 KB in every Lambda bundle) with the English messages classic zod registered by itself.
const ZOD_DOOR = "import * as z from core/shared/zod.ts (zod/mini with zod's English messages)";
const ZOD_PATHS = ['zod', 'zod/mini', 'zod/v4', 'zod/v4/mini', 'zod/v4-mini'].map((name) => ({
  name,
  message: ZOD_DOOR,
}));

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'cdk.out/**',
      'dist/**',
      'console/dist/**',
      'test-results/**',
      '.local/**',
      'core/generated/**',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'it', property: 'only', message: 'No focused tests.' },
        { object: 'it', property: 'skip', message: 'No skipped tests.' },
        { object: 'describe', property: 'only', message: 'No focused tests.' },
        { object: 'describe', property: 'skip', message: 'No skipped tests.' },
        { object: 'test', property: 'only', message: 'No focused tests.' },
        { object: 'test', property: 'skip', message: 'No skipped tests.' },
      ],
    },
  },
  {
    // The layering, enforced: core/ is what every entry shares, so it imports none of them; bench/ and
    // testkit/ measure and drive the product and never reach into test/.
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(resolvers|processors|local|infra|test|testkit|bench|console)(/|$)',
              message: 'core/ imports only core/ and packages.',
            },
          ],
          paths: ZOD_PATHS,
        },
      ],
    },
  },
  {
    files: ['resolvers/**/*.ts', 'processors/**/*.ts', 'local/**/*.ts', 'console/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { paths: ZOD_PATHS }] },
  },
  {
    files: ['bench/**/*.ts', 'testkit/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(\\.\\./)+test(/|$)', message: 'Shared helpers live in testkit/, not test/.' },
          ],
        },
      ],
    },
  },
  {
    // The plugin's recommended rules (no-recursion, no-disallowed-methods, no-function-passing, ...) need
    // type information: keep its TypeScript parser and give it the resolvers' own tsconfig. Overriding
    // languageOptions without them silently dropped the parser and made those rules crash or no-op.
    files: ['resolvers/appsync/**/*.js'],
    plugins: appsync.configs.recommended.plugins,
    rules: appsync.configs.recommended.rules,
    languageOptions: {
      ...appsync.configs.recommended.languageOptions,
      ecmaVersion: 2022,
      sourceType: 'module',
      parserOptions: { project: './resolvers/appsync/tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
  },
);
