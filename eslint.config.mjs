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
    // The layers of src/ (DESIGN.md): core imports nothing but src/shared from outside core; the
    // runner seam imports no backend (the host and the CLI hand it their runners).
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['vscode'], message: 'Only src/host and src/extension.ts may import vscode.' },
            { regex: '^(\\.\\./)+(config|host|backends|store|runner|cli)(/|$)', message: 'src/core imports nothing from config, host, backends, store, runner or cli: only src/shared from outside core.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/runner/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['vscode'], message: 'Only src/host and src/extension.ts may import vscode.' },
            { regex: '^\\.\\./backends(/|$)', message: 'src/runner is the seam: it imports no backend (the host and the CLI build the runners and pass them to runnerFor).' },
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
        { patterns: [{ regex: '^(\\.\\./)+src/(?!host/webview/pure/protocol$|shared/results$|shared/format-number$)', message: 'The webview imports only src/host/webview/pure/protocol.ts, src/shared/results.ts and src/shared/format-number.ts from the host code.' }] },
      ],
    },
  },
);
