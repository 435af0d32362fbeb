/**
 * The 3-D surface (echarts-gl) with the trajectories drawn on it, rotatable and zoomable with the
 * mouse (slides 1 and 9 of the seed): axes labelled at the theme's size, each path lifted just
 * above the surface with a marker at either end, and the camera's presets.
 */
import type { Theme } from './palette';
import type { CriticalPointKind, CriticalPointResult } from './result-types';
import { formatNumber, formatPoint } from './format';
import { baseOption, legend, tickFormatter, type Option } from './common';
import { fieldRange, gridCell, type Field } from './field';
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

/** A camera position: elevation (alpha) and azimuth (beta) in degrees, distance in the grid's units (its box is 100 wide). */
export interface CameraView {
  alpha: number;
  beta: number;
  distance: number;
}

/**
 * The view a chart opens with. The option leaves the camera out (so a streamed update, merged
 * into the grid by its id, keeps the user's rotation), so this is echarts-gl's own default
 * view, and "Reset" returns to it.
 */
export const INITIAL_VIEW: CameraView = { alpha: 20, beta: 40, distance: 200 };

/** The camera presets of a 3-D chart, in the order of their buttons. */
export const CAMERA_PRESETS: { key: string; label: string; title: string; view: CameraView }[] = [
  { key: 'top', label: 'Top', title: 'Look straight down the vertical axis (the contour plot’s view)', view: { alpha: 90, beta: 0, distance: 200 } },
  { key: 'front', label: 'Front', title: 'Look along the second axis: the first axis across, the value up', view: { alpha: 0, beta: 0, distance: 200 } },
  { key: 'side', label: 'Side', title: 'Look along the first axis: the second axis across, the value up', view: { alpha: 0, beta: 90, distance: 200 } },
  { key: 'reset', label: 'Reset', title: 'Back to the first view (undoes rotation, zoom and pan)', view: INITIAL_VIEW },
];

/** The id of the 3-D grid: updates merge into it by id, keeping the camera where the user left it. */
const GRID_ID = 'grid3d';

/** What a camera preset sets on a drawn chart: the angles, the distance, and the centre back on the box. */
export function cameraOption(view: CameraView): Option {
  return { grid3D: { id: GRID_ID, viewControl: { alpha: view.alpha, beta: view.beta, distance: view.distance, center: [0, 0, 0] } } };
}

/**
 * How far paths and markers are drawn above the surface, as a fraction of the surface's value
 * range: enough for the surface's depth test to leave them in front, too little to read as a gap.
 */
export const PATH_LIFT = 0.015;

/** ECharts' tick step for a span: 1, 2, 3, 5 or 10 times a power of ten near a fifth of it (number.nice, rounding). */
function niceStep(span: number): number {
  const raw = span / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  return (fraction < 1.5 ? 1 : fraction < 2.5 ? 2 : fraction < 4 ? 3 : fraction < 7 ? 5 : 10) * power;
}

/**
 * The height of the drawn surface at (x, y): echarts-gl splits each grid cell into two triangles
 * along the diagonal from (x_i, y_j) to (x_i+1, y_j+1) and draws them flat, so between grid points
 * the surface is this piecewise-linear interpolation (not the bilinear one, nor the function);
 * undefined outside the grid or on a hole.
 */
export function meshValueAt(field: Field, x: number, y: number): number | undefined {
  const cell = gridCell(field, x, y);
  if (!cell) return undefined;
  const { u, v, at } = cell;
  const value = u >= v ? at(0, 0) + u * (at(1, 0) - at(0, 0)) + v * (at(1, 1) - at(1, 0)) : at(0, 0) + v * (at(0, 1) - at(0, 0)) + u * (at(1, 1) - at(0, 1));
  return Number.isFinite(value) ? value : undefined;
}

/**
 * The fractions t in (0, 1) where the segment from p to q crosses a grid line or a cell's
 * diagonal: between two of them it stays inside one flat triangle of the drawn surface.
 */
