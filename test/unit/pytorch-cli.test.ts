/** The CLI with PyTorch configs: --python, the example's validation, a small run on the real backend (needs `npm run build`). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { folderWith, packageDir, PYTHON, torchMissing } from './pytorch-helpers';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');

function runCli(...args: string[]) {
  assert.ok(existsSync(cli), 'dist/cli.js is missing: run `npm run build` first (npm test does)');
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root, env: { ...process.env, LANDSCAPE_LENS_BACKEND_DIR: packageDir } });
}

const files = {
  'model.py': 'import torch.nn as nn\n\n\ndef make_model():\n    return nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2))\n',
  'data.py': 'import torch\n\n\ndef make_data():\n    inputs = torch.randn(80, 3, generator=torch.Generator().manual_seed(0))\n    return inputs, (inputs.sum(1) > 0).long()\n',
  'mlp.landscape.json': JSON.stringify({
    name: 'tiny torch',
    model: { pytorch: 'model.py:make_model' },
    data: { kind: 'pytorch', factory: 'data.py:make_data' },
    runtime: { device: 'cpu', threads: 1 },
    training: { epochs: 2, optimizer: { name: 'sgd', lr: 0.1 } },
    analyses: { hessian: { top: 1, bottom: 1 }, landscape: { resolution: 5 } },
  }),
};

test('the PyTorch example validates', () => {
  const result = runCli('validate', 'examples/pytorch-cnn/pytorch-cnn.landscape.json');
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /valid/);
});

test('--python needs a path; a --python that does not exist fails the run naming it', () => {
  assert.equal(runCli('run', 'examples/pytorch-cnn/pytorch-cnn.landscape.json', '--python').status, 2);
  const folder = folderWith(files);
  const out = join(folder, 'out');
  const result = runCli('run', join(folder, 'mlp.landscape.json'), '--python', '/nonexistent/python3', '--out', out, '--quiet');
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stderr, /\/nonexistent\/python3 \(--python\): not found/);
  const record = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  assert.ok(record.warnings.some((warning: string) => warning.includes('no Python with PyTorch found')));
});

test('a PyTorch config runs from the CLI and records the backend in results.json', { skip: torchMissing, timeout: 180_000 }, () => {
  const folder = folderWith(files);
  const out = join(folder, 'out');
  const result = runCli('run', join(folder, 'mlp.landscape.json'), '--python', PYTHON, '--out', out);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /PyTorch backend: \/usr\/bin\/python3 \(--python/);
  assert.match(result.stdout, /training: completed after 2 epoch/);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  assert.equal(results.backend.name, 'pytorch');
  assert.equal(results.backend.parameters, 3 * 5 + 5 + 5 * 2 + 2);
  assert.equal(results.backend.device, 'cpu');
  assert.equal(results.landscape.loss.length, 25);
});
