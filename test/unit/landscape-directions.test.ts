import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeDirection, orthogonalizeAgainst, randomPlane } from '../../src/core/landscape/directions';
import { dot } from '../../src/core/linalg/vector';
import { trajectoryPca } from '../../src/core/landscape/pca';
import { projectTrajectory } from '../../src/core/landscape/projection';
import { mlpLayout } from '../../src/core/nn/layout';
import { Random } from '../../src/core/random';

const spec = { sizes: [5, 4, 3], activations: ['tanh', 'linear'] as ('tanh' | 'linear')[], bias: true, loss: 'mse' as const };
const { layers, dim } = mlpLayout(spec);

function rowNorm(vector: Float64Array, start: number, length: number): number {
  return Math.sqrt(dot(vector.subarray(start, start + length), vector.subarray(start, start + length)));
}

test('filter normalization gives each output neuron row the norm of the weights row and zeroes biases', () => {
  const random = new Random(1);
  const weights = random.fillGaussian(new Float64Array(dim));
  const direction = normalizeDirection(random.fillGaussian(new Float64Array(dim), 0, 5), weights, 'filter', layers, true);
  for (const layer of layers) {
    for (let row = 0; row < layer.outputs; row++) {
      const start = layer.weightOffset + row * layer.inputs;
      assert.ok(Math.abs(rowNorm(direction, start, layer.inputs) - rowNorm(weights, start, layer.inputs)) < 1e-9);
    }
    assert.deepEqual(Array.from(direction.subarray(layer.biasOffset, layer.biasOffset + layer.outputs)), new Array(layer.outputs).fill(0));
  }
});

test('with biases included, filter normalization sets the bias part to the weights bias (Li et al.)', () => {
  const random = new Random(2);
  const weights = random.fillGaussian(new Float64Array(dim));
  const direction = normalizeDirection(random.fillGaussian(new Float64Array(dim)), weights, 'filter', layers, false);
  const bias = layers[1].biasOffset;
  assert.deepEqual(Array.from(direction.subarray(bias, bias + 3)), Array.from(weights.subarray(bias, bias + 3)));
});

test('layer normalization matches each weight matrix norm; model normalization the whole vector norm', () => {
  const random = new Random(3);
  const weights = random.fillGaussian(new Float64Array(dim));
  const byLayer = normalizeDirection(random.fillGaussian(new Float64Array(dim)), weights, 'layer', layers, true);
  for (const layer of layers) {
    const size = layer.inputs * layer.outputs;
    assert.ok(Math.abs(rowNorm(byLayer, layer.weightOffset, size) - rowNorm(weights, layer.weightOffset, size)) < 1e-9);
  }
  const whole = normalizeDirection(random.fillGaussian(new Float64Array(dim)), weights, 'model', layers, false);
  assert.ok(Math.abs(Math.sqrt(dot(whole, whole)) - Math.sqrt(dot(weights, weights))) < 1e-9);
});

test('random plane: seeded and the second direction orthogonal to the first before normalization', () => {
  const weights = new Random(4).fillGaussian(new Float64Array(dim));
  const [a1, b1] = randomPlane(weights, new Random(9), 'none', layers, false);
  const [a2] = randomPlane(weights, new Random(9), 'none', layers, false);
  assert.deepEqual(Array.from(a1), Array.from(a2));
  assert.ok(Math.abs(dot(a1, b1)) < 1e-9 * Math.sqrt(dot(a1, a1) * dot(b1, b1)));
  const v = orthogonalizeAgainst(Float64Array.of(1, 1), Float64Array.of(1, 0));
  assert.deepEqual(Array.from(v), [0, 1]);
});

test('PCA of a path in a known plane: orthonormal axes that explain it, and a projection with zero residual', () => {
  const size = 40;
  const random = new Random(5);
  const u = random.fillGaussian(new Float64Array(size));
  const w = random.fillGaussian(new Float64Array(size));
  const final = random.fillGaussian(new Float64Array(size));
  // θₜ = final + 3(1 − t)·u + sin(3t)·w : a curve in span{u, w} around the final point
  const path = Array.from({ length: 21 }, (_, k) => {
    const t = k / 20;
    return Float64Array.from(final, (value, i) => value + 3 * (1 - t) * u[i] + Math.sin(3 * t) * w[i]);
  });
  const { directions, explainedVariance } = trajectoryPca(path, final);
  const [first, second] = directions;
  assert.ok(Math.abs(dot(first, first) - 1) < 1e-9 && Math.abs(dot(second, second) - 1) < 1e-9);
  assert.ok(Math.abs(dot(first, second)) < 1e-9);
  assert.ok(Math.abs(explainedVariance[0] + explainedVariance[1] - 1) < 1e-9, `explained ${explainedVariance}`);
  assert.ok(explainedVariance[0] >= explainedVariance[1]);
  const projected = projectTrajectory(path, final, directions);
  assert.ok(Math.max(...projected.residual) < 1e-9);
  // the projection reproduces the path: final + αd₁ + βd₂ = θₜ
  const k = 7;
  for (let i = 0; i < size; i++) assert.ok(Math.abs(final[i] + projected.alpha[k] * first[i] + projected.beta[k] * second[i] - path[k][i]) < 1e-9);
});

test('projection onto non-orthogonal directions is least squares, with the off-plane share as residual', () => {
  const origin = Float64Array.of(0, 0, 0);
  const directions = [Float64Array.of(1, 0, 0), Float64Array.of(1, 1, 0)];
  const projected = projectTrajectory([Float64Array.of(2, 3, 4)], origin, directions);
  assert.ok(Math.abs(projected.alpha[0] + 1) < 1e-12 && Math.abs(projected.beta[0] - 3) < 1e-12);
  assert.ok(Math.abs(projected.residual[0] - 4 / Math.sqrt(29)) < 1e-12);
});

test('PCA needs two snapshots: a clear error', () => {
  assert.throws(() => trajectoryPca([new Float64Array(3)], new Float64Array(3)), /at least 2 parameter snapshots/);
});
