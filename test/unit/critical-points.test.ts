import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinSurface } from '../../src/core/surfaces/catalog';
import { classifyEigenvalues, findCriticalPoints } from '../../src/core/critical-points';

function count(points: { kind: string }[], kind: string): number {
  return points.filter((point) => point.kind === kind).length;
}

test('Himmelblau: four minima at f = 0, four saddles, one maximum', () => {
  const surface = builtinSurface('himmelblau');
  const points = findCriticalPoints(surface, { domain: surface.domain });
  assert.equal(count(points, 'minimum'), 4);
  assert.equal(count(points, 'saddle'), 4);
  assert.equal(count(points, 'maximum'), 1);
  assert.equal(points.length, 9);
  for (const minimum of points.filter((point) => point.kind === 'minimum')) assert.ok(Math.abs(minimum.value) < 1e-12, `f = ${minimum.value}`);
  const maximum = points.find((point) => point.kind === 'maximum')!;
  assert.ok(Math.abs(maximum.point[0] + 0.270845) < 1e-6 && Math.abs(maximum.point[1] + 0.923039) < 1e-6);
  assert.ok(Math.abs(maximum.value - 181.617) < 1e-3);
});

test('the seed saddle has index 1 with eigenvalues −2 and 2; the monkey saddle is degenerate', () => {
  const saddle = findCriticalPoints(builtinSurface('saddle'), { domain: [[-2, 2], [-2, 2]] });
  assert.equal(saddle.length, 1);
  assert.deepEqual(saddle[0].eigenvalues, [-2, 2]);
  assert.equal(saddle[0].kind, 'saddle');
  assert.equal(saddle[0].index, 1);
  const monkey = findCriticalPoints(builtinSurface('monkey-saddle'), { domain: [[-1.5, 1.5], [-1.5, 1.5]] });
  assert.equal(monkey.length, 1);
  assert.equal(monkey[0].kind, 'degenerate');
  assert.ok(Math.hypot(monkey[0].point[0], monkey[0].point[1]) < 1e-3);
});

test('six-hump camel: six minima, two of them global at ±(0.0898, −0.7126)', () => {
  const surface = builtinSurface('six-hump-camel');
  const points = findCriticalPoints(surface, { domain: surface.domain });
  const minima = points.filter((point) => point.kind === 'minimum');
  assert.equal(minima.length, 6);
  const global = minima.filter((point) => point.value < -1.03);
  assert.equal(global.length, 2);
  for (const point of global) assert.ok(Math.abs(Math.abs(point.point[0]) - 0.0898) < 1e-3 && Math.abs(Math.abs(point.point[1]) - 0.7126) < 1e-3);
});

test('Rosenbrock has one minimum at (1, 1); Goldstein–Price its global minimum 3 at (0, −1)', () => {
  const rosenbrock = findCriticalPoints(builtinSurface('rosenbrock'), { domain: [[-2, 2], [-1, 3]] });
  assert.equal(rosenbrock.length, 1);
  assert.ok(Math.abs(rosenbrock[0].point[0] - 1) < 1e-9 && Math.abs(rosenbrock[0].point[1] - 1) < 1e-9);
  const goldstein = findCriticalPoints(builtinSurface('goldstein-price'), { domain: [[-2, 2], [-2, 2]] });
  const best = goldstein.reduce((a, b) => (a.value < b.value ? a : b));
  assert.ok(Math.abs(best.value - 3) < 1e-9);
  assert.equal(best.kind, 'minimum');
});

test('classification: signs, index, and a tolerance relative to the largest |λ|', () => {
  assert.deepEqual(classifyEigenvalues([1, 2, 3]), { kind: 'minimum', index: 0 });
  assert.deepEqual(classifyEigenvalues([-3, -1]), { kind: 'maximum', index: 2 });
  assert.deepEqual(classifyEigenvalues([-3, -1, 4]), { kind: 'saddle', index: 2 });
  assert.deepEqual(classifyEigenvalues([1e-12, 5]), { kind: 'degenerate', index: 0 });
  assert.deepEqual(classifyEigenvalues([0, 0]), { kind: 'degenerate', index: 0 });
});
