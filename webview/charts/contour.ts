/**
 * The contour plot of a 2-D field (a surface, or a loss landscape on a plane): filled bands
 * and iso-lines from d3-contour drawn as one ECharts custom series, a colour-scale legend
 * (visualMap), then optimizer trajectories and critical points on top.
 */
import type { CriticalPointKind, CriticalPointResult } from './result-types';
import type { Theme } from './palette';
import { formatNumber, formatPoint } from './format';
import { baseOption, insideZoom, legendLayout, textWidth, valueAxis, type Option } from './common';
import { contourBands, contourLevels, fieldRange, logOffset, type Band, type Field } from './field';

/** A path drawn over the field: an optimizer's trajectory, or a training run projected on the plane. */
export interface Overlay {
  label: string;
  points: number[][];
  /** The objective at each point (tooltip). */
  values?: number[];
  /** Extra per-point tooltip lines (e.g. the projection residual). */
  notes?: string[];
  status?: string;
  diverged?: boolean;
}

export interface ContourInput {
  field: Field;
  xName: string;
  yName: string;
  logLevels: boolean;
  levelCount: number;
  overlays: Overlay[];
  criticalPoints?: CriticalPointResult[];
  /** Replay: each overlay is drawn up to this step. */
  step: number;
  pendingStart?: [number, number];
  legendSelected?: Record<string, boolean>;
  /** Narrow layout: colour scale under the plot instead of beside it. */
  narrow: boolean;
  /** The chart's size in pixels: the plot keeps equal scales on x and y. */
  size: { width: number; height: number };
  /** The colour scale's range, when several plots share one (a comparison); else the field's own. */
  valueRange?: { min: number; max: number };
  /** What the colours show, written on the colour bar ("loss"; "f(x, y)" when not given). */
  valueName?: string;
}

const CRITICAL_SYMBOLS: Record<CriticalPointResult['kind'], string> = { minimum: 'circle', saddle: 'diamond', maximum: 'triangle', degenerate: 'rect' };

function ringsPath(rings: number[][][], toPixel: (point: number[]) => number[]): string {
  let path = '';
  for (const ring of rings) {
    ring.forEach((point, index) => {
      const [px, py] = toPixel(point);
      path += `${index === 0 ? 'M' : 'L'}${px.toFixed(1)} ${py.toFixed(1)}`;
    });
    path += 'Z';
  }
  return path;
}

function linesPath(lines: number[][][], toPixel: (point: number[]) => number[]): string {
  let path = '';
  for (const line of lines) line.forEach((point, index) => {
    const [px, py] = toPixel(point);
    path += `${index === 0 ? 'M' : 'L'}${px.toFixed(1)} ${py.toFixed(1)}`;
  });
  return path;
}

function inside(point: number[], field: Field): boolean {
  const { xs, ys } = field;
  return point[0] >= xs[0] && point[0] <= xs[xs.length - 1] && point[1] >= ys[0] && point[1] <= ys[ys.length - 1];
}

/** Where the segment from an inside point `from` to an outside point `to` leaves the field's rectangle. */
export function exitPoint(from: number[], to: number[], field: Field): number[] {
  const { xs, ys } = field;
  let t = 1;
  const bounds: [number, number, number][] = [
    [0, xs[0], xs[xs.length - 1]],
    [1, ys[0], ys[ys.length - 1]],
  ];
  for (const [axis, low, high] of bounds) {
    const delta = to[axis] - from[axis];
    if (to[axis] < low) t = Math.min(t, (low - from[axis]) / delta);
    if (to[axis] > high) t = Math.min(t, (high - from[axis]) / delta);
  }
  return [from[0] + t * (to[0] - from[0]), from[1] + t * (to[1] - from[1])];
}

/** The points drawn at a replay step: up to the step, and up to the first point leaving the plot (a diverged run). */
export function visiblePoints(overlay: Overlay, step: number, field: Field): number[][] {
  const shown: number[][] = [];
  const last = Math.min(step, overlay.points.length - 1);
  for (let k = 0; k <= last; k++) {
    const point = overlay.points[k];
    if (!point.every(Number.isFinite)) break;
    shown.push(point);
    if (!inside(point, field)) break;
  }
  return shown;
}

