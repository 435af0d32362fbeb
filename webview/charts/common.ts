/** Option pieces every chart shares, coloured and sized from the VS Code theme. */
import type { Theme } from './palette';
import { formatNumber } from './format';

// ECharts' option types are very wide; the charts build plain objects and ECharts validates them.
export type Option = Record<string, unknown>;

/** Canvas, no animation (replay and streaming update in place), rich-text tooltips (no inline HTML styles under the CSP). */
export function baseOption(theme: Theme): Option {
  return {
    backgroundColor: 'transparent',
    animation: false,
    color: theme.series,
    textStyle: { fontFamily: theme.fontFamily, fontSize: theme.fontSize, color: theme.foreground },
    tooltip: {
      renderMode: 'richText',
      confine: true,
      backgroundColor: theme.tooltipBackground,
      borderColor: theme.tooltipBorder,
      borderWidth: 1,
      textStyle: { color: theme.foreground, fontFamily: theme.fontFamily, fontSize: theme.fontSize },
    },
  };
}

/** ECharts' kind of step: 1, 2, 3, 5 or 10 times a power of ten, near `span / parts`. */
function niceStep(span: number, parts: number): number {
  const raw = span / parts;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction < 1.5 ? 1 : fraction < 2.5 ? 2 : fraction < 4 ? 3 : fraction < 7 ? 5 : 10) * power;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}

/**
 * The tick labels of an axis over `values` (its data, and any fixed bound): as many digits as
 * ticks of that range need to differ ("6.334 6.336", never "6.33 6.33"), and one format for
 * the whole axis: exponent form for every label when its magnitudes are very large or tiny
 * ("1e-3, 1e-4", never "0.001, 1.00e-4"), plain numbers otherwise. The step is taken finer
 * than ECharts' (a tenth of the span, not a fifth), so a smaller chart's ticks differ too.
 */
export function tickFormatter(values: readonly (number | null | undefined)[], log = false): (value: number) => string {
  const shown = values.filter((value): value is number => typeof value === 'number' && Number.isFinite(value) && (!log || value > 0));
  if (shown.length === 0) return (value) => formatNumber(value, 3);
  // A loop, not Math.min(...shown): an axis may hold more values than a call takes arguments.
  let min = Infinity;
  let max = -Infinity;
  for (const value of shown) {
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  const magnitude = Math.max(Math.abs(min), Math.abs(max));
  const span = max - min || magnitude || 1;
  const step = niceStep(span, 10);
  // Significant digits that tell ticks `step` apart at the axis' largest magnitude.
  const digits = clamp(Math.floor(Math.log10(magnitude || 1)) - Math.floor(Math.log10(step)) + 1, 1, 8);
  const exponent = (value: number, significant: number): string => {
    if (value === 0) return '0';
    const [mantissa, power] = value.toExponential(significant - 1).split('e');
    return `${Number(mantissa)}e${Number(power)}`;
  };
  if (log) {
    // Log ticks are powers of ten (or between them on a narrow range) below and above the data.
    if (min < 1e-3 || max >= 1e5) return (value) => exponent(value, clamp(digits, 1, 4));
    return (value) => String(Number(value.toPrecision(clamp(digits, 3, 8))));
  }
  if (magnitude >= 1e5 || magnitude < 1e-3) return (value) => exponent(value, clamp(digits, 2, 8));
  const decimals = clamp(-Math.floor(Math.log10(step)), 0, 10);
  // Number() drops trailing zeros (and turns -0 into 0).
  return (value) => String(Number(value.toFixed(decimals)) || 0);
}

/** ECharts' "nice" step of a linear axis (its splitNumber is 5): 1, 2, 3, 5 or 10 times a power of ten. */
function echartsStep(span: number): number {
  return niceStep(span, 5);
}

/** The share of the span a padded side of an axis adds: a line at its extreme stays clear of the frame. */
export const RANGE_PADDING = 0.05;

/**
 * Which ends of a data-driven linear axis over [min, max] would sit on the frame: ECharts
 * rounds the range out to its tick step, and where the data already lies on a tick (an
 * accuracy of 1, a loss of 0), the line would run along the plot's edge. `includeZero` is a
 * range ECharts stretches to 0 (an axis without `scale`).
 */
export function framedEnds(values: readonly (number | null | undefined)[], includeZero = false): { low: boolean; high: boolean } {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    min = Math.min(min, value);
    max = Math.max(max, value);
  }
  if (!(min <= max)) return { low: false, high: false };
  const low = includeZero ? Math.min(min, 0) : min;
  const high = includeZero ? Math.max(max, 0) : max;
  const span = high - low;
  if (!(span > 0)) return { low: false, high: false };
  const step = echartsStep(span);
  // Within 2% of the span: a pixel or few from the frame on a panel of usual height.
  const near = (value: number, bound: number): boolean => Math.abs(value - bound) <= span * 0.02;
  return { low: near(min, Math.floor(low / step) * step), high: near(max, Math.ceil(high / step) * step) };
}

