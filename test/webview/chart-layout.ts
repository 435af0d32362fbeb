/**
 * Draws chart options with ECharts in headless Chromium, outside the panel, at any size, and
 * reads back where ECharts put things: the legend (its box, each item's box, whether it pages),
 * the grids, the titles, and the labels and markers of named series. The chart modules are
 * bundled with a small entry that builds each chart from fixture results in the page.
 */
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { webviewPlugins } from '../../webview/esbuild-plugins.mjs';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Layout {
  width: number;
  height: number;
  /** ECharts' legend component type ('legend.plain', 'legend.scroll'), and whether a paging controller is drawn. */
  legendType: string;
  paged: boolean;
  legend: Rect;
  items: { name: string; rect: Rect; truncated: boolean; tooltip: boolean }[];
  grids: Rect[];
  titles: { text: string; rect: Rect }[];
  /** With a pointer position: the texts drawn on the chart once the pointer is there and not before (a tooltip's). */
  hoverTexts?: string[];
  /** Each y axis' range as drawn: [min, max]. */
  yExtents: number[][];
  /** Each series' id with, per data item, its marker's box and its label's box when shown. */
  series: { id: string; items: { marker?: Rect; label?: Rect; labelText?: string }[] }[];
}

/** The entry bundled for the page: the charts and a function that draws one and measures it. */
const ENTRY = `
import { echarts } from './webview/charts/echarts-setup';
import { trainingOption } from './webview/charts/training';
import { raceCurvesOption } from './webview/charts/race-curves';
import { contourOption } from './webview/charts/contour';
import { landscape1dOption } from './webview/charts/landscape';
import { spectrumHistoryOption, slicesOption, layersOption } from './webview/charts/hessian';
import { overlayOption } from './webview/compare/overlay-chart';
import { trainingOf, hessianOf, landscapeOf } from './webview/charts/sections';
import { surfaceField } from './webview/pages/surface';
import { paddedRange } from './webview/pages/common';

const builders = {
  training: (results, theme, size) => trainingOption(trainingOf(results), theme, size.width < 600, size),
  race: (results, theme, size) => raceCurvesOption(results.trajectories, Number.MAX_SAFE_INTEGER, theme, undefined, paddedRange(surfaceField(results.surface.grid).values), size),
  contour: (results, theme, size) => contourOption({ field: surfaceField(results.surface.grid), xName: 'x', yName: 'y', logLevels: false, levelCount: 24, overlays: results.trajectories.map((t) => ({ label: t.label, points: t.points, values: t.values, status: t.status, diverged: t.status.startsWith('diverged') })), criticalPoints: results.criticalPoints, step: Number.MAX_SAFE_INTEGER, narrow: size.width < 600, size }, theme),
  'landscape-1d': (results, theme, size) => landscape1dOption(landscapeOf(results), theme, undefined, false, size.width),
  'spectrum-history': (results, theme, size) => spectrumHistoryOption(hessianOf(results).history, theme, undefined, size.width),
  slices: (results, theme, size) => slicesOption(hessianOf(results).slices, 'step', theme, undefined, size.width),
  layers: (results, theme, size) => layersOption(hessianOf(results).layers, theme, undefined, size.width),
  overlay: (results, theme, size) => overlayOption({ lines: results.lines, xName: 'epoch', yName: 'loss', log: false, smoothing: 0, width: size.width }, theme),
};

const rectOf = (element) => {
  const rect = element.getBoundingRect().clone();
  rect.applyTransform(element.getComputedTransform());
  return { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
};

window.__layout = (kind, results, theme, width, height, hover) => {
  const box = document.createElement('div');
  box.style.cssText = 'width:' + width + 'px;height:' + height + 'px';
  document.body.replaceChildren(box);
  const chart = echarts.init(box, undefined, { renderer: 'canvas' });
  chart.setOption(builders[kind](results, theme, { width, height }));
  chart.getZr().flush();
  const model = chart.getModel();
  const legendModel = model.getComponent('legend', 0);
  const legendView = chart.getViewOfComponentModel(legendModel);
  const controller = legendView._controllerGroup;
  const items = [];
  legendView.getContentGroup().eachChild((item) => {
    const text = item.childAt(1);
    if (!text || !text.style) return;
    const hit = item.childAt(item.childCount() - 1);
    items.push({ name: text.style.text, rect: rectOf(item), truncated: text.style.overflow === 'truncate', tooltip: Boolean(hit && hit.__tooltipConfig) || Boolean(hit && hit.tooltip) || legendItemTooltip(legendModel, text.style.text) });
  });
  const grids = [];
  for (let index = 0; model.getComponent('grid', index); index++) {
    const rect = model.getComponent('grid', index).coordinateSystem.getRect();
    grids.push({ x: rect.x, y: rect.y, width: rect.width, height: rect.height });
  }
  const titles = [];
  for (let index = 0; model.getComponent('title', index); index++) {
    const titleModel = model.getComponent('title', index);
    const view = chart.getViewOfComponentModel(titleModel);
    if (titleModel.get('text')) titles.push({ text: titleModel.get('text'), rect: rectOf(view.group) });
  }
  const series = [];
  model.eachSeries((seriesModel) => {
    const data = seriesModel.getData();
    const entries = [];
    for (let index = 0; index < data.count(); index++) {
      const element = data.getItemGraphicEl(index);
      if (!element) { entries.push({}); continue; }
      // A symbol is a group: its label hangs on the drawn path inside it.
      let text = element.getTextContent && element.getTextContent();
      if (!text && element.childAt && element.childAt(0) && element.childAt(0).getTextContent) text = element.childAt(0).getTextContent();
      const entry = { marker: rectOf(element) };
      if (text && !text.ignore && !text.invisible && text.style && text.style.text) {
        entry.label = rectOf(text);
        entry.labelText = text.style.text;
      }
      entries.push(entry);
    }
    series.push({ id: seriesModel.id, items: entries });
  });
  const yExtents = [];
  for (let index = 0; model.getComponent('yAxis', index); index++) yExtents.push(model.getComponent('yAxis', index).axis.scale.getExtent());
  const layout = { width, height, yExtents, legendType: legendModel.type, paged: Boolean(controller && controller.childCount() > 0 && !controller.ignore && controller.children().some((child) => !child.ignore && !child.invisible)), legend: rectOf(legendView.group), items, grids, titles, series };
  if (hover) {
    // The pointer over a point: the texts drawn only once it is there (rich-text tooltips are drawn on the chart).
    const shown = () => chart.getZr().storage.getDisplayList(true).filter((element) => element.style && typeof element.style.text === 'string' && !element.ignore && !element.invisible).map((element) => element.style.text);
    const before = shown();
    chart.getZr().handler.dispatch('mousemove', { zrX: hover[0], zrY: hover[1], offsetX: hover[0], offsetY: hover[1], target: null, preventDefault() {}, stopPropagation() {} });
    chart.getZr().flush();
    const texts = shown();
    for (const text of before) texts.splice(texts.indexOf(text), texts.indexOf(text) >= 0 ? 1 : 0);
    layout.hoverTexts = texts;
  }
  chart.dispose();
  return layout;
};

function legendItemTooltip(legendModel, name) {
  const item = (legendModel.option.data || []).find((entry) => entry && typeof entry === 'object' && entry.name === name);
  return Boolean(item && item.tooltip && item.tooltip.show);
}
`;

