// Compiles the extension-host test suite (test/integration/suite/**/*.ts) to
// dist/test/integration/suite/**/*.js: one CommonJS bundle per file, `vscode` left external.
// index.js discovers the *.test.js files next to it at run time.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const sourceDir = 'test/integration/suite';
const outDir = 'dist/test/integration/suite';

function typeScriptFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

rmSync(outDir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: typeScriptFiles(sourceDir),
  outbase: sourceDir,
  outdir: outDir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'es2022',
  sourcemap: 'inline',
  external: ['vscode'],
  logLevel: 'warning',
});
console.log(`compiled ${sourceDir} -> ${outDir}`);
