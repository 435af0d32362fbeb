/** The race over steps: each optimizer's objective value and gradient norm (log axis) against the step. */
import type { TrajectoryResult } from './result-types';
import type { Theme } from './palette';
import { formatNumber } from './format';
import { baseOption, insideZoom, legendLayout, positiveOrGap, textWidth, tickFormatter, valueAxis, type Option } from './common';

/** Where a curve of the objective panel stops being drawn: past the shown range, or no longer finite. */
export interface RangeExit {
  /** The first step whose value is out of the range (or not finite). */
  step: number;
  value: number;
  /** Which way it went: above the range, below it, or to a value that is not a number. */
  direction: 'above' | 'below' | 'undefined';
}

/** The first step at which `values` (up to `last`) leave [min, max], or stop being finite; undefined when they never do. */
export function rangeExit(values: readonly number[], last: number, range?: { min: number; max: number }): RangeExit | undefined {
  for (let step = 0; step <= Math.min(last, values.length - 1); step++) {
    const value = values[step];
    if (!Number.isFinite(value)) return { step, value, direction: 'undefined' };
    if (range && value > range.max) return { step, value, direction: 'above' };
    if (range && value < range.min) return { step, value, direction: 'below' };
  }
  return undefined;
}

/** What the mark at a curve's last shown point says: "adam leaves the range at step 12 (value 5.31)". */
export function exitMessage(label: string, exit: RangeExit): string {
  return exit.direction === 'undefined'
    ? `${label} leaves the range at step ${exit.step} (value ${formatNumber(exit.value)}: not finite)`
    : `${label} leaves the range at step ${exit.step} (value ${formatNumber(exit.value)}, ${exit.direction} the shown range)`;
}

/** Phrases joined by wide spaces into lines no wider than `width` (a phrase wider than a line keeps a line to itself). */
export function wrapped(phrases: string[], width: number, measure: (text: string) => number): string[] {
  const lines: string[] = [];
  for (const phrase of phrases) {
    const joined = lines.length > 0 ? `${lines[lines.length - 1]}   ${phrase}` : phrase;
    if (lines.length > 0 && measure(joined) <= width) lines[lines.length - 1] = joined;
    else lines.push(phrase);
  }
  return lines;
}

/** One series' entry of ECharts' axis tooltip (richText mode: `marker` is a styled placeholder). */
interface AxisTooltipEntry {
  axisValue: number;
  marker?: string;
  seriesId: string;
  seriesName: string;
  value: [number, number | null];
}

/**
 * The option of the two stacked panels: f(x_k) and ‖∇f(x_k)‖ against k. `valueRange` bounds
 * the objective panel (a surface's values): a curve that leaves it, or turns non-finite, gets a
 * mark at its last point inside, with the step and value in the tooltip and a note above the
 * plot, instead of vanishing. `size` (the chart's) lays out the legend and the panels.
 */
