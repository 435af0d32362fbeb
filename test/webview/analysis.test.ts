/** Training, Hessian and landscape charts in headless chromium, from fixture results the engine produced. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { ARTIFACTS, buildBundle, chartOf, fixture, hostPost, ink, launch, lens, openWebview, posted, serve, violations, type LoadedPage } from './browser';

async function showTab(page: Page, title: string): Promise<void> {
  await page.locator('vscode-tab-header', { hasText: title }).click();
  await page.waitForTimeout(300);
}

describe('training, Hessian and landscape webview', () => {
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

  async function load(name: string, width = 1200): Promise<LoadedPage> {
    const loaded = await openWebview(browser, origin, width, 1000);
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

  it('draws the loss landscape with the projected trajectory', { skip: !existsSync('test/fixtures/results-landscape.json') && 'no landscape fixture yet' }, async () => {
    const { page, errors } = await load('landscape');
    await showTab(page, 'Landscape');
    const chart = await chartOf(page, 'landscape');
    assert.ok((await ink(page, chart, 'landscape-contour.png')).fraction > 0.3);
    await page.screenshot({ path: `${ARTIFACTS}/landscape-page.png`, fullPage: true });
    assert.deepEqual(errors, []);
    assert.deepEqual(await violations(page), []);
    await page.close();
  });
});
