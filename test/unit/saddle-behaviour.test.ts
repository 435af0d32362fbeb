import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinSurface } from '../../src/core/surfaces/catalog';
import { resolveOptimizerSpec, type OptimizerName } from '../../src/core/optimizers';
import { runTrajectory } from '../../src/core/trajectory';

const saddle = builtinSurface('saddle');

function run(name: OptimizerName, parameters: Record<string, unknown>, start: number[], steps: number, seed = 0) {
  return runTrajectory(saddle, resolveOptimizerSpec({ name, ...parameters }), { start, steps, seed });
}

/** First step at which |y| exceeds 1: the trajectory has left the saddle's neighbourhood. */
function escapeStep(points: number[][]): number {
  const index = points.findIndex((point) => Math.abs(point[1]) > 1);
  return index === -1 ? Infinity : index;
}

test('plain GD from (1, 0) converges to the saddle (0, 0)', () => {
  const trajectory = run('sgd', { lr: 0.1 }, [1, 0], 200);
  const [x, y] = trajectory.points.at(-1)!;
  assert.ok(Math.abs(x) < 1e-15, `x = ${x}`);
  assert.equal(y, 0);
  assert.ok(trajectory.gradientNorms.at(-1)! < 1e-15);
});

test('plain GD from (1, 1) escapes along y', () => {
  const trajectory = run('sgd', { lr: 0.1 }, [1, 1], 30);
  const [x, y] = trajectory.points.at(-1)!;
  assert.ok(Math.abs(x) < 1e-2, `x shrinks: ${x}`);
  assert.ok(Math.abs(y) > 100, `y grows: ${y}`);
  // y_k = 1.2^k exactly: (1 + 2·lr)^k
  assert.ok(Math.abs(y - 1.2 ** 30) < 1e-9 * 1.2 ** 30);
});

test('noisy GD and perturbed GD from (1, 0) escape; plain GD does not', () => {
  const plain = run('sgd', { lr: 0.1 }, [1, 0], 200);
  assert.equal(escapeStep(plain.points), Infinity);
  for (let seed = 0; seed < 5; seed++) {
    const noisy = run('noisy-gd', { lr: 0.1, noise: 0.01 }, [1, 0], 200, seed);
    assert.ok(escapeStep(noisy.points) < 200, `noisy GD escapes (seed ${seed})`);
    const perturbed = run('perturbed-gd', { lr: 0.1, radius: 0.01, g_thres: 0.01, t_thres: 10 }, [1, 0], 200, seed);
    assert.ok(escapeStep(perturbed.points) < 200, `perturbed GD escapes (seed ${seed})`);
  }
});

test('momentum leaves the saddle region in fewer steps than GD from the same start', () => {
  const start = [1, 1e-3];
  const gd = escapeStep(run('sgd', { lr: 0.01 }, start, 1000).points);
  const momentum = escapeStep(run('sgd', { lr: 0.01, momentum: 0.9 }, start, 1000).points);
  assert.ok(Number.isFinite(gd));
  assert.ok(momentum < gd, `momentum ${momentum} steps vs GD ${gd}`);
});

test("Newton's method jumps onto the saddle in one step from anywhere (the seed's slide 4 is wrong)", () => {
  for (const start of [[1, 1], [-3, 2.5], [0.2, -7]]) {
    const trajectory = run('newton', { lr: 1 }, start, 5);
    assert.deepEqual(trajectory.points[1], [0, 0]);
    assert.deepEqual(trajectory.points.at(-1), [0, 0]);
  }
});

test('saddle-free Newton moves away from the saddle', () => {
  const trajectory = run('saddle-free-newton', { lr: 0.5 }, [1, 0.01], 20);
  // |H| = diag(2, 2): x ← x − 0.5x, y ← y + 0.5y
  assert.ok(Math.abs(trajectory.points[1][0] - 0.5) < 1e-15);
  assert.ok(Math.abs(trajectory.points[1][1] - 0.015) < 1e-15);
  assert.ok(Math.abs(trajectory.points.at(-1)![1]) > 10, 'y grows geometrically');
  assert.ok(trajectory.values.at(-1)! < -100, 'the loss decreases instead of settling at the saddle value 0');
});

test('a diverging run is a result, not an exception; tolerance stops a converged run', () => {
  const diverging = runTrajectory(builtinSurface('ill-conditioned', { condition: 100 }), resolveOptimizerSpec({ name: 'sgd', lr: 0.05 }), {
    start: [1, 1],
    steps: 1000,
    seed: 0,
  });
  assert.match(diverging.status, /^diverged at step \d+$/);
  assert.ok(diverging.steps < 1000);
  const converging = runTrajectory(builtinSurface('ill-conditioned'), resolveOptimizerSpec({ name: 'sgd', lr: 0.1 }), {
    start: [1, 1],
    steps: 10000,
    seed: 0,
    tolerance: 1e-8,
  });
  assert.equal(converging.status, 'converged');
  assert.ok(converging.gradientNorms.at(-1)! <= 1e-8);
  const budget = run('sgd', { lr: 0.1 }, [1, 0], 37);
  assert.equal(budget.status, 'max-steps');
  assert.equal(budget.points.length, 38);
  assert.equal(budget.steps, 37);
});