function meshCrossings(field: Field, p: readonly number[], q: readonly number[]): number[] {
  const { xs, ys } = field;
  const toGrid = (point: readonly number[]): [number, number] => [((point[0] - xs[0]) / (xs[xs.length - 1] - xs[0])) * (xs.length - 1), ((point[1] - ys[0]) / (ys[ys.length - 1] - ys[0])) * (ys.length - 1)];
  const [ax, ay] = toGrid(p);
  const [bx, by] = toGrid(q);
  const ts: number[] = [];
  // Grid coordinate a + t (b − a) passing the integers between a and b.
  const crossings = (a: number, b: number): void => {
    if (!(Math.abs(b - a) > 1e-12)) return;
    for (let k = Math.ceil(Math.min(a, b)); k <= Math.floor(Math.max(a, b)); k++) {
      const t = (k - a) / (b - a);
      if (t > 1e-9 && t < 1 - 1e-9) ts.push(t);
    }
  };
  crossings(ax, bx);
  crossings(ay, by);
  crossings(ax - ay, bx - by);
  // A path that jumps across the whole grid still draws a bounded number of pieces.
  return ts.length > 4000 ? [] : ts.sort((a, b) => a - b);
}

/** A path drawn above the surface: its points (x, y, z) and, for each, the step it lies at (fractional between steps). */
export interface LiftedPath {
  data: number[][];
  steps: number[];
}

/**
 * A path on the surface, lifted `lift` above whichever is higher of its own values and the drawn
 * surface at every vertex, and cut where it crosses a grid line or a cell's diagonal: each piece
 * then lies over one flat triangle, so it stays `lift` above the surface all along (the line
 * between two points above a plane is above it), and the surface's depth test never hides it.
 * Points outside the grid are left out.
 */
export function liftedPath(points: readonly (readonly number[])[], values: readonly number[] | undefined, field: Field, lift: number): LiftedPath {
  const data: number[][] = [];
  const steps: number[] = [];
  const height = (x: number, y: number, own: number | undefined): number | undefined => {
    const mesh = meshValueAt(field, x, y);
    const candidates = [mesh, own].filter((value): value is number => value !== undefined && Number.isFinite(value));
    return candidates.length > 0 ? Math.max(...candidates) + lift : undefined;
  };
  const push = (x: number, y: number, own: number | undefined, step: number): void => {
    const z = height(x, y, own);
    if (z === undefined || meshValueAt(field, x, y) === undefined) return;
    data.push([x, y, z]);
    steps.push(step);
  };
  points.forEach((point, k) => {
    if (k > 0) {
      const from = points[k - 1];
      const ownFrom = values?.[k - 1];
      const ownTo = values?.[k];
      for (const t of meshCrossings(field, from, point)) {
        const own = ownFrom !== undefined && ownTo !== undefined ? ownFrom + t * (ownTo - ownFrom) : undefined;
        push(from[0] + t * (point[0] - from[0]), from[1] + t * (point[1] - from[1]), own, k - 1 + t);
      }
    }
    push(point[0], point[1], values?.[k], k);
  });
  return { data, steps };
}

/** The length of a path in the plane, and its extent against the plane's width (the larger of the two axes' spans). */
export function pathExtent(points: readonly (readonly number[])[], field: Field): { length: number; extent: number; fraction: number } {
  let length = 0;
  const low = [Infinity, Infinity];
  const high = [-Infinity, -Infinity];
  points.forEach((point, k) => {
    if (!Number.isFinite(point[0]) || !Number.isFinite(point[1])) return;
    for (const axis of [0, 1]) {
      low[axis] = Math.min(low[axis], point[axis]);
      high[axis] = Math.max(high[axis], point[axis]);
    }
    const before = points[k - 1];
    if (before && Number.isFinite(before[0]) && Number.isFinite(before[1])) length += Math.hypot(point[0] - before[0], point[1] - before[1]);
  });
  const extent = high[0] >= low[0] ? Math.max(high[0] - low[0], high[1] - low[1]) : 0;
  const width = Math.max(field.xs[field.xs.length - 1] - field.xs[0], field.ys[field.ys.length - 1] - field.ys[0]);
  return { length, extent, fraction: width > 0 ? extent / width : 0 };
}

