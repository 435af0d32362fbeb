/** Training, Hessian and landscape charts in headless chromium, from fixture results the engine produced. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ARTIFACTS, chartOf, colourIn, fixture, hostPost, ink, lens, type LoadedPage, openWebview, posted, violations, webviewHarness } from './browser';

async function showTab(page: Page, title: string): Promise<void> {
  await page.locator('vscode-tab-header', { hasText: title }).click();
  await page.waitForTimeout(300);
}

describe('training, Hessian and landscape webview', () => {
  const harness = webviewHarness();

  async function load(name: string, width = 1200): Promise<LoadedPage> {
    const loaded = await openWebview(harness.browser, harness.origin, width, 1000);
    await hostPost(loaded.page, { type: 'results', results: fixture(name), final: true, run: { id: name, name, status: 'completed', startedAt: '2026-01-01T00:00:00Z' } });
    return loaded;
  }

  it('draws the training curves with detector events and plateaus, and the Hessian extremes over training', async () => {
    const { page, errors } = await load('training-spirals');
    const titles = await page.locator('vscode-tab-header').allTextContents();
    assert.deepEqual(titles.map((title) => title.trim()), ['Training', 'Hessian']);
    const curves = await chartOf(page, 'training');
    assert.ok((await ink(page, curves, 'training-curves.png')).fraction > 0.05);
    const extremes = await chartOf(page, 'spectrum-history');
    assert.ok((await ink(page, extremes)).fraction > 0.01);
    await page.screenshot({ path: `${ARTIFACTS}/training-page.png`, fullPage: true });
    assert.deepEqual(errors, []);
    assert.deepEqual(await violations(page), []);
    await page.close();
  });

  it('draws a regression run without accuracy panels', async () => {
    const { page, errors } = await load('training-sum-of-squares', 700);
    const curves = await chartOf(page, 'training');
    assert.ok((await ink(page, curves, 'training-regression.png')).fraction > 0.03);
    await page.locator('section.card[data-chart="training"] vscode-button[data-export="csv"]').click();
    const csv = (await posted(page)).find((message) => message.type === 'saveFile')?.data as string;
    assert.equal(csv.split('\n')[0], 'epoch,loss,testLoss,trainAccuracy,testAccuracy,gradientNorm,learningRate,seconds');
    assert.equal(csv.trim().split('\n').length, 1 + 300);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('draws the Hessian spectrum, the SLQ density and the eigenvector slices', async () => {
    const { page, errors } = await load('training-spirals');
    await showTab(page, 'Hessian');
    for (const id of ['spectrum', 'density', 'eigen-slices', 'layers']) {
      const chart = await chartOf(page, id);
      assert.ok((await ink(page, chart, `hessian-${id}.png`)).fraction > 0.01, `${id} is blank`);
    }
    await page.screenshot({ path: `${ARTIFACTS}/hessian-page.png`, fullPage: true });
    assert.equal(((await lens(page, 'state')) as { tab?: string }).tab, 'hessian', 'the chosen tab is kept for the next restore');
    assert.deepEqual(errors, []);
    assert.deepEqual(await violations(page), []);
    await page.close();
  });

  it('draws the loss landscape on the PCA plane with the projected training path, and its 3-D surface', async () => {
    const { page, errors } = await load('landscape');
    await showTab(page, 'Landscape');
    const chart = await chartOf(page, 'landscape');
    assert.ok((await ink(page, chart, 'landscape-contour.png')).fraction > 0.3);
    const surface = await chartOf(page, 'landscape3d');
    await page.waitForTimeout(300);
    assert.ok((await ink(page, surface, 'landscape-3d.png')).fraction > 0.1);
    const box = await chart.boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.5);
    assert.match(await lens(page, 'text', 'section.card[data-chart="landscape"] .readout'), /^α -?[\d.e-]+ +β -?[\d.e-]+ +loss [\d.e-]+ +accuracy [\d.]+%$/);
    await page.mouse.click(box.x + box.width * 0.45, box.y + box.height * 0.5);
    assert.equal((await posted(page)).filter((message) => message.type === 'setStart').length, 0, 'a landscape has no start point to move');
    await page.screenshot({ path: `${ARTIFACTS}/landscape-page.png`, fullPage: true });
    assert.deepEqual(errors, []);
    assert.deepEqual(await violations(page), []);
    await page.close();
  });

  it('sharpens a streamed landscape in place: the coarse level first, then the full grid', async () => {
    const { page, errors } = await load('landscape-partial', 900);
    await showTab(page, 'Landscape');
    const chart = await chartOf(page, 'landscape');
    assert.match(await lens(page, 'text', 'section.card[data-chart="landscape"] h3'), /refining: every 8th point/);
    const coarse = await ink(page, chart, 'landscape-coarse.png');
    await hostPost(page, { type: 'results', results: fixture('landscape'), final: true, run: { id: 'landscape-partial', name: 'landscape', status: 'completed', startedAt: '2026-01-01T00:00:00Z' } });
    await page.waitForTimeout(300);
    const fine = await ink(page, chart, 'landscape-fine.png');
    assert.notDeepEqual(fine.mean, coarse.mean);
    assert.equal(await lens(page, 'text', 'section.card[data-chart="landscape"] h3'), 'Loss landscape');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('draws the 1-D interpolation from the initial to the final weights with the accuracy', async () => {
    const { page, errors } = await load('landscape-interpolation', 700);
    await showTab(page, 'Landscape');
    const chart = await chartOf(page, 'landscape-1d');
    assert.ok((await ink(page, chart, 'landscape-interpolation.png')).fraction > 0.02);
    // the training path's points, at their evaluated losses, in the first series colour (the line is the second)
    assert.ok((await colourIn(page, chart, '#f14c4c')).fraction > 0.001, 'the path is drawn on the line');
    await page.locator('section.card[data-chart="landscape-1d"] vscode-button[data-export="csv"]').click();
    const csv = (await posted(page)).find((message) => message.type === 'saveFile')?.data as string;
    assert.equal(csv.split('\n')[0], 'alpha,loss,accuracy');
    assert.equal(csv.trim().split('\n').length, 1 + 41);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
