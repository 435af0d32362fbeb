/**
 * The bridge against the real backend (python/landscape_lens) in /usr/bin/python3: the framing
 * (Content-Length headers, stdout for protocol messages only), the versioned handshake, errors,
 * and the runner's progress, cancel and crash handling.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ResponseError } from 'vscode-jsonrpc/node';
import { BackendProcess } from '../../src/backends/pytorch/client';
import type { InitializeResult } from '../../src/backends/pytorch/protocol';
import type { ExperimentConfig } from '../../src/config/types';
import { folderWith, packageDir, PYTHON, startRun, torchMissing, torchRunner } from './pytorch-helpers';

const skip = torchMissing;

const model = [
  'import torch.nn as nn',
  '',
  '',
  'def make_model():',
  '    print("building the model")  # user output must not reach the protocol channel',
  '    return nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3))',
  '',
].join('\n');

/** 400 rows of 4 features, 3 classes; writes the backend's pid beside itself (for the kill test). */
const data = [
  'import os',
  'import torch',
  '',
  '',
  'def make_data():',
  '    with open(os.path.join(os.path.dirname(__file__), "backend.pid"), "w") as pid:',
  '        pid.write(str(os.getpid()))',
  '    generator = torch.Generator().manual_seed(0)',
  '    inputs = torch.randn(400, 4, generator=generator, dtype=torch.float64)',
  '    return inputs, (inputs[:, 0] > 0).long() + (inputs[:, 1] > 0.5).long()',
  '',
].join('\n');

const base = (extra: Partial<ExperimentConfig> & Record<string, unknown> = {}) => ({
  name: 'mlp',
  seed: 1,
  model: { pytorch: 'model.py:make_model', loss: 'softmax-cross-entropy', dtype: 'float64' },
  data: { kind: 'pytorch', factory: 'data.py:make_data', testFraction: 0.25 },
  runtime: { device: 'cpu', threads: 1 },
  ...extra,
}) as unknown as ExperimentConfig;

