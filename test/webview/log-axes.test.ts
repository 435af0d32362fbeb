/**
 * Log/linear switches of the single-run charts (training loss and gradient norm, Hessian spectrum
 * and density, 1-D landscape) and the comparison's Hessian small multiples, in headless chromium.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { chartOf, fixture, hostPost, lens, type LoadedPage, openWebview, posted, until, webviewHarness } from './browser';
import { configs } from './fixture-configs';

/** The drawn chart's y-axis types, as the card reads them back from its ECharts instance. */
async function yAxes(page: Page, chartId: string): Promise<string[]> {
  await chartOf(page, chartId);
  return ((await page.locator(`section.card[data-chart="${chartId}"] .chart`).getAttribute('data-y-axes')) ?? '').split(',');
}

function scaleButton(page: Page, chartId: string, key: string) {
  return page.locator(`section.card[data-chart="${chartId}"] vscode-button[data-scale-key="${key}"]`);
}

async function showTab(page: Page, title: string): Promise<void> {
  await page.locator('vscode-tab-header', { hasText: title }).click();
  await page.waitForTimeout(300);
}

/** The run's Hessian as it would be for the loss times `factor`: eigenvalues and the density's grid scale by it, the density's values by its inverse. */
function scaledHessian(results: Record<string, unknown>, factor: number): Record<string, unknown> {
  const hessian = results.hessian as { eigenvalues: number[]; density: { grid: number[]; values: number[] }; history: unknown[] };
  return {
    ...results,
    hessian: {
      ...hessian,
      eigenvalues: hessian.eigenvalues.map((value) => value * factor),
      density: { ...hessian.density, grid: hessian.density.grid.map((value) => value * factor), values: hessian.density.values.map((value) => value / factor) },
      history: [],
      slices: [],
      layers: [],
    },
  };
}

