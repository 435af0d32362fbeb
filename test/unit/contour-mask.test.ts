/** The contour plot of a surface leaves the cells where f is not finite blank (a masked field), and an unmasked field keeps its old reading. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contourBands, fieldRange, type Field } from '../../webview/charts/field';

/** f = x on a grid over [-1, 1]², NaN where x < 0 (log x, say). */
function halfDefined(masked: boolean): Field {
  const xs = Array.from({ length: 21 }, (_, i) => -1 + i / 10);
  const values: number[] = [];
  for (let j = 0; j < xs.length; j++) for (const x of xs) values.push(x < 0 ? NaN : x);
  return { xs, ys: xs, values, masked };
}

const area = (ring: [number, number][]) => Math.abs(ring.reduce((sum, [x, y], k) => sum + x * ring[(k + 1) % ring.length][1] - ring[(k + 1) % ring.length][0] * y, 0) / 2);

test('a masked field draws no band over the cells where f is not finite', () => {
  const field = halfDefined(true);
  const range = fieldRange(field.values);
  assert.deepEqual(range, { min: 0, max: 1 });
  const [lowest] = contourBands(field, [range.min]);
  for (const ring of lowest.rings) for (const [x] of ring) assert.ok(x >= -0.05, `the band stays where f is defined (x = ${x})`);
  const covered = lowest.rings.reduce((sum, ring) => sum + area(ring), 0);
  assert.ok(covered > 0.9 && covered < 2.2, `about half the square is filled: ${covered}`);
});

test('without the mask, non-finite cells lie above every level (the top band)', () => {
  const field = halfDefined(false);
  const [lowest] = contourBands(field, [0]);
  assert.ok(lowest.rings.some((ring) => ring.some(([x]) => x < -0.5)), 'the band reaches over x < 0');
});
