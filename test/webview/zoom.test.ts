/**
 * Drag-to-zoom in headless chromium: on charts with an x zoom (training curves, the comparison's
 * overlays) a drag across the plot zooms to the dragged x range, the wheel still zooms, and the
 * card's Reset zoom button or a double-click shows the whole range again. Contours keep their
 * own behaviour (a click sets the start point, a drag selects nothing).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { ARTIFACTS, chartOf, fixture, hostPost, openWebview, posted, webviewHarness } from './browser';
import { configs } from './fixture-configs';

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const run = (id: string) => ({ id, name: id, status: 'completed', startedAt: '2026-01-01T00:00:00Z' });

/** The plot areas of a chart (data-plot), in page pixels. */
async function plotAreas(box: Locator): Promise<Rect[]> {
  const origin = await box.boundingBox();
  assert.ok(origin, 'the chart box is laid out');
  const plot = (await box.getAttribute('data-plot')) ?? '';
  return plot
    .split(';')
    .filter((entry) => entry !== '')
    .map((entry) => {
      const [x, y, width, height] = entry.split(',').map(Number);
      return { x: origin.x + x, y: origin.y + y, width, height };
    });
}

/** The chart's zoom window in percent, from data-zoom ("25-75"). */
async function zoomOf(box: Locator): Promise<[number, number]> {
  const zoom = (await box.getAttribute('data-zoom')) ?? '';
  const match = /^(\d+)-(\d+)$/.exec(zoom);
  assert.ok(match, `data-zoom "${zoom}" is a window in percent`);
  return [Number(match[1]), Number(match[2])];
}

/** Drags the mouse across a plot from one fraction of its width to another, at mid height. */
async function drag(page: Page, plot: Rect, from: number, to: number): Promise<void> {
  const y = plot.y + plot.height / 2;
  await page.mouse.move(plot.x + plot.width * from, y);
  await page.mouse.down();
  await page.mouse.move(plot.x + plot.width * ((from + to) / 2), y, { steps: 4 });
  await page.mouse.move(plot.x + plot.width * to, y, { steps: 4 });
}

async function showTab(page: Page, title: string): Promise<void> {
  await page.locator('vscode-tab-header', { hasText: title }).click();
  await page.waitForTimeout(400);
}

