/** The contour geometry the webview draws (no browser): levels, bands with holes, lookup, clipping. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contourBands, contourLevels, fieldRange, fieldValueAt, prefersLogLevels, type Field } from '../../webview/charts/field';
import { exitPoint, visiblePoints } from '../../webview/charts/contour';

function sampled(f: (x: number, y: number) => number, n: number, low = -2, high = 2): Field {
  const xs = Array.from({ length: n }, (_, i) => low + ((high - low) * i) / (n - 1));
  const values: number[] = [];
  for (const y of xs) for (const x of xs) values.push(f(x, y));
  return { xs, ys: xs, values };
}

const signedArea = (ring: [number, number][]): number => ring.reduce((sum, [x, y], k) => sum + x * ring[(k + 1) % ring.length][1] - ring[(k + 1) % ring.length][0] * y, 0) / 2;

describe('contour geometry', () => {
  it('spaces linear levels evenly and logarithmic levels densely near the minimum', () => {
    assert.deepEqual(contourLevels({ min: 0, max: 10 }, 5, false), [0, 2, 4, 6, 8]);
    const logarithmic = contourLevels({ min: 0, max: 10 }, 5, true);
    assert.equal(logarithmic[0], 0);
    const gaps = logarithmic.slice(1).map((level, k) => level - logarithmic[k]);
    for (let k = 1; k < gaps.length; k++) assert.ok(gaps[k] > gaps[k - 1], 'gaps grow away from the minimum');
  });

  it('cuts the basin of a bowl as a hole with the opposite winding, on the circle f = t', () => {
    const bowl = sampled((x, y) => x * x + y * y, 81);
    const [band] = contourBands(bowl, [1]);
    assert.equal(band.threshold, 1);
    const byArea = [...band.rings].sort((a, b) => Math.abs(signedArea(b)) - Math.abs(signedArea(a)));
    const [outer, hole] = byArea;
    assert.ok(Math.abs(Math.abs(signedArea(outer)) - 16) < 1e-9, 'the exterior ring is the domain (area 16)');
    assert.ok(Math.abs(Math.abs(signedArea(hole)) - Math.PI) < 0.05, `the hole is the unit disc (area ${Math.abs(signedArea(hole))})`);
    assert.ok(Math.sign(signedArea(outer)) !== Math.sign(signedArea(hole)), 'holes wind against the exterior (non-zero fill cuts them)');
    for (const [x, y] of hole) assert.ok(Math.abs(Math.hypot(x, y) - 1) < 0.05, `(${x}, ${y}) is off the unit circle`);
    // The iso-line leaves out the grid's border: only the circle is stroked.
    const stroked = band.lines.flat();
    assert.ok(stroked.length > 0);
    for (const [x, y] of stroked) assert.ok(Math.abs(Math.hypot(x, y) - 1) < 0.05);
  });

  it('interpolates the grid bilinearly and refuses points outside it', () => {
    const plane = sampled((x, y) => 3 * x - 2 * y + 1, 5);
    assert.ok(Math.abs((fieldValueAt(plane, 0.3, -0.7) ?? NaN) - (3 * 0.3 + 2 * 0.7 + 1)) < 1e-12);
    assert.equal(fieldValueAt(plane, 2.5, 0), undefined);
  });

  it('prefers logarithmic levels for a narrow valley, linear ones for a saddle', () => {
    const rosenbrock = sampled((x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2, 61);
    const saddle = sampled((x, y) => x * x - y * y, 61);
    assert.equal(prefersLogLevels(rosenbrock.values, fieldRange(rosenbrock.values)), true);
    assert.equal(prefersLogLevels(saddle.values, fieldRange(saddle.values)), false);
  });

  it('ends a path that leaves the plot where it crosses the border', () => {
    const field = sampled(() => 0, 3, -1, 1);
    assert.deepEqual(exitPoint([0, 0], [0, 4], field), [0, 1]);
    assert.deepEqual(exitPoint([0.5, 0], [1.5, 0.5], field), [1, 0.25]);
    const path = { label: 'p', points: [[0, 0], [0.5, 0.5], [0.9, 3], [5, 9], [Infinity, 0]] };
    assert.deepEqual(visiblePoints(path, 10, field), [[0, 0], [0.5, 0.5], [0.9, 3]]);
    assert.deepEqual(visiblePoints(path, 1, field), [[0, 0], [0.5, 0.5]]);
  });
});
