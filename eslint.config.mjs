import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'test-artifacts/**', 'out/**', 'media/**', '.landscape-lens/**', 'src/**/*.as.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [{ group: ['vscode'], message: 'Only src/host and src/extension.ts may import vscode.' }] }],
    },
  },
  {
    files: ['src/host/**/*.ts', 'src/extension.ts', 'test/integration/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // src/host/<concern>/pure/: the host's logic without the editor, unit-tested under plain Node.
    // It imports neither vscode nor a host module outside a pure/ folder (which may import vscode).
    files: ['src/host/*/pure/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['vscode'], message: 'src/host/*/pure/ runs without VS Code: keep vscode calls in the concern folder above it.' },
            {
              regex: '^\\.\\./(?!\\.\\./)|^\\.\\./\\.\\./(?!\\.\\./|[^/]+/pure/)',
              message: 'src/host/*/pure/ imports only pure/ folders of src/host and modules outside src/host.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['webview/**/*.ts', 'test/webview/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(\\.\\./)+src/(?!host/webview/pure/protocol$|results$|format-number$)', message: 'The webview imports only src/host/webview/pure/protocol.ts, src/results.ts and src/format-number.ts from the host code.' }] },
      ],
    },
  },
);
