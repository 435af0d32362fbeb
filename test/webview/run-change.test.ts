/**
 * The panel going from one run to another in headless chromium: each chart is drawn from scratch
 * whatever it showed before (another run's panels, series, axes, zoom). hostPost runs the
 * chart check (chart-check.ts) after each change: every chart of every tab paints its data, no
 * "could not be drawn", no error in the page.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ARTIFACTS, chartOf, fixture, hostPost, openWebview, posted, webviewHarness } from './browser';
import { chartProblems } from './chart-check';
import { configs } from './fixture-configs';

interface RunSummary {
  id: string;
  name: string;
  status: string;
  startedAt: string;
}

/** A fixture as a saved run: its summary (the run list's row) and its results. */
function savedRun(fixtureName: string, startedAt: string): { summary: RunSummary; results: unknown } {
  const results = fixture(fixtureName) as { name: string };
  return { summary: { id: `${startedAt.replace(/\D/g, '').slice(0, 14)}-${fixtureName}`, name: results.name, status: 'completed', startedAt }, results };
}

/** The training chart's plot areas (one per panel), as the card describes them. */
async function trainingPanels(page: Page): Promise<number> {
  const plot = (await page.locator('section.card[data-chart="training"] .chart').getAttribute('data-plot')) ?? '';
  return plot.split(';').filter((entry) => entry !== '').length;
}

async function lastRequestId(page: Page): Promise<number> {
  return (await posted(page)).filter((message) => message.type === 'requestState').at(-1)?.requestId as number;
}

