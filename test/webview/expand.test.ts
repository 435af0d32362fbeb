/**
 * A chart expanded over the whole panel in headless chromium: the card's Expand button (or Enter
 * on it) shows the chart over the page, resized to the viewport, with its zoom kept and the page
 * behind out of reach; Escape or the same button (now Restore) puts it back at its size, with the
 * keyboard on the button again.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { ARTIFACTS, chartOf, fixture, hostPost, openWebview, webviewHarness } from './browser';

const WIDTH = 1000;
const HEIGHT = 700;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function rect(locator: Locator): Promise<Box> {
  const box = await locator.boundingBox();
  assert.ok(box, 'the element is laid out');
  return box;
}

/** The chart's canvas size in CSS pixels: what ECharts drew at (it follows the box on resize). */
async function canvasSize(page: Page, chartId: string): Promise<{ width: number; height: number }> {
  return page.evaluate(`(() => { const canvas = document.querySelector('section.card[data-chart="${chartId}"] .chart canvas'); const rect = canvas.getBoundingClientRect(); return { width: rect.width, height: rect.height }; })()`);
}

/** Whether the focused element is the Expand button of a chart's card. */
async function expandButtonFocused(page: Page, chartId: string): Promise<boolean> {
  return page.evaluate(`(() => { const active = document.activeElement; return active !== null && active.matches('section.card[data-chart="${chartId}"] vscode-button[data-view="expand"]'); })()`);
}

function near(actual: number, expected: number, tolerance: number): boolean {
  return Math.abs(actual - expected) <= tolerance;
}