const bandCache = new WeakMap<readonly number[], { key: string; bands: Band[] }>();

/** The bands of a field, computed once per field and levels (replay and restyling reuse them). */
function cachedBands(field: Field, levels: number[]): Band[] {
  const key = `${field.xs.length}x${field.ys.length}:${levels.join(',')}`;
  const cached = bandCache.get(field.values);
  if (cached?.key === key) return cached.bands;
  const bands = contourBands(field, levels);
  bandCache.set(field.values, { key, bands });
  return bands;
}

function bandSeries(input: ContourInput, theme: Theme): { series: Option; visualMap: Option } {
  const range = input.valueRange ?? fieldRange(input.field.values);
  const levels = contourLevels(range, input.levelCount, input.logLevels);
  const bands = cachedBands(input.field, levels);
  const offset = logOffset(range);
  const colourValue = (value: number): number => (input.logLevels ? Math.log10(value - range.min + offset) : value);
  const valueOfColour = (colour: number): number => (input.logLevels ? Math.pow(10, colour) + range.min - offset : colour);
  const centre = [(input.field.xs[0] + input.field.xs[input.field.xs.length - 1]) / 2, (input.field.ys[0] + input.field.ys[input.field.ys.length - 1]) / 2];
  const lineColour = theme.kind === 'light' || theme.kind === 'high-contrast-light' ? 'rgba(0, 0, 0, 0.35)' : 'rgba(255, 255, 255, 0.3)';
  const series: Option = {
    type: 'custom',
    id: 'bands',
    name: 'contours',
    silent: true,
    clip: true,
    z: 1,
    // Each item is one band; x and y sit at the centre so the band never moves the axes.
    data: bands.map((band, index) => [centre[0], centre[1], colourValue(band.threshold), index]),
    encode: { x: 0, y: 1 },
    renderItem: (params: { dataIndex: number }, api: { coord(point: number[]): number[]; visual(name: string): string }) => {
      const band = bands[params.dataIndex];
      if (!band) return null;
      const toPixel = (point: number[]): number[] => api.coord(point);
      return {
        type: 'group',
        children: [
          { type: 'path', shape: { pathData: ringsPath(band.rings, toPixel) }, style: { fill: api.visual('color'), stroke: null } },
          { type: 'path', shape: { pathData: linesPath(band.lines, toPixel) }, style: { fill: null, stroke: lineColour, lineWidth: theme.kind.startsWith('high') ? 1 : 0.6 } },
        ],
      };
    },
  };
  const colourMin = colourValue(range.min);
  const colourMax = colourValue(range.max);
  const visualMap: Option = {
    type: 'continuous',
    seriesIndex: 0,
    dimension: 2,
    min: colourMin,
    max: colourMax > colourMin ? colourMax : colourMin + 1,
    calculable: true,
    realtime: true,
    inRange: { color: theme.ramp },
    outOfRange: { color: theme.background },
    formatter: (colour: number) => formatNumber(valueOfColour(colour), 3),
    // The quantity's name at the high end of the bar (ECharts' text: [high end, low end]).
    text: [`${input.valueName ?? 'f(x, y)'}${input.logLevels ? ' (log colours)' : ''}`, ''],
    textStyle: { color: theme.foreground, fontSize: theme.fontSize - 1 },
    ...(input.narrow
      ? { orient: 'horizontal', left: 'center', bottom: 4, itemHeight: 160, itemWidth: 12 }
      : { orient: 'vertical', right: 4, top: 'middle', itemHeight: 200, itemWidth: 12 }),
  };
  return { series, visualMap };
}

/** A rectangle in the chart's pixels. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An end-point label to place: its marker's pixel, the path's last direction there, and the text's size. */
export interface EndLabel {
  anchor: [number, number];
  direction: [number, number];
  width: number;
  height: number;
}

function intersects(a: PixelRect, b: PixelRect, margin = 0): boolean {
  return a.x < b.x + b.width + margin && b.x < a.x + a.width + margin && a.y < b.y + b.height + margin && b.y < a.y + a.height + margin;
}

