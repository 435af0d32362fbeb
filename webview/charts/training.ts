/**
 * Training curves (slide 12 of the seed), TensorBoard-like small multiples: loss (log),
 * train/test accuracy, gradient norm (log), learning rate; plateau regions shaded and the
 * detector's events marked, with their epochs in the tooltip.
 */
import type { Theme } from '../theme';
import type { TrainingView } from '../sections';
import { formatNumber } from '../format';
import { baseOption, insideZoom, legend, positiveOrGap, valueAxis, type Option } from './common';

interface Panel {
  title: string;
  log: boolean;
  lines: { name: string; values: (number | undefined)[] }[];
}

function gridRects(count: number, narrow: boolean): Option[] {
  const rects: Option[] = [];
  for (let index = 0; index < count; index++) {
    if (narrow) {
      const height = 100 / count;
      rects.push({ left: 60, right: 16, top: `${index * height + 6}%`, height: `${height - 10}%` });
    } else {
      const column = index % 2;
      const row = Math.floor(index / 2);
      const rows = Math.ceil(count / 2);
      const height = 100 / rows;
      rects.push({ left: column === 0 ? 64 : '54%', right: column === 0 ? '54%' : 24, top: `${row * height + 8}%`, height: `${height - 16}%` });
    }
  }
  return rects;
}

/** The option of the training curves. */
export function trainingOption(training: TrainingView, theme: Theme, narrow: boolean, selected?: Record<string, boolean>): Option {
  const history = training.history;
  const epochs = history.map((record) => record.epoch);
  const panels: Panel[] = [
    { title: 'loss', log: true, lines: [{ name: 'loss', values: history.map((record) => record.loss) }] },
    {
      title: 'accuracy',
      log: false,
      lines: [
        { name: 'train accuracy', values: history.map((record) => record.trainAccuracy) },
        { name: 'test accuracy', values: history.map((record) => record.testAccuracy) },
      ],
    },
    { title: '‖gradient‖', log: true, lines: [{ name: 'gradient norm', values: history.map((record) => record.gradientNorm) }] },
    { title: 'learning rate', log: false, lines: [{ name: 'learning rate', values: history.map((record) => record.learningRate) }] },
  ]
    .map((panel) => ({ ...panel, lines: panel.lines.filter((line) => line.values.some((value) => value !== undefined)) }))
    .filter((panel) => panel.lines.length > 0);
  const grids = gridRects(panels.length, narrow);
  const plateauAreas = training.plateaus.map((plateau) => [
    { xAxis: plateau.epoch, name: `${plateau.kind} ${plateau.epoch}–${plateau.endEpoch}` },
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
                label: { show: panelIndex === 0, formatter: (params: { name: string }) => params.name.split(' (')[0], color: theme.event, fontSize: theme.fontSize - 2, position: 'insideEndTop' },
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
    title: panels.map((panel, index) => ({ text: panel.title, left: (grids[index].left as number | string), top: grids[index].top, textStyle: { color: theme.mutedForeground, fontSize: theme.fontSize - 1, fontWeight: 'normal' }, padding: [0, 0, 0, 0], textVerticalAlign: 'bottom' })),
    tooltip: { ...(baseOption(theme).tooltip as Option), trigger: 'axis', valueFormatter: (value: number) => formatNumber(value) },
    axisPointer: { link: [{ xAxisIndex: 'all' }], lineStyle: { color: theme.mutedForeground } },
    grid: grids,
    xAxis: panels.map((_, index) => valueAxis(theme, index >= panels.length - (narrow ? 1 : 2) ? 'epoch' : '', { gridIndex: index, min: 'dataMin', max: 'dataMax', nameGap: 24 })),
    yAxis: panels.map((panel, index) => valueAxis(theme, '', { gridIndex: index, ...(panel.log ? { type: 'log', scale: false } : {}) })),
    dataZoom: insideZoom(panels.map((_, index) => index)),
    series,
  };
}

/** The training history as CSV rows. */
export function trainingRows(training: TrainingView): { header: string[]; rows: (number | string | undefined)[][] } {
  const header = ['epoch', 'loss', 'trainAccuracy', 'testAccuracy', 'gradientNorm', 'learningRate', 'seconds'];
  return { header, rows: training.history.map((record) => [record.epoch, record.loss, record.trainAccuracy, record.testAccuracy, record.gradientNorm, record.learningRate, record.seconds]) };
}