describe('log or linear axes, and Hessian small multiples', () => {
  const harness = webviewHarness();

  async function load(name: string, results: unknown = fixture(name), savedState?: unknown): Promise<LoadedPage> {
    const loaded = await openWebview(harness.browser, harness.origin, 1200, 1000, 'panel', savedState);
    await hostPost(loaded.page, { type: 'results', results, final: true, run: { id: name, name, status: 'completed', startedAt: '2026-01-01T00:00:00Z' } });
    return loaded;
  }

  it('switches the training loss axis to log and back, keeps the other panels, and remembers the choice across a reload', async () => {
    const { page, errors } = await load('training-spirals');
    // Panels: loss, accuracy, ‖gradient‖, learning rate; the spirals' losses span less than three decades: linear.
    assert.deepEqual(await yAxes(page, 'training'), ['value', 'value', 'value', 'value']);
    const loss = scaleButton(page, 'training', 'training-loss');
    assert.equal(await loss.getAttribute('data-scale'), 'linear');
    await loss.click();
    await page.waitForTimeout(300);
    assert.equal(await loss.getAttribute('data-scale'), 'log');
    assert.deepEqual(await yAxes(page, 'training'), ['log', 'value', 'value', 'value']);
    await scaleButton(page, 'training', 'training-gradient').click();
    await page.waitForTimeout(300);
    assert.deepEqual(await yAxes(page, 'training'), ['log', 'value', 'log', 'value']);
    const saved = (await lens(page, 'state')) as { logAxes: Record<string, boolean> };
    assert.deepEqual(saved.logAxes, { 'training-loss': true, 'training-gradient': true });
    assert.deepEqual(errors, []);
    await page.close();

    // A reload: VS Code hands the saved state back, the host sends the run again.
    const reloaded = await load('training-spirals', fixture('training-spirals'), saved);
    assert.deepEqual(await yAxes(reloaded.page, 'training'), ['log', 'value', 'log', 'value']);
    assert.equal(await scaleButton(reloaded.page, 'training', 'training-loss').getAttribute('data-scale'), 'log');
    await scaleButton(reloaded.page, 'training', 'training-loss').click();
    await reloaded.page.waitForTimeout(300);
    assert.deepEqual(await yAxes(reloaded.page, 'training'), ['value', 'value', 'log', 'value']);
    assert.deepEqual(reloaded.errors, []);
    await reloaded.page.close();
  });

  it('switches the Hessian spectrum counts and the density between log and linear', async () => {
    const { page, errors } = await load('training-spirals');
    await showTab(page, 'Hessian');
    // 218 eigenvalues: a histogram; its counts span less than three decades, so linear first.
    assert.deepEqual(await yAxes(page, 'spectrum'), ['value']);
    await scaleButton(page, 'spectrum', 'spectrum').click();
    await page.waitForTimeout(300);
    assert.deepEqual(await yAxes(page, 'spectrum'), ['log']);
    // The SLQ density spans many decades (down to 10⁻⁸ of its peak): log first.
    assert.deepEqual(await yAxes(page, 'density'), ['log']);
    await scaleButton(page, 'density', 'density').click();
    await page.waitForTimeout(300);
    assert.deepEqual(await yAxes(page, 'density'), ['value']);
    assert.deepEqual(((await lens(page, 'state')) as { logAxes: Record<string, boolean> }).logAxes, { spectrum: true, density: false });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('offers no log axis for a 1-D landscape with losses ≤ 0, even when one was chosen before', async () => {
    const results = fixture('landscape-interpolation') as { landscape: { loss: number[] } };
    const positive = await load('landscape-interpolation', results);
    await showTab(positive.page, 'Landscape');
    const enabled = scaleButton(positive.page, 'landscape-1d', 'landscape-1d');
    assert.equal(await enabled.getAttribute('disabled'), null, 'cross-entropy losses are positive: the switch is offered');
    await enabled.click();
    await positive.page.waitForTimeout(300);
    assert.deepEqual(await yAxes(positive.page, 'landscape-1d'), ['log', 'value'], 'loss on a log axis, accuracy stays linear');
    await positive.page.close();

    // The same curve measured from its mean: half the values are negative.
    const mean = results.landscape.loss.reduce((sum, value) => sum + value, 0) / results.landscape.loss.length;
    const centred = { ...results, landscape: { ...results.landscape, loss: results.landscape.loss.map((value) => value - mean) } };
    const { page, errors } = await load('landscape-interpolation', centred, { legend: {}, ticked: [], filter: '', logAxes: { 'landscape-1d': true } });
    await showTab(page, 'Landscape');
    const disabled = scaleButton(page, 'landscape-1d', 'landscape-1d');
    assert.equal(await disabled.getAttribute('disabled'), '');
    assert.equal(await disabled.getAttribute('data-scale'), 'linear');
    assert.match((await disabled.getAttribute('title')) ?? '', /positive values/);
    assert.deepEqual(await yAxes(page, 'landscape-1d'), ['value', 'value']);
    await disabled.click({ force: true });
    await page.waitForTimeout(300);
    assert.deepEqual(await yAxes(page, 'landscape-1d'), ['value', 'value'], 'a click on the disabled switch changes nothing');
    assert.deepEqual(errors, []);
    await page.close();
  });

  async function compare(second: Record<string, unknown>): Promise<LoadedPage> {
    const loaded = await openWebview(harness.browser, harness.origin, 1300, 1000);
    await until(async () => (await posted(loaded.page)).some((message) => message.type === 'requestState'));
    const requestId = (await posted(loaded.page)).find((message) => message.type === 'requestState')?.requestId as number;
    const run = (name: string, id: string, results: unknown) => ({ summary: { id, name, status: 'completed', startedAt: '2026-01-01T00:00:00Z' }, results, config: configs[name] });
    const comparison = [run('training-spirals', '20260101-000000-spirals', fixture('training-spirals')), run('training-spirals-adam', '20260101-000100-spirals-adam', second)];
    await hostPost(loaded.page, { type: 'state', requestId, history: [], final: true, comparison, smoothing: 0 });
    await showTab(loaded.page, 'Hessian');
    return loaded;
  }

  const chartIds = async (page: Page): Promise<string[]> => {
    const cards = page.locator('vscode-tab-panel[data-page="compare-hessian"] section.card');
    const ids: string[] = [];
    for (let index = 0; index < (await cards.count()); index++) ids.push((await cards.nth(index).getAttribute('data-chart')) ?? '');
    return ids.filter((id) => id.startsWith('compare-spectrum') || id.startsWith('compare-density'));
  };

  it('overlays the spectra of two runs of similar scale', async () => {
    const { page, errors } = await compare(fixture('training-spirals-adam') as Record<string, unknown>);
    assert.deepEqual(await chartIds(page), ['compare-spectrum', 'compare-density']);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('draws one spectrum and one density per run when their scales differ by 1000×', async () => {
    const { page, errors } = await compare(scaledHessian(fixture('training-spirals-adam') as Record<string, unknown>, 1000));
    assert.deepEqual(await chartIds(page), ['compare-spectrum-0', 'compare-spectrum-1', 'compare-density-0', 'compare-density-1']);
    // Side by side, like the landscape planes: the two spectra share a row.
    const first = await page.locator('section.card[data-chart="compare-spectrum-0"]').boundingBox();
    const second = await page.locator('section.card[data-chart="compare-spectrum-1"]').boundingBox();
    assert.ok(first && second && Math.abs(first.y - second.y) < 2 && second.x > first.x + first.width / 2, `${JSON.stringify(first)} ${JSON.stringify(second)}`);
    assert.match(await lens(page, 'text', 'section.card[data-chart="compare-spectrum-1"] h3'), /^training-spirals-adam: eigenvalues, ascending$/);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
