/**
 * The panel in a narrow window (a 1000 px editor leaves the panel about 310 px) in headless
 * chromium: the charts in one column, the contour as wide as the panel allows with a square
 * plot, every header button inside its card (wrapped, never clipped), the readout below the
 * plot, and no title that says the same thing twice.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ARTIFACTS, chartOf, fixture, hostPost, openWebview, posted, webviewHarness } from './browser';
import { configs } from './fixture-configs';
import { contourOption } from '../../webview/charts/contour';
import type { Theme } from '../../webview/charts/palette';
import type { ExperimentResults } from '../../src/shared/results';

const WIDTH = 320;

interface Layout {
  cards: {
    id: string;
    title: string;
    card: { left: number; right: number; top: number; bottom: number };
    box: { left: number; right: number; top: number; bottom: number; width: number; height: number };
    plot: string;
    readout: { top: number; bottom: number };
    buttons: { text: string; left: number; right: number; top: number; bottom: number }[];
  }[];
}

// Runs in the page (a string: the webview's CSP forbids eval). The cards of the shown tab only.
const layoutScript = `(() => {
  const edges = (element) => { const rect = element.getBoundingClientRect(); return { left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom, width: rect.width, height: rect.height }; };
  const cards = Array.from(document.querySelectorAll('vscode-tab-panel:not([hidden]) section.card[data-chart]'))
    .filter((card) => card.getBoundingClientRect().width > 0)
    .map((card) => ({
      id: card.dataset.chart,
      title: card.querySelector('h3').textContent,
      card: edges(card),
      box: edges(card.querySelector('.chart')),
      plot: card.querySelector('.chart').dataset.plot || '',
      readout: edges(card.querySelector('.readout')),
      buttons: Array.from(card.querySelectorAll('header vscode-button')).filter((button) => button.getBoundingClientRect().width > 0).map((button) => ({ text: button.textContent.trim(), ...edges(button) })),
    }));
  return { cards };
})()`;

async function layout(page: Page): Promise<Layout> {
  return page.evaluate(layoutScript) as Promise<Layout>;
}

/** Every header button lies inside its card, and the readout line lies below the chart box. */
function assertNothingClippedOrCovered(shown: Layout, where: string): void {
  assert.ok(shown.cards.length > 0, `${where}: cards are shown`);
  for (const card of shown.cards) {
    for (const button of card.buttons) {
      assert.ok(button.left >= card.card.left - 0.5 && button.right <= card.card.right + 0.5, `${where}: the "${button.text}" button of "${card.id}" lies inside its card (${button.left}–${button.right} in ${card.card.left}–${card.card.right})`);
    }
    assert.ok(card.readout.top >= card.box.bottom - 0.5, `${where}: the readout of "${card.id}" is below its chart (readout top ${card.readout.top}, chart bottom ${card.box.bottom})`);
    assert.ok(card.readout.bottom <= card.card.bottom + 0.5, `${where}: the readout of "${card.id}" lies inside its card`);
  }
}

/** A title that says one thing twice ("a: a"). */
function repeats(title: string): boolean {
  return /^(.+): \1$/.test(title.trim());
}

