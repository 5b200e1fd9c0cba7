import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import pluginVue from 'eslint-plugin-vue'
import globals from 'globals'

/** Layering (style.md §13): shared imports nothing from client or server; client imports server
 * only as types; only the database layer and services use drizzle. */
const noServerFromShared = {
  files: ['shared/**/*.ts'],
  rules: {
    'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/**', '**/client/**', 'drizzle-orm*', 'hono*', 'vue', 'dexie'], message: 'shared/ is pure: no client, server or framework imports.' }] }],
  },
}
const clientLayering = {
  files: ['client/**/*.ts', 'client/**/*.vue'],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      { patterns: [{ group: ['**/server/**'], allowTypeImports: true, message: 'The client may import server code only as `import type`.' }, { group: ['drizzle-orm*', 'better-sqlite3', 'hono/*', '@hono/*'], message: 'Server libraries do not belong in the client.' }] },
    ],
  },
}
const drizzleOnlyInDbAndServices = {
  files: ['server/src/**/*.ts'],
  ignores: ['server/src/db/**', 'server/src/**/*.service.ts', 'server/src/**/*.mutations.ts', 'server/src/modules/scope/hierarchy.ts', 'server/src/lib/tx.ts', 'server/src/modules/org/bootstrap.ts'],
  rules: {
    // Types (a table's column shape) are fine anywhere; queries only in db/ and services.
    '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['drizzle-orm', 'drizzle-orm/*'], allowTypeImports: true, message: 'Only server/src/db and services use drizzle.' }] }],
  },
}

export default tseslint.config(
  { ignores: ['node_modules', 'client/dist', 'data', 'server/drizzle', 'dev-dist', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'vue/multi-word-component-names': 'error',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  { files: ['server/src/server.ts', 'server/src/demo/run.ts', 'test/**', '.ci/**', 'client/scripts/**'], rules: { 'no-console': 'off' } },
  noServerFromShared,
  clientLayering,
  drizzleOnlyInDbAndServices,
)
