import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../src/core/random';
import { quadraticObjective, randomSymmetricMatrix, referenceEigenvalues } from '../support/quadratic';
import { denseSpectrum, hessianMatrix } from '../../src/core/hessian/dense-spectrum';
import { lanczosExtremes } from '../../src/core/hessian/lanczos';
import { hessianOperator, matrixOperator } from '../../src/core/hessian/operator';
import { powerIteration } from '../../src/core/hessian/power-iteration';
import { restrictObjective } from '../../src/core/hessian/restrict';
import { analyzeHessian } from '../../src/core/hessian/analyze';

function relativeError(actual: number, expected: number, scale: number): number {
  return Math.abs(actual - expected) / scale;
}

for (const [n, basisSize] of [[80, undefined], [150, 16]] as const) {
  test(`Lanczos extremes equal the dense spectrum's ends to 1e-8 (n = ${n}, basis ${basisSize ?? 'default'})`, () => {
    const matrix = randomSymmetricMatrix(n, new Random(n));
    const objective = quadraticObjective(matrix, n);
    const x = new Float64Array(n);
    const dense = denseSpectrum(objective, x).eigenvalues;
    const scale = Math.max(Math.abs(dense[0]), Math.abs(dense[n - 1]));
    const result = lanczosExtremes(hessianOperator(objective, x), { top: 4, bottom: 3, basisSize, tolerance: 1e-10, seed: 3 });
    assert.ok(result.converged, 'converged within the product budget');
    if (basisSize !== undefined) assert.ok(result.restarts > 0, 'the small basis forces thick restarts');
    result.top.forEach((pair, i) => assert.ok(relativeError(pair.value, dense[n - 1 - i], scale) < 1e-8, `top ${i}: ${pair.value} vs ${dense[n - 1 - i]}`));
    result.bottom.forEach((pair, i) => assert.ok(relativeError(pair.value, dense[i], scale) < 1e-8, `bottom ${i}: ${pair.value} vs ${dense[i]}`));
    for (const pair of [...result.top, ...result.bottom]) {
      assert.ok(pair.residual < 1e-8 * scale, `residual ${pair.residual}`);
      assert.ok(Math.abs(Math.hypot(...pair.vector) - 1) < 1e-10, 'unit eigenvector');
    }
  });
}

test('Lanczos on a diagonal operator finds its two most negative and its largest eigenvalues exactly', () => {
  const n = 40;
  const matrix = new Float64Array(n * n);
  for (let i = 0; i < n; i++) matrix[i * n + i] = i < 2 ? -5 + i : i / n;
  const result = lanczosExtremes(matrixOperator(matrix, n), { top: 1, bottom: 2, tolerance: 1e-12 });
  assert.ok(Math.abs(result.bottom[0].value + 5) < 1e-12);
  assert.ok(Math.abs(result.bottom[1].value + 4) < 1e-12);
  assert.ok(Math.abs(result.top[0].value - (n - 1) / n) < 1e-12);
});

test('power iteration with deflation finds the eigenvalues of largest |λ| (PyHessian)', () => {
  const n = 30;
  const matrix = new Float64Array(n * n);
  for (let i = 0; i < n; i++) matrix[i * n + i] = i === 0 ? -10 : i === 1 ? 6 : i / n;
  const result = powerIteration(matrixOperator(matrix, n), { count: 2, tolerance: 1e-12, maxIterations: 500 });
  assert.ok(Math.abs(result.pairs[0].value + 10) < 1e-8, `first ${result.pairs[0].value}`);
  assert.ok(Math.abs(result.pairs[1].value - 6) < 1e-8, `second ${result.pairs[1].value}`);
  assert.ok(result.pairs[1].residual < 1e-5);
});

