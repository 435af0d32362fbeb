import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as esbuild from 'esbuild';
import { computePlaneGrid, linspace, serialPlaneRunner } from '../../src/core/landscape/grid';
import type { PlaneSpec } from '../../src/core/landscape/types';
import { WorkerPool } from '../../src/backends/engine';

// The pool runs against the real worker bundle, built here the way scripts/build.mjs builds dist/worker.js.
const folder = mkdtempSync(join(tmpdir(), 'landscape-pool-'));
const workerPath = join(folder, 'worker.js');
const slowWorkerPath = join(folder, 'slow-worker.js');
let pool: WorkerPool;
let slowPool: WorkerPool;

before(async () => {
  const options = { bundle: true, platform: 'node', format: 'cjs', target: 'es2022', logLevel: 'error' } as const;
  await esbuild.build({ ...options, entryPoints: ['src/backends/engine/worker.ts'], outfile: workerPath });
  // the same worker, 2 ms per grid point slower (test/support/slow-worker.ts)
  await esbuild.build({ ...options, entryPoints: ['test/support/slow-worker.ts'], outfile: slowWorkerPath });
  pool = new WorkerPool({ workerPath, size: 2 });
  slowPool = new WorkerPool({ workerPath: slowWorkerPath, size: 2 });
  // both slow workers started and loaded before any test times them
  await slowPool.computeGrid(surfaceSpec(5)).result;
});
after(() => Promise.all([pool.close(), slowPool.close()]));

function surfaceSpec(resolution: number): PlaneSpec {
  return { problem: { kind: 'surface', name: 'rosenbrock' }, origin: Float64Array.of(1, 1), directions: [Float64Array.of(1, 0.5), Float64Array.of(-0.5, 1)], alphas: linspace(-1, 1, resolution), betas: linspace(-1, 1, resolution) };
}

test('a grid split over 2 workers equals the in-thread grid, streamed coarse to fine', async () => {
  const spec = surfaceSpec(17);
  const strides: number[] = [];
  const outcome = await pool.computeGrid(spec, (_level, stride) => strides.push(stride)).result;
  const serial = await computePlaneGrid(spec, serialPlaneRunner);
  assert.equal(outcome.status, 'completed');
  assert.deepEqual(Array.from(outcome.grid.loss), Array.from(serial.loss));
  assert.deepEqual(strides, [4, 2, 1]);
});

test('cancel stops the workers at once and keeps the finished rows', async () => {
  // 2 ms per point, 31 points a row: a row takes ~60 ms, the grid ~1 s on 2 workers
  const spec: PlaneSpec = { problem: { kind: 'surface', expression: '0.5*x^2 + 1.5*y^2' }, origin: Float64Array.of(0, 0), directions: [Float64Array.of(1, 0), Float64Array.of(0, 1)], alphas: linspace(-1, 1, 31), betas: linspace(-1, 1, 31) };
  const streamed: number[] = [];
  const handle = slowPool.evaluatePlane(spec, spec.betas.map((_, row) => ({ row, columns: spec.alphas.map((_a, column) => column) })), (values) => streamed.push(values.row));
  while (streamed.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
  const cancelledAt = performance.now();
  const finishedAtCancel = streamed.length;
  handle.cancel();
  const outcome = await handle.result;
  const elapsed = performance.now() - cancelledAt;
  // No row starts after the cancel: at most the rows in flight (one per worker) finish while it
  // reaches them. The time bound is loose on purpose (a loaded machine); the whole grid takes ~1 s.
  assert.ok(outcome.segments.length <= finishedAtCancel + pool.size, `${outcome.segments.length} rows finished, ${finishedAtCancel} before the cancel`);
  assert.ok(elapsed < 1000, `stopped ${elapsed.toFixed(1)} ms after cancel`);
  assert.equal(outcome.status, 'cancelled');
  assert.ok(outcome.segments.length >= 2 && outcome.segments.length < 31, `${outcome.segments.length} rows finished`);
  assert.deepEqual(outcome.segments.map((segment) => segment.row), streamed);
  for (const segment of outcome.segments) {
    const beta = spec.betas[segment.row];
    segment.columns.forEach((column, k) => assert.ok(Math.abs(segment.loss[k] - (0.5 * spec.alphas[column] ** 2 + 1.5 * beta ** 2)) < 1e-12));
  }
  // the pool still works after a cancel
  const next = await slowPool.computeGrid(surfaceSpec(5)).result;
  assert.equal(next.status, 'completed');
});

test('a worker that crashes ends the grid as failed with the reason, keeping the finished rows', async () => {
  const crashing = join(folder, 'crashing-worker.js');
  writeFileSync(
    crashing,
    `const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  if (m.type !== 'plane-segment') return;
  if (m.segment.row >= 3) process.exit(3);
  parentPort.postMessage({ type: 'segment-done', planeId: m.planeId, values: { ...m.segment, loss: m.segment.columns.map(() => m.segment.row) } });
});`,
  );
  const crashPool = new WorkerPool({ workerPath: crashing, size: 1 });
  const spec = surfaceSpec(6);
  const outcome = await crashPool.evaluatePlane(spec, [0, 1, 2, 3, 4, 5].map((row) => ({ row, columns: [0, 1] }))).result;
  await crashPool.close();
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.reason ?? '', /worker crashed \(exit code 3\).*row 3/);
  assert.deepEqual(outcome.segments.map((segment) => segment.row), [0, 1, 2]);
});

