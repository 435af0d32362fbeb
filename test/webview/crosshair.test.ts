/**
 * The crosshair of the training chart and the comparison's overlays (TensorBoard and W&B's
 * hover): a vertical line on every panel, the values under the pointer on the axes, and a
 * tooltip that lists every series at the hovered epoch.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ExperimentResults } from '../../src/shared/results';
import { themeOf } from '../../webview/charts/palette';
import { trainingOf } from '../../webview/charts/sections';
import { trainingOption } from '../../webview/charts/training';
import { overlayOption } from '../../webview/compare/overlay-chart';
import { fixture } from './browser';

interface CrosshairOption {
  tooltip: { trigger: string; axisPointer: { type: string; label: { formatter: (params: { axisDimension: string; value: number }) => string } }; formatter: (params: unknown[]) => string };
  axisPointer?: { link?: { xAxisIndex: string }[] };
  xAxis: unknown[];
}

const theme = themeOf('dark', () => undefined);

describe('crosshair', () => {
  it('on the training chart: a cross on the hovered panel, the epoch line on all four, every panel\'s series in the tooltip', () => {
    const training = trainingOf(fixture('training-spirals') as ExperimentResults);
    assert.ok(training);
    const option = trainingOption(training, theme, false, { width: 1200, height: 800 }) as unknown as CrosshairOption;
    assert.equal(option.tooltip.trigger, 'axis');
    assert.equal(option.tooltip.axisPointer.type, 'cross');
    assert.deepEqual(option.axisPointer?.link, [{ xAxisIndex: 'all' }]);
    assert.equal(option.xAxis.length, 4);
    // The pointer's labels: the epoch on x, the value in the charts' number format on y.
    assert.equal(option.tooltip.axisPointer.label.formatter({ axisDimension: 'x', value: 36 }), '36');
    assert.equal(option.tooltip.axisPointer.label.formatter({ axisDimension: 'y', value: 0.674912345 }), '0.6749');
    // ECharts hands the formatter the series of every linked panel at the epoch: each is listed.
    const epoch = 36;
    const record = training.history[epoch - 1];
    const entries = [
      ['loss', record.loss],
      ['test loss', record.testLoss],
      ['train accuracy', record.trainAccuracy],
      ['test accuracy', record.testAccuracy],
      ['gradient norm', record.gradientNorm],
      ['learning rate', record.learningRate],
    ].map(([name, value], index) => ({ axisValue: epoch, seriesId: `training-${index}`, seriesName: name, value: [epoch, value] }));
    const text = option.tooltip.formatter(entries).split('\n');
    assert.equal(text[0], `epoch ${epoch}`);
    assert.deepEqual(text.slice(1, 7).map((line) => line.split('  ')[0]), ['loss', 'test loss', 'train accuracy', 'test accuracy', 'gradient norm', 'learning rate']);
  });

  it('on a comparison overlay: every run is listed, not only the one nearest the pointer, and a hidden run is left out', () => {
    const lines = [
      { run: 'a', colour: '#f14c4c', xs: [1, 2, 3, 4], ys: [4, 3, 2, 1] },
      { run: 'b', colour: '#3794ff', xs: [1.5, 2.5, 3.5], ys: [10, 20, 30] },
    ];
    let selected: Record<string, boolean> = {};
    const option = overlayOption({ lines, xName: 'epoch', yName: 'loss', log: false, smoothing: 0, visible: () => selected }, theme) as unknown as CrosshairOption;
    assert.equal(option.tooltip.axisPointer.type, 'cross');
    // ECharts' own axis tooltip keeps only the series whose point lies nearest the pointer (here a's at 2): the formatter lists b too.
    assert.equal(option.tooltip.formatter([{ axisValue: 2, seriesId: 'line-0', seriesName: 'a', value: [2, 3] }]), 'epoch 2\na: 3\nb: 10');
    // The legend hid b (without a redraw): the tooltip follows.
    selected = { b: false };
    assert.equal(option.tooltip.formatter([{ axisValue: 2 }]), 'epoch 2\na: 3');
  });
});