/**
 * A value axis in theme colours; `log` for a logarithmic scale. With `values` (the axis' data),
 * its tick labels have the digits its range needs (tickFormatter), and a linear axis whose
 * range the data sets is padded at an end where the data would touch the frame (framedEnds):
 * explicit bounds and log axes are kept as given.
 */
export function valueAxis(theme: Theme, name: string, extra: Option = {}, values?: readonly (number | null | undefined)[]): Option {
  const formatter = values ? tickFormatter(values, extra.type === 'log') : (value: number) => formatNumber(value, 3);
  const padding: Option = {};
  if (values && extra.type !== 'log' && extra.boundaryGap === undefined) {
    const ends = framedEnds(values, extra.scale === false);
    const low = ends.low && extra.min === undefined;
    const high = ends.high && extra.max === undefined;
    if (low || high) padding.boundaryGap = [low ? `${RANGE_PADDING * 100}%` : 0, high ? `${RANGE_PADDING * 100}%` : 0];
  }
  return {
    type: 'value',
    name,
    nameLocation: 'middle',
    nameGap: 28,
    nameTextStyle: { color: theme.mutedForeground, fontSize: theme.fontSize },
    axisLine: { show: true, lineStyle: { color: theme.border } },
    axisTick: { lineStyle: { color: theme.border } },
    axisLabel: { color: theme.mutedForeground, fontSize: theme.fontSize - 1, hideOverlap: true, formatter },
    splitLine: { show: true, lineStyle: { color: theme.gridLine, opacity: 0.5 } },
    scale: true,
    ...padding,
    ...extra,
  };
}

/** The legend's box: ECharts' defaults for a plain legend, and the gap kept between rows and items. */
const LEGEND = { padding: 5, itemWidth: 25, itemHeight: 14, iconGap: 5, itemGap: 10 };
/** Room ECharts' own layout may need beyond the measured widths (subpixel text, rounding). */
const LEGEND_SLACK = 4;

/** What a canvas 2-D context offers to measure text (the charts' modules see no DOM types). */
interface TextMeasurer {
  font: string;
  measureText(text: string): { width: number };
}

let measurer: TextMeasurer | null | undefined;

/**
 * The width of `text` in pixels, in the given font: measured with a canvas as ECharts measures
 * it; where no canvas exists (tests in Node), a generous estimate.
 */
export function textWidth(text: string, fontSize: number, fontFamily: string | undefined): number {
  if (measurer === undefined) {
    const page = (globalThis as { document?: { createElement(tag: 'canvas'): { getContext(kind: '2d'): TextMeasurer | null } } }).document;
    measurer = page ? page.createElement('canvas').getContext('2d') : null;
  }
  if (!measurer) return text.length * fontSize * 0.62;
  measurer.font = `${fontSize}px ${fontFamily || 'sans-serif'}`;
  return measurer.measureText(text).width;
}

/** The text of `name` cut with an ellipsis to fit `width` pixels (the longest prefix that fits). */
function shortened(name: string, width: number, fontSize: number, fontFamily: string | undefined): string {
  let low = 0;
  let high = name.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (textWidth(`${name.slice(0, middle)}…`, fontSize, fontFamily) <= width) low = middle;
    else high = middle - 1;
  }
  return `${name.slice(0, low)}…`;
}

export interface LegendLayout {
  /** ECharts' legend option: one row per line, broken where the names would pass the width. */
  option: Option;
  /** Pixels from the chart's top to the legend's bottom edge: where plots may begin. */
  height: number;
  rows: number;
}

/**
 * A legend at the top that shows every name: the names fill rows as wide as the chart and
 * wrap onto more rows (never pages), and a name longer than a whole row is cut with an
 * ellipsis, its full name in the tooltip over it. The widths are measured in the legend's
 * font, so `height` is the legend's real height and the charts start their plots below it.
 * Without a width (a chart that does not know its size), ECharts wraps the rows itself.
 */
