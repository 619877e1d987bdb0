import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'node_modules/', '.device/', '.tfjs-node/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        structuredClone: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', performance: 'readonly', global: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
  },
  {
    // The demo page's modules run in the browser; bench/browser.mjs's page callbacks too.
    files: ['docs/demo/**/*.mjs', 'bench/browser.mjs'],
    languageOptions: {
      globals: { document: 'readonly', location: 'readonly', URLSearchParams: 'readonly', fetch: 'readonly', performance: 'readonly', Math: 'readonly' },
    },
  },
  // Type-aware rules on the library's sources (src/): unsafe any, needless assertions, floating
  // promises. Tests, scripts and benches keep the syntactic rules above.
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: ['src/**/*.ts'] })),
  {
    files: ['src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  },
  {
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