describe('a narrow panel', () => {
  const harness = webviewHarness();

  it('lays the surface page out in one column, the contour as wide as the panel with a square plot, and names an expression once', async () => {
    const { page, errors } = await openWebview(harness.browser, harness.origin, WIDTH, 900);
    // A surface given as an expression is named by its formula (the engine's surfaceFromExpression).
    const results = fixture('saddle-race') as { surface: { name: string; formula: string } };
    results.surface.name = results.surface.formula;
    await hostPost(page, { type: 'results', results, final: true, run: { id: 'quartic', name: 'Custom quartic saddle', status: 'completed', startedAt: '2026-01-01T00:00:00Z' } });
    await chartOf(page, 'contour');
    await chartOf(page, 'race');
    const shown = await layout(page);
    await page.screenshot({ path: `${ARTIFACTS}/narrow-surface.png`, fullPage: true });
    // One column: every card starts at the same x and is as wide as the others.
    const lefts = new Set(shown.cards.map((card) => Math.round(card.card.left)));
    const widths = new Set(shown.cards.map((card) => Math.round(card.card.right - card.card.left)));
    assert.equal(lefts.size, 1, `one column (card lefts ${[...lefts].join(', ')})`);
    assert.equal(widths.size, 1);
    const contour = shown.cards.find((card) => card.id === 'contour');
    assert.ok(contour);
    assert.ok(contour.box.width >= 0.9 * WIDTH, `the contour is at least 90% of the panel's width (${contour.box.width} of ${WIDTH} px)`);
    const [, , plotWidth, plotHeight] = contour.plot.split(',').map(Number);
    assert.ok(Math.abs(plotWidth - plotHeight) <= 2, `the contour's plot is square (${plotWidth}×${plotHeight})`);
    assert.ok(plotWidth >= contour.box.width - 80, `the plot spans the box but for its axis labels (${plotWidth} of ${contour.box.width} px)`);
    assertNothingClippedOrCovered(shown, 'surface page');
    assert.equal(contour.title, results.surface.formula, 'the contour names the expression once');
    for (const card of shown.cards) assert.ok(!repeats(card.title), `"${card.title}" does not repeat itself`);
    assert.ok(!repeats(await page.locator('#status h2').innerText()));
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('keeps every header button of the training and comparison cards inside its card', async () => {
    const { page, errors } = await openWebview(harness.browser, harness.origin, WIDTH, 900);
    await hostPost(page, { type: 'results', results: fixture('training-spirals'), final: true, run: { id: 'spirals', name: 'spirals', status: 'completed', startedAt: '2026-01-01T00:00:00Z' } });
    await page.locator('vscode-tab-header', { hasText: 'Training' }).click();
    await chartOf(page, 'training');
    assertNothingClippedOrCovered(await layout(page), 'training page');

    const compared = (name: string, id: string) => {
      const results = fixture(name) as { name: string };
      return { summary: { id, name: results.name, status: 'completed', startedAt: '2026-01-01T00:00:00Z' }, results, config: configs[name] };
    };
    const requestId = (await posted(page)).filter((message) => message.type === 'requestState').at(-1)?.requestId;
    await hostPost(page, { type: 'state', requestId, history: [], final: true, comparison: [compared('training-spirals', 'a'), compared('training-spirals-adam', 'b')], smoothing: 0 });
    await page.locator('vscode-tab-header', { hasText: 'Training' }).click();
    await chartOf(page, 'compare-loss');
    const shown = await layout(page);
    await page.screenshot({ path: `${ARTIFACTS}/narrow-comparison.png` });
    const loss = shown.cards.find((card) => card.id === 'compare-loss');
    assert.ok(loss?.buttons.some((button) => button.text === 'JSON'), 'the comparison\'s JSON button is shown');
    assertNothingClippedOrCovered(shown, 'comparison training page');
    assert.deepEqual(errors, []);
    await page.close();
  });
});

const theme = { kind: 'dark', background: '#1e1e1e', series: ['#f14c4c', '#3794ff', '#cca700', '#89d185', '#b180d7', '#4ec9b0'], ramp: ['#440154', '#21918c', '#fde725'], critical: { minimum: '#89d185', saddle: '#f14c4c', maximum: '#3794ff', degenerate: '#cca700' }, foreground: '#ccc', mutedForeground: '#999', border: '#444', gridLine: '#333', fontSize: 13 } as unknown as Theme;

describe('the contour in a narrow panel', () => {
  /** The saddle race's contour option, and its trajectories' end markers (label and tooltip). */
  function ends(narrow: boolean): { labelled: number; tooltips: string[]; statuses: string[] } {
    const results = fixture('saddle-race') as ExperimentResults;
    const surface = results.surface;
    assert.ok(surface);
    const trajectories = results.trajectories ?? [];
    const overlays = trajectories.map((trajectory) => ({ label: trajectory.label, points: trajectory.points, values: trajectory.values, status: trajectory.status }));
    const size = narrow ? { width: 298, height: 420 } : { width: 700, height: 700 };
    const field = { xs: surface.grid.xs, ys: surface.grid.ys, values: surface.grid.values.map((value) => value ?? NaN), masked: true };
    const option = contourOption({ field, xName: 'x', yName: 'y', logLevels: false, levelCount: 24, overlays, step: Number.MAX_SAFE_INTEGER, narrow, size }, theme);
    const markers = (option.series as { id?: string; data: number[][]; label?: { show?: boolean }; tooltip?: { formatter?: (params: { data: number[] }) => string } }[]).filter((series) => series.id?.startsWith('end-'));
    return {
      labelled: markers.filter((marker) => marker.label?.show).length,
      tooltips: markers.map((marker) => marker.tooltip?.formatter?.({ data: marker.data[0] }) ?? ''),
      statuses: trajectories.map((trajectory) => trajectory.status),
    };
  }

  it('labels no end point over the small plot, and names each path\'s end status in its end marker\'s tooltip', () => {
    const wide = ends(false);
    assert.ok(wide.labelled > 0, 'a wide contour labels the end points');
    const narrow = ends(true);
    assert.equal(narrow.labelled, 0, 'a narrow contour draws no label over its plot');
    narrow.tooltips.forEach((tooltip, index) => assert.ok(tooltip.endsWith(narrow.statuses[index]), `the end marker's tooltip names "${narrow.statuses[index]}": ${tooltip}`));
  });
});
