import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SURFACE_NAMES, builtinSurface, surfaceFromExpression } from '../../src/core/surfaces/catalog';
import { ExpressionError } from '../../src/core/surfaces/expression';
import { evaluateGrid } from '../../src/core/surfaces/grid';
import { Random } from '../../src/core/random';

/** Central differences: ∂f/∂xᵢ ≈ (f(x + heᵢ) − f(x − heᵢ)) / 2h. */
function centralGradient(f: (x: Float64Array) => number, x: Float64Array, h: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const plus = Float64Array.from(x);
    const minus = Float64Array.from(x);
    plus[i] += h;
    minus[i] -= h;
    out[i] = (f(plus) - f(minus)) / (2 * h);
  }
  return out;
}

for (const name of SURFACE_NAMES) {
  test(`${name}: gradient and Hessian agree with central differences`, () => {
    const surface = builtinSurface(name);
    const random = new Random(7);
    const [[xMin, xMax], [yMin, yMax]] = surface.domain;
    for (let trial = 0; trial < 20; trial++) {
      const x = Float64Array.of(xMin + random.uniform() * (xMax - xMin), yMin + random.uniform() * (yMax - yMin));
      const gradient = new Float64Array(2);
      const value = surface.gradient(x, gradient);
      assert.equal(value, surface.value(x));
      const numeric = centralGradient((p) => surface.value(p), x, 1e-5);
      const scale = Math.max(1, Math.abs(value));
      for (let i = 0; i < 2; i++) assert.ok(Math.abs(gradient[i] - numeric[i]) <= 1e-5 * scale, `${name} ∂f/∂x${i} at ${x}: ${gradient[i]} vs ${numeric[i]}`);
      const hessian = surface.hessian(x);
      assert.equal(hessian[1], hessian[2], 'the Hessian is symmetric');
      for (let i = 0; i < 2; i++) {
        const column = centralGradient((p) => {
          const g = new Float64Array(2);
          surface.gradient(p, g);
          return g[i];
        }, x, 1e-5);
        const gradientScale = Math.max(1, Math.abs(gradient[0]), Math.abs(gradient[1]));
        for (let j = 0; j < 2; j++) assert.ok(Math.abs(hessian[i * 2 + j] - column[j]) <= 1e-5 * gradientScale, `${name} H[${i}][${j}] at ${x}: ${hessian[i * 2 + j]} vs ${column[j]}`);
      }
      const v = Float64Array.of(random.gaussian(), random.gaussian());
      const product = new Float64Array(2);
      surface.hessianVectorProduct(x, v, product);
      assert.ok(Math.abs(product[0] - (hessian[0] * v[0] + hessian[1] * v[1])) <= 1e-9 * Math.max(1, Math.abs(product[0])));
    }
  });

  test(`${name}: known critical points have a vanishing gradient`, () => {
    const surface = builtinSurface(name);
    for (const point of surface.knownCriticalPoints ?? []) {
      const gradient = new Float64Array(2);
      surface.gradient(Float64Array.from(point), gradient);
      // Literature values are given to about 6 digits; the gradient scales with the curvature there.
      const curvature = Math.max(1, ...Array.from(surface.hessian(Float64Array.from(point))).map(Math.abs));
      assert.ok(Math.hypot(gradient[0], gradient[1]) <= 1e-3 * curvature, `${name} at ${point}: ‖∇f‖ = ${Math.hypot(gradient[0], gradient[1])}`);
    }
  });
}

test('known values: Rosenbrock, Goldstein–Price, Himmelblau, Beale, camel minima', () => {
  assert.equal(builtinSurface('rosenbrock').value(Float64Array.of(1, 1)), 0);
  assert.equal(builtinSurface('goldstein-price').value(Float64Array.of(0, -1)), 3);
  assert.equal(builtinSurface('himmelblau').value(Float64Array.of(3, 2)), 0);
  assert.equal(builtinSurface('beale').value(Float64Array.of(3, 0.5)), 0);
  assert.ok(Math.abs(builtinSurface('six-hump-camel').value(Float64Array.of(0.0898, -0.7126)) + 1.0316) < 1e-4);
  assert.equal(builtinSurface('rastrigin').value(Float64Array.of(0, 0)), 0);
  assert.deepEqual(Array.from(builtinSurface('ill-conditioned', { condition: 50 }).hessian(Float64Array.of(0.3, -1))), [1, 0, 0, 50]);
});

test('user expressions are differentiated exactly', () => {
  const surface = surfaceFromExpression('x^2 - y^2 + 0.1*x^4 + sin(x*y)', [[-2, 2], [-2, 2]]);
  const x = Float64Array.of(0.7, -0.3);
  const gradient = new Float64Array(2);
  surface.gradient(x, gradient);
  // ∂f/∂x = 2x + 0.4x³ + y cos(xy); ∂f/∂y = −2y + x cos(xy)
  assert.ok(Math.abs(gradient[0] - (1.4 + 0.4 * 0.343 - 0.3 * Math.cos(-0.21))) < 1e-14);
  assert.ok(Math.abs(gradient[1] - (0.6 + 0.7 * Math.cos(-0.21))) < 1e-14);
  const hessian = surface.hessian(x);
  // ∂²f/∂x∂y = cos(xy) − xy sin(xy)
  assert.ok(Math.abs(hessian[1] - (Math.cos(-0.21) + 0.21 * Math.sin(-0.21))) < 1e-14);
});

test('bad expressions fail with a message that names the problem', () => {
  assert.throws(() => surfaceFromExpression('x^2 - z', [[-1, 1], [-1, 1]]), (error: Error) => error instanceof ExpressionError && /unknown variable "z"/.test(error.message));
  assert.throws(() => surfaceFromExpression('x^2 +', [[-1, 1], [-1, 1]]), (error: Error) => error instanceof ExpressionError && /cannot parse/.test(error.message));
  assert.throws(() => surfaceFromExpression('foo(x)', [[-1, 1], [-1, 1]]), (error: Error) => error instanceof ExpressionError && /unsupported function "foo"/.test(error.message));
  assert.throws(() => surfaceFromExpression('x = 3', [[-1, 1], [-1, 1]]), ExpressionError);
  assert.throws(() => surfaceFromExpression('[x, y]', [[-1, 1], [-1, 1]]), ExpressionError);
});

test('the contour grid equals direct evaluation, rows along y', () => {
  const surface = builtinSurface('himmelblau');
  const grid = evaluateGrid(surface, [[-5, 5], [-4, 4]], 11);
  assert.equal(grid.values.length, 121);
  assert.equal(grid.xs[0], -5);
  assert.equal(grid.xs[10], 5);
  assert.equal(grid.ys[10], 4);
  assert.equal(grid.values[3 * 11 + 7], surface.value(Float64Array.of(grid.xs[7], grid.ys[3])));
});
