import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildNetworkObjective } from '../../src/core/nn/build';
import { resolveTrainOptions, trainNetwork } from '../../src/core/nn/train';
import { denseSpectrum, hessianMatrix } from '../../src/core/hessian/dense-spectrum';
import { lanczosExtremes } from '../../src/core/hessian/lanczos';
import { hessianOperator } from '../../src/core/hessian/operator';
import { symmetricEigen } from '../../src/core/linalg/symmetric-eigen';
import { hessianTrainingHooks } from '../../src/core/hessian/training-hooks';
import { layerBlocks } from '../../src/core/hessian/layer-blocks';
import { analyzeHessian } from '../../src/core/hessian/analyze';
import type { HessianHistoryEntry } from '../../src/shared/results';

const problem = buildNetworkObjective({ model: { layers: [2, 5, 2], activation: 'tanh' }, data: { kind: 'synthetic', name: 'spirals', samples: 60, testFraction: 0 }, seed: 4 }, '.');
const { objective, parameters } = problem;

test('the dense MLP spectrum from exact HVPs matches finite differences of the exact gradient to their error', () => {
  assert.equal(objective.dim, 2 * 5 + 5 + 5 * 2 + 2);
  const exact = hessianMatrix(hessianOperator(objective, parameters));
  // An independent Hessian: central differences of the backpropagated gradient, column by column.
  const step = 1e-4;
  const n = objective.dim;
  const independent = new Float64Array(n * n);
  const plus = new Float64Array(n);
  const minus = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const x = Float64Array.from(parameters);
    x[j] += step;
    objective.gradient(x, plus);
    x[j] -= 2 * step;
    objective.gradient(x, minus);
    for (let i = 0; i < n; i++) independent[i * n + j] = (plus[i] - minus[i]) / (2 * step);
  }
  let largest = 0;
  let difference = 0;
  for (let k = 0; k < n * n; k++) {
    largest = Math.max(largest, Math.abs(exact[k]));
    difference = Math.max(difference, Math.abs(exact[k] - independent[k]));
  }
  assert.ok(difference < 1e-6 * largest, `matrix difference ${difference} vs scale ${largest}`);
  const exactValues = denseSpectrum(objective, parameters).eigenvalues;
  const independentValues = symmetricEigen(hessianMatrix({ dim: n, products: 0, apply: (v, out) => multiply(independent, n, v, out) }), n, { overwrite: true }).values;
  for (let k = 0; k < n; k++) assert.ok(Math.abs(exactValues[k] - independentValues[k]) < 1e-6 * largest, `λ${k}: ${exactValues[k]} vs ${independentValues[k]}`);
  // The finite-difference method of the dense path (the seed's ε = 1e-5) agrees as closely.
  const seedMethod = denseSpectrum(objective, parameters, { method: 'finite-difference' }).eigenvalues;
  for (let k = 0; k < n; k++) assert.ok(Math.abs(exactValues[k] - seedMethod[k]) < 1e-6 * largest);
});

test('Lanczos extremes of the MLP Hessian equal the dense ends to 1e-8 relative', () => {
  const dense = denseSpectrum(objective, parameters).eigenvalues;
  const n = dense.length;
  const scale = Math.max(Math.abs(dense[0]), Math.abs(dense[n - 1]));
  const result = lanczosExtremes(hessianOperator(objective, parameters), { top: 3, bottom: 3, tolerance: 1e-10 });
  assert.ok(dense[0] < 0, 'the net at its initial weights has negative curvature');
  result.top.forEach((pair, i) => assert.ok(Math.abs(pair.value - dense[n - 1 - i]) < 1e-8 * scale));
  result.bottom.forEach((pair, i) => assert.ok(Math.abs(pair.value - dense[i]) < 1e-8 * scale));
});

test('per-layer blocks are the diagonal blocks of the full Hessian', () => {
  const blocks = layerBlocks(problem.layout);
  assert.deepEqual(blocks.map((b) => [b.offset, b.length]), [[0, 15], [15, 12]]);
  const full = hessianMatrix(hessianOperator(objective, parameters));
  const n = objective.dim;
  const analysis = analyzeHessian(objective, parameters, { layers: true, slice: false }, { blocks });
  const second = blocks[1];
  const block = new Float64Array(second.length * second.length);
  for (let i = 0; i < second.length; i++) for (let j = 0; j < second.length; j++) block[i * second.length + j] = full[(second.offset + i) * n + second.offset + j];
  const expected = symmetricEigen(block, second.length, { overwrite: true }).values;
  const layer = analysis.layers![1];
  assert.equal(layer.dimension, 12);
  layer.eigenvalues!.forEach((value, k) => assert.ok(Math.abs(value - expected[k]) < 1e-10));
  // The output layer of a softmax cross-entropy net is convex in its own weights: a PSD block.
  assert.ok(layer.eigenvalues![0] > -1e-10);
});

test('training hooks record λmax, λmin, the negative count and the kind every N epochs', () => {
  const history: HessianHistoryEntry[] = [];
  const options = { ...resolveTrainOptions({ epochs: 6, optimizer: { name: 'sgd', lr: 0.1 }, detector: false }, 0), ...hessianTrainingHooks({ every: 2, full: true }, history) };
  trainNetwork(problem, options);
  assert.deepEqual(history.map((entry) => [entry.epoch, entry.reason]), [[2, 'every'], [4, 'every'], [6, 'every']]);
  for (const entry of history) {
    assert.ok(entry.lambdaMax > 0 && entry.lambdaMin < entry.lambdaMax);
    // Softmax logits shifted together leave the loss unchanged: exact zero eigenvalues, so "degenerate".
    assert.equal(entry.kind, 'degenerate');
    assert.ok(entry.negativeCount > 0 && entry.lambdaMin < 0);
  }
});

function multiply(matrix: Float64Array, n: number, v: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += matrix[i * n + j] * v[j];
    out[i] = sum;
  }
}

test('a saddle-detector event triggers an analysis at its epoch', () => {
  const history: HessianHistoryEntry[] = [];
  const training = resolveTrainOptions({ epochs: 4, optimizer: { name: 'sgd', lr: 0.1 }, detector: { threshold: 1e9, window: 2, boost: 1 } }, 0);
  trainNetwork(problem, { ...training, ...hessianTrainingHooks({ full: true }, history) });
  assert.deepEqual(history.map((entry) => [entry.epoch, entry.reason]), [[2, 'event']]);
});
