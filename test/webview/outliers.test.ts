/**
 * "Ignore outliers" on the training chart and the comparison's overlays, in headless Chromium:
 * one spiked value squashes every other curve into a sliver of its panel; with the toggle on
 * the panel spans the bulk of the values, the spike is clipped at the frame, and the choice is
 * remembered across a reload.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { ARTIFACTS, chartOf, colourIn, fixture, hostPost, lens, openWebview, posted, webviewHarness } from './browser';
import { configs } from './fixture-configs';

const RED = '#f14c4c';
const BLUE = '#3794ff';
const BANDS = 20;

/** The spirals run with one training loss 60 times its usual size, and its gradient norm 500 times (epoch 40). */
function spiked(): { training: { history: { loss: number; gradientNorm: number }[] } } {
  const results = fixture('training-spirals') as { training: { history: { loss: number; gradientNorm: number }[] } };
  results.training.history[39].loss = 40;
  results.training.history[39].gradientNorm = 30;
  return results;
}

/** The plot rectangles of a chart, in page pixels. */
async function plots(chart: Locator): Promise<{ x: number; y: number; width: number; height: number }[]> {
  const box = await chart.boundingBox();
  assert.ok(box);
  return ((await chart.getAttribute('data-plot')) ?? '').split(';').map((rect) => {
    const [x, y, width, height] = rect.split(',').map(Number);
    return { x: box.x + x, y: box.y + y, width, height };
  });
}

/** The share of a plot's height a colour's pixels cover: the plot cut into horizontal bands, from the first band holding the colour to the last. */
async function heightShare(page: Page, chart: Locator, plot: { x: number; y: number; width: number; height: number }, css: string): Promise<number> {
  const held: number[] = [];
  const band = plot.height / BANDS;
  for (let index = 0; index < BANDS; index++) {
    const found = await colourIn(page, chart, css, { x: plot.x + 2, y: plot.y + index * band, width: plot.width - 4, height: band });
    if (found.fraction > 0.002) held.push(index);
  }
  return held.length === 0 ? 0 : (held[held.length - 1] - held[0] + 1) / BANDS;
}

function toggle(page: Page, chartId: string, key: string): Locator {
  return page.locator(`section.card[data-chart="${chartId}"] vscode-button[data-toggle="${key}"]`);
}

describe('ignore outliers', () => {
  const harness = webviewHarness();

  it('on the training chart: the test loss fills most of the loss panel beside a spiked training loss, which is clipped at the frame', async () => {
    const { page, errors } = await openWebview(harness.browser, harness.origin, 1200, 900);
    const results = spiked();
    await hostPost(page, { type: 'results', results, final: true, run: { id: 'spiked', name: 'spiked', status: 'completed', startedAt: '2026-01-01T00:00:00Z' } });
    let chart = await chartOf(page, 'training');
    const button = toggle(page, 'training', 'robust');
    assert.equal(await button.textContent(), 'Ignore outliers');
    assert.equal(await button.getAttribute('aria-pressed'), 'false');
    // The loss panel (the first): the test loss (blue) lies in a sliver at the bottom.
    const squashed = await heightShare(page, chart, (await plots(chart))[0], BLUE);
    assert.ok(squashed > 0 && squashed <= 0.15, `off: the test loss covers ${squashed} of the panel's height`);
    await button.click();
    await page.waitForTimeout(400);
    assert.equal(await button.getAttribute('aria-pressed'), 'true');
    const [loss] = await plots(chart);
    const spread = await heightShare(page, chart, loss, BLUE);
    assert.ok(spread >= 0.6, `on: the test loss covers ${spread} of the panel's height`);
    // The spike runs off the top: the training loss (red) reaches the frame's top band, where its marker sits.
    const top = await colourIn(page, chart, RED, { x: loss.x, y: loss.y - 6, width: loss.width, height: 14 });
    assert.ok(top.fraction > 0.005, `the clipped spike's marker at the top: ${top.fraction}`);
    await chart.screenshot({ path: `${ARTIFACTS}/outliers-training.png` });
    // Remembered across a reload of the webview (VS Code's saved state).
    const saved = await lens(page, 'state');
    assert.equal((saved as { toggles?: Record<string, boolean> }).toggles?.['training:robust'], true);
    assert.deepEqual(errors, []);
    await page.close();
    const again = await openWebview(harness.browser, harness.origin, 1200, 900, 'panel', saved);
    await hostPost(again.page, { type: 'results', results, final: true, run: { id: 'spiked', name: 'spiked', status: 'completed', startedAt: '2026-01-01T00:00:00Z' } });
    chart = await chartOf(again.page, 'training');
    assert.equal(await toggle(again.page, 'training', 'robust').getAttribute('aria-pressed'), 'true');
    assert.ok((await heightShare(again.page, chart, (await plots(chart))[0], BLUE)) >= 0.6);
    await again.page.close();
  });

  // The gradient overlay: the loss overlay's event lines are dotted in the runs' colours across the whole plot.
  it('on the comparison\'s gradient overlay: the unspiked run fills most of the plot', async () => {
    const { page, errors } = await openWebview(harness.browser, harness.origin, 1300, 1000);
    const requestId = (await posted(page)).find((message) => message.type === 'requestState')?.requestId as number;
    const runs = [
      { summary: { id: '20260101-000000-spirals', name: 'spirals', status: 'completed', startedAt: '2026-01-01T00:00:00Z' }, results: spiked(), config: configs['training-spirals'] },
      { summary: { id: '20260101-000100-adam', name: 'spirals adam', status: 'completed', startedAt: '2026-01-01T00:01:00Z' }, results: fixture('training-spirals-adam'), config: configs['training-spirals-adam'] },
    ];
    await hostPost(page, { type: 'state', requestId, history: [], final: true, comparison: runs, smoothing: 0 });
    await page.locator('vscode-tab-header', { hasText: 'Training' }).click();
    await page.waitForTimeout(400);
    const chart = await chartOf(page, 'compare-gradient');
    // The spike spans decades: the axis starts logarithmic, and the bulk still sits in a quarter of it.
    assert.equal(await chart.getAttribute('data-y-axes'), 'log');
    const squashed = await heightShare(page, chart, (await plots(chart))[0], BLUE);
    assert.ok(squashed > 0 && squashed <= 0.3, `off: the second run covers ${squashed} of the plot's height`);
    await toggle(page, 'compare-gradient', 'robust').click();
    await page.waitForTimeout(400);
    const spread = await heightShare(page, chart, (await plots(chart))[0], BLUE);
    assert.ok(spread >= 0.6, `on: the second run covers ${spread} of the plot's height`);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
