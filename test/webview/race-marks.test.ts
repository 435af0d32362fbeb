/**
 * The race's marks (webview/charts/contour.ts, race-curves.ts), drawn by ECharts in Chromium:
 * the end-point labels on the contour stay clear of the start marker and of each other, and a
 * curve leaving the objective panel's range is marked where it leaves, with a note above.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { launch } from './browser';
import { chartLayout, fixtureResults, insideRect, intersects, layoutPage, type Layout, type Rect } from './chart-layout';
import { raceCurvesOption } from '../../webview/charts/race-curves';
import { contourOption } from '../../webview/charts/contour';
import type { TrajectoryResult } from '../../webview/charts/result-types';
import type { Theme } from '../../webview/charts/palette';
import { darkTheme } from './chart-layout';

/** The labels and markers of the end points, and the start marker, as drawn. */
function endMarks(layout: Layout): { labels: { text: string; rect: Rect }[]; ends: Rect[]; start: Rect } {
  const labels: { text: string; rect: Rect }[] = [];
  const ends: Rect[] = [];
  for (const series of layout.series.filter((entry) => entry.id.startsWith('end-'))) {
    for (const item of series.items) {
      if (item.marker) ends.push(item.marker);
      if (item.label) labels.push({ text: item.labelText ?? '', rect: item.label });
    }
  }
  const start = layout.series.find((entry) => entry.id === 'start')?.items[0]?.marker;
  assert.ok(start, 'the start marker is drawn');
  return { labels, ends, start };
}

