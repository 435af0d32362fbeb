import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computePlaneGrid, linspace, refinementLevels, serialPlaneRunner } from '../../src/core/landscape/grid';
import { objectivePlaneEvaluator } from '../../src/core/landscape/evaluator';
import { quadraticObjective } from '../support/quadratic';
import type { PlaneSpec } from '../../src/core/landscape/types';

const himmelblau = (x: number, y: number) => (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2;

function surfaceSpec(resolution: number): PlaneSpec {
  return {
    problem: { kind: 'surface', name: 'himmelblau' },
    origin: Float64Array.of(0.5, -0.25),
    directions: [Float64Array.of(2, 1), Float64Array.of(-1, 2)],
    alphas: linspace(-1, 1, resolution),
    betas: linspace(-1, 1, resolution),
  };
}

test('a grid on a surface equals direct evaluation at every point, and levels arrive coarse to fine', async () => {
  const spec = surfaceSpec(13);
  const strides: number[] = [];
  const grid = await computePlaneGrid(spec, serialPlaneRunner, { onLevel: (level, stride) => {
    strides.push(stride);
    level.loss.forEach((value, index) => {
      const i = index % level.alphas.length;
      const j = Math.floor(index / level.alphas.length);
      const x = 0.5 + 2 * level.alphas[i] - level.betas[j];
      const y = -0.25 + level.alphas[i] + 2 * level.betas[j];
      assert.ok(Math.abs(value - himmelblau(x, y)) < 1e-9);
    });
  } });
  assert.deepEqual(strides, [2, 1]);
  assert.equal(grid.computed, 169);
  grid.loss.forEach((value, index) => {
    const alpha = spec.alphas[index % 13];
    const beta = spec.betas[Math.floor(index / 13)];
    assert.ok(Math.abs(value - himmelblau(0.5 + 2 * alpha - beta, -0.25 + alpha + 2 * beta)) < 1e-9, `point ${index}`);
  });
});

test('refinement levels cover each point of a 51×51 grid exactly once, the first one coarse', () => {
  const levels = refinementLevels(51, 51);
  const counts = new Uint8Array(51 * 51);
  for (const level of levels) for (const segment of level.segments) for (const column of segment.columns) counts[segment.row * 51 + column]++;
  assert.ok(counts.every((count) => count === 1));
  assert.deepEqual(levels.map((level) => level.stride), [8, 4, 2, 1]);
  const coarse = levels[0].segments.reduce((sum, segment) => sum + segment.columns.length, 0);
  assert.equal(coarse, 64);
  const line = refinementLevels(21, 1);
  assert.equal(line.flatMap((level) => level.segments).reduce((sum, segment) => sum + segment.columns.length, 0), 21);
});

test('a cancelled serial grid keeps the finished points and NaN elsewhere', async () => {
  const spec = surfaceSpec(9);
  let evaluated = 0;
  const signal = { get aborted() { return evaluated >= 3; } };
  const grid = await computePlaneGrid(spec, (s, segments, onSegment, sig) => serialPlaneRunner(s, segments, (values) => { evaluated++; onSegment(values); }, sig), { signal });
  const finished = Array.from(grid.loss).filter((value) => !Number.isNaN(value)).length;
  assert.equal(finished, grid.computed);
  assert.ok(finished > 0 && finished < 81);
});

test('a quadratic plane is exact: f(o + αd₁ + βd₂) = ½θᵀAθ + bᵀθ', () => {
  const spec: PlaneSpec = { problem: { kind: 'surface', name: 'saddle' }, origin: Float64Array.of(0, 0), directions: [Float64Array.of(1, 0), Float64Array.of(0, 1)], alphas: [-1, 0, 2], betas: [3] };
  const values = objectivePlaneEvaluator(quadraticObjective(Float64Array.of(2, 0, 0, -1), 2, Float64Array.of(1, 0)), spec).evaluateSegment({ row: 0, columns: [0, 1, 2] });
  assert.deepEqual(values?.loss, [1 - 4.5 - 1, -4.5, 4 - 4.5 + 2]);
});