/** The rectangle of a square marker of `size` pixels centred on a pixel. */
export function markerRect(centre: readonly number[], size: number): PixelRect {
  return { x: centre[0] - size / 2, y: centre[1] - size / 2, width: size, height: size };
}

/**
 * Places end-point labels in the plot's pixels, each clear of the markers (`obstacles`: the
 * start, every end point, critical points) and of the labels placed before it: first beyond
 * its marker along the path's last direction, then nudged up and down in steps of a label's
 * height, then on the opposite side. A label that fits nowhere inside `bounds` is left out
 * (undefined): the optimizer's name stays in the legend and the tooltip.
 */
export function placeEndLabels(labels: EndLabel[], obstacles: PixelRect[], bounds: PixelRect, gap = 8): (PixelRect | undefined)[] {
  const placed: PixelRect[] = [];
  const fits = (box: PixelRect): boolean =>
    box.x >= bounds.x && box.y >= bounds.y && box.x + box.width <= bounds.x + bounds.width && box.y + box.height <= bounds.y + bounds.height;
  return labels.map((label) => {
    const length = Math.hypot(label.direction[0], label.direction[1]);
    const [dx, dy] = length > 0 ? [label.direction[0] / length, label.direction[1] / length] : [1, 0];
    for (const side of [1, -1]) {
      // The label's centre beyond the marker, as far along the direction as its half-extent reaches.
      const reach = gap + (Math.abs(dx) * label.width) / 2 + (Math.abs(dy) * label.height) / 2;
      const centre = [label.anchor[0] + side * dx * reach, label.anchor[1] + side * dy * reach];
      // Kept inside the plot, then moved off whatever it covers.
      const x = Math.min(Math.max(centre[0] - label.width / 2, bounds.x), bounds.x + bounds.width - label.width);
      const baseY = Math.min(Math.max(centre[1] - label.height / 2, bounds.y), bounds.y + bounds.height - label.height);
      for (let nudge = 0; nudge <= 12; nudge++) {
        const shift = Math.ceil(nudge / 2) * (label.height + 2) * (nudge % 2 === 1 ? 1 : -1);
        const box = { x, y: baseY + shift, width: label.width, height: label.height };
        if (!fits(box)) continue;
        if (obstacles.some((obstacle) => intersects(box, obstacle, 1)) || placed.some((other) => intersects(box, other, 2))) continue;
        placed.push(box);
        return box;
      }
    }
    return undefined;
  });
}

/** Data coordinates to the plot's pixels, for the plot rectangle (the axes span the field exactly). */
function pixelMapper(field: Field, grid: PixelRect): (point: readonly number[]) => [number, number] {
  const { xs, ys } = field;
  const [x0, x1, y0, y1] = [xs[0], xs[xs.length - 1], ys[0], ys[ys.length - 1]];
  return (point) => [grid.x + ((point[0] - x0) / (x1 - x0 || 1)) * grid.width, grid.y + (1 - (point[1] - y0) / (y1 - y0 || 1)) * grid.height];
}

