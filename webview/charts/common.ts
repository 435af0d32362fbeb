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

/**
 * A value axis in theme colours; `log` for a logarithmic scale. With `values` (the axis' data),
 * its tick labels have the digits its range needs (tickFormatter).
 */
export function valueAxis(theme: Theme, name: string, extra: Option = {}, values?: readonly (number | null | undefined)[]): Option {
  const formatter = values ? tickFormatter(values, extra.type === 'log') : (value: number) => formatNumber(value, 3);
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
    ...extra,
  };
}

/** A scrollable legend at the top, with the user's hidden series restored. */
export function legend(theme: Theme, names: string[], selected: Record<string, boolean> | undefined, extra: Option = {}): Option {
  return {
    type: 'scroll',
    top: 0,
    data: names,
    selected: selected ?? {},
    textStyle: { color: theme.foreground, fontSize: theme.fontSize - 1 },
    inactiveColor: theme.mutedForeground,
    pageTextStyle: { color: theme.foreground },
    pageIconColor: theme.foreground,
    pageIconInactiveColor: theme.mutedForeground,
    itemGap: 12,
    ...extra,
  };
}

/**
 * Zoom with the wheel and pan by dragging, on the given axes, without dropping points outside
 * the window. The ids keep the user's zoom through a card's updates (streamed results).
 */
export function insideZoom(xAxisIndex: number[], yAxisIndex?: number[]): Option[] {
  const zooms: Option[] = [{ type: 'inside', id: 'zoom-x', xAxisIndex, filterMode: 'none' }];
  if (yAxisIndex) zooms.push({ type: 'inside', id: 'zoom-y', yAxisIndex, filterMode: 'none' });
  return zooms;
}

/** A value usable on a logarithmic axis (positive and finite), or null (a gap). */
export function positiveOrGap(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : null;
}