describe('race marks', () => {
  let browser: Browser;
  let page: Page;
  before(async () => {
    browser = await launch();
    page = await layoutPage(browser);
  });
  after(async () => {
    await browser.close();
  });

  for (const fixture of ['saddle-race', 'himmelblau', 'rosenbrock']) {
    it(`keeps the end-point labels of ${fixture} clear of the start marker, the end markers and each other`, async () => {
      for (const width of [320, 640, 1600]) {
        const layout = await chartLayout(page, 'contour', fixtureResults(fixture), width, Math.min(width, 700));
        const { labels, ends, start } = endMarks(layout);
        const what = `${fixture} at ${width} px`;
        for (const [index, label] of labels.entries()) {
          assert.ok(!intersects(label.rect, start), `${what}: "${label.text}" covers the start marker`);
          for (const end of ends) assert.ok(!intersects(label.rect, end), `${what}: "${label.text}" covers an end marker`);
          for (const other of labels.slice(index + 1)) assert.ok(!intersects(label.rect, other.rect), `${what}: "${label.text}" and "${other.text}" overlap`);
          assert.ok(insideRect(label.rect, layout.grids[0], 2), `${what}: "${label.text}" leaves the plot`);
        }
        if (width === 1600) {
          // A wide plot has room for every finished run's label.
          const trajectories = fixtureResults(fixture).trajectories as unknown[];
          assert.equal(labels.length, trajectories.length, `${what}: labels shown: ${labels.map((label) => label.text).join(', ')}`);
        }
      }
    });
  }

  it('marks where a diverging curve leaves the objective panel, and says so above the plot', async () => {
    const results = fixtureResults('rosenbrock');
    const trajectories = results.trajectories as TrajectoryResult[];
    const diverging = trajectories.findIndex((trajectory) => trajectory.label.includes('diverges'));
    assert.ok(diverging >= 0);
    for (const width of [320, 1000]) {
      const layout = await chartLayout(page, 'race', results, width, 640);
      const mark = layout.series.find((series) => series.id === `leaves-${diverging}`);
      assert.ok(mark && mark.items.length === 1 && mark.items[0].marker, `no mark where "${trajectories[diverging].label}" leaves the range`);
      // The mark sits on the objective panel, at the curve's last point inside it (its centre within the plot).
      const marker = mark.items[0].marker;
      assert.ok(insideRect({ x: marker.x + marker.width / 2, y: marker.y + marker.height / 2, width: 0, height: 0 }, layout.grids[0]), `the mark ${JSON.stringify(marker)} is off the objective plot ${JSON.stringify(layout.grids[0])}`);
      const note = layout.titles.find((title) => /leaves the shown range/i.test(title.text));
      assert.ok(note, 'no note says a curve leaves the range');
      assert.match(note.text, new RegExp(`${trajectories[diverging].label.replace(/[()]/g, '\\$&')} at step \\d+`));
      assert.ok(!intersects(note.rect, layout.grids[0]) && !intersects(note.rect, layout.legend), 'the note covers the plot or the legend');
      // Curves that stay inside get no mark.
      for (const [index] of trajectories.entries()) {
        if (index !== diverging) assert.equal(layout.series.find((series) => series.id === `leaves-${index}`)?.items.length ?? 0, 0);
      }
    }
  });

  it('names the step and value where a curve leaves the range in the tooltip at and after that step', () => {
    const trajectories = fixtureResults('rosenbrock').trajectories as TrajectoryResult[];
    const index = trajectories.findIndex((trajectory) => trajectory.label.includes('diverges'));
    const option = raceCurvesOption(trajectories, Number.MAX_SAFE_INTEGER, darkTheme as Theme, undefined, { min: 0, max: 2500 }, { width: 600, height: 640 });
    const leaves = (option.series as { id: string; data: number[][] }[]).find((series) => series.id === `leaves-${index}`);
    assert.ok(leaves && leaves.data.length === 1);
    const values = trajectories[index].values;
    const exitStep = values.findIndex((value) => !(value <= 2500));
    assert.deepEqual(leaves.data[0], [exitStep - 1, values[exitStep - 1]]);
    const formatter = (option.tooltip as { formatter: (params: unknown[]) => string }).formatter;
    const entry = (step: number) => [{ axisValue: step, seriesId: `value-${index}`, seriesName: trajectories[index].label, value: [step, values[step]] }];
    assert.match(formatter(entry(exitStep - 1)), new RegExp(`leaves the range at step ${exitStep} \\(value [^)]+, above the shown range\\)`));
    assert.doesNotMatch(formatter(entry(exitStep - 2)), /leaves the range/);
  });

  it('labels the race\'s and the contour\'s axes with the digits their range needs', () => {
    // A narrow window: ticks 0.002 apart, which three significant digits would print alike ("6.33").
    const xs = Array.from({ length: 8 }, (_, i) => 6.33 + i * 0.002);
    const ys = Array.from({ length: 8 }, (_, i) => -0.0007 + i * 0.0002);
    const field = { xs, ys, values: xs.flatMap(() => ys.map((y) => y)) };
    const contour = contourOption({ field, xName: 'x', yName: 'y', logLevels: false, levelCount: 8, overlays: [], step: 0, narrow: false, size: { width: 600, height: 600 } }, darkTheme as Theme);
    const format = (axis: unknown) => (axis as { axisLabel: { formatter: (value: number) => string } }).axisLabel.formatter;
    const xLabels = [6.332, 6.334, 6.336].map(format(contour.xAxis));
    assert.equal(new Set(xLabels).size, 3, xLabels.join(' '));
    assert.deepEqual(xLabels, ['6.332', '6.334', '6.336']);
    assert.deepEqual([-0.0006, -0.0004].map(format(contour.yAxis)), ['-6e-4', '-4e-4']);
    const trajectory = { label: 'adam', points: [[6.33, 0], [6.331, 0]], values: [6.3321, 6.3343], gradientNorms: [1, 0.5], learningRates: [0.1, 0.1], status: 'max-steps' } as unknown as TrajectoryResult;
    const race = raceCurvesOption([trajectory], 1, darkTheme as Theme, undefined, { min: 6.33, max: 6.344 }, { width: 600, height: 640 });
    const objective = [6.332, 6.334, 6.336].map(format((race.yAxis as unknown[])[0]));
    assert.equal(new Set(objective).size, 3, objective.join(' '));
  });
});
