/**
 * The comparison's "x: fraction of run" (webview/compare): a 3-epoch run beside an 80-epoch one
 * is squeezed into the first few percent of an epoch axis; against the fraction of each run
 * (epoch ÷ its last epoch) both reach the axis' end, and the tooltip names each run's epoch.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import type { ComparedRun } from '../../src/host/webview/pure/protocol';
import type { ExperimentResults } from '../../src/shared/results';
import { themeOf } from '../../webview/charts/palette';
import { trainingOf } from '../../webview/charts/sections';
import { fractionOfRun } from '../../webview/compare/model';
import { overlayOption, type OverlayLine } from '../../webview/compare/overlay-chart';
import { chartOf, colourIn, fixture, hostPost, openWebview, posted, webviewHarness } from './browser';

const RED = '#f14c4c';
const BLUE = '#3794ff';
const BANDS = 40;

/** The 80-epoch spirals run, and the Adam run cut after its third epoch. */
function runs(): ComparedRun[] {
  const short = fixture('training-spirals-adam') as { training: { history: { epoch: number }[]; events: { epoch: number }[] } };
  short.training.history = short.training.history.slice(0, 3);
  short.training.events = short.training.events.filter((event) => event.epoch <= 3);
  return [
    { summary: { id: '20260101-000000-spirals', name: 'spirals', status: 'completed', startedAt: '2026-01-01T00:00:00Z' }, results: fixture('training-spirals'), config: {} },
    { summary: { id: '20260101-000100-adam', name: 'adam, 3 epochs', status: 'completed', startedAt: '2026-01-01T00:01:00Z' }, results: short, config: {} },
  ] as unknown as ComparedRun[];
}

interface DrawnOption {
  xAxis: { name: string; min: unknown; max: unknown };
  series: { id: string; data: [number, number | null][] }[];
  tooltip: { axisPointer: { type: string }; formatter: (params: { axisValue: number }[]) => string };
}

/** The comparison's gradient overlay over epochs, or against the fraction of each run (as compare/pages.ts builds it). */
function gradientOption(relative: boolean): DrawnOption {
  const lines: OverlayLine[] = runs().map((run, index) => {
    const history = trainingOf(run.results as ExperimentResults)?.history ?? [];
    return { run: run.summary.name, colour: ['#f14c4c', '#3794ff'][index], xs: history.map((record) => record.epoch), ys: history.map((record) => record.gradientNorm) };
  });
  const shown = relative ? fractionOfRun(lines, []).lines : lines;
  return overlayOption({ lines: shown, xName: relative ? 'fraction of run' : 'epoch', yName: '‖gradient‖', log: false, smoothing: 0, fractionX: relative, integerX: !relative }, themeOf('dark', () => undefined)) as unknown as DrawnOption;
}

/** The share of a plot's width a colour's pixels cover: the plot cut into vertical bands, from the first band holding the colour to the last; and whether the last band holds it. */
async function widthShare(page: Page, chart: Locator, css: string): Promise<{ share: number; reachesEnd: boolean }> {
  const box = await chart.boundingBox();
  assert.ok(box);
  const [x, y, width, height] = ((await chart.getAttribute('data-plot')) ?? '').split(',').map(Number);
  const band = width / BANDS;
  const held: number[] = [];
  for (let index = 0; index < BANDS; index++) {
    const found = await colourIn(page, chart, css, { x: box.x + x + index * band, y: box.y + y + 2, width: band, height: height - 4 });
    if (found.fraction > 0.002) held.push(index);
  }
  return { share: held.length === 0 ? 0 : (held[held.length - 1] - held[0] + 1) / BANDS, reachesEnd: held.at(-1) === BANDS - 1 };
}