function overlaySeries(input: ContourInput, theme: Theme, grid: PixelRect): Option[] {
  const series: Option[] = [];
  const toPixel = pixelMapper(input.field, grid);
  const labelSize = theme.fontSize - 1;
  const labelHeight = Math.ceil(labelSize * 1.25) + 2;
  const starts = input.overlays.filter((overlay) => overlay.points.length > 0 && inside(overlay.points[0], input.field)).map((overlay) => overlay.points[0]);
  // The markers labels must leave clear: the start, every end point, the critical points.
  const obstacles: PixelRect[] = [...(starts.length > 0 ? [markerRect(toPixel(starts[0]), 16)] : []), ...(input.criticalPoints ?? []).filter((point) => inside(point.point, input.field)).map((point) => markerRect(toPixel(point.point), 12))];
  const ends: { index: number; text: string; endPoint: number[]; direction: [number, number] }[] = [];
  const endSeries: Option[] = [];
  input.overlays.forEach((overlay, index) => {
    const colour = theme.series[index % theme.series.length];
    const shown = visiblePoints(overlay, input.step, input.field);
    if (shown.length === 0) return;
    const data = shown.map((point, step) => [point[0], point[1], step]);
    const tooltip = {
      formatter: (params: { data: number[] }) => {
        const step = params.data[2];
        const lines = [`${overlay.label} · step ${step}`, `point ${formatPoint(overlay.points[step])}`];
        if (overlay.values) lines.push(`value ${formatNumber(overlay.values[step])}`);
        if (overlay.notes?.[step]) lines.push(overlay.notes[step]);
        return lines.join('\n');
      },
    };
    series.push({ type: 'line', id: `path-${index}`, name: overlay.label, data, color: colour, showSymbol: true, symbol: 'circle', symbolSize: 3, lineStyle: { width: 2, color: colour }, itemStyle: { color: colour }, z: 5, clip: true, tooltip, emphasis: { disabled: true } });
    // Direction arrows: short segments at about eight places along the path.
    const stride = Math.max(1, Math.ceil(shown.length / 8));
    const arrows: Option[] = [];
    for (let k = stride; k < shown.length; k += stride) {
      const from = shown[k - 1];
      const to = shown[k];
      if (from[0] !== to[0] || from[1] !== to[1]) arrows.push({ coords: [from, to] });
    }
    series.push({ type: 'lines', id: `arrows-${index}`, name: overlay.label, coordinateSystem: 'cartesian2d', data: arrows, symbol: ['none', 'arrow'], symbolSize: 9, lineStyle: { color: colour, width: 2, opacity: 1 }, silent: true, z: 6 });
    const finished = input.step >= overlay.points.length - 1;
    const lastShown = shown[shown.length - 1];
    // A path that leaves the plot ends its marker where it crosses the border.
    const endPoint = shown.length > 1 && !inside(lastShown, input.field) ? exitPoint(shown[shown.length - 2], lastShown, input.field) : lastShown;
    obstacles.push(markerRect(toPixel(endPoint), 12));
    // Not in a narrow panel, where the labels would cover much of a small plot: the end marker's tooltip says it.
    if (finished && overlay.status !== undefined && !input.narrow) {
      // The path's last direction in pixels: from the last earlier point that differs from the end.
      const end = toPixel(endPoint);
      let direction: [number, number] = [0, 0];
      for (let k = shown.length - 2; k >= 0 && direction[0] === 0 && direction[1] === 0; k--) {
        const from = toPixel(shown[k]);
        if (Math.hypot(end[0] - from[0], end[1] - from[1]) > 0.5) direction = [end[0] - from[0], end[1] - from[1]];
      }
      ends.push({ index: endSeries.length, text: `${overlay.label}: ${overlay.status}`, endPoint, direction });
    }
    endSeries.push({
      type: 'scatter',
      id: `end-${index}`,
      name: overlay.label,
      data: [[endPoint[0], endPoint[1], shown.length - 1]],
      symbol: overlay.diverged && finished ? 'triangle' : 'circle',
      symbolSize: 10,
      itemStyle: { color: colour, borderColor: theme.background, borderWidth: 1.5 },
      // Placed below (placeEndLabels); hidden until then.
      label: { show: false, formatter: `${overlay.label}: ${overlay.status ?? ''}`, position: 'inside', align: 'center', verticalAlign: 'middle', color: theme.foreground, fontSize: labelSize, textBorderColor: theme.background, textBorderWidth: 3 },
      z: 7,
      tooltip: finished && overlay.status ? { formatter: (params: { data: number[] }) => `${tooltip.formatter(params)}\n${overlay.status}` } : tooltip,
    });
  });
  // The labels of finished paths, clear of the markers and of each other, each as an offset from its end point.
  const boxes = placeEndLabels(
    ends.map((end) => ({ anchor: toPixel(end.endPoint), direction: end.direction, width: Math.ceil(textWidth(end.text, labelSize, theme.fontFamily)) + 6, height: labelHeight })),
    obstacles,
    grid,
  );
  ends.forEach((end, k) => {
    const box = boxes[k];
    if (!box) return;
    const anchor = toPixel(end.endPoint);
    const entry = endSeries[end.index] as { label: Option };
    entry.label = { ...entry.label, show: true, offset: [box.x + box.width / 2 - anchor[0], box.y + box.height / 2 - anchor[1]] };
  });
  series.push(...endSeries);
  if (starts.length > 0) {
    series.push({ type: 'scatter', id: 'start', name: 'start', data: [starts[0]], symbol: 'circle', symbolSize: 12, itemStyle: { color: 'transparent', borderColor: theme.foreground, borderWidth: 2 }, z: 8, tooltip: { formatter: () => `start ${formatPoint(starts[0])}` } });
  }
  return series;
}

