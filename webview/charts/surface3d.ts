/**
 * The 3-D surface (echarts-gl) with the trajectories drawn on it at their objective values,
 * rotatable and zoomable with the mouse (slides 1 and 9 of the seed).
 */
import type { Theme } from './palette';
import type { CriticalPointKind, CriticalPointResult } from './result-types';
import { formatNumber } from './format';
import { baseOption, legend, type Option } from './common';
import { fieldRange, type Field } from './field';
import { visiblePoints, type Overlay } from './contour';

export interface SurfaceInput {
  field: Field;
  xName: string;
  yName: string;
  zName: string;
  overlays: Overlay[];
  step: number;
  /** Critical points, marked on the surface by kind. */
  criticalPoints?: CriticalPointResult[];
  legendSelected?: Record<string, boolean>;
}

/** The option of the 3-D surface plot. */
export function surfaceOption(input: SurfaceInput, theme: Theme): Option {
  const { xs, ys, values } = input.field;
  const range = fieldRange(values);
  const data: number[][] = [];
  for (let j = 0; j < ys.length; j++) for (let i = 0; i < xs.length; i++) data.push([xs[i], ys[j], values[j * xs.length + i]]);
  const axis = (name: string, extra: Option = {}): Option => ({
    type: 'value',
    name,
    nameTextStyle: { color: theme.foreground, fontSize: theme.fontSize },
    axisLine: { lineStyle: { color: theme.mutedForeground } },
    axisLabel: { textStyle: { color: theme.mutedForeground, fontSize: theme.fontSize - 2 }, formatter: (value: number) => formatNumber(value, 3) },
    splitLine: { lineStyle: { color: theme.gridLine, opacity: 0.6 } },
    axisPointer: { lineStyle: { color: theme.foreground } },
    ...extra,
  });
  const lift = (range.max - range.min) * 0.01;
  const lines = input.overlays.map((overlay, index) => {
    const colour = theme.series[index % theme.series.length];
    const shown = visiblePoints(overlay, input.step, input.field).filter((point) => point[0] >= xs[0] && point[0] <= xs[xs.length - 1] && point[1] >= ys[0] && point[1] <= ys[ys.length - 1]);
    return {
      type: 'line3D',
      id: `path3d-${index}`,
      name: overlay.label,
      data: shown.map((point, step) => [point[0], point[1], Math.min(Math.max((overlay.values?.[step] ?? range.min) + lift, range.min), range.max)]),
      lineStyle: { width: 4, color: colour, opacity: 1 },
    };
  });
  const kinds: CriticalPointKind[] = [...new Set((input.criticalPoints ?? []).map((point) => point.kind))];
  const critical = kinds.map((kind) => ({
    type: 'scatter3D',
    id: `critical3d-${kind}`,
    name: kind,
    symbol: kind === 'saddle' ? 'diamond' : kind === 'maximum' ? 'triangle' : 'circle',
    symbolSize: 12,
    itemStyle: { color: theme.critical[kind], borderColor: theme.background, borderWidth: 1 },
    data: (input.criticalPoints ?? []).filter((point) => point.kind === kind).map((point) => [point.point[0], point.point[1], point.value + lift]),
  }));
  return {
    ...baseOption(theme),
    legend: legend(theme, [...input.overlays.map((overlay) => overlay.label), ...kinds], input.legendSelected),
    tooltip: {},
    visualMap: {
      show: false,
      seriesIndex: 0,
      dimension: 2,
      min: range.min,
      max: range.max > range.min ? range.max : range.min + 1,
      inRange: { color: theme.ramp },
    },
    xAxis3D: axis(input.xName, { min: xs[0], max: xs[xs.length - 1] }),
    yAxis3D: axis(input.yName, { min: ys[0], max: ys[ys.length - 1] }),
    zAxis3D: axis(input.zName, { min: range.min, max: range.max }),
    grid3D: {
      top: 16,
      boxWidth: 100,
      boxDepth: 100,
      boxHeight: 70,
      axisLine: { lineStyle: { color: theme.mutedForeground } },
      axisPointer: { show: false },
      environment: 'none',
      light: { main: { intensity: 1.1, shadow: false, alpha: 35, beta: 30 }, ambient: { intensity: 0.45 } },
      viewControl: { distance: 210, alpha: 28, beta: 35, rotateSensitivity: 1, zoomSensitivity: 1, panSensitivity: 1 },
    },
    series: [
      {
        type: 'surface',
        id: 'surface',
        name: 'surface',
        data,
        dataShape: [ys.length, xs.length],
        shading: 'lambert',
        wireframe: { show: xs.length <= 41, lineStyle: { color: theme.gridLine, opacity: 0.4 } },
        itemStyle: { opacity: 0.9 },
        silent: true,
      },
      ...lines,
      ...critical,
    ],
  };
}
