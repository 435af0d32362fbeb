/**
 * Mistakes a user makes with their own PyTorch model, each against the real backend: the run
 * fails with a message naming the file and line or the config field, the traceback reaches the
 * log, and what finished before is kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentConfig } from '../../src/config/types';
import { saveWeights } from '../../src/core/nn/save-weights';
import { folderWith, startRun, torchMissing, torchRunner } from './pytorch-helpers';

const skip = torchMissing;
const model = 'import torch.nn as nn\n\n\ndef make_model():\n    return nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3))\n';
const data = 'import torch\n\n\ndef make_data():\n    generator = torch.Generator().manual_seed(0)\n    inputs = torch.randn(60, 4, generator=generator)\n    return inputs, (inputs[:, 0] > 0).long()\n';

const config = (model: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  name: 'bad input',
  model: { pytorch: 'model.py:make_model', loss: 'softmax-cross-entropy', ...model },
  data: { kind: 'pytorch', factory: 'data.py:make_data', testFraction: 0 },
  runtime: { device: 'cpu', threads: 1 },
  analyses: { hessian: { top: 1 } },
  ...extra,
}) as unknown as ExperimentConfig;

async function failure(files: Record<string, string>, value: ExperimentConfig, prepare?: (folder: string) => void) {
  const folder = folderWith(files);
  prepare?.(folder);
  const runner = torchRunner();
  const run = startRun(runner, value, folder);
  const outcome = await run.outcome;
  await runner.dispose();
  assert.equal(outcome.status, 'failed', `expected a failure, got ${outcome.status}`);
  return { ...outcome, logs: run.logs, folder };
}

test('a model file that raises: the reason names model.py and the line, the traceback is in the log', { skip, timeout: 120_000 }, async () => {
  const raising = 'import torch.nn as nn\n\n\ndef make_model():\n    raise ValueError("bad shape")\n';
  const { reason, logs, results } = await failure({ 'model.py': raising, 'data.py': data }, config());
  assert.match(reason ?? '', /model\.py:5: ValueError: bad shape/);
  assert.ok(logs.some((line) => line.includes('Traceback (most recent call last)')), logs.join('\n'));
  assert.ok(results.warnings.some((warning) => warning.includes('model.py:5')));
});

test('a data factory returning the wrong type: the reason names the factory', { skip, timeout: 120_000 }, async () => {
  const wrong = 'def make_data():\n    return "not tensors"\n';
  const { reason } = await failure({ 'model.py': model, 'data.py': wrong }, config());
  assert.match(reason ?? '', /\/data\/factory|data\.py:make_data/);
  assert.match(reason ?? '', /str/);
});

test('weights with missing keys: the reason names the field and the keys', { skip, timeout: 120_000 }, async () => {
  // The engine's bias-free MLP of the same widths: its file has no "0.bias" and "2.bias".
  const { reason } = await failure({ 'model.py': model, 'data.py': data }, config({ weights: 'no-bias.safetensors' }), (folder) => {
    saveWeights('no-bias.safetensors', folder, { sizes: [4, 6, 3], activations: ['tanh', 'linear'], bias: false, loss: 'softmax-cross-entropy' }, new Float64Array(4 * 6 + 6 * 3).fill(0.1));
  });
  assert.match(reason ?? '', /\/model\/weights|model\.weights/);
  assert.match(reason ?? '', /0\.bias/);
  assert.match(reason ?? '', /2\.bias/);
});

test('a loss returning a non-scalar: the reason names the loss function', { skip, timeout: 120_000 }, async () => {
  const loss = 'import torch.nn.functional as F\n\n\ndef per_row(output, target):\n    return F.cross_entropy(output, target, reduction="none")\n';
  const { reason } = await failure({ 'model.py': model, 'data.py': data, 'loss.py': loss }, config({ loss: 'loss.py:per_row' }));
  assert.match(reason ?? '', /\/model\/loss|loss\.py/);
  assert.match(reason ?? '', /per_row/);
  assert.match(reason ?? '', /scalar/);
});

test('an exception in a later step keeps what finished before it', { skip, timeout: 120_000 }, async () => {
  // The loss works while training, then raises (in the Hessian analysis) once a flag file exists.
  const loss = [
    'import os',
    'import torch.nn.functional as F',
    '',
    '',
    'def flaky(output, target):',
    '    if os.path.exists(os.path.join(os.path.dirname(__file__), "trained")):',
    '        raise RuntimeError("the loss broke")',
    '    return F.cross_entropy(output, target)',
    '',
  ].join('\n');
  const folder = folderWith({ 'model.py': model, 'data.py': data, 'loss.py': loss });
  const runner = torchRunner();
  const value = config({ loss: 'loss.py:flaky' }, { training: { epochs: 2, optimizer: { name: 'sgd', lr: 0.1 } } });
  let flagged = false;
  const run = startRun(runner, value, folder, (report) => {
    if (!flagged && report.message.startsWith('train done')) {
      flagged = true;
      writeFileSync(join(folder, 'trained'), '');
    }
  });
  const outcome = await run.outcome;
  await runner.dispose();
  assert.ok(flagged, 'training finished');
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.reason ?? '', /loss\.py:7: RuntimeError: the loss broke/);
  assert.equal(outcome.results.training?.history.length, 2, 'the training that finished is kept');
});
