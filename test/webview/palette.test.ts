/**
 * The palette keeps each kind of mark apart in every theme kind (webview/app/theme.ts,
 * webview/charts/palette.ts): the detector's event lines against every series the training
 * chart draws, the plateau shading against both, the series against each other, and the Hessian
 * spectrum's isolated-eigenvalue markers against the background (WCAG contrast) and the bars.
 * Computed from the chart options the theme of each kind produces; then, in Chromium, from
 * the pixels the training chart paints.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ExperimentResults } from '../../src/shared/results';
import { contrastRatio, deltaE, themeOf, type Theme } from '../../webview/charts/palette';
import { trainingOption } from '../../webview/charts/training';
import { spectrumOption } from '../../webview/charts/hessian';
import { hessianOf, trainingOf } from '../../webview/charts/sections';
import { contourOption } from '../../webview/charts/contour';
import { chartOf, colourIn, fixture, hostPost, lens, openWebview, webviewHarness } from './browser';

/** The `--vscode-*` colours of VS Code's default theme of each kind (those of test/webview/stub.js; VS Code's for high-contrast light). */
const VARIABLES: Record<Theme['kind'], Record<string, string>> = {
  dark: {
    '--vscode-editor-foreground': '#d4d4d4', '--vscode-editor-background': '#1e1e1e',
    '--vscode-charts-red': '#f14c4c', '--vscode-charts-blue': '#3794ff', '--vscode-charts-yellow': '#cca700',
    '--vscode-charts-green': '#89d185', '--vscode-charts-purple': '#b180d7', '--vscode-charts-orange': '#d18616',
  },
  light: {
    '--vscode-editor-foreground': '#000000', '--vscode-editor-background': '#ffffff',
    '--vscode-charts-red': '#e51400', '--vscode-charts-blue': '#1a85ff', '--vscode-charts-yellow': '#bf8803',
    '--vscode-charts-green': '#388a34', '--vscode-charts-purple': '#652d90', '--vscode-charts-orange': '#d18616',
  },
  'high-contrast': {
    '--vscode-editor-foreground': '#ffffff', '--vscode-editor-background': '#000000', '--vscode-contrastBorder': '#6fc3df',
    '--vscode-charts-red': '#f14c4c', '--vscode-charts-blue': '#3794ff', '--vscode-charts-yellow': '#cca700',
    '--vscode-charts-green': '#89d185', '--vscode-charts-purple': '#b180d7', '--vscode-charts-orange': '#d18616',
  },
  'high-contrast-light': { '--vscode-editor-foreground': '#292929', '--vscode-editor-background': '#ffffff', '--vscode-contrastBorder': '#0f4a85' },
};
const KINDS = Object.keys(VARIABLES) as Theme['kind'][];

/** Each kind's theme from its variables, and from none (a theme that sets no chart colours: the fallbacks). */
function themes(): { name: string; theme: Theme }[] {
  return KINDS.flatMap((kind) => [
    { name: kind, theme: themeOf(kind, (name) => VARIABLES[kind][name]) },
    { name: `${kind} (no variables)`, theme: themeOf(kind, () => undefined) },
  ]);
}

interface DrawnSeries {
  type: string;
  id?: string;
  lineStyle?: { color?: string };
  itemStyle?: { color?: string };
  symbolSize?: number;
  data?: ({ value?: number[]; itemStyle?: { color?: string } } | number[])[];
  markLine?: { lineStyle: { color: string; type: string } };
  markArea?: { itemStyle: { color: string } };
}

/** Just noticeable is ΔE ≈ 2.3; at 25 and more two colours read as different colours. */
const DISTINCT = 25;