let bundle: string | undefined;

/** The page's script: the chart modules and __layout, built once per test process. */
async function layoutBundle(): Promise<string> {
  if (bundle !== undefined) return bundle;
  const built = await esbuild.build({ stdin: { contents: ENTRY, resolveDir: process.cwd(), loader: 'ts' }, bundle: true, platform: 'browser', format: 'iife', target: 'es2022', write: false, logLevel: 'warning', plugins: webviewPlugins });
  bundle = built.outputFiles[0].text;
  return bundle;
}

/** A blank page with the chart bundle loaded (no CSP: the panel's own pages test that). */
export async function layoutPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1700, height: 1200 } });
  await page.setContent('<!doctype html><html><body style="margin:0"></body></html>');
  await page.addScriptTag({ content: await layoutBundle() });
  return page;
}

/** The theme of the panel in VS Code's dark theme, as webview/app/theme.ts reads it. */
export const darkTheme = {
  kind: 'dark',
  background: '#1e1e1e',
  foreground: '#cccccc',
  mutedForeground: '#9d9d9d',
  border: '#454545',
  gridLine: '#333333',
  tooltipBackground: '#252526',
  tooltipBorder: '#454545',
  fontFamily: 'system-ui, sans-serif',
  fontSize: 13,
  series: ['#3794ff', '#f14c4c', '#cca700', '#89d185', '#b180d7', '#d18616'],
  ramp: ['#0d0887', '#7e03a8', '#cc4778', '#f89540', '#f0f921'],
  critical: { minimum: '#89d185', saddle: '#cca700', maximum: '#f14c4c', degenerate: '#b180d7' },
  plateau: 'rgba(204, 167, 0, 0.16)',
  event: '#d18616',
};

/** Draws chart `kind` from `results` at a size and returns what ECharts laid out. */
export async function chartLayout(page: Page, kind: string, results: unknown, width: number, height: number, theme: unknown = darkTheme, hover?: [number, number]): Promise<Layout> {
  // A string: the root project's types have no DOM.
  return page.evaluate(`window.__layout(${[kind, results, theme, width, height, hover ?? null].map((value) => JSON.stringify(value)).join(', ')})`) as Promise<Layout>;
}

export function fixtureResults(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`test/fixtures/results-${name}.json`, 'utf8')) as Record<string, unknown>;
}

export function intersects(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

export function insideRect(inner: Rect, outer: Rect, tolerance = 0.5): boolean {
  return inner.x >= outer.x - tolerance && inner.y >= outer.y - tolerance && inner.x + inner.width <= outer.x + outer.width + tolerance && inner.y + inner.height <= outer.y + outer.height + tolerance;
}
