/**
 * The check both browser suites run after each change of what the panel shows (the webview
 * suite in headless Chromium on fixtures, the end-to-end suite inside code-server's webview
 * frames): it fails on any "could not be drawn" message, on an error the page logged or threw,
 * and on a chart that should hold data but paints none. Every tab is shown in turn, and for
 * every chart of it:
 * - the ECharts instance holds data points (the card writes them on its box as data-points,
 *   read back from the instance after each draw), and
 * - each plot area (data-plot: a grid's rectangle, or the whole box) has coloured pixels in
 *   the chart's canvases (a screenshot for WebGL ones): series draw in saturated colours, while
 *   the background, axes, grid lines, labels and plateau shading are grey or faint.
 * The tab shown before is shown again at the end.
 */
import type { Frame, Locator, Page } from 'playwright-core';

/** A pixel counts as drawn data when its channels differ by at least this much (a saturated colour). */
const MIN_CHROMA = 60;
/** Coloured pixels a plot area needs: a few points' markers, or a line a few pixels long. */
const MIN_INK_PIXELS = 20;

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Survey {
  drawErrors: string[];
  headers: { page: string; title: string; active: boolean }[];
  cards: { id: string; page: string; visible: boolean; width: number; points: number; plot: string }[];
}

// Runs in the page (a string: the webview's CSP forbids eval, and the end-to-end suite has no
// DOM types). Leaf elements only, so a message is named once.
const surveyScript = `(() => {
  const drawErrors = Array.from(document.querySelectorAll('body *'))
    .filter((element) => element.children.length === 0 && /could not be drawn/i.test(element.textContent || ''))
    .map((element) => (element.textContent || '').trim());
  const headers = Array.from(document.querySelectorAll('#tabs > vscode-tab-header')).map((header) => ({
    page: header.dataset.page || '', title: (header.textContent || '').trim(), active: header.hasAttribute('active'),
  }));
  const cards = Array.from(document.querySelectorAll('section.card[data-chart]')).map((card) => {
    const box = card.querySelector('.chart');
    const rect = box ? box.getBoundingClientRect() : { width: 0, height: 0 };
    const panel = card.closest('vscode-tab-panel');
    const visible = Boolean(box) && rect.width > 0 && rect.height > 0 && (typeof box.checkVisibility !== 'function' || box.checkVisibility({ checkVisibilityCSS: true }));
    return {
      id: card.dataset.chart || '', page: panel ? panel.dataset.page || '' : '', visible, width: rect.width,
      points: box && box.dataset.points !== undefined ? Number(box.dataset.points) : NaN, plot: box ? box.dataset.plot || '' : '',
    };
  });
  return { drawErrors, headers, cards };
})()`;

/** Counts the saturated pixels inside each rectangle of an RGBA buffer (a string: runs in the page). */
const countInkSource = `(data, width, height, rects) => rects.map((rect) => {
  let count = 0;
  const x0 = Math.max(0, Math.floor(rect.x)), x1 = Math.min(width, Math.ceil(rect.x + rect.width));
  const y0 = Math.max(0, Math.floor(rect.y)), y1 = Math.min(height, Math.ceil(rect.y + rect.height));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const offset = (y * width + x) * 4;
      const r = data[offset], g = data[offset + 1], b = data[offset + 2];
      if (data[offset + 3] > 0 && Math.max(r, g, b) - Math.min(r, g, b) >= ${MIN_CHROMA}) count++;
    }
  }
  return count;
})`;

// The chart's 2-D canvases composed in the page (rectangles in CSS pixels of the box); null
// when a canvas is WebGL (3-D), whose pixels only a screenshot shows.
const canvasInkScript = (chartId: string, rects: Rect[]): string => `(() => {
  const box = document.querySelector('section.card[data-chart="${chartId}"] .chart');
  const canvases = Array.from(box.querySelectorAll('canvas'));
  if (canvases.length === 0 || canvases.some((canvas) => !canvas.getContext('2d'))) return null;
  const boxRect = box.getBoundingClientRect();
  const scale = canvases[0].width / Math.max(1, canvases[0].getBoundingClientRect().width);
  const copy = document.createElement('canvas');
  copy.width = Math.round(boxRect.width * scale);
  copy.height = Math.round(boxRect.height * scale);
  const context = copy.getContext('2d');
  // The canvases are transparent: composed over the page's background, as they are seen (a
  // faint shading is then faint, not its full colour).
  context.fillStyle = getComputedStyle(document.body).backgroundColor;
  context.fillRect(0, 0, copy.width, copy.height);
  for (const canvas of canvases) {
    const rect = canvas.getBoundingClientRect();
    context.drawImage(canvas, (rect.left - boxRect.left) * scale, (rect.top - boxRect.top) * scale, rect.width * scale, rect.height * scale);
  }
  const { data } = context.getImageData(0, 0, copy.width, copy.height);
  const rects = ${JSON.stringify(rects)}.map((rect) => ({ x: rect.x * scale, y: rect.y * scale, width: rect.width * scale, height: rect.height * scale }));
  return (${countInkSource})(data, copy.width, copy.height, rects);
})()`;

