/**
 * Training curves, TensorBoard-like small multiples: loss and gradient norm (each on a log or
 * linear axis), train/test accuracy, learning rate; plateau regions shaded and the
 * detector's events marked, with their epochs in the tooltip.
 */
import type { Theme } from './palette';
import type { TrainingView } from './sections';
import { formatNumber } from './format';
import { baseOption, insideZoom, legendLayout, positiveOrGap, valueAxis, type Option } from './common';
import { spansDecades } from './log-axis';
import { robustRange, type RobustRange } from './robust-range';

interface Panel {
  title: string;
  log: boolean;
  /** "Ignore outliers" applies: measured curves, not the learning rate's schedule (its steps are the user's, never noise). */
  robust: boolean;
  lines: { name: string; values: (number | undefined)[] }[];
}

interface Rectangle {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Small multiples in pixels below the legend (`legendHeight`): one column when narrow, two otherwise; each panel leaves room above for its title. */
function panelRectangles(count: number, narrow: boolean, size: { width: number; height: number }, legendHeight: number): Rectangle[] {
  const columns = narrow ? 1 : 2;
  const rows = Math.ceil(count / columns);
  const top = legendHeight + 40;
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
  seriesId?: string;
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
  // The markers of values off the scale repeat their line's value: the line's entry says it.
  const values = params.filter((entry) => entry.value[1] !== null && entry.value[1] !== undefined && !entry.seriesId?.startsWith('clipped-')).map((entry) => `${entry.marker ?? ''}${entry.seriesName}  ${formatNumber(entry.value[1])}`);
  const marks = [
    ...training.plateaus.filter((plateau) => plateau.epoch <= epoch && epoch <= (plateau.endEpoch ?? plateau.epoch)),
    ...training.events.filter((event) => event.epoch === epoch),
  ].map((mark) => mark.message);
  return [`epoch ${formatNumber(epoch)}`, ...values, ...marks].join('\n');
}

/** View options of the training curves a card's toggles switch. */
export interface TrainingViewOptions {
  /** Ignore outliers: each measured panel's y axis spans its values' bulk (robustRange); values beyond it are clipped at the frame and marked there. */
  robust?: boolean;
}

/**
 * Markers at the frame where a line's values lie beyond the robust range of its axis: a
 * triangle pointing the way the value went, in the line's colour, with the line's name (the
 * legend hides both together). `axes` names the axes it draws on.
 */
export function clippedMarkers(id: string, name: string, xs: readonly number[], ys: readonly (number | null | undefined)[], range: RobustRange, colour: string, theme: Theme, axes: Option = {}): Option {
  const data: Option[] = [];
  xs.forEach((x, index) => {
    const y = ys[index];
    if (typeof y !== 'number' || !Number.isFinite(y) || (y >= range.min && y <= range.max)) return;
    const above = y > range.max;
    data.push({ value: [x, above ? range.max : range.min, y], symbolRotate: above ? 0 : 180 });
  });
  return {
    type: 'scatter',
    id,
    name,
    ...axes,
    data,
    symbol: 'triangle',
    symbolSize: 10,
    itemStyle: { color: colour, borderColor: theme.background, borderWidth: 1 },
    clip: false,
    silent: true,
    z: 4,
    emphasis: { disabled: true },
  };
}

/** A y axis fixed to a robust range: its ends are no round numbers, so only the ticks between them are labelled. */
export function robustAxis(axis: Option): Option {
  return { ...axis, axisLabel: { ...(axis.axisLabel as Option), showMinLabel: false, showMaxLabel: false } };
}

/**
 * The crosshair of an axis tooltip: a vertical line on every linked panel, a horizontal one on
 * the hovered panel, and the values under the pointer on its axes, in the charts' number format.
 */
export function crosshair(theme: Theme, xLabel: (value: number) => string = (value) => formatNumber(value)): Option {
  return {
    type: 'cross',
    lineStyle: { color: theme.mutedForeground },
    crossStyle: { color: theme.mutedForeground },
    label: {
      backgroundColor: theme.tooltipBackground,
      borderColor: theme.tooltipBorder,
      borderWidth: 1,
      color: theme.foreground,
      fontFamily: theme.fontFamily,
      fontSize: theme.fontSize - 1,
      formatter: (params: { axisDimension: string; value: number }) => (params.axisDimension === 'x' ? xLabel(params.value) : formatNumber(params.value)),
    },
  };
}

/** The option of the training curves; `log` says which switched panels have a logarithmic y axis, `view` the card's view options. */
export function trainingOption(training: TrainingView, theme: Theme, narrow: boolean, size: { width: number; height: number }, selected?: Record<string, boolean>, log: { loss: boolean; gradient: boolean } = { loss: false, gradient: false }, view: TrainingViewOptions = {}): Option {
  const history = training.history;
  const epochs = history.map((record) => record.epoch);
  const panels: Panel[] = [
    {
      title: 'loss',
      log: log.loss,
      robust: true,
      lines: [
        { name: 'loss', values: history.map((record) => record.loss) },
        { name: 'test loss', values: history.map((record) => record.testLoss) },
      ],
    },
    {
      title: 'accuracy',
      log: false,
      robust: true,
      lines: [
        { name: 'train accuracy', values: history.map((record) => record.trainAccuracy) },
        { name: 'test accuracy', values: history.map((record) => record.testAccuracy) },
      ],
    },
    { title: '‖gradient‖', log: log.gradient, robust: true, lines: [{ name: 'gradient norm', values: history.map((record) => record.gradientNorm) }] },
    { title: 'learning rate', log: spansDecades(history.map((record) => record.learningRate)), robust: false, lines: [{ name: 'learning rate', values: history.map((record) => record.learningRate) }] },
  ]
    .map((panel) => ({ ...panel, lines: panel.lines.filter((line) => line.values.some((value) => value !== undefined)) }))
    .filter((panel) => panel.lines.length > 0);
  const legend = legendLayout(theme, panels.flatMap((panel) => panel.lines.map((line) => line.name)), size.width, selected);
  const grids = panelRectangles(panels.length, narrow, size, legend.height);
  const ranges = panels.map((panel) => (view.robust && panel.robust ? robustRange(panel.lines.flatMap((line) => line.values), panel.log) : undefined));
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
      const range = ranges[panelIndex];
      if (range) series.push(clippedMarkers(`clipped-${panelIndex}-${lineIndex}`, line.name, epochs, line.values, range, colour, theme, { xAxisIndex: panelIndex, yAxisIndex: panelIndex }));
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
                lineStyle: { color: theme.event, type: 'dashed', width: 1.4 },
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
    legend: legend.option,
    title: panels.map((panel, index) => ({ text: panelTitle(panel, ranges[index]), left: grids[index].left - 4, top: grids[index].top - 22, textStyle: { color: theme.foreground, fontSize: theme.fontSize - 1, fontWeight: 'normal' }, padding: 0 })),
    tooltip: { ...(baseOption(theme).tooltip as Option), trigger: 'axis', axisPointer: crosshair(theme), formatter: (params: AxisTooltipEntry[]) => trainingTooltip(params, training) },
    axisPointer: { link: [{ xAxisIndex: 'all' }], lineStyle: { color: theme.mutedForeground } },
    grid: grids,
    xAxis: panels.map((_, index) => valueAxis(theme, index >= panels.length - (narrow ? 1 : 2) ? 'epoch' : '', { gridIndex: index, min: 'dataMin', max: 'dataMax', minInterval: 1, nameGap: 22 }, epochs)),
    yAxis: panels.map((panel, index) => {
      const values = panel.lines.flatMap((line) => line.values);
      const range = ranges[index];
      // With outliers ignored, the axis spans the robust range and its ticks have the digits that range needs.
      if (!range) return valueAxis(theme, '', { gridIndex: index, ...(panel.log ? { type: 'log', scale: false } : {}) }, values);
      return robustAxis(valueAxis(theme, '', { gridIndex: index, ...(panel.log ? { type: 'log', scale: false } : {}), min: range.min, max: range.max }, [range.min, range.max]));
    }),
    dataZoom: insideZoom(panels.map((_, index) => index)),
    series,
  };
}

/** A panel's title: what it shows, its log scale, and how many values lie off the scale while outliers are ignored. */
function panelTitle(panel: Panel, range: RobustRange | undefined): string {
  const title = panel.log ? `${panel.title} (log)` : panel.title;
  return range ? `${title} · ${range.outside} off scale` : title;
}

/** The training history as CSV rows. */
export function trainingRows(training: TrainingView): { header: string[]; rows: (number | string | undefined)[][] } {
  const header = ['epoch', 'loss', 'testLoss', 'trainAccuracy', 'testAccuracy', 'gradientNorm', 'learningRate', 'seconds'];
  return { header, rows: training.history.map((record) => [record.epoch, record.loss, record.testLoss, record.trainAccuracy, record.testAccuracy, record.gradientNorm, record.learningRate, record.seconds]) };
}
