/**
 * The 3-D surface's view in headless Chromium (WebGL by SwiftShader), on the engine's fixtures:
 * axis labels whole at the theme's size, each path drawn above the surface with a marker at
 * either end (a path of a few pixels too), the camera presets, and the user's view kept through
 * streamed updates. The page runs the panel's own bundle with ECharts exposed as
 * window.__echarts, so the test reads back what each chart holds (getOption) and what
 * echarts-gl drew its labels from.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as esbuild from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { webviewPlugins } from '../../webview/esbuild-plugins.mjs';
import { ARTIFACTS, chartOf, colourIn, fixture, hostPost, openWebview, webviewHarness, type LoadedPage } from './browser';

const HOOKED_BUNDLE = `${ARTIFACTS}/surface-view.js`;
/** The harness theme's font size (test/webview/stub.js) and the first series colours (dark). */
const FONT_SIZE = 13;
const RED = '#f14c4c';
/** The lift of a path above the surface, as a share of the value axis' span, that the chart promises (PATH_LIFT). */
const LIFT = 0.015;

interface Grid {
  xs: number[];
  ys: number[];
  values: (number | null)[];
}
interface SaddleResults {
  surface: { grid: Grid };
  trajectories: { label: string; points: number[][]; values: number[] }[];
}
interface LandscapeResults {
  landscape: { alphas: number[]; betas: number[]; loss: number[]; trajectory: { alpha: number[]; beta: number[]; loss?: number[] } };
}
interface Series {
  id: string;
  type: string;
  name: string;
  data: number[][];
  symbol?: string;
}
interface View {
  alpha: number;
  beta: number;
  distance: number;
}
interface AxisOption {
  name: string;
  nameGap: number;
  min: number;
  max: number;
  axisLabel: { fontSize: number; lineHeight?: number };
  nameTextStyle: { fontSize: number };
}
interface Drawn {
  series: Series[];
  grid3D: { viewControl: View }[];
  xAxis3D: AxisOption[];
  yAxis3D: AxisOption[];
  zAxis3D: AxisOption[];
}

const chartIn = (id: string): string => `__echarts.getInstanceByDom(document.querySelector('section.card[data-chart="${id}"] .chart'))`;

/** The chart's option as ECharts holds it (functions left out). */
async function drawn(page: Page, id: string): Promise<Drawn> {
  return (await page.evaluate(`JSON.parse(JSON.stringify(${chartIn(id)}.getOption()))`)) as Drawn;
}

/**
 * The cells of echarts-gl's axis-label texture: each label's text, its font size, the cell's
 * height, and whether any of the glyphs' pixels lie on the cell's top or bottom row (a glyph
 * cut off by its cell) and inside it (a glyph drawn at all). The grid's view and its label
 * surface are echarts-gl internals: what the labels on screen are textured from.
 */
async function labelCells(page: Page, id: string): Promise<{ text: string; fontSize: number; height: number; edgeInk: number; ink: number }[]> {
  return (await page.evaluate(`(() => {
    const chart = ${chartIn(id)};
    const view = chart._componentsViews.find((candidate) => candidate && candidate._axisLabelSurface);
    const surface = view._axisLabelSurface;
    const canvas = surface._canvas;
    const { data, width } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
    const alpha = (x, y) => (x >= 0 && y >= 0 && x < canvas.width && y < canvas.height ? data[(y * width + x) * 4 + 3] : 0);
    return surface._zr.storage._roots.map((text) => {
      const rect = text.getBoundingRect();
      const x0 = Math.round(text.x + rect.x * text.scaleX), y0 = Math.round(text.y + rect.y * text.scaleY);
      const x1 = Math.round(x0 + rect.width * text.scaleX), y1 = Math.round(y0 + rect.height * text.scaleY);
      let edgeInk = 0, ink = 0;
      for (let x = x0; x < x1; x++) {
        if (alpha(x, y0) > 40) edgeInk++;
        if (alpha(x, y1 - 1) > 40) edgeInk++;
        for (let y = y0; y < y1; y++) if (alpha(x, y) > 40) ink++;
      }
      return { text: String(text.style.text), fontSize: text.style.fontSize, height: (y1 - y0) / surface._dpr, edgeInk, ink };
    });
  })()`)) as { text: string; fontSize: number; height: number; edgeInk: number; ink: number }[];
}

