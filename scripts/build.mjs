// Bundles the extension host, the worker, the CLI (Node, CommonJS) and the webview (browser).
import * as esbuild from 'esbuild';
import { mkdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
mkdirSync('dist', { recursive: true });

const common = { bundle: true, mainFields: ['module', 'main'], sourcemap: !production, minify: production, logLevel: 'info', target: 'es2022' };
const builds = [
  { ...common, entryPoints: { extension: 'src/extension.ts' }, platform: 'node', format: 'cjs', external: ['vscode'], outdir: 'dist' },
  { ...common, entryPoints: { worker: 'src/worker.ts', cli: 'src/cli.ts' }, platform: 'node', format: 'cjs', outdir: 'dist' },
  { ...common, entryPoints: { webview: 'webview/main.ts' }, platform: 'browser', format: 'iife', outdir: 'dist' },
];

if (watch) {
  const contexts = await Promise.all(builds.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
