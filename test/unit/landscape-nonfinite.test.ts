import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeLandscape } from '../../src/core/landscape/analysis';
import { surfaceSubject } from '../../src/core/landscape/subject';
import { quadraticObjective } from '../support/quadratic';

// A loss that is NaN or ±Infinity must not pass for "not computed": the landscape names how many
// grid and path points have no finite loss and where, and a grid with no finite point fails.

/** The line from (−0.5, 0) to (1, 0) over α ∈ [−0.5, 1.5]: x(α) = −0.5 + 1.5α, y = 0. */
function lineSubject(expression: string) {
  const path = [Float64Array.of(-0.5, 0), Float64Array.of(0.25, 0), Float64Array.of(1, 0)];
  return surfaceSubject({ kind: 'surface', expression }, quadraticObjective(Float64Array.of(1, 0, 0, 1), 2), path[0], path);
}

test('grid and path points whose loss is not finite are null and named in a warning', async () => {
  const outcome = await computeLandscape(lineSubject('log(x) + y^2'), { directions: 'interpolation', resolution: 9 }, { seed: 1 });
  const { landscape } = outcome;
  assert.equal(landscape.alphas.length, 9);
  // log(x) is NaN for x < 0 and −Infinity at x = 0: exactly those points are null.
  const expected = landscape.alphas.map((alpha) => -0.5 + 1.5 * alpha <= 0);
  assert.deepEqual(landscape.loss.map((value) => value === null), expected);
  assert.equal(expected.filter(Boolean).length, 4);
  assert.equal(landscape.complete, true);
  assert.ok(outcome.warning, 'a warning is given');
  assert.match(outcome.warning, /not finite \(NaN or ±Infinity\) at 4 of 9 computed grid points \(at α=-0\.5; α=-0\.25; α=0, and 1 more\)/);
  // The path's first point, x = −0.5, has no finite loss either.
  assert.deepEqual(landscape.trajectory!.loss!.map((value) => value === null), [true, false, false]);
  assert.match(outcome.warning, /at 1 of the path's 3 points \(indices 0\)/);
});

test('a finite landscape carries no warning', async () => {
  const outcome = await computeLandscape(lineSubject('x^2 + y^2'), { directions: 'interpolation', resolution: 9 }, { seed: 1 });
  assert.equal(outcome.warning, undefined);
  assert.ok(outcome.landscape.loss.every((value) => typeof value === 'number'));
});

test('a landscape with no finite loss at any grid point fails, naming a point and the cause', async () => {
  await assert.rejects(
    computeLandscape(lineSubject('sqrt(-1 - x^2) + y'), { directions: 'interpolation', resolution: 9 }, { seed: 1 }),
    /the loss is not finite at any of the 9 grid points \(e\.g\. at α=-0\.5\): the model's output or its loss .* is NaN or ±Infinity there/,
  );
});