describe('changing the shown run', () => {
  const harness = webviewHarness();

  it('draws the training charts of a run shown after one with other panels (regression, then classification, and back)', async () => {
    const { page, errors } = await openWebview(harness.browser, harness.origin, 1200, 1000);
    // adaptive-saddle-detector's shape (loss, gradient, learning rate: 3 panels, 300 epochs), then
    // spirals-hessian's (4 panels, 80 epochs, a Hessian tab), then the first again.
    const sequence: [string, number][] = [
      ['training-sum-of-squares', 3],
      ['training-spirals', 4],
      ['training-sum-of-squares', 3],
      ['training-spirals-adam', 4],
    ];
    for (const [index, [name, panels]] of sequence.entries()) {
      const run = { id: `${name}-${index}`, name, status: 'completed', startedAt: '2026-01-01T00:00:00Z' };
      await hostPost(page, { type: 'results', results: fixture(name), final: true, run });
      await chartOf(page, 'training');
      assert.equal(await trainingPanels(page), panels, `${name}: the training chart has one plot area per panel, none left from the run before`);
      await page.screenshot({ path: `${ARTIFACTS}/run-change-${index + 1}-${name}.png` });
    }
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('draws every kind of run after every other kind: surface race, training, Hessian, landscape (partial, then complete)', async () => {
    const { page, errors } = await openWebview(harness.browser, harness.origin, 1200, 1000);
    const names = ['saddle-race', 'training-spirals', 'landscape-partial', 'landscape', 'training-sum-of-squares', 'landscape-interpolation', 'himmelblau', 'training-spirals', 'rosenbrock'];
    for (const [index, name] of names.entries()) {
      await hostPost(page, { type: 'results', results: fixture(name), final: name !== 'landscape-partial', run: { id: `${name}-${index}`, name, status: 'completed', startedAt: '2026-01-01T00:00:00Z' } });
    }
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('run A, run B, A clicked in the run list, A and B compared, the comparison ended: every chart draws after each', async () => {
    const { page, errors } = await openWebview(harness.browser, harness.origin, 1300, 1000);
    const a = savedRun('training-sum-of-squares', '2026-01-01T00:00:00Z');
    const b = savedRun('training-spirals', '2026-01-01T00:01:00Z');
    const history = [b.summary, a.summary];
    const show = async (run: { summary: RunSummary; results: unknown }): Promise<void> =>
      hostPost(page, { type: 'state', requestId: await lastRequestId(page), history, currentId: run.summary.id, run: run.summary, results: run.results, final: true, smoothing: 0.6 });
    await show(a);
    await show(b);
    // The user opens A from the run list; the host answers with A's state.
    await page.locator('#history > summary').click();
    await page.locator(`#history li[data-run="${a.summary.id}"] a.run-link`).click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'openRun', id: a.summary.id });
    await show(a);
    assert.equal(await trainingPanels(page), 3);
    await page.screenshot({ path: `${ARTIFACTS}/run-change-list-click.png` });
    // Compare A and B, then end the comparison: back to A.
    const compared = [a, b].map((run, index) => ({ summary: run.summary, results: run.results, config: configs[index === 0 ? 'training-sum-of-squares' : 'training-spirals'] }));
    await hostPost(page, { type: 'comparison', runs: compared });
    assert.match(await page.locator('#comparison h2').innerText(), /Comparing 2 runs/);
    // The heading is the comparison's: the run shown before (A) is not named above it as if shown.
    assert.equal(await page.locator('#status h2').count(), 0, 'no run heading while comparing');
    assert.equal(await page.locator('h2').count(), 1);
    await page.screenshot({ path: `${ARTIFACTS}/run-change-compare.png` });
    await page.locator('#end-comparison').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'compareRuns', ids: [] });
    await hostPost(page, { type: 'comparison', runs: [] });
    assert.equal(await page.locator('#comparison').isHidden(), true);
    assert.equal(await trainingPanels(page), 3, 'A drawn again after the comparison');
    assert.equal(await page.locator('#status h2').innerText(), a.summary.name, 'A named again after the comparison');
    await page.screenshot({ path: `${ARTIFACTS}/run-change-compare-ended.png` });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('ticking a run with Space keeps the keyboard\'s place in the run list, through a redraw from the host too', async () => {
    const { page, errors } = await openWebview(harness.browser, harness.origin, 1300, 1000);
    const a = savedRun('training-sum-of-squares', '2026-01-01T00:00:00Z');
    const b = savedRun('training-spirals', '2026-01-01T00:01:00Z');
    const history = [b.summary, a.summary];
    // The chart check clicks through the tabs (moving the focus), so the redraw that must keep the
    // focus is posted without it; the first state is checked as everywhere.
    const show = async (check: boolean): Promise<void> =>
      hostPost(page, { type: 'state', requestId: await lastRequestId(page), history, currentId: b.summary.id, run: b.summary, results: b.results, final: true, smoothing: 0.6 }, { check });
    await show(true);
    await page.locator('#history > summary').click();
    const box = (run: RunSummary) => page.locator(`#history li[data-run="${run.id}"] input[type="checkbox"]`);
    await box(a.summary).focus();
    await page.keyboard.press('Space');
    assert.equal(await box(a.summary).isChecked(), true);
    assert.equal(await page.locator(`#history li[data-run="${a.summary.id}"] input[type="checkbox"]:focus`).count(), 1, 'the ticked box keeps the focus');
    // The host answers with its state (the list is drawn again): the focus stays.
    await show(false);
    await page.waitForTimeout(200);
    assert.equal(await page.locator(`#history li[data-run="${a.summary.id}"] input[type="checkbox"]:focus`).count(), 1, 'still focused after the host redraws the list');
    // The next Tab goes on from there (A's link), not from the top of the panel.
    await page.keyboard.press('Tab');
    assert.equal(await page.locator(`#history li[data-run="${a.summary.id}"] a.run-link:focus`).count(), 1, 'Tab moves on within the same run');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('keeps the user\'s zoom through streamed results of one run, and starts the next run unzoomed', async () => {
    const { page, errors } = await openWebview(harness.browser, harness.origin, 1200, 1000);
    const results = fixture('training-spirals') as { training: { history: unknown[] } };
    const partial = { ...results, hessian: undefined, training: { ...results.training, history: results.training.history.slice(0, 40), status: 'running' } };
    const run = { id: 'streaming', name: 'spirals', status: 'running', startedAt: '2026-01-01T00:00:00Z' };
    await hostPost(page, { type: 'results', results: partial, final: false, run });
    const box = await chartOf(page, 'training');
    const area = await box.boundingBox();
    assert.ok(area);
    // Zoom in with the wheel over the first panel.
    await page.mouse.move(area.x + area.width * 0.3, area.y + area.height * 0.3);
    for (let step = 0; step < 5; step++) await page.mouse.wheel(0, -200);
    await page.waitForTimeout(300);
    const zoomed = await box.screenshot();
    await hostPost(page, { type: 'results', results: { ...results, hessian: undefined }, final: false, run });
    const afterStream = await box.screenshot();
    // A streamed update of the same run draws the new epochs without undoing the zoom: the
    // picture changes (more epochs) but the zoom component kept its window.
    assert.notDeepEqual(afterStream, zoomed);
    assert.equal(await zoomWindowIsFull(page), false, 'the zoom survives a streamed update');
    await hostPost(page, { type: 'results', results: fixture('training-spirals-adam'), final: true, run: { ...run, id: 'next', status: 'completed' } });
    assert.equal(await zoomWindowIsFull(page), true, 'another run is shown unzoomed');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('the check fails on a chart that holds no data, and names it', async () => {
    const { page, errors } = await openWebview(harness.browser, harness.origin, 1200, 1000);
    const results = fixture('training-sum-of-squares') as { training: { history: Record<string, unknown>[] } };
    // Every loss value missing (NaN is written as null in JSON): the loss panel holds no point.
    const broken = { ...results, training: { ...results.training, history: results.training.history.map((record) => ({ ...record, loss: null, gradientNorm: null, learningRate: null })) } };
    await hostPost(page, { type: 'results', results: broken, final: true, run: { id: 'broken', name: 'broken', status: 'completed', startedAt: '2026-01-01T00:00:00Z' } }, { check: false });
    await page.waitForTimeout(400);
    const problems = await chartProblems(page, errors);
    assert.ok(problems.length > 0, 'a chart without data is reported');
    await page.close();
  });
});

/** Whether the training chart's x zoom shows the whole range (the card's data-zoom: the window in percent). */
async function zoomWindowIsFull(page: Page): Promise<boolean> {
  const zoom = (await page.locator('section.card[data-chart="training"] .chart').getAttribute('data-zoom')) ?? '';
  return zoom === '' || zoom === '0-100';
}