describe('palette', () => {
  const training = trainingOf(fixture('training-spirals') as ExperimentResults);
  const hessian = hessianOf(fixture('training-spirals') as ExperimentResults);

  it('draws the detector\'s event lines in a colour far from every series of the training chart, in every theme kind', () => {
    assert.ok(training && training.events.length > 0 && training.plateaus.length > 0);
    for (const { name, theme } of themes()) {
      const option = trainingOption(training, theme, false, { width: 1200, height: 700 });
      const series = option.series as DrawnSeries[];
      const colours = series.filter((entry) => entry.type === 'line').map((entry) => entry.lineStyle?.color ?? '');
      assert.equal(colours.length, 6, name);
      const events = series.flatMap((entry) => (entry.markLine ? [entry.markLine.lineStyle] : []));
      const plateaus = series.flatMap((entry) => (entry.markArea ? [entry.markArea.itemStyle.color] : []));
      assert.ok(events.length > 0 && plateaus.length > 0, name);
      for (const event of events) {
        assert.equal(event.type, 'dashed', name);
        for (const colour of colours) {
          const distance = deltaE(event.color, colour, theme.background);
          assert.ok(distance >= 35, `${name}: event ${event.color} vs series ${colour}: ΔE ${distance.toFixed(1)}`);
        }
        assert.ok(contrastRatio(event.color, theme.background) >= 3, `${name}: event ${event.color} on ${theme.background}`);
      }
      // The plateau shading, as seen over the background, is neither an event line nor a series.
      for (const plateau of plateaus) {
        for (const colour of [...colours, ...events.map((event) => event.color)]) {
          const distance = deltaE(plateau, colour, theme.background);
          assert.ok(distance >= 35, `${name}: plateau ${plateau} vs ${colour}: ΔE ${distance.toFixed(1)}`);
        }
      }
      // The six curves differ from each other too (yellow and orange once sat side by side).
      colours.forEach((first, i) =>
        colours.slice(i + 1).forEach((second) => {
          const distance = deltaE(first, second, theme.background);
          assert.ok(distance >= DISTINCT, `${name}: series ${first} vs ${second}: ΔE ${distance.toFixed(1)}`);
        }),
      );
    }
  });

  it('marks the Hessian spectrum\'s isolated eigenvalues large, contrasting with the background (≥ 3) and unlike the bars, in every theme kind', () => {
    assert.ok(hessian && hessian.eigenvalues.length > 80);
    for (const { name, theme } of themes()) {
      const option = spectrumOption(hessian, theme);
      const series = option.series as DrawnSeries[];
      const bars = new Set(series.filter((entry) => entry.type === 'bar').flatMap((entry) => (entry.data ?? []).map((item) => (Array.isArray(item) ? '' : item.itemStyle?.color ?? ''))));
      const markers = series.find((entry) => entry.id === 'isolated');
      assert.ok(markers, `${name}: the spectrum marks its isolated eigenvalues`);
      // The spirals' spectrum: a bulk near zero and three eigenvalues above 1, alone in their bins.
      const marked = (markers.data ?? []).map((item) => (Array.isArray(item) ? item[0] : item.value?.[0] ?? Number.NaN));
      assert.ok(marked.length >= 3 && hessian.eigenvalues.filter((value) => value > 1).every((value) => marked.includes(value)), `${name}: marked ${marked.join(', ')}`);
      assert.ok((markers.symbolSize ?? 0) >= 10, `${name}: marker size ${markers.symbolSize}`);
      const colour = markers.itemStyle?.color ?? '';
      const contrast = contrastRatio(colour, theme.background);
      assert.ok(contrast >= 3, `${name}: outlier ${colour} on ${theme.background}: contrast ${contrast.toFixed(2)}`);
      for (const bar of bars) {
        const distance = deltaE(colour, bar, theme.background);
        assert.ok(distance >= 35, `${name}: outlier ${colour} vs bar ${bar}: ΔE ${distance.toFixed(1)}`);
      }
    }
  });

  it('rings critical points in the text colour, apart from the trajectories whose colours their fills share, in every theme kind', () => {
    const xs = [-1, 0, 1];
    const field = { xs, ys: xs, values: xs.flatMap((y) => xs.map((x) => x * x - y * y)) };
    const criticalPoints = (['minimum', 'saddle', 'maximum', 'degenerate'] as const).map((kind, index) => ({ point: [index / 4 - 0.5, 0], value: 0, eigenvalues: [-1, 1], kind, index: 1 }));
    for (const { name, theme } of themes()) {
      const option = contourOption({ field, xName: 'x', yName: 'y', logLevels: false, levelCount: 5, overlays: [{ label: 'sgd', points: [[0.5, 0.5], [0.1, 0.1]] }], criticalPoints, step: 1, narrow: false, size: { width: 600, height: 600 } }, theme);
      const rings = (option.series as (DrawnSeries & { itemStyle?: { borderColor?: string; borderWidth?: number } })[]).filter((entry) => entry.id?.startsWith('critical-'));
      assert.equal(rings.length, 4, `${name}: one series per kind of critical point`);
      for (const ring of rings) {
        const border = ring.itemStyle?.borderColor ?? '';
        assert.ok((ring.itemStyle?.borderWidth ?? 0) >= 2, `${name}: ${ring.id} ring width ${ring.itemStyle?.borderWidth}`);
        assert.ok(contrastRatio(border, theme.background) >= 3, `${name}: ${ring.id} ring ${border} on ${theme.background}`);
        for (const colour of theme.series.slice(0, 6)) {
          const distance = deltaE(border, colour, theme.background);
          assert.ok(distance >= DISTINCT, `${name}: ${ring.id} ring ${border} vs series ${colour}: ΔE ${distance.toFixed(1)}`);
        }
      }
    }
  });

  describe('in the panel', () => {
    const harness = webviewHarness();

    it('paints the event lines in the theme\'s foreground and nothing of the training chart in the old shared orange', async () => {
      for (const kind of ['dark', 'light', 'high-contrast']) {
        const { page, errors } = await openWebview(harness.browser, harness.origin, 1200, 900);
        await lens(page, 'setTheme', kind);
        await hostPost(page, { type: 'results', results: fixture('training-spirals'), final: true, run: { id: 'spirals', name: 'spirals', status: 'completed', startedAt: '2026-01-01T00:00:00Z' } });
        const chart = await chartOf(page, 'training');
        const box = await chart.boundingBox();
        const plot = ((await chart.getAttribute('data-plot')) ?? '').split(';').map((rect) => rect.split(',').map(Number));
        assert.ok(box && plot.length === 4, kind);
        // The learning-rate panel (the last): its curve and the event lines crossing it.
        const [x, y, width, height] = plot[3];
        const clip = { x: box.x + x, y: box.y + y, width, height };
        const foreground = VARIABLES[kind as Theme['kind']]['--vscode-editor-foreground'];
        const event = await colourIn(page, chart, foreground, clip);
        const orange = await colourIn(page, chart, '#d18616', clip);
        assert.ok(event.fraction > 0.002, `${kind}: event-line pixels ${event.fraction}`);
        assert.equal(orange.fraction, 0, `${kind}: orange pixels ${orange.fraction}`);
        assert.deepEqual(errors, []);
        await page.close();
      }
    });
  });
});