export function raceCurvesOption(trajectories: TrajectoryResult[], step: number, theme: Theme, selected?: Record<string, boolean>, valueRange?: { min: number; max: number }, size?: { width: number; height: number }): Option {
  const names = trajectories.map((trajectory) => trajectory.label);
  const series: Option[] = [];
  const exits: { index: number; label: string; exit: RangeExit }[] = [];
  trajectories.forEach((trajectory, index) => {
    const colour = theme.series[index % theme.series.length];
    const last = Math.min(step, trajectory.values.length - 1);
    const values = trajectory.values.slice(0, last + 1).map((value, k) => [k, Number.isFinite(value) ? value : null]);
    const norms = trajectory.gradientNorms.slice(0, last + 1).map((norm, k) => [k, positiveOrGap(norm)]);
    const common = { name: trajectory.label, showSymbol: false, lineStyle: { width: 1.8, color: colour }, itemStyle: { color: colour }, emphasis: { disabled: true } };
    series.push({ ...common, type: 'line', id: `value-${index}`, xAxisIndex: 0, yAxisIndex: 0, data: values, clip: true });
    series.push({ ...common, type: 'line', id: `norm-${index}`, xAxisIndex: 1, yAxisIndex: 1, data: norms });
    // The whole run's exit: the note and tooltip stay the same through a replay (which redraws
    // only the series); the mark shows once the replay has reached the step that leaves.
    const exit = rangeExit(trajectory.values, trajectory.values.length - 1, valueRange);
    if (exit && exit.step > 0) exits.push({ index, label: trajectory.label, exit });
    const reached = exit && exit.step > 0 && exit.step <= last ? exit : undefined;
    // Every trajectory has its mark series (empty while none), so a replay stepping back removes a mark.
    series.push({
      type: 'scatter',
      id: `leaves-${index}`,
      name: trajectory.label,
      xAxisIndex: 0,
      yAxisIndex: 0,
      data: reached ? [[reached.step - 1, trajectory.values[reached.step - 1]]] : [],
      // A triangle pointing the way the curve went; an outline for a value that is not a number.
      symbol: 'triangle',
      symbolRotate: exit?.direction === 'below' ? 180 : 0,
      symbolSize: 11,
      itemStyle: exit?.direction === 'undefined' ? { color: theme.background, borderColor: colour, borderWidth: 2 } : { color: colour, borderColor: theme.background, borderWidth: 1 },
      z: 4,
      emphasis: { disabled: true },
    });
  });
  const steps = Math.max(1, ...trajectories.map((trajectory) => trajectory.values.length - 1));
  const width = size?.width;
  const legend = legendLayout(theme, names, width, selected);
  // The note under the legend: which curves leave the objective panel and where, wrapped to the chart's width.
  const noteSize = theme.fontSize - 1;
  const arrows = { above: '▲', below: '▼', undefined: '△' };
  const noteLines = wrapped(
    exits.length > 0 ? ['Leaves the shown range:', ...exits.map(({ label, exit }) => `${arrows[exit.direction]} ${label} at step ${exit.step}${exit.direction === 'undefined' ? ' (not finite)' : ''}`)] : [],
    width === undefined ? Infinity : Math.max(width - 64 - 24, 40),
    (text) => textWidth(text, noteSize, theme.fontFamily),
  );
  const noteHeight = noteLines.length * Math.ceil(noteSize * 1.4);
  const noteTop = legend.height + 4;
  const top = noteTop + noteHeight + 12;
  const height = size?.height ?? 420;
  const bottom = 40;
  const gap = 36;
  const panelHeight = Math.max((height - top - bottom - gap) / 2, 40);
  const exitNotes = (axisValue: number): string[] => exits.filter(({ exit }) => axisValue >= exit.step - 1).map(({ label, exit }) => exitMessage(label, exit));
  return {
    ...baseOption(theme),
    legend: legend.option,
    title: noteLines.length > 0
      ? [{
          id: 'range-note',
          text: noteLines.join('\n'),
          left: 64,
          top: noteTop,
          padding: 0,
          textStyle: { color: theme.mutedForeground, fontSize: noteSize, fontWeight: 'normal', lineHeight: Math.ceil(noteSize * 1.4), ...(width !== undefined ? { width: Math.max(width - 64 - 24, 40), overflow: 'truncate' } : {}) },
        }]
      : [],
    tooltip: {
      ...(baseOption(theme).tooltip as Option),
      trigger: 'axis',
      formatter: (params: AxisTooltipEntry[]) => {
        if (params.length === 0) return '';
        const axisValue = params[0].axisValue;
        const lines = params
          .filter((entry) => !entry.seriesId.startsWith('leaves-') && entry.value[1] !== null && entry.value[1] !== undefined)
          .map((entry) => `${entry.marker ?? ''}${entry.seriesName}  ${formatNumber(entry.value[1] ?? undefined)}`);
        return [`step ${formatNumber(axisValue)}`, ...lines, ...exitNotes(axisValue)].join('\n');
      },
    },
    axisPointer: { link: [{ xAxisIndex: 'all' }], lineStyle: { color: theme.mutedForeground } },
    grid: [
      { left: 64, right: 24, top, height: panelHeight },
      { left: 64, right: 24, top: top + panelHeight + gap, height: panelHeight },
    ],
    xAxis: [
      valueAxis(theme, '', { gridIndex: 0, min: 0, max: steps, scale: false, axisLabel: { show: false } }),
      valueAxis(theme, 'step', { gridIndex: 1, min: 0, max: steps, scale: false, minInterval: 1 }, [0, steps]),
    ],
    yAxis: [
      // On a surface, the objective axis spans the plotted surface's values: a diverging run leaves the panel (marked where it leaves) instead of flattening the others.
      valueRange
        ? valueAxis(theme, 'objective', { gridIndex: 0, nameGap: 48, min: valueRange.min, max: valueRange.max, scale: false, axisLabel: { color: theme.mutedForeground, fontSize: theme.fontSize - 1, hideOverlap: true, showMinLabel: false, showMaxLabel: false, formatter: tickFormatter([valueRange.min, valueRange.max]) } })
        : valueAxis(theme, 'objective', { gridIndex: 0, nameGap: 48 }, trajectories.flatMap((trajectory) => trajectory.values)),
      valueAxis(theme, '‖gradient‖', { gridIndex: 1, type: 'log', nameGap: 48, scale: false }, trajectories.flatMap((trajectory) => trajectory.gradientNorms.map(positiveOrGap))),
    ],
    dataZoom: insideZoom([0, 1]),
    series,
  };
}

/** The race as CSV: one row per optimizer and step. */
export function raceRows(trajectories: TrajectoryResult[]): { header: string[]; rows: (string | number)[][] } {
  const header = ['optimizer', 'step', 'x', 'y', 'value', 'gradientNorm', 'learningRate'];
  const rows: (string | number)[][] = [];
  for (const trajectory of trajectories) {
    trajectory.points.forEach((point, step) => rows.push([trajectory.label, step, point[0], point[1], trajectory.values[step], trajectory.gradientNorms[step], trajectory.learningRates[step] ?? '']));
  }
  return { header, rows };
}
