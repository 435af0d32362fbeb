/**
 * Training curves, TensorBoard-like small multiples: loss and gradient norm (each on a log or
 * linear axis), train/test accuracy, learning rate; plateau regions shaded and the
 * detector's events marked, with their epochs in the tooltip.
 */
import type { Theme } from './palette';
import type { TrainingView } from './sections';
import { formatNumber } from './format';
import { baseOption, insideZoom, legend, positiveOrGap, valueAxis, type Option } from './common';
import { spansDecades } from './log-axis';

interface Panel {
  title: string;
  log: boolean;
  lines: { name: string; values: (number | undefined)[] }[];
}

interface Rectangle {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Small multiples in pixels: one column when narrow, two otherwise; each panel leaves room above for its title. */
function panelRectangles(count: number, narrow: boolean, size: { width: number; height: number }): Rectangle[] {
  const columns = narrow ? 1 : 2;
  const rows = Math.ceil(count / columns);
  const top = 64;
  const bottom = 40;
  const left = 60;
  const right = 16;
  const gapX = 64;
  const gapY = 56;
  const width = (size.width - left - right - gapX * (columns - 1)) / columns;
  const height = Math.max((size.height - top - bottom - gapY * (rows - 1)) / rows, 40);
  return Array.from({ length: count }, (_, index) => ({
    left: left + (index % columns) * (width + gapX),
    top: top + Math.floor(index / columns) * (height + gapY),
    width: Math.max(width, 60),
    height,
  }));
}

/** The values of the panels whose y axis has a log/linear switch: the losses (train and test) and the gradient norm. */
export function trainingAxisValues(training: TrainingView): { loss: (number | undefined)[]; gradient: (number | undefined)[] } {
  return {
    loss: [...training.history.map((record) => record.loss), ...training.history.map((record) => record.testLoss)],
    gradient: training.history.map((record) => record.gradientNorm),
  };
}

/** One series' entry of ECharts' axis tooltip (richText mode: `marker` is a styled placeholder). */
interface AxisTooltipEntry {
  axisValue: number;
  marker?: string;
  seriesName: string;
  value: [number, number | null];
}

/**
 * The axis tooltip at one epoch: the epoch, every series' value, and what the shading and the
 * event lines there mean, in the detector's words ("plateau: |d loss/d epoch| < 0.002 over
 * epochs 6–15": the rule and its threshold). The marks' own tooltips never show while the
 * chart's tooltip follows the axis.
 */
export function trainingTooltip(params: AxisTooltipEntry[], training: TrainingView): string {
  if (params.length === 0) return '';
  const epoch = params[0].axisValue;
  const values = params.filter((entry) => entry.value[1] !== null && entry.value[1] !== undefined).map((entry) => `${entry.marker ?? ''}${entry.seriesName}  ${formatNumber(entry.value[1])}`);
  const marks = [
    ...training.plateaus.filter((plateau) => plateau.epoch <= epoch && epoch <= (plateau.endEpoch ?? plateau.epoch)),
    ...training.events.filter((event) => event.epoch === epoch),
  ].map((mark) => mark.message);
  return [`epoch ${formatNumber(epoch)}`, ...values, ...marks].join('\n');
}

/** The option of the training curves; `log` says which switched panels have a logarithmic y axis. */
export function trainingOption(training: TrainingView, theme: Theme, narrow: boolean, size: { width: number; height: number }, selected?: Record<string, boolean>, log: { loss: boolean; gradient: boolean } = { loss: false, gradient: false }): Option {
  const history = training.history;
  const epochs = history.map((record) => record.epoch);
  const panels: Panel[] = [
    {
      title: 'loss',
      log: log.loss,
      lines: [
        { name: 'loss', values: history.map((record) => record.loss) },
        { name: 'test loss', values: history.map((record) => record.testLoss) },
      ],
    },
    {
      title: 'accuracy',
      log: false,
      lines: [
        { name: 'train accuracy', values: history.map((record) => record.trainAccuracy) },
        { name: 'test accuracy', values: history.map((record) => record.testAccuracy) },
      ],
    },
    { title: '‖gradient‖', log: log.gradient, lines: [{ name: 'gradient norm', values: history.map((record) => record.gradientNorm) }] },
    { title: 'learning rate', log: spansDecades(history.map((record) => record.learningRate)), lines: [{ name: 'learning rate', values: history.map((record) => record.learningRate) }] },
  ]
    .map((panel) => ({ ...panel, lines: panel.lines.filter((line) => line.values.some((value) => value !== undefined)) }))
    .filter((panel) => panel.lines.length > 0);
  const grids = panelRectangles(panels.length, narrow, size);
  // The tooltip says what the shading means: the detector's rule and threshold ("plateau:
  // |d loss/d epoch| < 0.002 over epochs 6–15"), not only that it is a plateau.
  const plateauAreas = training.plateaus.map((plateau) => [
    { xAxis: plateau.epoch, name: plateau.message || `${plateau.kind} ${plateau.epoch}–${plateau.endEpoch}` },
    { xAxis: plateau.endEpoch },
  ]);
  const eventLines = training.events.map((event) => ({ xAxis: event.epoch, name: `${event.message} (epoch ${event.epoch})` }));
  const series: Option[] = [];
  let colourIndex = 0;
  panels.forEach((panel, panelIndex) => {
    panel.lines.forEach((line, lineIndex) => {
      const colour = theme.series[colourIndex++ % theme.series.length];
      series.push({
        type: 'line',
        id: `training-${panelIndex}-${lineIndex}`,
        name: line.name,
        xAxisIndex: panelIndex,
        yAxisIndex: panelIndex,
        data: epochs.map((epoch, index) => [epoch, panel.log ? positiveOrGap(line.values[index]) : line.values[index] ?? null]),
        showSymbol: history.length <= 40,
        symbolSize: 4,
        lineStyle: { width: 1.8, color: colour },
        itemStyle: { color: colour },
        emphasis: { disabled: true },
        ...(lineIndex === 0
          ? {
              markArea: { silent: false, itemStyle: { color: theme.plateau }, label: { show: false }, tooltip: { formatter: (params: { name: string }) => params.name }, data: plateauAreas },
              markLine: {
                symbol: 'none',
                silent: false,
                lineStyle: { color: theme.event, type: 'dashed', width: 1.2 },
                label: { show: false },
                tooltip: { formatter: (params: { name: string }) => params.name },
                data: eventLines,
              },
            }
          : {}),
      });
    });
  });
  return {
    ...baseOption(theme),
    legend: legend(theme, panels.flatMap((panel) => panel.lines.map((line) => line.name)), selected),
    title: panels.map((panel, index) => ({ text: panel.log ? `${panel.title} (log)` : panel.title, left: grids[index].left - 4, top: grids[index].top - 22, textStyle: { color: theme.foreground, fontSize: theme.fontSize - 1, fontWeight: 'normal' }, padding: 0 })),
    tooltip: { ...(baseOption(theme).tooltip as Option), trigger: 'axis', formatter: (params: AxisTooltipEntry[]) => trainingTooltip(params, training) },
    axisPointer: { link: [{ xAxisIndex: 'all' }], lineStyle: { color: theme.mutedForeground } },
    grid: grids,
    xAxis: panels.map((_, index) => valueAxis(theme, index >= panels.length - (narrow ? 1 : 2) ? 'epoch' : '', { gridIndex: index, min: 'dataMin', max: 'dataMax', minInterval: 1, nameGap: 22 }, epochs)),
    yAxis: panels.map((panel, index) => valueAxis(theme, '', { gridIndex: index, ...(panel.log ? { type: 'log', scale: false } : {}) }, panel.lines.flatMap((line) => line.values))),
    dataZoom: insideZoom(panels.map((_, index) => index)),
    series,
  };
}

/** The training history as CSV rows. */
export function trainingRows(training: TrainingView): { header: string[]; rows: (number | string | undefined)[][] } {
  const header = ['epoch', 'loss', 'testLoss', 'trainAccuracy', 'testAccuracy', 'gradientNorm', 'learningRate', 'seconds'];
  return { header, rows: training.history.map((record) => [record.epoch, record.loss, record.testLoss, record.trainAccuracy, record.testAccuracy, record.gradientNorm, record.learningRate, record.seconds]) };
}