test('an experiment runs in a worker and streams progress; a missing worker bundle fails clearly', async () => {
  const reports: number[] = [];
  const handle = pool.runExperiment({ name: 'race', surface: { name: 'saddle' }, optimizers: [{ name: 'sgd', lr: 0.1 }], steps: 20, grid: { resolution: 11 } }, folder, (report) => reports.push(report.fraction));
  const outcome = await handle.result;
  assert.equal(outcome.status, 'completed', outcome.reason);
  assert.equal(outcome.results.trajectories?.[0].steps, 20);
  const broken = new WorkerPool({ workerPath: join(folder, 'missing.js'), size: 1 });
  const failed = await broken.runExperiment({ name: 'x' }, folder).result;
  await broken.close();
  assert.equal(failed.status, 'failed');
  assert.match(failed.reason ?? '', /worker crashed/);
});

test("an experiment's landscape grid is spread over the pool and equals the in-thread grid", async () => {
  const config = {
    name: 'xor-landscape',
    seed: 3,
    model: { layers: [2, 6, 2], activation: 'tanh' as const },
    data: { kind: 'synthetic' as const, name: 'xor' as const, samples: 120 },
    training: { epochs: 4 },
    analyses: { landscape: { resolution: 11 } },
  };
  const levels: number[] = [];
  const outcome = await pool.runExperiment(config, folder, (report) => report.partial?.landscape && levels.push(report.partial.landscape.stride)).result;
  assert.equal(outcome.status, 'completed', outcome.reason);
  const { runExperiment } = await import('../../src/core/experiment');
  const inThread = await runExperiment(config, { baseDir: folder });
  assert.deepEqual(outcome.results.landscape?.loss, inThread.landscape?.loss);
  assert.deepEqual(levels, [2, 1]);
});

test('cancelling an experiment mid-landscape stops within a second and keeps the finished grid points', async () => {
  const config = {
    name: 'xor-cancel',
    seed: 1,
    model: { layers: [2, 16, 2], activation: 'tanh' as const },
    data: { kind: 'synthetic' as const, name: 'xor' as const, samples: 400 },
    training: { epochs: 2 },
    analyses: { landscape: { resolution: 301 } },
  };
  let cancelledAt = 0;
  let streamedPoints = 0;
  const handle = pool.runExperiment(config, folder, (report) => {
    if (report.partial?.landscape && !cancelledAt) {
      cancelledAt = performance.now();
      streamedPoints = report.partial.landscape.loss.flat().filter((value) => value !== null).length;
      handle.cancel();
    }
  });
  const outcome = await handle.result;
  const elapsed = performance.now() - cancelledAt;
  assert.ok(cancelledAt > 0, 'a coarse level arrived before the end');
  // The whole 301×301 grid takes many seconds; a second leaves room for a loaded machine.
  assert.ok(elapsed < 1000, `stopped ${elapsed.toFixed(1)} ms after cancel`);
  assert.equal(outcome.status, 'cancelled');
  const landscape = outcome.results.landscape;
  assert.ok(landscape && !landscape.complete);
  const finished = landscape.loss.filter((value) => value !== null).length;
  // Every point of the level streamed before the cancel is kept (the coarsest level of 301 × 301 has 25).
  assert.ok(streamedPoints >= 25, `${streamedPoints} points streamed`);
  assert.ok(finished >= streamedPoints && finished < 301 * 301, `${finished} points kept, ${streamedPoints} streamed before the cancel`);
});
