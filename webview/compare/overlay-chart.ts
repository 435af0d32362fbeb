/**
 * One quantity of several runs on the same axes (TensorBoard's run overlay): one colour per
 * run, a legend that names and toggles runs, the raw curve kept faint behind its smoothed
 * line, a log or linear y axis, per-run event marks in the run's colour, a crosshair whose
 * tooltip lists every shown run at the hovered x, and optionally a y range that ignores
 * outliers and an x that is each run's fraction (epoch ÷ its last epoch).
 */
import type { Theme } from '../charts/palette';
import { formatNumber, toCsv } from '../charts/format';
import { baseOption, insideZoom, legendLayout, positiveOrGap, valueAxis, type Option } from '../charts/common';
import { robustRange } from '../charts/robust-range';
import { clippedMarkers, crosshair, robustAxis } from '../charts/training';
import { smooth } from './model';

export interface OverlayLine {
  /** The run's label (legend entry; lines of one run toggle together). */
  run: string;
  colour: string;
  /** What the line is, when a run has several on one chart (λmax, λmin; an optimizer). */
  part?: string;
  xs: number[];
  ys: (number | undefined)[];
  dashed?: boolean;
  /** Each point's epoch when x is not the epoch (a fraction of the run): the tooltip names both. */
  epochs?: number[];
}

export interface OverlayMark {
  run: string;
  colour: string;
  x: number;
  label: string;
}

export interface OverlayInput {
  lines: OverlayLine[];
  xName: string;
  yName: string;
  log: boolean;
  /** Smoothing weight in [0, 1); 0 draws the raw lines only. */
  smoothing: number;
  marks?: OverlayMark[];
  selected?: Record<string, boolean>;
  /** Integer x ticks (epochs, steps). */
  integerX?: boolean;
  /** The chart's width in pixels: the legend wraps its names to it. */
  width?: number;
  /** x is each run's fraction (epoch ÷ its last epoch): the axis spans 0 to 1. */
  fractionX?: boolean;
  /** Ignore outliers: the y axis spans the bulk of the raw values (robustRange); values beyond are clipped at the frame and marked there. */
  robust?: boolean;
  /** The legend's selection now (the user toggles runs without a redraw): the tooltip leaves hidden runs out. */
  visible?: () => Record<string, boolean> | undefined;
}

/** The index of the x nearest to `x` among a line's, or -1 when `x` lies outside the line's span (the run has no value there). */
function nearestIndex(xs: readonly number[], x: number): number {
  let best = -1;
  let low = Infinity;
  let high = -Infinity;
  xs.forEach((candidate, index) => {
    low = Math.min(low, candidate);
    high = Math.max(high, candidate);
    if (best < 0 || Math.abs(candidate - x) < Math.abs(xs[best] - x)) best = index;
  });
  const tolerance = (high - low) * 1e-9;
  return x < low - tolerance || x > high + tolerance ? -1 : best;
}

/**
 * The axis tooltip at `x`: the x, then every shown line's drawn value at its point nearest to
 * `x` (runs of other lengths or x grids included: ECharts' own list keeps only the series
 * nearest the pointer), with the point's epoch when x is a fraction of the run; "—" where a
 * run has no value there.
 */
export function overlayTooltip(x: number, lines: readonly OverlayLine[], drawn: readonly (number | undefined)[][], xName: string, hidden: (run: string) => boolean): string {
  const rows = lines.flatMap((line, index) => {
    if (hidden(line.run)) return [];
    const at = nearestIndex(line.xs, x);
    const value = at >= 0 ? drawn[index][at] : undefined;
    const epoch = at >= 0 && line.epochs ? `  (epoch ${formatNumber(line.epochs[at])})` : '';
    return [`${lineName(line)}: ${value !== undefined && Number.isFinite(value) ? formatNumber(value) : '—'}${value !== undefined ? epoch : ''}`];
  });
  return [`${xName} ${formatNumber(x)}`, ...rows].join('\n');
}

const lineName = (line: OverlayLine): string => (line.part ? `${line.run} · ${line.part}` : line.run);

