/** A comparison of two fixture runs in headless chromium: overlays, legend, smoothing, exports, the differences table. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, buildBundle, chartOf, colourIn, fixture, hostPost, launch, openWebview, posted, serve, violations } from './browser';
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
  let browser: Browser;
  let server: Server;
  let origin: string;

  before(async () => {
    await buildBundle();
    ({ server, origin } = await serve());
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  async function load(): Promise<{ page: Page; errors: string[] }> {
    const loaded = await openWebview(browser, origin, 1300, 1000);
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
    const reloaded = await openWebview(browser, origin, 1300, 1000, 'panel', saved);
    const request = (await posted(reloaded.page)).find((message) => message.type === 'requestState');
    assert.deepEqual(request?.compare, saved.compare);
    await reloaded.page.close();
  });
});
