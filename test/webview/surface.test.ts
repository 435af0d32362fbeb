/** The surface-race charts in headless chromium: contour, 3-D surface, race curves; clicks, replay, theme, export, layout. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { ARTIFACTS, buildBundle, chartOf, fixture, hostPost, ink, launch, lens, openWebview, posted, serve, until, violations, type LoadedPage } from './browser';

interface Results { surface: { domain: [[number, number], [number, number]] }; trajectories: { points: number[][] }[] }

describe('surface race webview', () => {
  let browser: Browser;
  let server: Server;
  let origin: string;
  let loaded: LoadedPage;
  const saddle = fixture('saddle-race') as Results;

  before(async () => {
    await buildBundle();
    ({ server, origin } = await serve());
    browser = await launch();
    loaded = await openWebview(browser, origin);
    await hostPost(loaded.page, { type: 'results', results: saddle, final: true, run: { id: 'saddle-1', name: 'saddle race', status: 'completed', startedAt: '2026-01-01T00:00:00Z' } });
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  it('draws the contour with trajectories: non-blank, no console error, no CSP violation', async () => {
    const chart = await chartOf(loaded.page, 'contour');
    const drawn = await ink(loaded.page, chart, 'contour-dark.png');
    assert.ok(drawn.fraction > 0.3, `contour covers ${drawn.fraction} of its box`);
    await loaded.page.screenshot({ path: `${ARTIFACTS}/surface-page-dark.png`, fullPage: true });
    assert.deepEqual(loaded.errors, []);
    assert.deepEqual(await violations(loaded.page), []);
  });

  it('draws the 3-D surface with WebGL under the CSP', async () => {
    const chart = await chartOf(loaded.page, 'surface3d');
    await loaded.page.waitForTimeout(500);
    const drawn = await ink(loaded.page, chart, 'surface3d-dark.png');
    assert.ok(drawn.fraction > 0.1, `3-D surface covers ${drawn.fraction} of its box`);
    assert.deepEqual(loaded.errors, []);
    assert.deepEqual(await violations(loaded.page), []);
  });

  it('draws the race curves', async () => {
    const chart = await chartOf(loaded.page, 'race');
    const drawn = await ink(loaded.page, chart, 'race-dark.png');
    assert.ok(drawn.fraction > 0.02, `race curves cover ${drawn.fraction} of their box`);
    assert.deepEqual(loaded.errors, []);
  });

  it('posts a start point inside the domain when the contour is clicked, x growing rightwards and y upwards', async () => {
    const chart = await chartOf(loaded.page, 'contour');
    const box = await chart.boundingBox();
    assert.ok(box);
    const before = (await posted(loaded.page)).length;
    await chart.click({ position: { x: box.width * 0.35, y: box.height * 0.35 } });
    await chart.click({ position: { x: box.width * 0.6, y: box.height * 0.6 } });
    const starts = (await posted(loaded.page)).slice(before).filter((message) => message.type === 'setStart').map((message) => message.start as [number, number]);
    assert.equal(starts.length, 2);
    const [[xmin, xmax], [ymin, ymax]] = saddle.surface.domain;
    for (const [x, y] of starts) {
      assert.ok(x >= xmin && x <= xmax && y >= ymin && y <= ymax, `start (${x}, ${y}) outside the domain`);
    }
    assert.ok(starts[1][0] > starts[0][0], 'x grows to the right');
    assert.ok(starts[1][1] < starts[0][1], 'y grows upwards');
  });

  it('does not post a start point when the plot is dragged (pan)', async () => {
    const chart = await chartOf(loaded.page, 'contour');
    const box = await chart.boundingBox();
    assert.ok(box);
    const before = (await posted(loaded.page)).length;
    await loaded.page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.5);
    await loaded.page.mouse.down();
    await loaded.page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.55, { steps: 5 });
    await loaded.page.mouse.up();
    const after = (await posted(loaded.page)).slice(before);
    assert.equal(after.filter((message) => message.type === 'setStart').length, 0);
    await loaded.page.locator('.toolbar vscode-button', { hasText: 'Reset zoom' }).click();
  });

  it('zooms with the wheel and resets the zoom', async () => {
    const page = loaded.page;
    const chart = await chartOf(page, 'contour');
    const box = await chart.boundingBox();
    assert.ok(box);
    const whole = await ink(page, chart);
    await page.mouse.move(box.x + box.width * 0.45, box.y + box.height * 0.5);
    await page.mouse.wheel(0, -600);
    await page.waitForTimeout(300);
    const zoomed = await ink(page, chart, 'contour-zoomed.png');
    assert.notDeepEqual(zoomed.mean, whole.mean, 'the wheel zooms in');
    await page.locator('.toolbar vscode-button', { hasText: 'Reset zoom' }).click();
    await page.waitForTimeout(300);
    const reset = await ink(page, chart);
    assert.deepEqual(reset.mean.map(Math.round), whole.mean.map(Math.round), 'the reset shows the whole domain again');
  });

  it('replays: the slider at step 0 hides the paths, play advances the step', async () => {
    const page = loaded.page;
    const chart = await chartOf(page, 'contour');
    const full = await ink(page, chart);
    await page.locator('#replay-step').fill('0');
    await page.waitForTimeout(200);
    assert.match((await page.locator('.step-label').textContent()) ?? '', /^step 0 \/ 60$/);
    const start = await ink(page, chart, 'contour-step0.png');
    assert.notDeepEqual(start.mean, full.mean, 'the picture changes with the replay step');
    await page.locator('#replay-play').click();
    await until(async () => /^step [1-9]\d* \//.test(await lens(page, 'text', '.step-label')), 5_000, 'the replay to advance');
    await until(async () => (await lens(page, 'text', '.step-label')) === 'step 60 / 60', 10_000, 'the replay to end');
    assert.deepEqual(loaded.errors, []);
  });

  it('switches the contour levels to logarithmic and remembers it', async () => {
    const page = loaded.page;
    const chart = await chartOf(page, 'contour');
    const linear = await ink(page, chart);
    await page.locator('#log-levels').click();
    await page.waitForTimeout(300);
    const logarithmic = await ink(page, chart, 'contour-log-levels.png');
    assert.notDeepEqual(logarithmic.mean, linear.mean);
    assert.equal(((await lens(page, 'state')) as { logLevels?: boolean }).logLevels, true);
    await page.locator('#log-levels').click();
    await page.waitForTimeout(300);
    assert.equal(((await lens(page, 'state')) as { logLevels?: boolean }).logLevels, false);
    assert.deepEqual(loaded.errors, []);
  });

  it('follows a theme switch live: the colours change', async () => {
    const page = loaded.page;
    const chart = await chartOf(page, 'contour');
    const dark = await ink(page, chart);
    await lens(page, 'setTheme', 'light');
    await page.waitForTimeout(400);
    const light = await ink(page, chart, 'contour-light.png');
    const brightness = (mean: number[]): number => mean.reduce((sum, channel) => sum + channel, 0) / 3;
    assert.ok(brightness(light.mean) > brightness(dark.mean) + 30, `light ${brightness(light.mean)} vs dark ${brightness(dark.mean)}`);
    await page.screenshot({ path: `${ARTIFACTS}/surface-page-light.png`, fullPage: true });
    await lens(page, 'setTheme', 'high-contrast');
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${ARTIFACTS}/surface-page-high-contrast.png`, fullPage: true });
    await lens(page, 'setTheme', 'dark');
    assert.deepEqual(loaded.errors, []);
  });

  it('exports PNG, SVG, CSV and JSON through saveFile messages', async () => {
    const page = loaded.page;
    const before = (await posted(page)).length;
    for (const format of ['png', 'svg', 'csv', 'json']) await page.locator(`section.card[data-chart="contour"] vscode-button[data-export="${format}"]`).click();
    await page.locator('section.card[data-chart="surface3d"] vscode-button[data-export="png"]').click();
    await page.locator('section.card[data-chart="surface3d"] vscode-button[data-export="svg"]').click();
    const saves = (await posted(page)).slice(before).filter((message) => message.type === 'saveFile') as unknown as { fileName: string; data: string; encoding: string }[];
    assert.deepEqual(saves.map((save) => save.fileName), ['saddle-race-contour.png', 'saddle-race-contour.svg', 'saddle-race-contour.csv', 'saddle-race-contour.json', 'saddle-race-surface3d.png', 'saddle-race-surface3d.svg']);
    assert.equal(saves[0].encoding, 'base64');
    assert.equal(Buffer.from(saves[0].data, 'base64').subarray(1, 4).toString(), 'PNG');
    assert.match(saves[1].data, /^<svg[\s\S]*<path[\s\S]*<\/svg>$/);
    assert.equal(saves[2].data.split('\n')[0], 'x,y,value');
    assert.equal(saves[2].data.trim().split('\n').length, 1 + 61 * 61);
    assert.equal((JSON.parse(saves[3].data) as Results).trajectories.length, saddle.trajectories.length);
    assert.ok(Buffer.from(saves[4].data, 'base64').length > 10_000, 'the 3-D PNG holds a picture');
    assert.match(saves[5].data, /^<svg[^>]*><image [^>]*href="data:image\/png;base64,/);
    assert.deepEqual(loaded.errors, []);
  });

  it('updates in place while a run streams: partial results grow the same chart', async () => {
    const { page, errors } = await openWebview(browser, origin, 900, 900);
    // As the engine streams a race: the trajectories first, the surface's grid after them.
    const partial = { ...saddle, trajectories: saddle.trajectories.slice(0, 2), surface: undefined, criticalPoints: undefined };
    await hostPost(page, { type: 'results', results: partial, final: false, run: { id: 'stream', name: 'saddle race', status: 'running', startedAt: '2026-01-01T00:00:00Z' } });
    await chartOf(page, 'race');
    const withSurface = { ...saddle, trajectories: saddle.trajectories.slice(0, 2) };
    await hostPost(page, { type: 'progress', fraction: 0.3, message: 'momentum: diverged at step 53' });
    await hostPost(page, { type: 'results', results: withSurface, final: false, run: { id: 'stream', name: 'saddle race', status: 'running', startedAt: '2026-01-01T00:00:00Z' } });
    const chart = await chartOf(page, 'contour');
    assert.deepEqual(await page.locator('section.card').evaluateAll((cards) => cards.map((card) => (card as unknown as { dataset: { chart: string } }).dataset.chart)), ['contour', 'surface3d', 'race'], 'the page keeps its order');
    assert.match(await lens(page, 'text', '#status'), /running/);
    await page.locator('#cancel-run').click();
    assert.equal((await posted(page)).filter((message) => message.type === 'cancelRun').length, 1);
    const canvas = await chart.locator('canvas').first().elementHandle();
    const early = await ink(page, chart);
    await hostPost(page, { type: 'results', results: saddle, final: true, run: { id: 'stream', name: 'saddle race', status: 'completed', startedAt: '2026-01-01T00:00:00Z' } });
    await page.waitForTimeout(300);
    const late = await ink(page, chart, 'contour-streamed.png');
    assert.ok(await canvas?.evaluate((element) => element.isConnected), 'the same canvas still draws');
    assert.notDeepEqual(late.mean, early.mean, 'the new trajectories were drawn');
    assert.equal(await page.locator('section.card[data-chart="contour"]').count(), 1);
    assert.match(await lens(page, 'text', '#status'), /completed/);
    assert.equal(await page.locator('#cancel-run').count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('keeps its view state for VS Code (run id, replay step, legend)', async () => {
    const state = (await lens(loaded.page, 'state')) as { runId?: string; step?: number };
    assert.equal(state.runId, 'saddle-1');
    assert.equal(state.step, 60);
  });

  it('in the side view: the run list and the headline numbers, no charts, the plain view hidden', async () => {
    const { page, errors } = await openWebview(browser, origin, 320, 900, 'side');
    await hostPost(page, { type: 'results', results: saddle, final: true, run: { id: 'a', name: 'saddle race', status: 'completed', startedAt: '2026-01-01T00:00:00Z' } });
    await hostPost(page, { type: 'history', runs: [{ id: 'a', name: 'saddle race', status: 'completed', startedAt: '2026-01-01T00:00:00Z' }, { id: 'b', name: 'rosenbrock', status: 'failed', reason: 'diverged', startedAt: '2026-01-01T00:01:00Z' }], currentId: 'a' });
    await page.locator('#side-summary dl').waitFor();
    assert.match(await lens(page, 'text', '#side-summary dl'), /lowest final f/);
    assert.equal(await page.locator('section.card').count(), 0);
    assert.equal(await page.locator('#plain-results').isVisible(), false);
    await page.locator('#history a', { hasText: 'rosenbrock' }).click();
    assert.deepEqual((await posted(page)).filter((message) => message.type === 'openRun'), [{ type: 'openRun', id: 'b', inPanel: true }]);
    await page.screenshot({ path: `${ARTIFACTS}/side-view-320px.png`, fullPage: true });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('restores the view state VS Code kept (replay step, log levels, hidden series)', async () => {
    const saved = { runId: 'saddle-1', tab: 'surface', step: 10, logLevels: true, legend: { contour: { sgd: false } } };
    const { page, errors } = await openWebview(browser, origin, 900, 900, 'panel', saved);
    await hostPost(page, { type: 'results', results: saddle, final: true, run: { id: 'saddle-1', name: 'saddle race', status: 'completed', startedAt: '2026-01-01T00:00:00Z' } });
    const chart = await chartOf(page, 'contour');
    assert.equal(await lens(page, 'text', '.step-label'), 'step 10 / 60');
    assert.equal(await page.locator('#log-levels').evaluate((element) => (element as unknown as { checked: boolean }).checked), true);
    await ink(page, chart, 'contour-restored.png');
    assert.deepEqual(((await lens(page, 'state')) as { legend: unknown }).legend, { contour: { sgd: false } });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('chooses logarithmic levels for Rosenbrock\'s valley and marks the diverged run', async () => {
    const { page, errors } = await openWebview(browser, origin, 1000, 1000);
    await hostPost(page, { type: 'results', results: fixture('rosenbrock'), final: true });
    const chart = await chartOf(page, 'contour');
    assert.equal(await page.locator('#log-levels').evaluate((element) => (element as unknown as { checked: boolean }).checked), true);
    assert.ok((await ink(page, chart, 'rosenbrock-contour.png')).fraction > 0.3);
    assert.match(await lens(page, 'text', '#status'), /sgd lr 0\.01 \(diverges\): diverged at step 5/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  for (const width of [300, 700, 1600]) {
    it(`lays out at ${width}px without horizontal overflow`, async () => {
      const { page, errors } = await openWebview(browser, origin, width, 1000);
      await hostPost(page, { type: 'results', results: fixture('himmelblau'), final: true });
      const chart = await chartOf(page, 'contour');
      assert.ok((await ink(page, chart)).fraction > 0.3);
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${ARTIFACTS}/himmelblau-${width}px.png`, fullPage: true });
      const overflow = await lens(page, 'overflow');
      assert.ok(overflow <= 0, `page overflows by ${overflow}px`);
      assert.deepEqual(errors, []);
      assert.deepEqual(await violations(page), []);
      await page.close();
    });
  }
});