export function legendLayout(theme: Theme, names: string[], width: number | undefined, selected?: Record<string, boolean>, extra: Option = {}): LegendLayout {
  const fontSize = theme.fontSize - 1;
  const rowWidth = width === undefined ? Infinity : Math.max(width - 2 * LEGEND.padding - LEGEND_SLACK, 60);
  const textRoom = rowWidth - LEGEND.itemWidth - LEGEND.iconGap;
  const data: (string | Option)[] = [];
  let rows = names.length > 0 ? 1 : 0;
  let x = 0;
  for (const name of names) {
    let itemWidth = LEGEND.itemWidth + LEGEND.iconGap + textWidth(name, fontSize, theme.fontFamily);
    let item: string | Option = name;
    if (itemWidth > rowWidth) {
      // Cut to the row: ECharts truncates to the width given, the tooltip tells the whole name.
      const cut = shortened(name, textRoom, fontSize, theme.fontFamily);
      itemWidth = LEGEND.itemWidth + LEGEND.iconGap + textWidth(cut, fontSize, theme.fontFamily);
      item = { name, textStyle: { width: Math.floor(textRoom), overflow: 'truncate', ellipsis: '…' }, tooltip: { show: true } };
    }
    if (x > 0 && x + itemWidth > rowWidth) {
      // An empty name is ECharts' line break in a legend.
      data.push('');
      rows++;
      x = 0;
    }
    data.push(item);
    x += itemWidth + LEGEND.itemGap;
  }
  // A row is as tall as its tallest item: a text line, or a marker icon (a scatter's symbol) a little over the icon height.
  const lineHeight = Math.max(LEGEND.itemHeight + 2, Math.ceil(fontSize * 1.25));
  const height = rows === 0 ? 0 : 2 * LEGEND.padding + rows * lineHeight + (rows - 1) * LEGEND.itemGap;
  const option: Option = {
    type: 'plain',
    top: 0,
    data,
    selected: selected ?? {},
    padding: LEGEND.padding,
    itemWidth: LEGEND.itemWidth,
    itemHeight: LEGEND.itemHeight,
    // ECharts keeps this gap between the items of a row and between rows.
    itemGap: LEGEND.itemGap,
    textStyle: { color: theme.foreground, fontSize, fontFamily: theme.fontFamily },
    inactiveColor: theme.mutedForeground,
    tooltip: { show: false },
    ...extra,
  };
  return { option, height, rows };
}

/** A legend at the top (legendLayout), with the user's hidden series restored. */
export function legend(theme: Theme, names: string[], selected: Record<string, boolean> | undefined, extra: Option = {}, width?: number): Option {
  return legendLayout(theme, names, width, selected, extra).option;
}

/**
 * Zoom with the wheel on the given axes, without dropping points outside the window. With x
 * axes only (training curves, overlays, 1-D slices) a drag in the plot selects the x range to
 * zoom to, as in TensorBoard (the card draws the selection; double-click or its Reset zoom
 * button shows the whole range again), so dragging does not pan; with y axes too (contours,
 * stems) a drag pans. The ids keep the user's zoom through a card's updates (streamed results).
 */
export function insideZoom(xAxisIndex: number[], yAxisIndex?: number[]): Option[] {
  if (!yAxisIndex) return [{ type: 'inside', id: SELECT_ZOOM_ID, xAxisIndex, filterMode: 'none', moveOnMouseMove: false }];
  return [
    { type: 'inside', id: 'zoom-x', xAxisIndex, filterMode: 'none' },
    { type: 'inside', id: 'zoom-y', yAxisIndex, filterMode: 'none' },
  ];
}

/** The id of an x-only zoom whose range is chosen by dragging across the plot (insideZoom). */
export const SELECT_ZOOM_ID = 'zoom-x-select';

/** Whether a chart's option zooms its x axes by a dragged selection (the card then draws and applies it). */
export function selectsXRange(option: Option): boolean {
  const zooms = option.dataZoom;
  return Array.isArray(zooms) && zooms.some((zoom) => (zoom as { id?: unknown }).id === SELECT_ZOOM_ID);
}

/** A value usable on a logarithmic axis (positive and finite), or null (a gap). */
export function positiveOrGap(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : null;
}
