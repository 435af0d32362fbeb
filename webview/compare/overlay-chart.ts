/**
 * One quantity of several runs on the same axes (TensorBoard's run overlay): one colour per
 * run, a legend that names and toggles runs, the raw curve kept faint behind its smoothed
 * line, a log or linear y axis, and per-run event marks in the run's colour.
 */
import type { Theme } from '../charts/palette';
import { formatNumber, toCsv } from '../charts/format';
import { baseOption, insideZoom, legend, positiveOrGap, valueAxis, type Option } from '../charts/common';
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
}

const lineName = (line: OverlayLine): string => (line.part ? `${line.run} · ${line.part}` : line.run);

/** The chart option. */
export function overlayOption(input: OverlayInput, theme: Theme): Option {
  const { log, smoothing } = input;
  const runs = [...new Set(input.lines.map((line) => line.run))];
  const value = (y: number | undefined): number | null => (log ? positiveOrGap(y) : y !== undefined && Number.isFinite(y) ? y : null);
  const series: Option[] = [];
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
    legend: legend(theme, runs, input.selected),
    grid: { left: 64, right: 24, top: 40, bottom: 44 },
    tooltip: {
      ...(baseOption(theme).tooltip as Option),
      trigger: 'axis',
      formatter: (params: { seriesId: string; seriesName: string; value: [number, number | null] }[]) => {
        const shown = params.filter((entry) => entry.seriesId.startsWith('line-') && entry.value[1] !== null);
        if (shown.length === 0) return '';
        const lines = shown.map((entry) => {
          const line = input.lines[Number(entry.seriesId.slice(5))];
          return `${line ? lineName(line) : entry.seriesName}: ${formatNumber(entry.value[1] ?? undefined)}`;
        });
        return [`${input.xName} ${formatNumber(shown[0].value[0])}`, ...lines].join('\n');
      },
    },
    axisPointer: { lineStyle: { color: theme.mutedForeground } },
    xAxis: valueAxis(theme, input.xName, { min: 'dataMin', max: 'dataMax', ...(input.integerX ? { minInterval: 1 } : {}) }, input.lines.flatMap((line) => line.xs)),
    yAxis: valueAxis(theme, log ? `${input.yName} (log)` : input.yName, log ? { type: 'log', scale: false, nameGap: 48 } : { nameGap: 48 }, input.lines.flatMap((line) => line.ys)),
    dataZoom: insideZoom([0]),
    series,
  };
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