describe('relative x in the comparison', () => {
  it('puts x at each run\'s fraction on a 0–1 axis: both runs end at 1, the 3-epoch run\'s epochs at 1/3, 2/3, 1', () => {
    assert.equal(gradientOption(false).xAxis.name, 'epoch');
    const option = gradientOption(true);
    assert.equal(option.xAxis.name, 'fraction of run');
    assert.deepEqual([option.xAxis.min, option.xAxis.max], [0, 1]);
    const lines = option.series.filter((entry) => entry.id.startsWith('line-'));
    assert.equal(lines.length, 2);
    assert.deepEqual(lines.map((line) => line.data.at(-1)?.[0]), [1, 1]);
    assert.deepEqual(lines[1].data.map((point) => point[0]), [1 / 3, 2 / 3, 1]);
  });

  it('moves event marks with their run, and keeps each point\'s epoch', () => {
    const line: OverlayLine = { run: 'short', colour: '#f14c4c', xs: [1, 2, 3, 4], ys: [4, 3, 2, 1] };
    const { lines, marks } = fractionOfRun([line], [{ run: 'short', colour: '#f14c4c', x: 2, label: 'saddle' }]);
    assert.deepEqual(lines[0].xs, [0.25, 0.5, 0.75, 1]);
    assert.deepEqual(lines[0].epochs, [1, 2, 3, 4]);
    assert.equal(marks[0].x, 0.5);
  });

  it('lists every run in the crosshair\'s tooltip, with each run\'s epoch at a fraction, and "—" past a run\'s end', () => {
    const option = gradientOption(true);
    assert.equal(option.tooltip.axisPointer.type, 'cross');
    const text = option.tooltip.formatter([{ axisValue: 0.5 }]).split('\n');
    assert.equal(text[0], 'fraction of run 0.5');
    assert.match(text[1], /^spirals: [0-9.e-]+ {2}\(epoch 40\)$/);
    assert.match(text[2], /^adam, 3 epochs: [0-9.e-]+ {2}\(epoch [12]\)$/);
    // Over epochs, at epoch 41 the short run has ended: it is listed, without a value.
    const epochs = gradientOption(false).tooltip.formatter([{ axisValue: 41 }]).split('\n');
    assert.equal(epochs[0], 'epoch 41');
    assert.match(epochs[1], /^spirals: [0-9.e-]+$/);
    assert.equal(epochs[2], 'adam, 3 epochs: —');
  });

  describe('in the panel', () => {
    const harness = webviewHarness();

    it('draws the 3-epoch run across most of the axis, to its end, once x is the fraction of each run', async () => {
      const { page, errors } = await openWebview(harness.browser, harness.origin, 1300, 1000);
      const requestId = (await posted(page)).find((message) => message.type === 'requestState')?.requestId as number;
      await hostPost(page, { type: 'state', requestId, history: [], final: true, comparison: runs(), smoothing: 0 });
      await page.locator('vscode-tab-header', { hasText: 'Training' }).click();
      await page.waitForTimeout(400);
      const chart = await chartOf(page, 'compare-gradient');
      const squeezed = await widthShare(page, chart, BLUE);
      assert.ok(squeezed.share > 0 && squeezed.share <= 0.1, `over epochs the 3-epoch run covers ${squeezed.share} of the width`);
      const button = page.locator('section.card[data-chart="compare-gradient"] vscode-button[data-toggle="relative"]');
      assert.equal(await button.textContent(), 'x: fraction of run');
      assert.equal(await button.getAttribute('aria-pressed'), 'false');
      await button.click();
      await page.waitForTimeout(400);
      assert.equal(await button.getAttribute('aria-pressed'), 'true');
      const short = await widthShare(page, chart, BLUE);
      const long = await widthShare(page, chart, RED);
      // Its epochs 1, 2, 3 lie at 1/3, 2/3 and 1 of the axis; the long run's at 1/80 … 1.
      assert.ok(short.share >= 0.6 && short.reachesEnd, `the 3-epoch run covers ${short.share} of the width, to its end: ${short.reachesEnd}`);
      assert.ok(long.share >= 0.9 && long.reachesEnd, `the 80-epoch run covers ${long.share}`);
      assert.deepEqual(errors, []);
      await page.close();
    });
  });
});
