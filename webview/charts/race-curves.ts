/** The race over steps: each optimizer's objective value and gradient norm (log axis) against the step. */
import type { TrajectoryResult } from './result-types';
import type { Theme } from './palette';
import { formatNumber } from './format';
import { baseOption, insideZoom, legend, positiveOrGap, valueAxis, type Option } from './common';

/** The option of the two stacked panels: f(x_k) and ‖∇f(x_k)‖ against k. */
export function raceCurvesOption(trajectories: TrajectoryResult[], step: number, theme: Theme, selected?: Record<string, boolean>, valueRange?: { min: number; max: number }): Option {
  const names = trajectories.map((trajectory) => trajectory.label);
  const series: Option[] = [];
  trajectories.forEach((trajectory, index) => {
    const colour = theme.series[index % theme.series.length];
    const last = Math.min(step, trajectory.values.length - 1);
    const values = trajectory.values.slice(0, last + 1).map((value, k) => [k, Number.isFinite(value) ? value : null]);
    const norms = trajectory.gradientNorms.slice(0, last + 1).map((norm, k) => [k, positiveOrGap(norm)]);
    const common = { name: trajectory.label, showSymbol: false, lineStyle: { width: 1.8, color: colour }, itemStyle: { color: colour }, emphasis: { disabled: true } };
    series.push({ ...common, type: 'line', id: `value-${index}`, xAxisIndex: 0, yAxisIndex: 0, data: values, clip: true });
    series.push({ ...common, type: 'line', id: `norm-${index}`, xAxisIndex: 1, yAxisIndex: 1, data: norms });
  });
  const steps = Math.max(1, ...trajectories.map((trajectory) => trajectory.values.length - 1));
  return {
    ...baseOption(theme),
    legend: legend(theme, names, selected),
    tooltip: {
      ...(baseOption(theme).tooltip as Option),
      trigger: 'axis',
      valueFormatter: (value: number) => formatNumber(value),
    },
    axisPointer: { link: [{ xAxisIndex: 'all' }], lineStyle: { color: theme.mutedForeground } },
    grid: [
      { left: 64, right: 24, top: 40, height: '36%' },
      { left: 64, right: 24, bottom: 40, height: '36%' },
    ],
    xAxis: [
      valueAxis(theme, '', { gridIndex: 0, min: 0, max: steps, scale: false, axisLabel: { show: false } }),
      valueAxis(theme, 'step', { gridIndex: 1, min: 0, max: steps, scale: false }),
    ],
    yAxis: [
      // On a surface, the objective axis spans the plotted surface's values: a diverging run leaves the panel instead of flattening the others.
      valueAxis(theme, 'objective', { gridIndex: 0, nameGap: 48, ...(valueRange ? { min: valueRange.min, max: valueRange.max, scale: false, axisLabel: { color: theme.mutedForeground, showMinLabel: false, showMaxLabel: false, formatter: (value: number) => formatNumber(value, 3) } } : {}) }),
      valueAxis(theme, '‖gradient‖', { gridIndex: 1, type: 'log', nameGap: 48, scale: false }),
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
