import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinSurface } from '../../src/core/surfaces/catalog';
import { denseSpectrum } from '../../src/core/hessian/dense-spectrum';
import { lanczosExtremes } from '../../src/core/hessian/lanczos';
import { hessianOperator } from '../../src/core/hessian/operator';
import { classifySpectrum } from '../../src/core/hessian/classify';
import { classifyEigenvalues } from '../../src/core/critical-points';
import { lossAlongDirection } from '../../src/core/hessian/slice';
import { hessianMatrix } from '../../src/core/hessian/dense-spectrum';

const origin = Float64Array.of(0, 0);

function assertClose(actual: ArrayLike<number>, expected: number[], tolerance: number): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance, `entry ${i}: ${actual[i]} vs ${expected[i]}`);
}

test('exact spectra of the surfaces at their critical points', () => {
  assertClose(denseSpectrum(builtinSurface('saddle'), origin).eigenvalues, [-2, 2], 1e-12);
  assertClose(denseSpectrum(builtinSurface('dauphin-saddle'), origin).eigenvalues, [-2, 10], 1e-12);
  assertClose(denseSpectrum(builtinSurface('monkey-saddle'), origin).eigenvalues, [0, 0], 1e-12);
  assertClose(denseSpectrum(builtinSurface('ill-conditioned', { condition: 50 }), origin).eigenvalues, [1, 50], 1e-12);
  // Rosenbrock at (1, 1): H = [[802, −400], [−400, 200]], λ = 501 ∓ √(301² + 400²).
  const radius = Math.hypot(301, 400);
  assertClose(denseSpectrum(builtinSurface('rosenbrock'), Float64Array.of(1, 1)).eigenvalues, [501 - radius, 501 + radius], 1e-9);
});

test('eigenvectors of the saddle are the axes, and the slice along the negative one is −t²', () => {
  const surface = builtinSurface('saddle');
  const { eigenvectors } = denseSpectrum(surface, origin, { eigenvectors: true });
  assert.ok(eigenvectors);
  assert.ok(Math.abs(Math.abs(eigenvectors[1]) - 1) < 1e-12, 'the eigenvector of −2 is ±(0, 1)');
  const slice = lossAlongDirection(surface, origin, eigenvectors.subarray(0, 2), 1, 5);
  assertClose(slice.steps, [-1, -0.5, 0, 0.5, 1], 1e-15);
  assertClose(slice.values, [-1, -0.25, 0, -0.25, -1], 1e-12);
});

test('classification: kinds, saddle index, |λmin/λmax| and the relative tolerance', () => {
  assert.deepEqual(classifyEigenvalues([-2, 2]), { kind: 'saddle', index: 1 });
  const saddle = classifySpectrum([-2, 10]);
  assert.equal(saddle.kind, 'saddle');
  assert.equal(saddle.index, 1);
  assert.equal(saddle.negativeRatio, 0.2);
  assert.equal(classifySpectrum([1, 3]).kind, 'minimum');
  assert.equal(classifySpectrum([-3, -1, -2]).kind, 'maximum');
  assert.equal(classifySpectrum([-3, -1, -2]).index, 3);
  assert.equal(classifySpectrum([1e-9, 1]).kind, 'degenerate');
  assert.equal(classifySpectrum([1e-9, 1], 1e-10).kind, 'minimum');
  const himmelblauMaximum = denseSpectrum(builtinSurface('himmelblau'), Float64Array.of(-0.270845, -0.923039)).eigenvalues;
  assert.equal(classifySpectrum(himmelblauMaximum).kind, 'maximum');
});

test('Lanczos on a 2-D surface returns the exact pair with zero residual', () => {
  const operator = hessianOperator(builtinSurface('dauphin-saddle'), origin);
  const result = lanczosExtremes(operator, { top: 1, bottom: 1 });
  assert.ok(Math.abs(result.top[0].value - 10) < 1e-12);
  assert.ok(Math.abs(result.bottom[0].value + 2) < 1e-12);
  assert.ok(result.top[0].residual < 1e-12 && result.bottom[0].residual < 1e-12);
  assert.ok(result.converged);
});

test('finite differences of the exact gradient (slide 8) agree with the exact Hessian to O(ε²)', () => {
  const surface = builtinSurface('rosenbrock');
  const point = Float64Array.of(-0.7, 0.4);
  const exact = surface.hessian(point);
  const error = (step: number): number => {
    const approximate = hessianMatrix(hessianOperator(surface, point, 'finite-difference', step));
    return Math.max(...exact.map((value, i) => Math.abs(value - approximate[i])));
  };
  const coarse = error(1e-2);
  const fine = error(1e-3);
  // Central differences: error = ε²/6·∂³g + O(ε⁴); for this quartic the coefficient is ≤ 400·6/6.
  assert.ok(coarse > 0 && coarse <= 400 * 1e-4 * 1.01, `coarse error ${coarse}`);
  const ratio = coarse / fine;
  assert.ok(ratio > 90 && ratio < 110, `error ratio ${ratio} should be ≈ 100 for a second-order method`);
  const seedStep = denseSpectrum(surface, point, { method: 'finite-difference' }).eigenvalues;
  const exactValues = denseSpectrum(surface, point).eigenvalues;
  assertClose(seedStep, Array.from(exactValues), 1e-5);
});
