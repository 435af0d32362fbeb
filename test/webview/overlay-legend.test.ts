/** The comparison's overlay chart (webview/compare/overlay-chart.ts): legend swatches at full strength behind smoothing. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { overlayOption } from '../../webview/compare/overlay-chart';
import type { Theme } from '../../webview/charts/palette';

const theme = { series: ['#f14c4c', '#3794ff'], plateau: 'rgba(204, 167, 0, 0.16)', event: '#d18616', foreground: '#ccc', mutedForeground: '#999', border: '#444', gridLine: '#333', fontSize: 13 } as Theme;

type Series = { name: string; id: string; lineStyle?: { opacity?: number }; itemStyle?: { opacity?: number } };

describe('comparison overlay legend', () => {
  it('takes each run\'s swatch from its full-strength line, not the faint raw curve behind the smoothing', () => {
    const lines = [
      { run: 'spirals', colour: '#f14c4c', xs: [1, 2, 3, 4], ys: [4, 3, 2.5, 2] },
      { run: 'spirals-adam', colour: '#3794ff', xs: [1, 2, 3], ys: [5, 2, 1] },
    ];
    for (const smoothing of [0, 0.6]) {
      const series = overlayOption({ lines, xName: 'epoch', yName: 'loss', log: false, smoothing }, theme).series as Series[];
      for (const run of ['spirals', 'spirals-adam']) {
        // ECharts styles a legend entry after the first series of that name.
        const first = series.find((entry) => entry.name === run);
        assert.ok(first, run);
        assert.match(first.id, /^line-/, `${run}'s legend swatch comes from ${first.id} (smoothing ${smoothing})`);
        assert.equal(first.lineStyle?.opacity ?? 1, 1);
        assert.equal(first.itemStyle?.opacity ?? 1, 1);
      }
      // The raw curves are still drawn, faint, behind the smoothed lines.
      const raw = series.filter((entry) => entry.id.startsWith('raw-'));
      assert.equal(raw.length, smoothing > 0 ? 2 : 0);
      for (const entry of raw) assert.equal(entry.lineStyle?.opacity, 0.25);
    }
  });
});
