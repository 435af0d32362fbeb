import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resultsForView, thinTrajectory } from '../../src/host/webview/pure/trajectory-thinning';
import type { ExperimentResults, TrajectoryResult } from '../../src/shared/results';

function trajectory(points: number): TrajectoryResult {
  const range = Array.from({ length: points }, (_, index) => index);
  return {
    label: `run of ${points}`,
    optimizer: 'sgd',
    parameters: {},
    points: range.map((index) => [index, -index]),
    values: range.map((index) => index * 2),
    gradientNorms: range.map((index) => index * 3),
    hessianEigenvalues: range.map((index) => [index, index + 1]),
    learningRates: range.slice(1).map(() => 0.1),
    status: 'max-steps',
    steps: points - 1,
  };
}

test('a long trajectory reaches the views every k-th step with its last point, and says so', () => {
  const results: ExperimentResults = { format: 1, name: 'long', seed: 0, createdAt: '', timings: {}, warnings: [], trajectories: [trajectory(20_001), trajectory(30)] };
  const view = resultsForView(results, 1000);
  const [long, short] = view.trajectories ?? [];
  assert.equal(long.stride, 21);
  assert.ok(long.points.length <= 1000, `${long.points.length} points`);
  assert.deepEqual(long.points[1], [21, -21]);
  assert.deepEqual(long.points.at(-1), [20_000, -20_000]);
  assert.equal(long.values.length, long.points.length);
  assert.equal(long.hessianEigenvalues?.length, long.points.length);
  assert.equal(short, results.trajectories?.[1], 'a short trajectory is passed as is');
  assert.match(view.warnings.at(-1) ?? '', /run of 20001 every 21 steps.*every step/);
  assert.equal(results.trajectories?.[0].points.length, 20_001, 'the saved results are not touched');
  assert.equal(results.warnings.length, 0);
});

test('results without long trajectories are passed through unchanged', () => {
  const results: ExperimentResults = { format: 1, name: 'short', seed: 0, createdAt: '', timings: {}, warnings: [], trajectories: [trajectory(100)] };
  assert.equal(resultsForView(results, 1000), results);
  assert.equal(thinTrajectory(trajectory(1000), 1000).stride, undefined);
  const exact = thinTrajectory(trajectory(2001), 1001);
  assert.equal(exact.stride, 2);
  assert.equal(exact.points.length, 1001, 'the last point falls on the stride: kept once');
});
