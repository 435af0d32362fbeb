/**
 * The CLI with --cluster against a real `dask scheduler` and `dask worker` process (the worker
 * without the backend on its path: the run uploads it): the same results as a run without the
 * cluster, and the results say which cluster computed them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ExperimentResults } from '../../src/shared/results';
import { folderWith, PYTHON, torchMissing } from './pytorch-helpers';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');

const daskMissing: string | undefined = torchMissing ?? (() => {
  const probe = spawnSync(PYTHON, ['-c', 'import distributed'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `${PYTHON} cannot import distributed`;
})();

const files = {
  'model.py': ['import torch.nn as nn', '', '', 'def make_model():', '    return nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3))', ''].join('\n'),
  'data.py': [
    'import torch',
    '',
    '',
    'def make_data():',
    '    generator = torch.Generator().manual_seed(0)',
    '    inputs = torch.randn(300, 4, generator=generator, dtype=torch.float64)',
    '    return inputs, (inputs[:, 0] > 0).long() + (inputs[:, 1] > 0.5).long()',
    '',
  ].join('\n'),
  'mlp.landscape.json': JSON.stringify({
    name: 'mlp on a cluster',
    seed: 2,
    model: { pytorch: 'model.py:make_model', loss: 'softmax-cross-entropy', dtype: 'float64' },
    data: { kind: 'pytorch', factory: 'data.py:make_data', testFraction: 0 },
    runtime: { device: 'cpu', threads: 1 },
    training: { epochs: 3, optimizer: { name: 'sgd', lr: 0.1 } },
    analyses: { hessian: { top: 1, trace: { probes: 6 } }, landscape: { directions: 'pca', resolution: 9 } },
  }),
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function runCli(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

test('run --cluster: a real scheduler and worker compute the landscape, the path and the probes as a local run does', { skip: daskMissing, timeout: 300_000 }, async () => {
  assert.ok(existsSync(cli), 'dist/cli.js is missing: run `npm run build` first (npm test does)');
  const folder = folderWith(files);
  const port = await freePort();
  const address = `tcp://127.0.0.1:${port}`;
  const env = { ...process.env, PYTHONPATH: '' };
  const processes: ChildProcess[] = [];
  try {
    processes.push(spawn(PYTHON, ['-m', 'distributed.cli.dask_scheduler', '--host', '127.0.0.1', '--port', String(port), '--dashboard-address', ':0'], { env, stdio: 'ignore' }));
    processes.push(spawn(PYTHON, ['-m', 'distributed.cli.dask_worker', address, '--nthreads', '1', '--no-nanny', '--dashboard-address', ':0'], { env, stdio: 'ignore' }));
    const config = join(folder, 'mlp.landscape.json');
    const local = await runCli(['run', config, '--out', join(folder, 'local'), '--quiet', '--python', PYTHON]);
    assert.equal(local.status, 0, local.stderr);
    const remote = await runCli(['run', config, '--out', join(folder, 'remote'), '--quiet', '--python', PYTHON, '--cluster', address]);
    assert.equal(remote.status, 0, remote.stderr);
    const read = (name: string): ExperimentResults => JSON.parse(readFileSync(join(folder, name, 'results.json'), 'utf8'));
    const [mine, theirs] = [read('local'), read('remote')];
    assert.equal(theirs.backend?.cluster, address);
    assert.equal(mine.backend?.cluster, undefined);
    const close = (a: number | null, b: number | null, what: string) => assert.ok(a !== null && b !== null && Math.abs(a - b) <= 1e-10 * Math.max(1, Math.abs(a)), `${what}: ${a} against ${b}`);
    assert.equal(theirs.landscape?.complete, true);
    theirs.landscape!.loss.forEach((value, index) => close(mine.landscape!.loss[index], value, `grid point ${index}`));
    const path = theirs.landscape!.trajectory!;
    assert.equal(path.loss?.length, 4);
    path.loss!.forEach((value, t) => close(mine.landscape!.trajectory!.loss![t], value, `path point ${t}`));
    close(mine.hessian!.trace!.estimate, theirs.hessian!.trace!.estimate, 'Hutchinson trace');
  } finally {
    for (const child of processes) child.kill('SIGKILL');
  }
});