/**
 * The height of the drawn surface at (x, y), written out from echarts-gl's surface mesh: each
 * grid cell is two flat triangles split along the diagonal from (x_i, y_j) to (x_i+1, y_j+1).
 */
function meshHeight(grid: Grid, x: number, y: number): number | undefined {
  const { xs, ys } = grid;
  const gx = ((x - xs[0]) / (xs[xs.length - 1] - xs[0])) * (xs.length - 1);
  const gy = ((y - ys[0]) / (ys[ys.length - 1] - ys[0])) * (ys.length - 1);
  if (!(gx >= 0 && gx <= xs.length - 1 && gy >= 0 && gy <= ys.length - 1)) return undefined;
  const i = Math.min(Math.floor(gx), xs.length - 2);
  const j = Math.min(Math.floor(gy), ys.length - 2);
  const [u, v] = [gx - i, gy - j];
  const f = (di: number, dj: number): number => grid.values[(j + dj) * xs.length + i + di] ?? NaN;
  // Barycentric weights in the lower-right triangle (0,0), (1,0), (1,1), or the upper-left one (0,0), (1,1), (0,1).
  const height = u >= v ? (1 - u) * f(0, 0) + (u - v) * f(1, 0) + v * f(1, 1) : (1 - v) * f(0, 0) + (v - u) * f(0, 1) + u * f(1, 1);
  return Number.isFinite(height) ? height : undefined;
}

/** Every path of a 3-D chart lies at least `lift` above the drawn surface, at its points and halfway between them; both ends carry a marker in the path's name. */
function assertPathsAbove(option: Drawn, grid: Grid, labels: string[]): void {
  const finite = grid.values.filter((value): value is number => value !== null && Number.isFinite(value));
  const lift = LIFT * (Math.max(...finite) - Math.min(...finite));
  labels.forEach((label, index) => {
    const line = option.series.find((series) => series.id === `path3d-${index}`);
    assert.ok(line, `a 3-D path for ${label}`);
    assert.equal(line.type, 'line3D');
    assert.equal(line.name, label);
    assert.ok(line.data.length >= 2, `${label} is drawn (${line.data.length} points)`);
    const check = (point: number[], where: string): void => {
      const surface = meshHeight(grid, point[0], point[1]);
      if (surface === undefined) return;
      assert.ok(point[2] >= surface + lift * 0.999, `${label} ${where} at (${point[0]}, ${point[1]}): z ${point[2]} is not ${lift} above the surface's ${surface}`);
    };
    line.data.forEach((point, k) => {
      check(point, `point ${k}`);
      const next = line.data[k + 1];
      if (next) check(point.map((value, axis) => (value + next[axis]) / 2), `halfway from point ${k}`);
    });
    for (const [end, point] of [['start', line.data[0]], ['end', line.data[line.data.length - 1]]] as const) {
      const marker = option.series.find((series) => series.id === `path3d-${end}-${index}`);
      assert.ok(marker, `${label} has a marker at its ${end}`);
      assert.equal(marker.type, 'scatter3D');
      assert.equal(marker.name, label, 'the marker answers to the path\'s legend entry');
      assert.deepEqual(marker.data, [point], `the ${end} marker sits on the path's ${end}`);
    }
  });
  const z = option.zAxis3D[0];
  assert.ok(z.min <= Math.min(...finite) && z.max >= Math.max(...finite) + lift, `the value axis ${z.min}…${z.max} holds the surface and the lifted paths`);
}

