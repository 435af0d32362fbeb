/** A comparison of two fixture runs in headless chromium: overlays, legend, smoothing, exports, the differences table. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ARTIFACTS, chartOf, colourIn, fixture, hostPost, openWebview, posted, violations, webviewHarness } from './browser';
import { configs } from './fixture-configs';

const RED = '#f14c4c';
const BLUE = '#3794ff';

function comparedRun(name: string, id: string): unknown {
  const results = fixture(name) as { name: string };
  return { summary: { id, name: results.name, status: 'completed', startedAt: '2026-01-01T00:00:00Z' }, results, config: configs[name] };
}

const runs = [comparedRun('training-spirals', '20260101-000000-spirals'), comparedRun('training-spirals-adam', '20260101-000100-spirals-adam')];

async function showTab(page: Page, title: string): Promise<void> {
  await page.locator('vscode-tab-header', { hasText: title }).click();
  await page.waitForTimeout(400);
}

/** The text a CSV export of a chart sends to the host. */
async function exportedCsv(page: Page, chartId: string): Promise<string> {
  const before = (await posted(page)).filter((message) => message.type === 'saveFile').length;
  await page.locator(`section.card[data-chart="${chartId}"] vscode-button[data-export="csv"]`).click();
  const saves = (await posted(page)).filter((message) => message.type === 'saveFile');
  assert.equal(saves.length, before + 1);
  return saves.at(-1)?.data as string;
}

