/** Pure layout helpers of the charts: legend rows (common.ts), axis padding, end-label placement (contour.ts), a race curve's exit from its range (race-curves.ts). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { framedEnds, legendLayout, textWidth, valueAxis } from '../../webview/charts/common';
import { placeEndLabels, type PixelRect } from '../../webview/charts/contour';
import { rangeExit, wrapped } from '../../webview/charts/race-curves';
import type { Theme } from '../../webview/charts/palette';

const theme = { foreground: '#ccc', mutedForeground: '#999', border: '#444', gridLine: '#333', fontSize: 13, fontFamily: 'sans-serif' } as Theme;

/** The legend's rows: the names between its line breaks (empty names). */
function rowsOf(data: unknown[]): string[][] {
  const rows: string[][] = [[]];
  for (const item of data) {
    if (item === '') rows.push([]);
    else rows[rows.length - 1].push(typeof item === 'string' ? item : (item as { name: string }).name);
  }
  return rows;
}

const names = ['gradient descent', 'momentum', 'adam', 'newton', 'saddle-free-newton', 'noisy gradient descent'];

describe('legend layout', () => {
  it('puts every name on one row when the chart is wide enough', () => {
    const layout = legendLayout(theme, names, 1600);
    assert.equal(layout.rows, 1);
    assert.deepEqual(layout.option.data, names);
    assert.equal(layout.option.type, 'plain');
    assert.equal(layout.height, 5 + 16 + 5);
  });

  it('wraps the names onto rows no wider than the chart, in order, and grows its height with them', () => {
    const layout = legendLayout(theme, names, 300);
    const rows = rowsOf(layout.option.data as unknown[]);
    assert.ok(rows.length > 1);
    assert.equal(rows.length, layout.rows);
    assert.deepEqual(rows.flat(), names);
    for (const row of rows) {
      const width = row.reduce((sum, name) => sum + 30 + textWidth(name, 12, 'sans-serif'), 0) + 10 * (row.length - 1);
      assert.ok(width <= 300 - 10, `row "${row.join(', ')}" is ${width} px wide`);
    }
    assert.equal(layout.height, 10 + rows.length * 16 + (rows.length - 1) * 10);
    assert.ok(layout.height > legendLayout(theme, names, 1600).height);
  });

  it('cuts a name wider than a row with an ellipsis and names it whole in its tooltip', () => {
    const long = 'saddle-free-newton with a trust region, damping 1e-3 and Hessian refreshed every 5 steps';
    const layout = legendLayout(theme, ['adam', long], 320);
    const item = (layout.option.data as unknown[]).find((entry) => typeof entry === 'object') as { name: string; textStyle: { width: number; overflow: string }; tooltip: { show: boolean } };
    assert.equal(item.name, long);
    assert.equal(item.textStyle.overflow, 'truncate');
    assert.ok(item.textStyle.width <= 320 - 10 - 30);
    assert.equal(item.tooltip.show, true);
    assert.equal((layout.option.data as unknown[])[0], 'adam');
  });

  it('leaves wrapping to ECharts when the chart does not say its width', () => {
    const layout = legendLayout(theme, names, undefined);
    assert.deepEqual(layout.option.data, names);
  });
});

describe('axis padding', () => {
  it('finds the ends of a range that fall on ECharts\' ticks', () => {
    assert.deepEqual(framedEnds([0.05, 0.07, 0.1]), { low: true, high: true });
    assert.deepEqual(framedEnds([0.13, 0.87]), { low: false, high: false });
    assert.deepEqual(framedEnds([0.23, 0.5, 1]), { low: false, high: true });
    // A peak a hair under a tick (0.1492 under 0.15) would still run along the frame.
    assert.deepEqual(framedEnds([0.0081, 0.1492]), { low: false, high: true });
    assert.deepEqual(framedEnds([3, 3]), { low: false, high: false });
    assert.deepEqual(framedEnds([]), { low: false, high: false });
  });

  it('pads only the data-driven ends of a linear axis that touch the frame', () => {
    const gap = (extra: Record<string, unknown>, values: number[]) => (valueAxis(theme, '', extra, values) as { boundaryGap?: unknown }).boundaryGap;
    assert.deepEqual(gap({}, [0.05, 0.1]), ['5%', '5%']);
    assert.deepEqual(gap({}, [0.23, 1]), [0, '5%']);
    assert.equal(gap({}, [0.13, 0.87]), undefined);
    // Explicit bounds and log axes stay as asked.
    assert.deepEqual(gap({ max: 1 }, [0, 0.5, 1]), ['5%', 0]);
    assert.equal(gap({ min: 0, max: 1 }, [0, 1]), undefined);
    assert.equal(gap({ type: 'log' }, [0.01, 1]), undefined);
  });
});

describe('end-point labels', () => {
  const bounds: PixelRect = { x: 0, y: 0, width: 400, height: 400 };
  const overlaps = (a: PixelRect, b: PixelRect): boolean => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

  it('places labels of paths that end together apart from each other and from the markers', () => {
    const start = { x: 192, y: 92, width: 16, height: 16 };
    const labels = [0, 1, 2, 3].map(() => ({ anchor: [200, 200] as [number, number], direction: [0, -1] as [number, number], width: 120, height: 18 }));
    const boxes = placeEndLabels(labels, [start, { x: 194, y: 194, width: 12, height: 12 }], bounds);
    assert.ok(boxes.every((box) => box !== undefined));
    const placed = boxes as PixelRect[];
    for (const [index, box] of placed.entries()) {
      assert.ok(!overlaps(box, start), `label ${index} covers the start`);
      assert.ok(!overlaps(box, { x: 194, y: 194, width: 12, height: 12 }), `label ${index} covers its end point`);
      for (const other of placed.slice(index + 1)) assert.ok(!overlaps(box, other), 'labels overlap');
      assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= 400 && box.y + box.height <= 400);
    }
    // The first label lies ahead of the path (it went up): above its end point.
    assert.ok(placed[0].y + placed[0].height <= 194);
  });

  it('leaves out a label that fits nowhere in the plot', () => {
    assert.deepEqual(placeEndLabels([{ anchor: [200, 200], direction: [1, 0], width: 500, height: 18 }], [], bounds), [undefined]);
  });
});

describe('race curves leaving their range', () => {
  it('finds the first step above, below, or not finite', () => {
    assert.deepEqual(rangeExit([1, 2, 9, 3], 3, { min: 0, max: 5 }), { step: 2, value: 9, direction: 'above' });
    assert.deepEqual(rangeExit([1, -7], 1, { min: 0, max: 5 }), { step: 1, value: -7, direction: 'below' });
    assert.deepEqual(rangeExit([1, NaN], 1), { step: 1, value: NaN, direction: 'undefined' });
    assert.equal(rangeExit([1, 2, 9], 1, { min: 0, max: 5 }), undefined);
    assert.equal(rangeExit([1, 2, 3], 2, { min: 0, max: 5 }), undefined);
  });

  it('wraps the note\'s phrases to the width', () => {
    assert.deepEqual(wrapped(['aaaa', 'bbbb', 'cccc'], 11, (text) => text.length), ['aaaa   bbbb', 'cccc']);
    assert.deepEqual(wrapped(['aaaaaaaaaaaaaa', 'b'], 5, (text) => text.length), ['aaaaaaaaaaaaaa', 'b']);
  });
});