/** Pixels of a colour in a chart below its legend (whose swatches are drawn in the series' colours), and where they centre in the chart. */
async function colourPixels(page: Page, chartId: string, css: string): Promise<{ count: number; y: number; height: number }> {
  const chart = page.locator(`section.card[data-chart="${chartId}"] .chart`);
  const box = await chart.boundingBox();
  assert.ok(box);
  const legendHeight = 48;
  const clip = { x: box.x, y: box.y + legendHeight, width: box.width, height: box.height - legendHeight };
  const found = await colourIn(page, chart, css, clip);
  return { count: Math.round(found.fraction * clip.width * clip.height), y: found.y + legendHeight, height: box.height };
}

describe('3-D surface view', () => {
  const harness = webviewHarness();
  let hooked: Buffer;
  const saddle = fixture('saddle-race') as SaddleResults;
  const landscape = fixture('landscape') as LandscapeResults;

  before(async () => {
    await esbuild.build({
      stdin: {
        contents: "import './webview/app/main';\nimport { echarts } from './webview/charts/echarts-setup';\nObject.assign(window, { __echarts: echarts });\n",
        resolveDir: process.cwd(),
        sourcefile: 'surface-view-entry.ts',
        loader: 'ts',
      },
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      outfile: HOOKED_BUNDLE,
      minify: true,
      logLevel: 'warning',
      plugins: webviewPlugins,
    });
    hooked = readFileSync(HOOKED_BUNDLE);
  });

  /** The harness page with the bundle that exposes ECharts (served in place of webview.js). */
  async function open(width = 1600, height = 1000): Promise<LoadedPage> {
    const routed = {
      newPage: async (options: Parameters<Browser['newPage']>[0]) => {
        const page = await harness.browser.newPage(options);
        await page.route('**/webview.js', (route) => route.fulfill({ contentType: 'text/javascript', body: hooked }));
        return page;
      },
    } as unknown as Browser;
    return openWebview(routed, harness.origin, width, height);
  }

  async function showLandscape(page: Page, results: unknown): Promise<void> {
    await hostPost(page, { type: 'results', results, final: true, run: { id: 'landscape', name: 'spirals landscape', status: 'completed', startedAt: '2026-01-01T00:00:00Z' } });
    await page.locator('#tabs > vscode-tab-header[data-page="landscape"]').click();
    await chartOf(page, 'landscape3d');
    await page.waitForTimeout(800);
  }

  it('labels the axes at the theme\'s size, each label whole in its texture cell, the value axis named whole', async () => {
    const { page, errors } = await open();
    await hostPost(page, { type: 'results', results: saddle, final: true, run: { id: 'saddle', name: 'saddle race', status: 'completed', startedAt: '2026-01-01T00:00:00Z' } });
    await chartOf(page, 'surface3d');
    await page.waitForTimeout(800);
    const option = await drawn(page, 'surface3d');
    for (const axis of [option.xAxis3D[0], option.yAxis3D[0], option.zAxis3D[0]]) {
      assert.ok(axis.axisLabel.fontSize >= FONT_SIZE - 1, `${axis.name}'s tick labels at ${axis.axisLabel.fontSize}px, not the theme's ${FONT_SIZE}px`);
      assert.ok(axis.nameTextStyle.fontSize >= FONT_SIZE - 1, `${axis.name}'s name at ${axis.nameTextStyle.fontSize}px`);
      assert.ok(axis.nameGap > 0);
    }
    assert.equal(option.zAxis3D[0].name, 'f');
    const cells = await labelCells(page, 'surface3d');
    assert.ok(cells.length >= 12, `${cells.length} labels drawn`);
    for (const cell of cells.filter((entry) => entry.text.trim() !== '')) {
      assert.ok(cell.height >= cell.fontSize, `the label "${cell.text}" is drawn in a cell ${cell.height}px tall for a ${cell.fontSize}px font: its glyphs are cut`);
      assert.ok(cell.ink > 0, `the label "${cell.text}" is drawn`);
      assert.equal(cell.edgeInk, 0, `the glyphs of "${cell.text}" run off their cell's top or bottom (they read cut, as if mirrored)`);
    }
    assert.deepEqual(cells.map((cell) => cell.text).filter((text) => /[a-z]/i.test(text)), ['x', 'y', 'f']);
    assert.deepEqual(errors, []);

    await showLandscape(page, landscape);
    const lossCells = await labelCells(page, 'landscape3d');
    const loss = lossCells.find((cell) => cell.text === 'loss');
    assert.ok(loss, 'the value axis is named "loss"');
    assert.ok(loss.height >= loss.fontSize && loss.edgeInk === 0 && loss.ink > 0, `"loss" is drawn whole: ${JSON.stringify(loss)}`);
    assert.equal((await drawn(page, 'landscape3d')).zAxis3D[0].name, 'loss');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('draws every optimizer\'s path above the surface, with a marker at its start and its end', async () => {
    const { page, errors } = await open();
    await hostPost(page, { type: 'results', results: saddle, final: true, run: { id: 'saddle', name: 'saddle race', status: 'completed', startedAt: '2026-01-01T00:00:00Z' } });
    await chartOf(page, 'surface3d');
    assertPathsAbove(await drawn(page, 'surface3d'), saddle.surface.grid, saddle.trajectories.map((trajectory) => trajectory.label));
    const tooltip = await page.evaluate(`${chartIn('surface3d')}.getOption().series.find((series) => series.id === 'path3d-end-0').tooltip.formatter({ dataIndex: 0 })`);
    assert.match(String(tooltip), new RegExp(`^${saddle.trajectories[0].label}, step \\d+: .*\\nend of the path: length [\\d.]+, spans [\\d.]+% of the plane$`));
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('draws the projected training path above the network\'s landscape, in its colour where the surface is', async () => {
    const { page, errors } = await open();
    await showLandscape(page, landscape);
    const grid = { xs: landscape.landscape.alphas, ys: landscape.landscape.betas, values: landscape.landscape.loss };
    assertPathsAbove(await drawn(page, 'landscape3d'), grid, ['training path (projected)']);
    // The path lies over the middle of the plane: its colour is drawn there, not hidden by the surface.
    const red = await colourPixels(page, 'landscape3d', RED);
    assert.ok(red.count > 400, `${red.count} pixels of the path's colour`);
    assert.ok(red.y > red.height * 0.35 && red.y < red.height * 0.9, `the path's pixels centre at y ${red.y} of ${red.height}`);
    await page.screenshot({ path: `${ARTIFACTS}/landscape3d-path.png` });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('marks both ends of a path a few pixels long and says its length under the chart', async () => {
    // The spirals run's path shrunk to a hundredth about its end: as a path on a random plane
    // around the trained weights looks (a speck of two pixels).
    const speck = structuredClone(landscape);
    const { alpha, beta } = speck.landscape.trajectory;
    const [endAlpha, endBeta] = [alpha[alpha.length - 1], beta[beta.length - 1]];
    speck.landscape.trajectory.alpha = alpha.map((value) => endAlpha + (value - endAlpha) / 100);
    speck.landscape.trajectory.beta = beta.map((value) => endBeta + (value - endBeta) / 100);
    const { page, errors } = await open();
    await showLandscape(page, speck);
    const option = await drawn(page, 'landscape3d');
    assert.equal(option.series.filter((series) => series.id.startsWith('path3d-start-') || series.id.startsWith('path3d-end-')).length, 2);
    await page.locator('section.card[data-chart="landscape3d"] .chart').screenshot({ path: `${ARTIFACTS}/landscape3d-speck.png` });
    // Two markers of 11–12 pixels (about 90 pixels of the path's colour between their borders), where the bare path drew about 50.
    const { count } = await colourPixels(page, 'landscape3d', RED);
    assert.ok(count >= 75, `the speck shows ${count} pixels of its colour: its end markers are missing`);
    const readout = await page.locator('section.card[data-chart="landscape3d"] .readout').textContent();
    assert.match(readout ?? '', /^training path \(projected\): length 0\.0\d+, spans 0\.\d+% of the plane · drag to rotate/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('moves the camera to the top, front and side presets and back, each drawing another picture', async () => {
    const { page, errors } = await open();
    await hostPost(page, { type: 'results', results: saddle, final: true, run: { id: 'saddle', name: 'saddle race', status: 'completed', startedAt: '2026-01-01T00:00:00Z' } });
    const chart = await chartOf(page, 'surface3d');
    await page.waitForTimeout(500);
    const initial = (await drawn(page, 'surface3d')).grid3D[0].viewControl;
    const pictures = new Map<string, string>([['initial', (await chart.screenshot()).toString('base64')]]);
    const expected: Record<string, Partial<View>> = { top: { alpha: 90, beta: 0 }, front: { alpha: 0, beta: 0 }, side: { alpha: 0, beta: 90 }, reset: { alpha: initial.alpha, beta: initial.beta, distance: initial.distance } };
    for (const [key, view] of Object.entries(expected)) {
      await page.locator(`section.card[data-chart="surface3d"] vscode-button[data-command="${key}"]`).click();
      await page.waitForTimeout(600);
      const control = (await drawn(page, 'surface3d')).grid3D[0].viewControl;
      for (const [angle, value] of Object.entries(view)) assert.equal(control[angle as keyof View], value, `${key}: ${angle}`);
      pictures.set(key, (await chart.screenshot({ path: `${ARTIFACTS}/surface3d-${key}.png` })).toString('base64'));
    }
    assert.equal(new Set([pictures.get('initial'), pictures.get('top'), pictures.get('front'), pictures.get('side')]).size, 4, 'each preset shows the surface from elsewhere');
    assert.equal(pictures.get('reset'), pictures.get('initial'), 'Reset shows the first view again');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('keeps the user\'s rotation and a preset through streamed updates of the run', async () => {
    const { page, errors } = await open(1000, 1000);
    const run = { id: 'stream', name: 'saddle race', status: 'running', startedAt: '2026-01-01T00:00:00Z' };
    await hostPost(page, { type: 'results', results: { ...saddle, trajectories: saddle.trajectories.slice(0, 2) }, final: false, run });
    const chart = await chartOf(page, 'surface3d');
    const box = await chart.boundingBox();
    assert.ok(box);
    const initial = (await drawn(page, 'surface3d')).grid3D[0].viewControl;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.6);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.45, { steps: 12 });
    await page.mouse.up();
    // The camera eases to a stop after the drag.
    await page.waitForTimeout(1500);
    const rotated = (await drawn(page, 'surface3d')).grid3D[0].viewControl;
    assert.ok(Math.abs(rotated.beta - initial.beta) > 5 || Math.abs(rotated.alpha - initial.alpha) > 5, `the drag rotates the camera (${JSON.stringify(rotated)})`);
    await hostPost(page, { type: 'results', results: { ...saddle, trajectories: saddle.trajectories.slice(0, 4) }, final: false, run });
    const kept = (await drawn(page, 'surface3d')).grid3D[0].viewControl;
    assert.ok(Math.abs(kept.alpha - rotated.alpha) < 0.5 && Math.abs(kept.beta - rotated.beta) < 0.5, `a streamed update keeps the rotation: ${JSON.stringify(kept)} after ${JSON.stringify(rotated)}`);
    assert.equal((await drawn(page, 'surface3d')).series.filter((series) => series.type === 'line3D').length, 4, 'the update drew the new paths');
    await page.locator('section.card[data-chart="surface3d"] vscode-button[data-command="top"]').click();
    await page.waitForTimeout(400);
    await hostPost(page, { type: 'results', results: saddle, final: true, run: { ...run, status: 'completed' } });
    const top = (await drawn(page, 'surface3d')).grid3D[0].viewControl;
    assert.deepEqual([top.alpha, top.beta], [90, 0], 'the last update keeps the top view');
    assert.deepEqual(errors, []);
    await page.close();
  });
});
