import { test } from 'node:test';
import assert from 'node:assert/strict';
import { totalmem } from 'node:os';
import { availableMemory, denseHessianBytes, denseHessianRefusal, estimateRunMemory, LARGEST_DENSE_DIMENSION, memoryIssues } from '../../src/config/memory';
import type { ExperimentConfig } from '../../src/config/types';

const race = (steps: number, optimizers: number): ExperimentConfig => ({
  name: 'race', surface: { name: 'rosenbrock' }, steps,
  optimizers: Array.from({ length: optimizers }, () => ({ name: 'sgd' as const, lr: 0.001 })),
});

test('the estimate grows with steps × optimizers and counts the contour grid', () => {
  const small = estimateRunMemory(race(1000, 1)).bytes;
  const large = estimateRunMemory(race(1_000_000, 5)).bytes;
  // 1,000,000 × 5 measured at 6.46 GB resident: the estimate is within 20% of it
  assert.ok(Math.abs(large - 6.46e9) / 6.46e9 < 0.2, `estimate ${large}`);
  assert.ok(small < 5e6);
  const grid = estimateRunMemory({ ...race(10, 1), grid: { resolution: 1001 } }).parts.find((part) => part.what.includes('contour'));
  assert.equal(grid?.bytes, 1001 * 1001 * 16);
});

test('a run that cannot fit is an error on the field that makes it large; above half, a warning', () => {
  const big = race(1_000_000, 5);
  const [error] = memoryIssues(big, 1e9);
  assert.equal(error.severity, 'error');
  assert.equal(error.path, '/steps');
  assert.match(error.message, /needs about 6\.7 GB .* more than this machine's 1\.0 GB: lower "steps"/);
  const [warning] = memoryIssues(big, 10e9);
  assert.equal(warning.severity, 'warning');
  assert.deepEqual(memoryIssues(big, 100e9), []);
});

test('the dense Hessian is n² × 8 bytes twice (thrice more with eigenvectors), at most 23,170 parameters', () => {
  assert.equal(denseHessianBytes(3000), 3000 * 3000 * 8 * 2);
  assert.equal(denseHessianBytes(3000, true), 3000 * 3000 * 8 * 4);
  assert.match(denseHessianRefusal(100_975, false, 1e12) ?? '', /at most 4 GiB \(n ≤ 23,170\)/);
  assert.match(denseHessianRefusal(20_000, false, 4e9) ?? '', /needs 6\.4 GB .* more than this machine's 4\.0 GB/);
  assert.equal(denseHessianRefusal(LARGEST_DENSE_DIMENSION, false, 1e12), undefined);
  const model: ExperimentConfig = { name: 'net', model: { layers: [49, 16, 10], activation: ['tanh', 'linear'], loss: 'mse' }, analyses: { hessian: { full: true } } };
  assert.equal(estimateRunMemory(model).parts[0].bytes, denseHessianBytes(970));
  const [issue] = memoryIssues({ ...model, analyses: { hessian: { maxDimension: 20_000 } } }, 1e9);
  assert.equal(issue.path, '/analyses/hessian/maxDimension');
  assert.match(issue.message, /Set it at most 7905/);
});

test('LANDSCAPE_LENS_MEMORY_BYTES lowers the memory compared against, never raises it', () => {
  assert.equal(availableMemory({ LANDSCAPE_LENS_MEMORY_BYTES: '1000' }), 1000);
  assert.equal(availableMemory({ LANDSCAPE_LENS_MEMORY_BYTES: String(totalmem() * 4) }), totalmem());
  assert.equal(availableMemory({ LANDSCAPE_LENS_MEMORY_BYTES: 'lots' }), totalmem());
});

test('a dense Hessian that cannot fit in memory is skipped with a warning saying why, and Lanczos finds the extremes', async () => {
  const { analyzeHessian } = await import('../../src/core/hessian/analyze');
  const { builtinSurface } = await import('../../src/core/surfaces/catalog');
  const previous = process.env.LANDSCAPE_LENS_MEMORY_BYTES;
  process.env.LANDSCAPE_LENS_MEMORY_BYTES = '10'; // less than a 2×2 Hessian's 64 bytes
  try {
    const warnings: string[] = [];
    const result = analyzeHessian(builtinSurface('saddle'), Float64Array.from([0, 0]), { full: true }, { warnings });
    assert.equal(result.eigenvalues, undefined, 'no dense spectrum');
    assert.match(warnings[0], /dense Hessian of 2 parameters needs .* more than this machine's .*: the dense spectrum was skipped/);
    assert.equal(result.classification?.kind, 'saddle');
  } finally {
    if (previous === undefined) delete process.env.LANDSCAPE_LENS_MEMORY_BYTES;
    else process.env.LANDSCAPE_LENS_MEMORY_BYTES = previous;
  }
});