function criticalSeries(points: CriticalPointResult[], theme: Theme): Option[] {
  const kinds: CriticalPointKind[] = [...new Set(points.map((point) => point.kind))];
  return kinds.map((kind) => ({
    type: 'scatter',
    id: `critical-${kind}`,
    name: kind,
    data: points.filter((point) => point.kind === kind).map((point) => [point.point[0], point.point[1], point.value, ...point.eigenvalues]),
    symbol: CRITICAL_SYMBOLS[kind],
    symbolSize: 13,
    // A ring in the text colour sets critical points apart from the trajectories, whose
    // colours their fills share (the theme's chart colours).
    itemStyle: { color: theme.critical[kind], borderColor: theme.foreground, borderWidth: 2 },
    z: 9,
    tooltip: {
      formatter: (params: { data: number[] }) => {
        const [x, y, value, ...eigenvalues] = params.data;
        return [`${kind} ${formatPoint([x, y])}`, `value ${formatNumber(value)}`, `eigenvalues ${eigenvalues.map((lambda) => formatNumber(lambda)).join(', ')}`].join('\n');
      },
    },
  }));
}

/** The plot rectangle: equal scales on x and y, centred in the space the legend (`legendHeight` pixels) and colour scale leave. */
function plotRectangle(input: ContourInput, legendHeight: number): PixelRect {
  const { xs, ys } = input.field;
  const left = input.narrow ? 48 : 60;
  const top = legendHeight + 16;
  const right = input.narrow ? 16 : 100;
  const bottom = input.narrow ? 84 : 48;
  const availableWidth = Math.max(input.size.width - left - right, 80);
  const availableHeight = Math.max(input.size.height - top - bottom, 80);
  const aspect = (xs[xs.length - 1] - xs[0]) / (ys[ys.length - 1] - ys[0]) || 1;
  const width = Math.min(availableWidth, availableHeight * aspect);
  const height = width / aspect;
  return { x: left + (availableWidth - width) / 2, y: top + (availableHeight - height) / 2, width, height };
}

/** The full option of a contour plot. */
export function contourOption(input: ContourInput, theme: Theme): Option {
  const { series: bands, visualMap } = bandSeries(input, theme);
  const { xs, ys } = input.field;
  const critical = criticalSeries(input.criticalPoints ?? [], theme);
  const names = [...input.overlays.map((overlay) => overlay.label), ...critical.map((series) => String(series.name))];
  const legend = legendLayout(theme, names, input.size.width, input.legendSelected);
  const grid = plotRectangle(input, legend.height);
  const series: Option[] = [bands, ...overlaySeries(input, theme, grid), ...critical];
  if (input.pendingStart) {
    series.push({ type: 'scatter', id: 'pending', name: 'new start', data: [input.pendingStart], symbol: 'pin', symbolSize: 22, itemStyle: { color: theme.foreground }, z: 10, silent: true });
  }
  return {
    ...baseOption(theme),
    legend: legend.option,
    grid: { left: grid.x, top: grid.y, width: grid.width, height: grid.height },
    xAxis: valueAxis(theme, input.xName, { min: xs[0], max: xs[xs.length - 1], scale: false, splitLine: { show: false } }, [xs[0], xs[xs.length - 1]]),
    yAxis: valueAxis(theme, input.yName, { min: ys[0], max: ys[ys.length - 1], scale: false, splitLine: { show: false }, nameGap: input.narrow ? 30 : 40 }, [ys[0], ys[ys.length - 1]]),
    dataZoom: insideZoom([0], [0]),
    visualMap,
    tooltip: { ...(baseOption(theme).tooltip as Option), trigger: 'item' },
    series,
  };
}
