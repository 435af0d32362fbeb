/** Option pieces every chart shares, coloured and sized from the VS Code theme. */
import type { Theme } from '../palette';
import { formatNumber } from '../format';

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

/** A value axis in theme colours; `log` for a logarithmic scale. */
export function valueAxis(theme: Theme, name: string, extra: Option = {}): Option {
  return {
    type: 'value',
    name,
    nameLocation: 'middle',
    nameGap: 28,
    nameTextStyle: { color: theme.mutedForeground, fontSize: theme.fontSize },
    axisLine: { show: true, lineStyle: { color: theme.border } },
    axisTick: { lineStyle: { color: theme.border } },
    axisLabel: { color: theme.mutedForeground, fontSize: theme.fontSize - 1, hideOverlap: true, formatter: (value: number) => formatNumber(value, 3) },
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

/** Zoom with the wheel and pan by dragging, on the given axes, without dropping points outside the window. */
export function insideZoom(xAxisIndex: number[], yAxisIndex?: number[]): Option[] {
  const zooms: Option[] = [{ type: 'inside', xAxisIndex, filterMode: 'none' }];
  if (yAxisIndex) zooms.push({ type: 'inside', yAxisIndex, filterMode: 'none' });
  return zooms;
}

/** A value usable on a logarithmic axis (positive and finite), or null (a gap). */
export function positiveOrGap(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : null;
}
