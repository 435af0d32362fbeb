import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runTrajectory, PROGRESS_STEPS } from '../../src/core/trajectory';
import { resolveOptimizerSpec } from '../../src/core/optimizers';
import { surfaceFromConfig } from '../../src/core/surfaces/race';

const quadratic = surfaceFromConfig({ name: 'ill-conditioned' });
const sgd = resolveOptimizerSpec({ name: 'sgd', lr: 1e-4 });

test('a long trajectory reports its progress every PROGRESS_STEPS steps', () => {
  const reported: number[] = [];
  const result = runTrajectory(quadratic, sgd, { start: [1, 1], steps: 3 * PROGRESS_STEPS + 5, seed: 0, onProgress: (steps) => reported.push(steps) });
  assert.deepEqual(reported, [PROGRESS_STEPS, 2 * PROGRESS_STEPS, 3 * PROGRESS_STEPS]);
  assert.equal(result.status, 'max-steps');
  assert.equal(result.steps, 3 * PROGRESS_STEPS + 5);
});

test('a cancelled trajectory stops at once, says so and keeps its points', () => {
  let calls = 0;
  const signal = { get aborted() { return calls++ >= 10; } };
  const result = runTrajectory(quadratic, sgd, { start: [1, 1], steps: 1_000_000, seed: 0, signal });
  assert.equal(result.status, 'cancelled');
  assert.equal(result.steps, 10);
  assert.equal(result.points.length, 11);
  assert.equal(result.values.length, result.points.length);
});
