/** The contour's colour bar (webview/charts/contour.ts) and the Hessian history's twin axis say what they show. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contourOption } from '../../webview/charts/contour';
import { spectrumHistoryOption } from '../../webview/charts/hessian';
import type { Theme } from '../../webview/charts/palette';

const theme = { kind: 'dark', background: '#1e1e1e', series: ['#f14c4c', '#3794ff'], ramp: ['#440154', '#21918c', '#fde725'], critical: { minimum: '#89d185', saddle: '#f14c4c', maximum: '#3794ff', degenerate: '#cca700' }, plateau: 'rgba(204, 167, 0, 0.16)', event: '#d18616', foreground: '#ccc', mutedForeground: '#999', border: '#444', gridLine: '#333', fontSize: 13 } as unknown as Theme;

function colourBarText(valueName: string | undefined, logLevels: boolean): unknown {
  const xs = [-1, 0, 1];
  const field = { xs, ys: xs, values: [2, 1, 2, 1, 0.5, 1, 2, 1, 2] };
  const option = contourOption({ field, xName: 'α', yName: 'β', logLevels, levelCount: 6, overlays: [], step: 0, narrow: false, size: { width: 500, height: 400 }, valueName }, theme);
  const visualMap = option.visualMap as { text?: string[] } | { text?: string[] }[];
  return (Array.isArray(visualMap) ? visualMap[0] : visualMap).text?.[0];
}

describe('what the charts name', () => {
  it('the colour bar names the quantity, and says when its colours are logarithmic', () => {
    assert.equal(colourBarText('loss', false), 'loss');
    assert.equal(colourBarText('loss', true), 'loss (log colours)');
    assert.equal(colourBarText(undefined, false), 'f(x, y)');
  });

  it('the Hessian history\'s twin axis reads "negative count"', () => {
    const option = spectrumHistoryOption([{ epoch: 1, top: 2, bottom: -1, negativeCount: 3 }, { epoch: 2, top: 2.5, bottom: -0.5, negativeCount: 1 }], theme);
    const names = (option.yAxis as { name?: string }[]).map((axis) => axis.name);
    assert.ok(names.includes('negative count'), names.join(', '));
  });
});