describe('expanding a chart', () => {
  const harness = webviewHarness();

  it('shows the chart over the whole panel, and Escape puts it back at its size with the focus on its button', async () => {
    const { page, errors } = await openWebview(harness.browser, harness.origin, WIDTH, HEIGHT);
    await hostPost(page, { type: 'results', results: fixture('training-spirals'), final: true, run: { id: 'spirals', name: 'spirals', status: 'completed', startedAt: '2026-01-01T00:00:00Z' } });
    await page.locator('vscode-tab-header', { hasText: 'Training' }).click();
    const box = await chartOf(page, 'training');
    const card = page.locator('section.card[data-chart="training"]');
    const button = card.locator('vscode-button[data-view="expand"]');
    const before = await rect(box);
    assert.equal((await button.innerText()).trim(), 'Expand');
    assert.equal(await button.getAttribute('aria-expanded'), 'false');

    // Zoomed first: the expanded chart keeps its zoom.
    const plot = (await box.getAttribute('data-plot'))?.split(';')[0].split(',').map(Number) ?? [];
    await page.mouse.move(before.x + plot[0] + plot[2] * 0.2, before.y + plot[1] + plot[3] / 2);
    await page.mouse.down();
    await page.mouse.move(before.x + plot[0] + plot[2] * 0.6, before.y + plot[1] + plot[3] / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForTimeout(300);
    const zoom = await box.getAttribute('data-zoom');
    assert.notEqual(zoom, '0-100', 'the chart is zoomed before it is expanded');

    await button.click();
    await page.waitForTimeout(500);
    const expandedCard = await rect(card);
    assert.ok(near(expandedCard.x, 0, 1) && near(expandedCard.y, 0, 1) && near(expandedCard.width, WIDTH, 1) && near(expandedCard.height, HEIGHT, 1), `the card covers the viewport (${JSON.stringify(expandedCard)})`);
    const expanded = await rect(box);
    assert.ok(expanded.width >= WIDTH - 40, `the chart spans the panel's width (${expanded.width} px)`);
    assert.ok(expanded.height >= HEIGHT * 0.75 && expanded.height > before.height + 50, `the chart takes the panel's height (${expanded.height} px, ${before.height} before)`);
    const canvas = await canvasSize(page, 'training');
    assert.ok(near(canvas.width, expanded.width, 2) && near(canvas.height, expanded.height, 2), 'the chart is drawn at its new size');
    assert.equal((await button.innerText()).trim(), 'Restore');
    assert.equal(await button.getAttribute('aria-pressed'), 'true');
    assert.equal(await button.getAttribute('aria-expanded'), 'true');
    assert.equal(await box.getAttribute('data-zoom'), zoom, 'the expanded chart keeps its zoom');
    assert.equal(await page.evaluate(`document.getElementById('status').closest('[inert]') !== null`), true, 'the page behind the expanded chart is inert');
    assert.equal(await page.evaluate(`document.querySelector('section.card[data-chart="training"]').closest('[inert]') === null`), true, 'the expanded chart is not');
    await page.screenshot({ path: `${ARTIFACTS}/expand-training.png` });

    await page.keyboard.press('Escape');
    await page.waitForTimeout(500);
    const restored = await rect(box);
    assert.ok(near(restored.width, before.width, 1) && near(restored.height, before.height, 1) && near(restored.x, before.x, 1) && near(restored.y, before.y, 1), `Escape puts the chart back at its size and place (${JSON.stringify(restored)}, ${JSON.stringify(before)} before)`);
    const canvasBack = await canvasSize(page, 'training');
    assert.ok(near(canvasBack.width, before.width, 2) && near(canvasBack.height, before.height, 2), 'the chart is drawn at its size again');
    assert.equal(await expandButtonFocused(page, 'training'), true, 'the focus returns to the Expand button');
    assert.equal((await button.innerText()).trim(), 'Expand');
    assert.equal(await button.getAttribute('aria-pressed'), 'false');
    assert.equal(await page.evaluate(`document.querySelector('[inert]') === null`), true, 'nothing of the page stays inert');
    assert.equal(await box.getAttribute('data-zoom'), zoom, 'the chart keeps its zoom');

    // From the keyboard: Enter on the focused button expands, the same button restores.
    await page.keyboard.press('Enter');
    await page.waitForTimeout(400);
    assert.equal(await button.getAttribute('aria-expanded'), 'true', 'Enter on the focused Expand button expands the chart');
    await button.click();
    await page.waitForTimeout(400);
    assert.equal(await button.getAttribute('aria-expanded'), 'false', 'Restore puts it back');
    assert.ok(near((await rect(box)).height, before.height, 1));
    assert.equal(await expandButtonFocused(page, 'training'), true);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('expands one chart at a time, and a square contour fills the panel too', async () => {
    const { page, errors } = await openWebview(harness.browser, harness.origin, WIDTH, HEIGHT);
    await hostPost(page, { type: 'results', results: fixture('saddle-race'), final: true, run: { id: 'saddle', name: 'saddle', status: 'completed', startedAt: '2026-01-01T00:00:00Z' } });
    const contour = await chartOf(page, 'contour');
    await chartOf(page, 'race');
    const contourButton = page.locator('section.card[data-chart="contour"] vscode-button[data-view="expand"]');
    const raceButton = page.locator('section.card[data-chart="race"] vscode-button[data-view="expand"]');
    await contourButton.click();
    await page.waitForTimeout(500);
    const expanded = await rect(contour);
    assert.ok(expanded.width >= WIDTH - 40 && expanded.height >= HEIGHT * 0.75, `the contour fills the panel (${expanded.width}×${expanded.height})`);
    const plot = (await contour.getAttribute('data-plot'))?.split(',').map(Number) ?? [];
    assert.ok(near(plot[2], plot[3], 2), `the contour's plot stays square (${plot[2]}×${plot[3]})`);
    // The race's button is behind the expanded card: expanding it (as a script would) puts the contour back first.
    await raceButton.evaluate((element) => (element as unknown as { click(): void }).click());
    await page.waitForTimeout(500);
    assert.equal(await page.locator('section.card.expanded').count(), 1, 'one chart is expanded at a time');
    assert.equal(await page.locator('section.card[data-chart="race"]').evaluate((element) => element.classList.contains('expanded')), true);
    assert.equal(await contourButton.getAttribute('aria-expanded'), 'false');
    await page.keyboard.press('Escape');
    await page.waitForTimeout(300);
    assert.equal(await page.locator('section.card.expanded').count(), 0);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
