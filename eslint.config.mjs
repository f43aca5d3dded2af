// typescript-eslint's strict type-checked rules: the type-aware ones (floating promises, misused
// promises, unsafe any) are the point. Formatting is Prettier's job (`npm run format`).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-artifacts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // tsconfig has noUncheckedIndexedAccess: `!` is how the code says an index is known to be in range.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Numbers and booleans read fine in messages; objects and undefined still may not slip into one.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `() => doSomething()` shorthand callbacks and `return done()` in a function returning void use no value.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true }],
      // `const { dropped: _dropped, ...rest } = value` is how the code copies an object without some keys.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // The store's maps and the request body are JSON records (Record<string, …>): deleting a key is how an entry leaves.
      '@typescript-eslint/no-dynamic-delete': 'off',
    },
  },
  { files: ['**/*.mjs', '**/*.js'], ...tseslint.configs.disableTypeChecked },
  // The plain-JavaScript files are Node scripts (loader hooks, a fake `codex` binary, a worker).
  { files: ['**/*.mjs', '**/*.js'], languageOptions: { globals: { process: 'readonly', console: 'readonly', fetch: 'readonly', URL: 'readonly' } } },
);