/** "length 0.0123, spans 0.8% of the plane": how long a path is and how much of the plane it covers. */
export function pathLengthText(points: readonly (readonly number[])[], field: Field): string {
  const { length, fraction } = pathExtent(points, field);
  const percent = fraction * 100;
  return `length ${formatNumber(length, 3)}, spans ${percent >= 10 ? percent.toFixed(0) : percent >= 1 ? percent.toFixed(1) : formatNumber(percent, 2)}% of the plane`;
}

/**
 * What the 3-D card's line under the chart says: for a path that covers little of the plane (a
 * few pixels on screen, its two end markers over each other), its length first, so a speck is
 * not read as a path that did not move; then how to move the camera.
 */
export function surfaceHint(overlays: Overlay[], field: Field): string {
  const small = overlays.filter((overlay) => overlay.points.length > 1 && pathExtent(overlay.points, field).fraction < 0.05).map((overlay) => `${overlay.label}: ${pathLengthText(overlay.points, field)}`);
  return small.length > 0 ? `${small.join(' · ')} · drag to rotate, wheel to zoom` : 'Drag to rotate, wheel to zoom';
}

/** The option of the 3-D surface plot. */
export function surfaceOption(input: SurfaceInput, theme: Theme): Option {
  const { field } = input;
  const { xs, ys, values } = field;
  const range = fieldRange(values);
  const span = range.max - range.min || Math.abs(range.max) || 1;
  const lift = span * PATH_LIFT;
  // The value axis on round numbers, with room above the highest point for a lifted path.
  const zStep = niceStep(span + 2 * lift);
  const zMin = Math.floor(range.min / zStep) * zStep;
  const zMax = Math.max(Math.ceil((range.max + 2 * lift) / zStep) * zStep, zMin + zStep);
  const data: number[][] = [];
  for (let j = 0; j < ys.length; j++) for (let i = 0; i < xs.length; i++) data.push([xs[i], ys[j], values[j * xs.length + i]]);
  // echarts-gl draws each label into a texture cell as tall as zrender's line height, which it
  // takes from the width of '国': in a font without CJK glyphs that is about 0.6 em, so the cell
  // cut the glyphs' tops off (digits read as if mirrored, "loss" as "oss"). An explicit line
  // height gives every cell the whole glyph.
  const lineHeight = Math.ceil(theme.fontSize * 1.4);
  // The ticks fall on multiples of the step (ECharts' own for the plane's axes, set for the value
  // axis). echarts-gl labels an axis' ends as well: an end off the ticks (a plane's ±1.28 beside
  // 1) would crowd its neighbour, so it goes unlabelled; so does the value axis' lowest tick,
  // which echarts-gl puts where a plane axis' end is labelled, whichever corner they meet at.
  const axis = (name: string, bounds: [number, number], value?: { step: number }): Option => {
    const step = value?.step ?? niceStep(bounds[1] - bounds[0] || Math.abs(bounds[0]) || 1);
    const format = tickFormatter([bounds[0], bounds[1], bounds[0] + step]);
    const onGrid = (tick: number): boolean => Math.abs(tick / step - Math.round(tick / step)) < 1e-6;
    const labelled = (tick: number): boolean => onGrid(tick) && !(value && Math.abs(tick - bounds[0]) < step * 1e-6);
    return {
      type: 'value',
      name,
      min: bounds[0],
      max: bounds[1],
      ...(value ? { interval: value.step } : {}),
      nameGap: 20,
      nameTextStyle: { color: theme.foreground, fontSize: theme.fontSize, fontFamily: theme.fontFamily, lineHeight },
      axisLine: { lineStyle: { color: theme.mutedForeground } },
      axisTick: { lineStyle: { color: theme.mutedForeground } },
      axisLabel: { color: theme.mutedForeground, fontSize: theme.fontSize, fontFamily: theme.fontFamily, lineHeight, margin: 8, formatter: (tick: number) => (labelled(tick) ? format(tick) : '\u00a0') },
      splitLine: { lineStyle: { color: theme.gridLine, opacity: 0.6 } },
      axisPointer: { show: false },
    };
  };
  const lines: Option[] = [];
  const ends: Option[] = [];
  input.overlays.forEach((overlay, index) => {
    const colour = theme.series[index % theme.series.length];
    const shown = visiblePoints(overlay, input.step, field);
    const path = liftedPath(shown, overlay.values, field, lift);
    const stepText = (step: number): string => {
      const k = Math.min(Math.round(step), shown.length - 1);
      const value = overlay.values?.[k];
      return `${overlay.label}, step ${k}: ${formatPoint(shown[k])}${value !== undefined ? `, ${input.zName} ${formatNumber(value)}` : ''}`;
    };
    lines.push({
      type: 'line3D',
      id: `path3d-${index}`,
      name: overlay.label,
      data: path.data,
      lineStyle: { width: 5, color: colour, opacity: 1 },
      tooltip: { formatter: (params: { dataIndex: number }) => stepText(path.steps[params.dataIndex] ?? 0) },
    });
    if (path.data.length === 0) return;
    // Both ends marked, so a path that covers a few pixels of the plane still shows where it went.
    const first = path.data[0];
    const last = path.data[path.data.length - 1];
    const length = pathLengthText(shown, field);
    // echarts-gl draws one symbol per scatter3D series: the start and the end are two series under the path's name.
    const marker = (end: 'start' | 'end', point: number[], step: number, symbol: string): Option => ({
      type: 'scatter3D',
      id: `path3d-${end}-${index}`,
      name: overlay.label,
      data: [point],
      symbol,
      symbolSize: end === 'start' ? 12 : 11,
      itemStyle: { color: colour, borderColor: theme.background, borderWidth: 1.5, opacity: 1 },
      tooltip: { formatter: () => `${stepText(step)}\n${end} of the path: ${length}` },
    });
    ends.push(marker('start', first, path.steps[0], 'circle'), marker('end', last, path.steps[path.steps.length - 1], 'rect'));
  });
  const kinds: CriticalPointKind[] = [...new Set((input.criticalPoints ?? []).map((point) => point.kind))];
  const critical = kinds.map((kind) => ({
    type: 'scatter3D',
    id: `critical3d-${kind}`,
    name: kind,
    symbol: kind === 'saddle' ? 'diamond' : kind === 'maximum' ? 'triangle' : 'circle',
    symbolSize: 12,
    itemStyle: { color: theme.critical[kind], borderColor: theme.foreground, borderWidth: 1.5 },
    data: (input.criticalPoints ?? [])
      .filter((point) => point.kind === kind)
      .map((point) => [point.point[0], point.point[1], Math.max(point.value, meshValueAt(field, point.point[0], point.point[1]) ?? point.value) + lift]),
  }));
  return {
    ...baseOption(theme),
    legend: legend(theme, [...input.overlays.map((overlay) => overlay.label), ...kinds], input.legendSelected),
    visualMap: {
      show: false,
      seriesIndex: 0,
      dimension: 2,
      min: range.min,
      max: range.max > range.min ? range.max : range.min + 1,
      inRange: { color: theme.ramp },
    },
    xAxis3D: axis(input.xName, [xs[0], xs[xs.length - 1]]),
    yAxis3D: axis(input.yName, [ys[0], ys[ys.length - 1]]),
    zAxis3D: axis(input.zName, [zMin, zMax], { step: zStep }),
    grid3D: {
      id: GRID_ID,
      top: 24,
      boxWidth: 85,
      boxDepth: 85,
      boxHeight: 55,
      axisLine: { lineStyle: { color: theme.mutedForeground } },
      axisPointer: { show: false },
      environment: 'none',
      light: { main: { intensity: 1.1, shadow: false, alpha: 35, beta: 30 }, ambient: { intensity: 0.45 } },
      // The camera's angles and distance are left to echarts-gl's defaults (INITIAL_VIEW): an
      // update that named them would undo the user's rotation.
      viewControl: { rotateSensitivity: 1, zoomSensitivity: 1, panSensitivity: 1 },
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
      ...ends,
      ...critical,
    ],
  };
}