// A PNG screenshot decoded in the page (img-src data: is allowed by the panel's CSP); the
// rectangles in the screenshot's pixels.
const screenshotInkScript = (base64: string, rects: Rect[]): string => `(async () => {
  const image = new Image();
  image.src = 'data:image/png;base64,${base64}';
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const { data } = context.getImageData(0, 0, image.width, image.height);
  return (${countInkSource})(data, image.width, image.height, ${JSON.stringify(rects)});
})()`;

function parsePlot(plot: string, fallback: Rect): Rect[] {
  const rects = plot
    .split(';')
    .filter((entry) => entry.trim() !== '')
    .map((entry) => {
      const [x, y, width, height] = entry.split(',').map(Number);
      return { x, y, width, height };
    })
    .filter((rect) => [rect.x, rect.y, rect.width, rect.height].every(Number.isFinite) && rect.width > 0 && rect.height > 0);
  return rects.length > 0 ? rects : [fallback];
}

export interface ChartCheckOptions {
  /** What happened just before, named in the failure message ("after run B"). */
  when?: string;
  /** Saves each chart's screenshot as `${screenshots}-<tab>-<chart>.png` (a path prefix). */
  screenshots?: string;
}

/** How long a newly shown tab's charts take to lay out (ResizeObserver, then one frame). */
const TAB_SETTLE_MS = 350;

/** The problems of every chart of every tab, as sentences (empty when all draw). */
export async function chartProblems(target: Page | Frame, errors: readonly string[], options: ChartCheckOptions = {}): Promise<string[]> {
  const problems: string[] = [];
  const first = (await target.evaluate(surveyScript)) as Survey;
  const headers = first.headers.length > 0 ? first.headers : [{ page: '', title: '', active: true }];
  const active = headers.find((header) => header.active)?.page;
  for (const header of headers) {
    const tab = target.locator(`#tabs > vscode-tab-header[data-page="${header.page}"]`);
    if (header.page && (await tab.getAttribute('active')) === null) {
      await tab.click();
      await target.waitForTimeout(TAB_SETTLE_MS);
    }
    const survey = (await target.evaluate(surveyScript)) as Survey;
    for (const message of survey.drawErrors) {
      const problem = `"${message}"`;
      if (!problems.includes(problem)) problems.push(problem);
    }
    for (const card of survey.cards.filter((entry) => !header.page || entry.page === header.page)) {
      const name = `${header.title ? `${header.title} tab, ` : ''}chart "${card.id}"`;
      if (!card.visible) {
        problems.push(`${name} is not visible on its tab`);
        continue;
      }
      if (!(card.points > 0)) {
        problems.push(`${name} holds no data points (data-points ${card.points})`);
        continue;
      }
      const box: Locator = target.locator(`section.card[data-chart="${card.id}"] .chart`);
      const rects = parsePlot(card.plot, { x: 0, y: 0, width: card.width, height: Number.MAX_SAFE_INTEGER });
      let ink = (await target.evaluate(canvasInkScript(card.id, rects))) as number[] | null;
      const file = options.screenshots ? `${options.screenshots}-${header.page || 'page'}-${card.id}.png` : undefined;
      if (ink === null || file) {
        const png = await box.screenshot(file ? { path: file } : {});
        // Screenshot pixels per CSS pixel (the device pixel ratio).
        const scale = png.readUInt32BE(16) / card.width;
        const scaled = rects.map((rect) => ({ x: rect.x * scale, y: rect.y * scale, width: rect.width * scale, height: rect.height * scale }));
        ink ??= (await target.evaluate(screenshotInkScript(png.toString('base64'), scaled))) as number[];
      }
      ink.forEach((pixels, index) => {
        if (pixels < MIN_INK_PIXELS) problems.push(`${name} paints no data in plot area ${index + 1} of ${ink.length} (${pixels} coloured pixels; it holds ${card.points} points)`);
      });
    }
  }
  if (active && headers.length > 1) {
    const tab = target.locator(`#tabs > vscode-tab-header[data-page="${active}"]`);
    if ((await tab.getAttribute('active')) === null) {
      await tab.click();
      await target.waitForTimeout(TAB_SETTLE_MS);
    }
  }
  // Read last: the browser reports console messages a moment after they are logged.
  problems.unshift(...errors.map((error) => `the page logged an error: ${error.split('\n')[0]}`));
  return problems.map((problem) => (options.when ? `${options.when}: ${problem}` : problem));
}

/** Throws, naming every problem, unless every chart of every tab draws its data and the page logged no error. */
export async function assertChartsDrawn(target: Page | Frame, errors: readonly string[], options: ChartCheckOptions = {}): Promise<void> {
  const problems = await chartProblems(target, errors, options);
  if (problems.length > 0) throw new Error(`charts not drawn correctly:\n  ${problems.join('\n  ')}`);
}
