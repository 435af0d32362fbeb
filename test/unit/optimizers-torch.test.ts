import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { builtinSurface } from '../../src/core/surfaces/catalog';
import { resolveOptimizerSpec, type OptimizerName } from '../../src/core/optimizers';
import { runTrajectory } from '../../src/core/trajectory';

interface TorchCase {
  surface: 'rosenbrock' | 'saddle';
  start: number[];
  name: OptimizerName;
  params: Record<string, unknown>;
  points: number[][];
}

const fixture = JSON.parse(readFileSync(new URL('../fixtures/torch-trajectories.json', `file://${__filename}`), 'utf8')) as {
  steps: number;
  cases: TorchCase[];
};

// The fixture is written by bench/torch_trajectories.py with torch.optim in float64.
for (const reference of fixture.cases) {
  test(`${reference.name} ${JSON.stringify(reference.params)} on ${reference.surface} equals torch.optim to rounding`, () => {
    const trajectory = runTrajectory(builtinSurface(reference.surface), resolveOptimizerSpec({ name: reference.name, ...reference.params }), {
      start: reference.start,
      steps: fixture.steps,
      seed: 0,
    });
    assert.equal(trajectory.points.length, reference.points.length);
    reference.points.forEach((expected, step) => {
      for (let i = 0; i < 2; i++) {
        const actual = trajectory.points[step][i];
        const tolerance = 1e-12 * Math.max(1, Math.abs(expected[i]));
        assert.ok(Math.abs(actual - expected[i]) <= tolerance, `step ${step} coordinate ${i}: ${actual} vs torch ${expected[i]}`);
      }
    });
  });
}