test('framing: a Content-Length framed initialize gets one framed answer on stdout; user prints go to stderr', { skip, timeout: 120_000 }, async () => {
  const folder = folderWith({ 'model.py': model, 'data.py': data });
  const child = spawn(PYTHON, ['-u', '-m', 'landscape_lens'], { cwd: folder, env: { ...process.env, PYTHONPATH: packageDir } });
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: 1, config: base(), baseDir: folder } });
  child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  let stdout = Buffer.alloc(0);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const answer = await new Promise<{ id: number; result: InitializeResult }>((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`the backend exited (${code}): ${stderr}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout = Buffer.concat([stdout, chunk]);
      // Skip progress notifications; resolve on the response to id 1.
      for (;;) {
        const text = stdout.toString('latin1');
        const match = /^Content-Length: (\d+)\r\n(?:[^\r\n]+\r\n)*\r\n/.exec(text);
        assert.ok(stdout.length === 0 || text.startsWith('Content-Length'), `stdout holds something else than a framed message: ${JSON.stringify(text.slice(0, 80))}`);
        if (!match || stdout.length < match[0].length + Number(match[1])) return;
        const message = JSON.parse(stdout.subarray(match[0].length, match[0].length + Number(match[1])).toString('utf8'));
        stdout = stdout.subarray(match[0].length + Number(match[1]));
        assert.equal(message.jsonrpc, '2.0');
        if (message.id === 1) return resolve(message);
        assert.equal(message.method, 'progress');
      }
    });
  });
  child.stdin.end();
  await new Promise((resolve) => child.once('exit', resolve));
  assert.equal(answer.result.protocolVersion, 1);
  assert.equal(answer.result.backend.name, 'pytorch');
  assert.equal(answer.result.backend.parameters, 4 * 6 + 6 + 6 * 3 + 3);
  assert.match(stderr, /building the model/);
});

test('handshake: versions, device, parameters per module and the data; a wrong protocol version and an unknown method are errors', { skip, timeout: 120_000 }, async () => {
  const folder = folderWith({ 'model.py': model, 'data.py': data });
  const stderr: string[] = [];
  const backend = new BackendProcess({ python: PYTHON, packageDir, cwd: folder, onStderr: (line) => stderr.push(line) });
  try {
    await assert.rejects(backend.request('initialize', { protocolVersion: 99, config: base(), baseDir: folder }), (error: unknown) => {
      assert.ok(error instanceof ResponseError);
      assert.equal(error.code, -32602, `${error.code} ${error.message}`);
      assert.match(error.message, /protocol/);
      return true;
    });
    const hello = await backend.request<InitializeResult>('initialize', { protocolVersion: 1, config: base(), baseDir: folder });
    assert.equal(hello.protocolVersion, 1);
    assert.match(hello.backend.torch, /^\d+\.\d+/);
    assert.match(hello.backend.python, /^3\.\d+/);
    assert.equal(hello.backend.device, 'cpu');
    assert.equal(hello.backend.dtype, 'float64');
    assert.deepEqual(hello.modules.map((module) => [module.name, module.type, module.parameters]), [['0', 'Linear', 30], ['2', 'Linear', 21]]);
    assert.equal(hello.data.trainRows, 300);
    assert.equal(hello.data.testRows, 100);
    assert.deepEqual(hello.data.inputShape, [4]);
    assert.equal(hello.data.classes, 3);
    await assert.rejects(backend.request('no-such-method', {}), (error: unknown) => error instanceof ResponseError && error.code === -32601);
  } finally {
    await backend.shutdown();
  }
  assert.equal(backend.running, false);
  assert.ok(stderr.some((line) => line.includes('building the model')), 'user prints reach stderr');
});

test('a run streams progress with partial results, records the backend, and saves training, Hessian and landscape', { skip, timeout: 180_000 }, async () => {
  const folder = folderWith({ 'model.py': model, 'data.py': data });
  const runner = torchRunner();
  const run = startRun(runner, base({
    training: { epochs: 4, batchSize: 100, optimizer: { name: 'sgd', lr: 0.1 } },
    analyses: { hessian: { top: 2, bottom: 1 }, landscape: { directions: 'pca', resolution: 9 } },
  }), folder);
  const outcome = await run.outcome;
  await runner.dispose();
  assert.equal(outcome.status, 'completed', `${outcome.reason}\n${run.logs.join('\n')}`);
  const { results } = outcome;
  assert.deepEqual(Object.keys(results.backend ?? {}).filter((key) => ['name', 'python', 'torch', 'device', 'dtype', 'parameters'].includes(key)).sort(), ['device', 'dtype', 'name', 'parameters', 'python', 'torch']);
  assert.equal(results.backend?.interpreter, PYTHON);
  assert.equal(results.training?.history.length, 4);
  assert.equal(results.hessian?.top?.length, 2);
  assert.equal(results.landscape?.directions, 'pca');
  assert.equal(results.landscape?.complete, true);
  assert.ok(results.landscape!.loss.every((value) => typeof value === 'number'));
  assert.ok(results.landscape?.trajectory, 'the training path is projected on the pca plane');
  for (const phase of ['loadData', 'training', 'hessian', 'landscape']) assert.ok(results.timings[phase] > 0, phase);
  assert.ok(run.progress.some(({ report, soFar }) => report.partial?.training && soFar.training!.history.length < 4), 'epochs streamed before the end');
  const fractions = run.progress.map(({ report }) => report.fraction);
  assert.ok(fractions.every((fraction, k) => fraction >= 0 && fraction <= 1 && (k === 0 || fraction >= fractions[k - 1] - 1e-12)), `fractions rise within [0, 1]: ${fractions.join(', ')}`);
  assert.ok(run.logs.some((line) => line.includes('building the model')), 'stderr reaches the log');
});

test('cancel during the landscape: stops within seconds, keeps training and the finished grid points', { skip, timeout: 180_000 }, async () => {
  const folder = folderWith({ 'model.py': model, 'data.py': data });
  const runner = torchRunner();
  let cancelledAt = 0;
  const run = startRun(runner, base({
    training: { epochs: 2, optimizer: { name: 'sgd', lr: 0.1 } },
    analyses: { landscape: { directions: 'random', resolution: 201 } },
  }), folder, (report, soFar) => {
    if (!cancelledAt && soFar.landscape) {
      cancelledAt = performance.now();
      run.handle.cancel();
    }
  });
  const outcome = await run.outcome;
  await runner.dispose();
  assert.ok(cancelledAt > 0, 'a landscape level arrived');
  const seconds = (performance.now() - cancelledAt) / 1000;
  assert.equal(outcome.status, 'cancelled', outcome.reason);
  assert.ok(seconds < 5, `stopped ${seconds.toFixed(1)} s after the cancel`);
  assert.equal(outcome.results.training?.history.length, 2);
  assert.equal(outcome.results.landscape?.complete, false);
  assert.ok(outcome.results.landscape!.loss.some((value) => typeof value === 'number'), 'finished points kept');
  assert.ok(outcome.results.warnings.some((warning) => warning.startsWith('cancelled')));
});

test('the backend killed mid-run: the run fails saying so, and the finished epochs are kept', { skip, timeout: 180_000 }, async () => {
  const folder = folderWith({ 'model.py': model, 'data.py': data });
  const runner = torchRunner();
  let killed = false;
  const run = startRun(runner, base({ training: { epochs: 100000, batchSize: 10, optimizer: { name: 'sgd', lr: 0.01 } } }), folder, (report, soFar) => {
    if (!killed && (soFar.training?.history.length ?? 0) >= 2) {
      killed = true;
      process.kill(Number(readFileSync(join(folder, 'backend.pid'), 'utf8')), 'SIGKILL');
    }
  });
  const outcome = await run.outcome;
  await runner.dispose();
  assert.ok(killed);
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.reason ?? '', /the PyTorch backend was killed \(SIGKILL\) during training/);
  assert.ok((outcome.results.training?.history.length ?? 0) >= 2, 'the epochs streamed before the kill are kept');
  assert.equal(outcome.results.backend?.name, 'pytorch');
});

test('a backend that does not answer a cancel within the grace period is ended; the run is cancelled', { skip, timeout: 120_000 }, async () => {
  const slowData = 'import time\nimport torch\n\n\ndef make_data():\n    time.sleep(60)\n    return torch.zeros(4, 4), torch.zeros(4, dtype=torch.long)\n';
  const folder = folderWith({ 'model.py': model, 'data.py': slowData });
  const runner = torchRunner(1000);
  const run = startRun(runner, base({ analyses: { hessian: { top: 1 } } }), folder);
  // The backend is loading the data (sleeping in user code, where cancels cannot be noticed).
  await new Promise((resolve) => setTimeout(resolve, 4000));
  const cancelledAt = performance.now();
  run.handle.cancel();
  const outcome = await run.outcome;
  const seconds = (performance.now() - cancelledAt) / 1000;
  await runner.dispose();
  assert.equal(outcome.status, 'cancelled');
  assert.match(outcome.reason ?? '', /did not stop within 1 s and was ended/);
  assert.ok(seconds < 4, `ended ${seconds.toFixed(1)} s after the cancel`);
});
