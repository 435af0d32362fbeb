/** Startup: the bundles leave mathjs to dist/mathjs.js, loaded on the first expression; the trimmed instance differentiates as mathjs does. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { derivative, parse } from 'mathjs';

const root = join(__dirname, '..', '..');
const dist = (name: string) => {
  const path = join(root, 'dist', name);
  assert.ok(existsSync(path), `${path} is missing: run \`npm run build\` first`);
  return path;
};

test('the extension, CLI and worker bundles hold no mathjs source and require dist/mathjs.js lazily', () => {
  for (const bundle of ['extension.js', 'cli.js', 'worker.js']) {
    const text = readFileSync(dist(bundle), 'utf8');
    assert.ok(!text.includes('node_modules/mathjs/'), `${bundle} bundles mathjs`);
    assert.match(text, /require\("\.\/mathjs\.js"\)/, `${bundle} requires the chunk`);
  }
  assert.ok(readFileSync(dist('mathjs.js'), 'utf8').includes('node_modules/mathjs/'));
});

test('loading the extension bundle does not load mathjs', () => {
  // A stand-in for the vscode module: the bundle only needs it to load, not to activate.
  const stub = mkdtempSync(join(tmpdir(), 'landscape-vscode-stub-'));
  mkdirSync(join(stub, 'vscode'));
  writeFileSync(join(stub, 'vscode', 'index.js'), 'module.exports = {};');
  const script = `const t = performance.now(); require(${JSON.stringify(dist('extension.js'))}); const ms = performance.now() - t;
    console.log(JSON.stringify({ ms, mathjs: Object.keys(require.cache).some((path) => path.endsWith('mathjs.js')) }));`;
  const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, NODE_PATH: stub } });
  assert.equal(run.status, 0, run.stderr);
  const { ms, mathjs } = JSON.parse(run.stdout) as { ms: number; mathjs: boolean };
  assert.equal(mathjs, false, 'mathjs was loaded at startup');
  console.log(`dist/extension.js loads in ${ms.toFixed(0)} ms`);
});

test('the trimmed mathjs of dist/mathjs.js gives the same derivatives as mathjs itself', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built chunk, as the bundles load it
  const chunk = require(dist('mathjs.js')) as { parse: typeof parse; derivative: typeof derivative };
  for (const expression of ['x^2 - y^2 + 0.1*x^4', 'sin(x)*cos(y) + exp(-x^2)', 'log(x^2 + 1) / sqrt(y^2 + 2)', 'sec(x) + csc(y) + cot(x*y) + tanh(x) + cbrt(y) + abs(x) + log10(x) + log(x, 3)']) {
    for (const variable of ['x', 'y']) {
      const expected = derivative(derivative(parse(expression), variable, { simplify: false }), 'x', { simplify: false }).toString();
      const actual = chunk.derivative(chunk.derivative(chunk.parse(expression), variable, { simplify: false }), 'x', { simplify: false }).toString();
      assert.equal(actual, expected, expression);
    }
  }
});

test('the built CLI validates and runs an expression surface through the chunk', () => {
  const out = mkdtempSync(join(tmpdir(), 'landscape-chunk-'));
  const run = spawnSync(process.execPath, [dist('cli.js'), 'run', 'examples/custom-expression.landscape.json', '--out', join(out, 'run'), '--quiet', '--workers', '1'], { encoding: 'utf8', cwd: root });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /critical points: .*minimum/);
});
