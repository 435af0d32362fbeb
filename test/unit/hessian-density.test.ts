import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../src/core/random';
import { quadraticObjective, randomSymmetricMatrix } from '../support/quadratic';
import { matrixOperator } from '../../src/core/hessian/operator';
import { spectralDensity } from '../../src/core/hessian/density';
import { hutchinsonTrace } from '../../src/core/hessian/trace';

const n = 100;
const matrix = randomSymmetricMatrix(n, new Random(21));
for (let i = 0; i < n; i++) matrix[i * n + i] += 0.3; // a nonzero trace
const exactTrace = Array.from({ length: n }, (_, i) => matrix[i * n + i]).reduce((a, b) => a + b, 0);

test('Hutchinson trace lies within 4 standard errors of the exact trace', () => {
  const estimate = hutchinsonTrace(matrixOperator(matrix, n), { probes: 200, seed: 1 });
  assert.equal(estimate.probes, 200);
  assert.ok(estimate.standardError > 0 && estimate.standardError < 2, `standard error ${estimate.standardError}`);
  assert.ok(Math.abs(estimate.trace - exactTrace) < 4 * estimate.standardError, `${estimate.trace} vs ${exactTrace} ± ${estimate.standardError}`);
});

test('Hutchinson is exact with zero error for a diagonal matrix (zᵀDz = tr D for ±1 probes)', () => {
  const diagonal = new Float64Array(9);
  [1, -2, 5].forEach((value, i) => (diagonal[i * 3 + i] = value));
  const estimate = hutchinsonTrace(matrixOperator(diagonal, 3), { probes: 5 });
  assert.equal(estimate.trace, 4);
  assert.equal(estimate.standardError, 0);
});

test('SLQ density integrates to 1 and its first moment matches trace/n', () => {
  const density = spectralDensity(matrixOperator(matrix, n), { steps: 40, probes: 8, width: 0.02, widthConvention: 'standard-deviation', scaleWidthByRange: false, gridSize: 2000 });
  assert.ok(Math.abs(density.integral - 1) < 1e-6, `integral ${density.integral}`);
  for (const weights of density.weights) assert.ok(Math.abs(weights.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  const spacing = density.grid[1] - density.grid[0];
  let firstMoment = 0;
  let secondMoment = 0;
  density.values.forEach((value, j) => {
    firstMoment += value * density.grid[j] * spacing;
    secondMoment += value * density.grid[j] ** 2 * spacing;
  });
  // The first moment is the mean of vᵀHv = zᵀHz/n over the probes: Hutchinson with the same probes.
  const sameProbes = hutchinsonTrace(matrixOperator(matrix, n), { probes: 8 });
  assert.ok(Math.abs(firstMoment - sameProbes.trace / n) < 1e-6, `${firstMoment} vs ${sameProbes.trace / n}`);
  assert.ok(Math.abs(firstMoment - exactTrace / n) < 4 * (sameProbes.standardError / n), 'within the estimator error of tr(H)/n');
  // Second moment: tr(H²)/n plus the smoothing variance σ².
  let frobenius = 0;
  for (const value of matrix) frobenius += value * value;
  assert.ok(Math.abs(secondMoment - 0.02 ** 2 - frobenius / n) < 0.1 * (frobenius / n), `${secondMoment} vs ${frobenius / n}`);
  assert.deepEqual(density.convention, { width: 0.02, widthConvention: 'standard-deviation', scaleWidthByRange: false, sigma: 0.02, sampling: 'cell-average' });
});

test('SLQ recovers a spectrum with few distinct eigenvalues exactly (Lanczos stops on the invariant subspace)', () => {
  const size = 50;
  const diagonal = new Float64Array(size * size);
  for (let i = 0; i < size; i++) diagonal[i * size + i] = [-1, 2, 7][i % 3];
  const density = spectralDensity(matrixOperator(diagonal, size), { steps: 30, probes: 1 });
  assert.equal(density.nodes[0].length, 3);
  [-1, 2, 7].forEach((value, i) => assert.ok(Math.abs(density.nodes[0][i] - value) < 1e-10));
  // PyHessian's convention: σ² = 1e-5·max(1, λmax − λmin).
  assert.ok(Math.abs(density.convention.sigma - Math.sqrt(1e-5 * 8)) < 1e-15);
  assert.equal(density.convention.widthConvention, 'variance');
});

test('a quadratic objective and its matrix give the same density', () => {
  const objective = quadraticObjective(matrix, n);
  const fromObjective = spectralDensity({ dim: n, products: 0, apply: (v, out) => objective.hessianVectorProduct!(new Float64Array(n), v, out) }, { steps: 10 });
  const fromMatrix = spectralDensity(matrixOperator(matrix, n), { steps: 10 });
  assert.deepEqual(fromObjective.nodes, fromMatrix.nodes);
});

test('a grid much coarser than σ still carries the whole mass, in the cells of the nodes', () => {
  const size = 30;
  const diagonal = new Float64Array(size * size);
  for (let i = 0; i < size; i++) diagonal[i * size + i] = i < 10 ? -100 : 900;
  const density = spectralDensity(matrixOperator(diagonal, size), { steps: 10, gridSize: 50 });
  const spacing = density.grid[1] - density.grid[0];
  assert.ok(density.convention.sigma < spacing / 100, 'σ ≪ Δ');
  assert.ok(Math.abs(density.integral - 1) < 1e-12, `integral ${density.integral}`);
  const massNear = (value: number) => density.values.reduce((sum, v, j) => sum + (Math.abs(density.grid[j] - value) <= spacing ? v * spacing : 0), 0);
  const negativeWeight = density.weights[0][density.nodes[0].findIndex((node) => node < 0)];
  assert.ok(Math.abs(massNear(-100) - negativeWeight) < 1e-12);
  assert.ok(Math.abs(massNear(900) - (1 - negativeWeight)) < 1e-12);
});