describe('drag to zoom', () => {
  const harness = webviewHarness();

  it('zooms the training chart to a dragged x range, and Reset zoom and a double-click show the whole range', async () => {
    const { page, errors } = await openWebview(harness.browser, harness.origin, 1200, 900);
    await hostPost(page, { type: 'results', results: fixture('training-spirals'), final: true, run: run('spirals') });
    await showTab(page, 'Training');
    const box = await chartOf(page, 'training');
    const card = page.locator('section.card[data-chart="training"]');
    const reset = card.locator('vscode-button[data-view="reset-zoom"]');
    assert.deepEqual(await zoomOf(box), [0, 100]);
    assert.equal(await reset.isVisible(), true, 'the training chart offers Reset zoom');
    assert.equal(await reset.getAttribute('disabled'), '', 'Reset zoom is disabled while the whole range shows');
    assert.match(await card.locator('.readout').innerText(), /drag across the plot to zoom/i, 'the hint line says how to zoom');

    // A drag over the middle half of the first panel, the selection drawn while dragging.
    const [first, second] = await plotAreas(box);
    await drag(page, first, 0.25, 0.75);
    const selection = await card.locator('.zoom-selection').boundingBox();
    assert.ok(selection && Math.abs(selection.width - first.width / 2) < 4, `the selection spans the dragged half (${selection?.width} of ${first.width} px)`);
    assert.ok(Math.abs(selection.height - first.height) < 2, 'the selection spans the plot\'s height');
    await page.screenshot({ path: `${ARTIFACTS}/zoom-selecting.png` });
    await page.mouse.up();
    await page.waitForTimeout(300);
    const [start, end] = await zoomOf(box);
    assert.ok(Math.abs(start - 25) <= 4 && Math.abs(end - 75) <= 4, `a drag over the middle half zooms to about 25-75 (data-zoom ${start}-${end})`);
    assert.equal(await card.locator('.zoom-selection').isVisible(), false, 'the selection is gone once applied');
    assert.equal(await reset.getAttribute('disabled'), null, 'Reset zoom is enabled while zoomed');
    await page.screenshot({ path: `${ARTIFACTS}/zoom-selected.png` });

    await reset.click();
    await page.waitForTimeout(200);
    assert.deepEqual(await zoomOf(box), [0, 100], 'Reset zoom shows the whole range');
    assert.equal(await reset.getAttribute('disabled'), '');

    // A drag in another panel zooms every panel (one x zoom); a double-click restores.
    await drag(page, second, 0.5, 0.9);
    await page.mouse.up();
    await page.waitForTimeout(300);
    const [secondStart, secondEnd] = await zoomOf(box);
    assert.ok(Math.abs(secondStart - 50) <= 4 && Math.abs(secondEnd - 90) <= 4, `a drag in the second panel zooms to about 50-90 (data-zoom ${secondStart}-${secondEnd})`);
    await page.mouse.dblclick(second.x + second.width / 2, second.y + second.height / 2);
    await page.waitForTimeout(300);
    assert.deepEqual(await zoomOf(box), [0, 100], 'a double-click shows the whole range');

    // A short drag is a click: nothing zooms.
    await drag(page, first, 0.5, 0.502);
    await page.mouse.up();
    await page.waitForTimeout(200);
    assert.deepEqual(await zoomOf(box), [0, 100], 'a drag of a pixel or two selects nothing');

    // The wheel still zooms.
    await page.mouse.move(first.x + first.width / 2, first.y + first.height / 2);
    await page.mouse.wheel(0, -300);
    await page.waitForTimeout(300);
    const [wheelStart, wheelEnd] = await zoomOf(box);
    assert.ok(wheelEnd - wheelStart < 100, `the wheel zooms in (data-zoom ${wheelStart}-${wheelEnd})`);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('zooms every overlay of a comparison\'s training page together to a dragged range', async () => {
    const { page, errors } = await openWebview(harness.browser, harness.origin, 1200, 900);
    const compared = (name: string, id: string) => {
      const results = fixture(name) as { name: string };
      return { summary: { id, name: results.name, status: 'completed', startedAt: '2026-01-01T00:00:00Z' }, results, config: configs[name] };
    };
    const requestId = (await posted(page)).find((message) => message.type === 'requestState')?.requestId;
    await hostPost(page, { type: 'state', requestId, history: [], final: true, comparison: [compared('training-spirals', 'a'), compared('training-spirals-adam', 'b')], smoothing: 0 });
    await showTab(page, 'Training');
    const loss = await chartOf(page, 'compare-loss');
    const accuracy = await chartOf(page, 'compare-accuracy');
    const [plot] = await plotAreas(loss);
    await drag(page, plot, 0.1, 0.6);
    await page.mouse.up();
    await page.waitForTimeout(400);
    const [start, end] = await zoomOf(loss);
    assert.ok(Math.abs(start - 10) <= 4 && Math.abs(end - 60) <= 4, `the loss overlay zooms to about 10-60 (data-zoom ${start}-${end})`);
    assert.deepEqual(await zoomOf(accuracy), [start, end], 'the page\'s connected charts follow the zoom');
    await page.locator('section.card[data-chart="compare-accuracy"] vscode-button[data-view="reset-zoom"]').click();
    await page.waitForTimeout(300);
    assert.deepEqual(await zoomOf(loss), [0, 100], 'Reset zoom on one chart resets the connected ones');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('keeps the contour\'s click-to-start and drag-to-pan: no selection, no Reset zoom button', async () => {
    const { page, errors } = await openWebview(harness.browser, harness.origin, 1200, 900);
    await hostPost(page, { type: 'results', results: fixture('saddle-race'), final: true, run: run('saddle') });
    const box = await chartOf(page, 'contour');
    const card = page.locator('section.card[data-chart="contour"]');
    assert.equal(await card.locator('vscode-button[data-view="reset-zoom"]').isVisible(), false);
    assert.match(await card.locator('.readout').innerText(), /drag to pan/);
    const [plot] = await plotAreas(box);
    await drag(page, plot, 0.3, 0.7);
    assert.equal(await card.locator('.zoom-selection').isVisible(), false, 'a drag on a contour draws no selection');
    await page.mouse.up();
    await page.waitForTimeout(200);
    assert.equal(await box.getAttribute('data-zoom'), '0-100', 'a drag at the whole range zooms nothing');
    await page.mouse.click(plot.x + plot.width * 0.3, plot.y + plot.height * 0.3);
    await page.waitForTimeout(200);
    assert.ok((await posted(page)).some((message) => message.type === 'setStart'), 'a click still sets the start point');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
