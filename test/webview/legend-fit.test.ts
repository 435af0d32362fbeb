/**
 * Legends that fit (webview/charts/common.ts legendLayout): at every width from a narrow side
 * panel to a wide editor, each chart's legend shows every name on one or more rows (never
 * pages), inside the chart, above the plots and panel titles; a name too long for a row is
 * cut with an ellipsis and named whole in the tooltip over it. Drawn by ECharts in Chromium.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launch } from './browser';
import { chartLayout, fixtureResults, insideRect, intersects, layoutPage, type Layout } from './chart-layout';

/** Each chart with a legend, the results it is drawn from and its box's height. */
const CHARTS: { kind: string; fixture: string; height: number }[] = [
  { kind: 'training', fixture: 'training-spirals', height: 600 },
  { kind: 'race', fixture: 'saddle-race', height: 640 },
  { kind: 'contour', fixture: 'saddle-race', height: 0 },
  { kind: 'landscape-1d', fixture: 'landscape-interpolation', height: 320 },
  { kind: 'spectrum-history', fixture: 'training-spirals', height: 320 },
  { kind: 'slices', fixture: 'training-spirals', height: 320 },
  { kind: 'layers', fixture: 'training-spirals', height: 320 },
  { kind: 'overlay', fixture: 'runs', height: 320 },
];

/** Several runs with the long names a sweep gives them, compared on one chart. */
function runsResults(): Record<string, unknown> {
  const names = ['spirals adam lr 0.001 batch 64', 'spirals sgd momentum 0.9 lr 0.01', 'spirals rmsprop lr 0.0005', 'spirals adamw weight decay 0.01', 'spirals sgd lr 0.1 (diverges)'];
  return { lines: names.map((run, index) => ({ run, colour: ['#3794ff', '#f14c4c', '#cca700', '#89d185', '#b180d7'][index], xs: [0, 1, 2, 3, 4], ys: [1, 0.8, 0.6 - index * 0.05, 0.5, 0.45] })) };
}

function resultsOf(fixture: string): Record<string, unknown> {
  return fixture === 'runs' ? runsResults() : fixtureResults(fixture);
}

/** What every legend must satisfy: one plain legend, every item inside the chart, clear of every plot and title. */
function assertLegendFits(layout: Layout, what: string): void {
  assert.equal(layout.paged, false, `${what}: the legend shows paging arrows`);
  assert.equal(layout.legendType, 'legend.plain', `${what}: the legend is a paging one (${layout.legendType})`);
  assert.ok(layout.items.length > 0, `${what}: the legend shows no names`);
  const chart = { x: 0, y: 0, width: layout.width, height: layout.height };
  for (const item of layout.items) assert.ok(insideRect(item.rect, chart), `${what}: "${item.name}" is drawn outside the chart: ${JSON.stringify(item.rect)}`);
  for (const grid of layout.grids) assert.ok(!intersects(layout.legend, grid), `${what}: the legend ${JSON.stringify(layout.legend)} covers a plot ${JSON.stringify(grid)}`);
  for (const title of layout.titles) assert.ok(!intersects(layout.legend, title.rect), `${what}: the legend ${JSON.stringify(layout.legend)} covers the title "${title.text}" ${JSON.stringify(title.rect)}`);
}

describe('legends that fit', () => {
  let browser: Browser;
  let page: Page;
  before(async () => {
    browser = await launch();
    page = await layoutPage(browser);
  });
  after(async () => {
    await browser.close();
  });

  for (const width of [300, 320, 640, 1000, 1600]) {
    it(`shows every name of every chart's legend, above its plots, at ${width} px`, async () => {
      for (const chart of CHARTS) {
        const results = resultsOf(chart.fixture);
        const height = chart.height || Math.min(width, 700);
        const layout = await chartLayout(page, chart.kind, results, width, height);
        assertLegendFits(layout, `${chart.kind} at ${width}×${height}`);
      }
    });
  }

  it('names each series of the chart in its legend, once (no name lost to wrapping)', async () => {
    const layout = await chartLayout(page, 'race', fixtureResults('saddle-race'), 300, 640);
    const labels = (fixtureResults('saddle-race').trajectories as { label: string }[]).map((trajectory) => trajectory.label);
    assert.deepEqual(layout.items.map((item) => item.name), labels);
    // Six names do not fit one row of a 300 px chart: they wrap onto more rows, all shown.
    assert.ok(new Set(layout.items.map((item) => Math.round(item.rect.y))).size > 1);
  });

  it('cuts a name longer than a row with an ellipsis, its full name in the tooltip, and keeps it inside the chart', async () => {
    const results = fixtureResults('saddle-race');
    const trajectories = results.trajectories as { label: string }[];
    const long = 'saddle-free-newton with a trust region, damping 1e-3 and Hessian refreshed every 5 steps';
    trajectories[4].label = long;
    for (const width of [320, 1600]) {
      const layout = await chartLayout(page, 'race', results, width, 640);
      assertLegendFits(layout, `race with a long name at ${width} px`);
      const item = layout.items.find((entry) => entry.name === long);
      assert.ok(item, `the long name is missing from the legend at ${width} px`);
      if (width === 320) {
        assert.ok(item.truncated && item.tooltip, 'a name wider than the chart is cut with an ellipsis and named in its tooltip');
        // Pointing at the cut name shows it whole.
        const centre: [number, number] = [item.rect.x + item.rect.width / 2, item.rect.y + item.rect.height / 2];
        const hovered = await chartLayout(page, 'race', results, width, 640, undefined, centre);
        assert.ok(hovered.hoverTexts?.some((text) => text.includes(long)), `no tooltip names "${long}": ${JSON.stringify(hovered.hoverTexts)}`);
      } else {
        assert.ok(!item.truncated, 'a name that fits is shown whole');
      }
      // The short names are never cut.
      for (const other of layout.items.filter((entry) => entry.name !== long)) assert.ok(!other.truncated, `"${other.name}" is cut`);
    }
  });

  it('pads a linear axis whose data lies on its ends, so no line runs along the frame', async () => {
    // The learning rate of training-spirals steps from 0.1 down to 0.05: both lie on ticks, where ECharts would end the axis.
    const results = fixtureResults('training-spirals');
    const rates = (results.training as { history: { learningRate: number }[] }).history.map((record) => record.learningRate);
    const [low, high] = [Math.min(...rates), Math.max(...rates)];
    for (const width of [320, 1000]) {
      const layout = await chartLayout(page, 'training', results, width, 600);
      const [min, max] = layout.yExtents[layout.yExtents.length - 1];
      assert.ok(min < low && max > high, `the learning-rate axis [${min}, ${max}] ends on its data [${low}, ${high}] at ${width} px`);
    }
  });
});
