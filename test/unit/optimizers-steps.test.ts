import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinSurface, surfaceFromExpression } from '../../src/core/surfaces/catalog';
import { createOptimizer, resolveOptimizerSpec, scheduledLearningRate, type OptimizerName } from '../../src/core/optimizers';
import { Random } from '../../src/core/random';
import type { Objective } from '../../src/core/objective';

function steps(objective: Objective, name: OptimizerName, parameters: Record<string, unknown>, start: number[], count: number, seed = 0): number[][] {
  const spec = resolveOptimizerSpec({ name, ...parameters });
  const optimizer = createOptimizer(spec, objective.dim);
  const x = Float64Array.from(start);
  const gradient = new Float64Array(objective.dim);
  const random = new Random(seed);
  const points = [Array.from(x)];
  for (let step = 1; step <= count; step++) {
    objective.gradient(x, gradient);
    optimizer.step(x, gradient, { objective, learningRate: spec.lr, step, random });
    points.push(Array.from(x));
  }
  return points;
}

const saddle = builtinSurface('saddle'); // ∇f = (2x, −2y)

test('sgd: x ← x − lr·g; with momentum the seed\'s v = μv − lr·g, x += v', () => {
  assert.deepEqual(steps(saddle, 'sgd', { lr: 0.1 }, [1, 1], 1)[1], [1 - 0.2, 1 + 0.2]);
  // seed slide 3 by hand: v₁ = −0.1·(2, −2) = (−0.2, 0.2); x₁ = (0.8, 1.2);
  // v₂ = 0.9·v₁ − 0.1·(1.6, −2.4) = (−0.34, 0.42); x₂ = (0.46, 1.62)
  const points = steps(saddle, 'sgd', { lr: 0.1, momentum: 0.9 }, [1, 1], 2);
  assert.ok(Math.abs(points[2][0] - 0.46) < 1e-15 && Math.abs(points[2][1] - 1.62) < 1e-15);
});

test('adam: the first step moves every coordinate by lr (bias-corrected m/√v = sign g)', () => {
  const points = steps(saddle, 'adam', { lr: 0.01 }, [1, 1], 1);
  assert.ok(Math.abs(points[1][0] - 0.99) < 1e-9);
  assert.ok(Math.abs(points[1][1] - 1.01) < 1e-9);
});

test('adamw decays the weights by lr·λ before the Adam step', () => {
  const flat = surfaceFromExpression('0*x + 0*y', [[-1, 1], [-1, 1]]);
  const points = steps(flat, 'adamw', { lr: 0.1, weight_decay: 0.5 }, [2, -4], 1);
  assert.deepEqual(points[1], [2 * 0.95, -4 * 0.95]);
});

test('rmsprop and adagrad first steps', () => {
  // rmsprop: s = 0.01·g², x −= lr·g/(√s + ε) = lr·g/(0.1|g| + ε) ≈ 10·lr·sign(g)
  const rms = steps(saddle, 'rmsprop', { lr: 0.001 }, [1, 1], 1);
  assert.ok(Math.abs(rms[1][0] - (1 - 0.001 * 2 / (0.1 * 2 + 1e-8))) < 1e-15);
  // adagrad: s = g², x −= lr·g/(|g| + ε)
  const ada = steps(saddle, 'adagrad', { lr: 0.1 }, [1, 1], 1);
  assert.ok(Math.abs(ada[1][0] - (1 - 0.1 * 2 / (2 + 1e-10))) < 1e-15);
});

test('damped Newton: x ← x − lr·(H + λI)⁻¹g', () => {
  const points = steps(saddle, 'newton', { lr: 1, damping: 1 }, [1, 1], 1);
  // (H + I) = diag(3, −1): step = (2/3, 2) → x = (1/3, −1)
  assert.ok(Math.abs(points[1][0] - 1 / 3) < 1e-15 && Math.abs(points[1][1] + 1) < 1e-15);
});

test('noisy GD adds N(0, σ²) noise from the run\'s seeded PRNG; the same seed gives the same path', () => {
  const a = steps(saddle, 'noisy-gd', { lr: 0.1, noise: 0.5 }, [1, 1], 10, 42);
  const b = steps(saddle, 'noisy-gd', { lr: 0.1, noise: 0.5 }, [1, 1], 10, 42);
  const c = steps(saddle, 'noisy-gd', { lr: 0.1, noise: 0.5 }, [1, 1], 10, 43);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  const random = new Random(42);
  const first = [1 - 0.1 * (2 + 0.5 * random.gaussian()), 1 - 0.1 * (-2 + 0.5 * random.gaussian())];
  assert.deepEqual(a[1], first);
});

test('perturbed GD perturbs only when ‖g‖ ≤ g_thres, at most once per t_thres steps, within the radius', () => {
  // At the saddle ‖g‖ = 0: perturb, then step from the perturbed point.
  const points = steps(saddle, 'perturbed-gd', { lr: 0.1, radius: 0.01, g_thres: 1e-3, t_thres: 5 }, [0, 0], 3, 1);
  const [px, py] = points[1];
  // After one step from the perturbed point p: x = 0.8·px, y = 1.2·py, so ‖p‖ ≤ r.
  assert.ok(Math.hypot(px / 0.8, py / 1.2) <= 0.01 + 1e-15);
  assert.ok(Math.hypot(px, py) > 0);
  // The second step has ‖g‖ ≤ 1e-3 still but t − t_last = 1 ≤ 5: a plain GD step.
  assert.ok(Math.abs(points[2][0] - 0.8 * px) < 1e-18 && Math.abs(points[2][1] - 1.2 * py) < 1e-18);
  // Far from critical points it is plain GD.
  assert.deepEqual(steps(saddle, 'perturbed-gd', { lr: 0.1 }, [1, 1], 1)[1], [1 - 0.2, 1 + 0.2]);
});

test('schedules follow torch: StepLR, ExponentialLR, CosineAnnealingLR', () => {
  assert.equal(scheduledLearningRate({ kind: 'constant' }, 0.1, 50), 0.1);
  assert.ok(Math.abs(scheduledLearningRate({ kind: 'step', step_size: 10, gamma: 0.5 }, 0.1, 25) - 0.025) < 1e-15);
  assert.ok(Math.abs(scheduledLearningRate({ kind: 'exponential', gamma: 0.9 }, 0.1, 2) - 0.081) < 1e-15);
  assert.equal(scheduledLearningRate({ kind: 'cosine', T_max: 100, eta_min: 0 }, 0.1, 0), 0.1);
  assert.ok(Math.abs(scheduledLearningRate({ kind: 'cosine', T_max: 100, eta_min: 0.01 }, 0.1, 50) - 0.055) < 1e-15);
  assert.ok(Math.abs(scheduledLearningRate({ kind: 'cosine', T_max: 100, eta_min: 0.01 }, 0.1, 100) - 0.01) < 1e-15);
});