/** The chart option. */
export function overlayOption(input: OverlayInput, theme: Theme): Option {
  const { log, smoothing } = input;
  const runs = [...new Set(input.lines.map((line) => line.run))];
  const legend = legendLayout(theme, runs, input.width, input.selected);
  const value = (y: number | undefined): number | null => (log ? positiveOrGap(y) : y !== undefined && Number.isFinite(y) ? y : null);
  const series: Option[] = [];
  const range = input.robust ? robustRange(input.lines.flatMap((line) => line.ys), log) : undefined;
  const drawnValues: (number | undefined)[][] = [];
  // The faint raw curves go after every line: a legend entry takes its swatch from the first
  // series of its name, which must be the run's full-strength line, not its faded raw curve.
  const raw: Option[] = [];
  input.lines.forEach((line, index) => {
    const base = { type: 'line', name: line.run, showSymbol: line.xs.length <= 2, symbolSize: 4, emphasis: { disabled: true }, connectNulls: false };
    const style = { color: line.colour, type: line.dashed ? 'dashed' : 'solid' };
    if (smoothing > 0) {
      raw.push({ ...base, id: `raw-${index}`, data: line.xs.map((x, k) => [x, value(line.ys[k])]), lineStyle: { ...style, width: 1.2, opacity: 0.25 }, itemStyle: { color: line.colour, opacity: 0.25 }, tooltip: { show: false }, silent: true, z: 1 });
    }
    const drawn = smoothing > 0 ? smooth(line.ys, smoothing) : line.ys;
    drawnValues.push(drawn);
    if (range) series.push(clippedMarkers(`clipped-${index}`, line.run, line.xs, line.ys, range, line.colour, theme));
    series.push({ ...base, id: `line-${index}`, data: line.xs.map((x, k) => [x, value(drawn[k])]), lineStyle: { ...style, width: 2 }, itemStyle: { color: line.colour }, z: 2 });
  });
  series.push(...raw);
  const marksByRun = new Map<string, OverlayMark[]>();
  for (const mark of input.marks ?? []) marksByRun.set(mark.run, [...(marksByRun.get(mark.run) ?? []), mark]);
  for (const [run, marks] of marksByRun) {
    series.push({
      type: 'line',
      id: `marks-${runs.indexOf(run)}`,
      name: run,
      data: [],
      markLine: {
        symbol: 'none',
        silent: false,
        label: { show: false },
        lineStyle: { color: marks[0].colour, type: 'dotted', width: 1.4 },
        tooltip: { formatter: (params: { name: string }) => params.name },
        data: marks.map((mark) => ({ xAxis: mark.x, name: `${run}: ${mark.label}` })),
      },
    });
  }
  return {
    ...baseOption(theme),
    legend: legend.option,
    grid: { left: 64, right: 24, top: legend.height + 16, bottom: 44 },
    tooltip: {
      ...(baseOption(theme).tooltip as Option),
      trigger: 'axis',
      axisPointer: crosshair(theme),
      formatter: (params: { axisValue: number }[]) => {
        if (params.length === 0) return '';
        const selected = input.visible?.() ?? input.selected ?? {};
        return overlayTooltip(params[0].axisValue, input.lines, drawnValues, input.xName, (run) => selected[run] === false);
      },
    },
    axisPointer: { lineStyle: { color: theme.mutedForeground } },
    xAxis: input.fractionX
      ? valueAxis(theme, input.xName, { min: 0, max: 1, scale: false }, [0, 1])
      : valueAxis(theme, input.xName, { min: 'dataMin', max: 'dataMax', ...(input.integerX ? { minInterval: 1 } : {}) }, input.lines.flatMap((line) => line.xs)),
    yAxis: range
      ? robustAxis(valueAxis(theme, yAxisName(input, range.outside), { nameGap: 48, ...(log ? { type: 'log', scale: false } : {}), min: range.min, max: range.max }, [range.min, range.max]))
      : valueAxis(theme, yAxisName(input, undefined), { nameGap: 48, ...(log ? { type: 'log', scale: false } : {}) }, input.lines.flatMap((line) => line.ys)),
    dataZoom: insideZoom([0]),
    series,
  };
}

/** The y axis' name: the quantity, its log scale, and how many values lie off the scale while outliers are ignored. */
function yAxisName(input: OverlayInput, outside: number | undefined): string {
  const name = input.log ? `${input.yName} (log)` : input.yName;
  return outside ? `${name} · ${outside} off scale` : name;
}

/** The raw values as CSV with a run column (smoothing never changes what is exported). */
export function overlayCsv(lines: OverlayLine[], xName: string, yName: string): string {
  const withPart = lines.some((line) => line.part !== undefined);
  const header = withPart ? ['run', 'series', xName, yName] : ['run', xName, yName];
  const rows = lines.flatMap((line) => line.xs.map((x, k) => (withPart ? [line.run, line.part ?? '', x, line.ys[k]] : [line.run, x, line.ys[k]])));
  return toCsv(header, rows);
}

/** The raw values as JSON, one entry per line. */
export function overlayJson(lines: OverlayLine[]): unknown {
  return lines.map((line) => ({ run: line.run, series: line.part, x: line.xs, y: line.ys }));
}
