// Bundles the extension host, the worker, the CLI (Node, CommonJS) and the webview (browser).
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';
import { webviewPlugins } from '../webview/esbuild-plugins.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
mkdirSync('dist', { recursive: true });

// mathjs (parse and derivative: src/core/surfaces/mathjs-chunk.ts) is its own file,
// dist/mathjs.js, required on the first expression: the other bundles name it as an external
// './mathjs.js' beside them, so starting the extension, the CLI or a worker neither parses nor runs it.
const mathjsChunk = {
  name: 'mathjs-chunk',
  setup(build) {
    build.onResolve({ filter: /\/mathjs-chunk$/ }, () => ({ path: './mathjs.js', external: true }));
  },
};

const common = { bundle: true, mainFields: ['module', 'main'], sourcemap: !production, minify: production, logLevel: 'info', target: 'es2022' };
const builds = [
  { ...common, entryPoints: { extension: 'src/extension.ts' }, platform: 'node', format: 'cjs', external: ['vscode'], outdir: 'dist', plugins: [mathjsChunk] },
  { ...common, entryPoints: { worker: 'src/backends/engine/worker.ts', 'run-folder-worker': 'src/store/run-folder-worker.ts', cli: 'src/cli/index.ts' }, platform: 'node', format: 'cjs', outdir: 'dist', plugins: [mathjsChunk] },
  { ...common, entryPoints: { mathjs: 'src/core/surfaces/mathjs-chunk.ts' }, platform: 'node', format: 'cjs', outdir: 'dist' },
  // The webview: echarts-gl's modules need webviewPlugins (extensionless imports, no eval under the CSP); always minified (1.2 MB instead of 4).
  { ...common, entryPoints: { webview: 'webview/app/main.ts' }, platform: 'browser', format: 'iife', outdir: 'dist', minify: true, plugins: webviewPlugins },
];

if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
