/** The axes' tick labels (webview/charts/common.ts valueAxis): digits enough to differ, one format per axis. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { valueAxis } from '../../webview/charts/common';
import type { Theme } from '../../webview/charts/palette';

const theme = { mutedForeground: '#999', border: '#444', gridLine: '#333', fontSize: 13 } as Theme;

/** The label formatter valueAxis gives an axis over `values`. */
function labelsOf(values: number[], log = false): (value: number) => string {
  const axis = valueAxis(theme, '', log ? { type: 'log' } : {}, values) as { axisLabel: { formatter: (value: number) => string } };
  return axis.axisLabel.formatter;
}

/** The ticks ECharts puts on a linear axis over [min, max]: multiples of a 1-2-3-5 step near span / parts. */
function ticks(min: number, max: number, parts: number): number[] {
  const raw = (max - min) / parts;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const step = (fraction < 1.5 ? 1 : fraction < 2.5 ? 2 : fraction < 4 ? 3 : fraction < 7 ? 5 : 10) * power;
  const result: number[] = [];
  for (let k = Math.ceil(min / step); k * step <= max + step * 1e-9; k++) result.push(k * step);
  return result;
}

describe('tick labels', () => {
  it('labels neighbouring ticks of a narrow range differently (adaptive-saddle-detector\'s loss, 6.330–6.344)', () => {
    const history = (JSON.parse(readFileSync('test/fixtures/results-training-sum-of-squares.json', 'utf8')) as { training: { history: { loss: number }[] } }).training.history;
    const losses = history.map((record) => record.loss);
    const format = labelsOf(losses);
    const [min, max] = [Math.min(...losses), Math.max(...losses)];
    for (const parts of [5, 10]) {
      const labels = ticks(min, max, parts).map(format);
      assert.equal(new Set(labels).size, labels.length, `labels repeat: ${labels.join(' ')}`);
      for (const label of labels) assert.match(label, /^6\.3\d{1,3}$/);
    }
  });

  it('keeps plain labels short where the range allows', () => {
    assert.deepEqual(ticks(1, 300, 5).map(labelsOf([1, 300])), ['50', '100', '150', '200', '250', '300']);
    assert.deepEqual([0, 0.1, 0.2, 0.30000000000000004, -0].map(labelsOf([0, 0.7])), ['0', '0.1', '0.2', '0.3', '0']);
  });

  it('gives a log axis one format: exponent form throughout when a tick is very small or large', () => {
    assert.deepEqual([1e-5, 1e-4, 1e-3, 1e-2, 0.1].map(labelsOf([2e-5, 0.08], true)), ['1e-5', '1e-4', '1e-3', '1e-2', '1e-1']);
    assert.deepEqual([1, 10, 100, 1000, 10000, 100000].map(labelsOf([3, 2e5], true)), ['1e0', '1e1', '1e2', '1e3', '1e4', '1e5']);
    assert.deepEqual([0.01, 0.1, 1, 10].map(labelsOf([0.02, 8], true)), ['0.01', '0.1', '1', '10']);
  });

  it('gives a linear axis of tiny or huge values exponent labels with the digits its ticks need', () => {
    const tiny = labelsOf([1.2e-5, 1.5e-5]);
    const labels = ticks(1.2e-5, 1.5e-5, 10).map(tiny);
    assert.equal(new Set(labels).size, labels.length, labels.join(' '));
    for (const label of labels) assert.match(label, /^1\.\d+e-5$/);
    assert.deepEqual([200000, 400000, 600000].map(labelsOf([1e5, 7e5])), ['2e5', '4e5', '6e5']);
  });
});