test('a restricted objective is the block P·H·Pᵀ, with the gradient slice', () => {
  const n = 12;
  const matrix = randomSymmetricMatrix(n, new Random(7));
  const objective = quadraticObjective(matrix, n);
  const x0 = new Random(8).fillGaussian(new Float64Array(n));
  const offset = 3;
  const length = 5;
  const block = restrictObjective(objective, x0, offset, length);
  const blockMatrix = hessianMatrix(hessianOperator(block, x0.subarray(offset, offset + length)));
  for (let i = 0; i < length; i++) for (let j = 0; j < length; j++) assert.ok(Math.abs(blockMatrix[i * length + j] - matrix[(offset + i) * n + offset + j]) < 1e-14);
  const fullGradient = new Float64Array(n);
  const blockGradient = new Float64Array(length);
  assert.equal(block.gradient(x0.subarray(offset, offset + length), blockGradient), objective.gradient(x0, fullGradient));
  assert.deepEqual(Array.from(blockGradient), Array.from(fullGradient.subarray(offset, offset + length)));
  assert.throws(() => restrictObjective(objective, x0, 10, 5), /offset \+ length ≤ 12/);
});

test('the dense path refuses above its limit and names Lanczos', () => {
  const objective = quadraticObjective(new Float64Array(16), 4);
  assert.throws(() => denseSpectrum(objective, new Float64Array(4), { maxDimension: 3 }), /Lanczos/);
});

test('the dense eigensolver matches ml-matrix and yields orthonormal eigenvectors', () => {
  const n = 60;
  const matrix = randomSymmetricMatrix(n, new Random(11));
  const ours = denseSpectrum(quadraticObjective(matrix, n), new Float64Array(n), { eigenvectors: true });
  const reference = referenceEigenvalues(matrix, n);
  for (let k = 0; k < n; k++) assert.ok(Math.abs(ours.eigenvalues[k] - reference[k]) < 1e-12);
  const vectors = ours.eigenvectors!;
  for (let k = 0; k < n; k += 7) {
    for (let i = 0; i < n; i++) {
      let product = 0;
      for (let j = 0; j < n; j++) product += matrix[i * n + j] * vectors[k * n + j];
      assert.ok(Math.abs(product - ours.eigenvalues[k] * vectors[k * n + i]) < 1e-12);
    }
    let crossProduct = 0;
    for (let i = 0; i < n; i++) crossProduct += vectors[k * n + i] * vectors[((k + 1) % n) * n + i];
    assert.ok(Math.abs(crossProduct) < 1e-12);
  }
});

test('the power solver of analyzeHessian finds the signed top and bottom through shifts', () => {
  const n = 20;
  const matrix = new Float64Array(n * n);
  for (let i = 0; i < n; i++) matrix[i * n + i] = i === 0 ? -8 : i === 1 ? -3 : i === n - 1 ? 5 : i / n;
  const analysis = analyzeHessian(quadraticObjective(matrix, n), new Float64Array(n), { solver: 'power', top: 1, bottom: 2, tolerance: 1e-12, slice: false });
  assert.ok(Math.abs(analysis.top![0].value - 5) < 1e-6, `top ${analysis.top![0].value}`);
  assert.ok(Math.abs(analysis.bottom![0].value + 8) < 1e-6, `bottom ${analysis.bottom![0].value}`);
  assert.ok(Math.abs(analysis.bottom![1].value + 3) < 1e-6, `second bottom ${analysis.bottom![1].value}`);
  assert.equal(analysis.classification!.kind, 'saddle');
  assert.equal(analysis.classification!.complete, false);
});

test('without the full spectrum or top/bottom, the two ends are found to classify; one end alone does not classify', () => {
  const n = 50;
  const matrix = randomSymmetricMatrix(n, new Random(5));
  const objective = quadraticObjective(matrix, n);
  const dense = referenceEigenvalues(matrix, n);
  const ends = analyzeHessian(objective, new Float64Array(n), { full: false, slice: false });
  assert.equal(ends.top!.length, 1);
  assert.equal(ends.bottom!.length, 1);
  assert.ok(Math.abs(ends.bottom![0].value - dense[0]) < 1e-8);
  assert.equal(ends.classification!.kind, 'saddle');
  assert.equal(ends.classification!.complete, false);
  assert.equal(analyzeHessian(objective, new Float64Array(n), { top: 2, slice: false }).classification, undefined);
});