describe('comparing runs', () => {
  const harness = webviewHarness();

  async function load(): Promise<{ page: Page; errors: string[] }> {
    const loaded = await openWebview(harness.browser, harness.origin, 1300, 1000);
    const requestId = (await posted(loaded.page)).find((message) => message.type === 'requestState')?.requestId as number;
    await hostPost(loaded.page, { type: 'state', requestId, history: [], final: true, comparison: runs, smoothing: 0 });
    return loaded;
  }

  it('opens one page per shared kind of result, and the differences table lists exactly the differing fields', async () => {
    const { page, errors } = await load();
    const titles = (await page.locator('vscode-tab-header').allTextContents()).map((title) => title.trim());
    assert.deepEqual(titles, ['Runs', 'Training', 'Hessian']);
    const fields = await page.locator('table.differences tbody tr td:first-child').allTextContents();
    // The two configs differ in their name and optimizer only (spirals: sgd, lr 0.05, momentum 0.9; adam: lr 0.01).
    assert.deepEqual([...fields].sort(), ['name', 'training.optimizer.lr', 'training.optimizer.momentum', 'training.optimizer.name']);
    const momentum = await page.locator('table.differences tbody tr', { hasText: 'training.optimizer.momentum' }).locator('td').allTextContents();
    assert.deepEqual(momentum, ['training.optimizer.momentum', '0.9', '—']);
    assert.equal(await page.locator('table.headlines tbody tr').count(), 2);
    await page.screenshot({ path: `${ARTIFACTS}/compare-runs.png`, fullPage: true });
    assert.deepEqual(errors, []);
    assert.deepEqual(await violations(page), []);
    await page.close();
  });

  it('draws both runs in their colours on every chart, and the legend hides one', async () => {
    const { page, errors } = await load();
    await showTab(page, 'Training');
    for (const chartId of ['compare-loss', 'compare-accuracy', 'compare-gradient', 'compare-lr']) {
      const chart = await chartOf(page, chartId);
      const red = await colourIn(page, chart, RED);
      const blue = await colourIn(page, chart, BLUE);
      assert.ok(red.fraction > 0.002 && blue.fraction > 0.002, `${chartId}: red ${red.fraction}, blue ${blue.fraction}`);
    }
    await page.screenshot({ path: `${ARTIFACTS}/compare-training.png`, fullPage: true });
    await showTab(page, 'Hessian');
    for (const chartId of ['compare-spectrum', 'compare-density', 'compare-extremes']) {
      const chart = await chartOf(page, chartId);
      assert.ok((await colourIn(page, chart, RED)).fraction > 0.001 && (await colourIn(page, chart, BLUE)).fraction > 0.001, chartId);
    }
    // The legend's second entry (the second run, blue) hides that run's lines.
    await showTab(page, 'Training');
    const chart = await chartOf(page, 'compare-loss');
    const box = await chart.boundingBox();
    assert.ok(box);
    const legendBand = { x: box.x, y: box.y, width: box.width, height: 30 };
    const legendBlue = await colourIn(page, chart, BLUE, legendBand);
    assert.ok(legendBlue.fraction > 0, 'the legend shows the blue run');
    const plot = { x: box.x, y: box.y + 40, width: box.width, height: box.height - 40 };
    const blueBefore = (await colourIn(page, chart, BLUE, plot)).fraction;
    await page.mouse.click(box.x + legendBlue.x, box.y + legendBlue.y);
    await page.waitForTimeout(400);
    const blueAfter = (await colourIn(page, chart, BLUE, plot)).fraction;
    const redAfter = (await colourIn(page, chart, RED, plot)).fraction;
    assert.ok(blueAfter < blueBefore / 10, `blue before ${blueBefore}, after ${blueAfter}`);
    assert.ok(redAfter > 0.002, 'the other run stays');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('hovering one training chart shows the same epoch on the others', async () => {
    const { page, errors } = await load();
    await showTab(page, 'Training');
    const loss = await chartOf(page, 'compare-loss');
    const rate = await chartOf(page, 'compare-lr');
    const before = await rate.screenshot();
    const box = await loss.boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.waitForTimeout(500);
    const after = await rate.screenshot();
    assert.notDeepEqual(after, before, 'the learning-rate chart draws the pointer of the hovered epoch');
    await page.mouse.move(1, 1);
    // The gradient norms span less than a decade and a half: linear by default; the switch makes the axis logarithmic.
    const scale = page.locator('section.card[data-chart="compare-gradient"] vscode-button[data-scale]');
    assert.equal(await scale.getAttribute('data-scale'), 'linear');
    const gradient = await chartOf(page, 'compare-gradient');
    const linear = await gradient.screenshot();
    await scale.click();
    await page.waitForTimeout(400);
    assert.equal(await scale.getAttribute('data-scale'), 'log');
    assert.notDeepEqual(await gradient.screenshot(), linear, 'the chart redraws on a log axis');
    assert.equal(((await page.evaluate('window.__lens.state()')) as { logAxes: Record<string, boolean> }).logAxes['compare-gradient'], true, 'the choice is kept in the view state');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('smoothing changes the drawn lines, not the exported raw values', async () => {
    const { page, errors } = await load();
    await showTab(page, 'Training');
    const chart = await chartOf(page, 'compare-gradient');
    const rawPicture = await chart.screenshot();
    const rawCsv = await exportedCsv(page, 'compare-gradient');
    assert.equal(rawCsv.split('\n')[0], 'run,epoch,‖gradient‖');
    assert.equal(rawCsv.trim().split('\n').length, 1 + 80 + 80, 'one row per epoch of each run');
    await page.locator('#smoothing').fill('0.9');
    await page.locator('#smoothing').dispatchEvent('change');
    await page.waitForTimeout(400);
    const smoothPicture = await chart.screenshot();
    assert.notDeepEqual(smoothPicture, rawPicture, 'the drawn lines changed');
    assert.equal(await exportedCsv(page, 'compare-gradient'), rawCsv, 'the CSV keeps the raw values');
    const remembered = (await posted(page)).filter((message) => message.type === 'setSmoothing').at(-1);
    assert.equal(remembered?.smoothing, 0.9, 'the host is told the weight to remember');
    await page.screenshot({ path: `${ARTIFACTS}/compare-training-smoothed.png`, fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('keeps the comparison in the webview state and asks for it again after a reload', async () => {
    const { page } = await load();
    const saved = await page.evaluate('window.__lens.state()') as { compare?: string[] };
    assert.deepEqual(saved.compare, ['20260101-000000-spirals', '20260101-000100-spirals-adam']);
    await page.close();
    const reloaded = await openWebview(harness.browser, harness.origin, 1300, 1000, 'panel', saved);
    const request = (await posted(reloaded.page)).find((message) => message.type === 'requestState');
    assert.deepEqual(request?.compare, saved.compare);
    await reloaded.page.close();
  });

  it('overlays races on one contour when they share the surface, and lays landscapes side by side on one colour scale', async () => {
    const { page, errors } = await openWebview(harness.browser, harness.origin, 1300, 1000);
    const requestId = (await posted(page)).find((message) => message.type === 'requestState')?.requestId as number;
    const landscapes = [comparedRun('landscape', '20260101-000200-plane-a'), comparedRun('landscape', '20260101-000300-plane-b')];
    const races = [comparedRun('saddle-race', '20260101-000400-race-a'), comparedRun('saddle-race', '20260101-000500-race-b')];
    await hostPost(page, { type: 'state', requestId, history: [], final: true, comparison: races, smoothing: 0.6 });
    await showTab(page, 'Surface race');
    assert.equal(await page.locator('section.card[data-chart^="compare-contour"]').count(), 1, 'one contour for a shared surface');
    const contour = await chartOf(page, 'compare-contour');
    assert.match(await contour.getAttribute('aria-label') ?? '', /saddle race \(20260101-000400\) · sgd/);
    await page.screenshot({ path: `${ARTIFACTS}/compare-surface.png`, fullPage: true });
    await hostPost(page, { type: 'comparison', runs: landscapes });
    await showTab(page, 'Landscape');
    assert.equal(await page.locator('section.card[data-chart^="compare-landscape-"]').count(), 2, 'two planes side by side');
    await chartOf(page, 'compare-landscape-1');
    await page.screenshot({ path: `${ARTIFACTS}/compare-landscape.png`, fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('the run list filters, ticks runs to compare, and offers each run\'s actions', async () => {
    const { page, errors } = await openWebview(harness.browser, harness.origin, 1000, 800);
    const requestId = (await posted(page)).find((message) => message.type === 'requestState')?.requestId as number;
    const history = [
      { id: '20260101-000000-spirals', name: 'spirals sgd', status: 'completed', startedAt: '2026-01-01T00:00:00Z' },
      { id: '20260101-000100-spirals-adam', name: 'spirals adam', status: 'completed', startedAt: '2026-01-01T00:01:00Z' },
      { id: '20260101-000200-saddle', name: 'saddle race', status: 'failed', startedAt: '2026-01-01T00:02:00Z' },
    ];
    await hostPost(page, { type: 'state', requestId, history, final: true, smoothing: 0.6 });
    await page.locator('#history > summary').click();
    await page.locator('#history input[type="search"]').fill('spirals');
    assert.equal(await page.locator('#history li').count(), 2, 'the filter keeps the matching runs');
    for (const id of ['20260101-000000-spirals', '20260101-000100-spirals-adam']) await page.locator(`#history li[data-run="${id}"] input[type="checkbox"]`).check();
    await page.locator('#compare-ticked').click();
    assert.deepEqual((await posted(page)).filter((message) => message.type === 'compareRuns').at(-1)?.ids, ['20260101-000000-spirals', '20260101-000100-spirals-adam']);
    const row = page.locator('#history li[data-run="20260101-000100-spirals-adam"]');
    for (const [action, type] of [['compare-with', 'compareWith'], ['rename', 'renameRun'], ['reveal-folder', 'revealRun'], ['open-config', 'openRunConfig']]) {
      await row.locator('.run-menu > summary').click();
      await row.locator(`vscode-button[data-action="${action}"]`).click();
      const last = (await posted(page)).at(-1);
      assert.deepEqual(last, { type, id: '20260101-000100-spirals-adam' }, action);
    }
    await row.locator('.run-menu > summary').click();
    await row.locator('vscode-button[data-action="delete"]').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'deleteRuns', ids: ['20260101-000100-spirals-adam'] });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('the side view is compact: run list, status and headline numbers with sparklines, no charts', async () => {
    const { page, errors } = await openWebview(harness.browser, harness.origin, 320, 700, 'side');
    const requestId = (await posted(page)).find((message) => message.type === 'requestState')?.requestId as number;
    const run = { id: '20260101-000000-spirals', name: 'spirals with saddle monitoring', status: 'completed', startedAt: '2026-01-01T00:00:00Z' };
    await hostPost(page, { type: 'state', requestId, history: [run], currentId: run.id, run, results: fixture('training-spirals'), final: true, smoothing: 0.6 });
    await page.locator('#side-summary dl').waitFor();
    const terms = await page.locator('#side-summary dt').allTextContents();
    assert.deepEqual(terms.slice(0, 3), ['final loss', 'accuracy', '‖gradient‖']);
    assert.ok((await page.locator('#side-summary svg.sparkline polyline').count()) >= 3, 'sparklines drawn');
    assert.equal(await page.locator('section.card').count(), 0, 'no panel charts in the side view');
    await page.locator('#open-in-panel').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'openRun', id: run.id, inPanel: true });
    await page.locator('#history li a.run-link').first().click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'openRun', id: run.id, inPanel: true }, 'one click on a run opens the panel at it');
    await page.screenshot({ path: `${ARTIFACTS}/side-view-compact.png`, fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });
});
