/** What the training chart's shaded plateaus and event lines say (webview/charts/training.ts). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ExperimentResults } from '../../src/shared/results';
import { trainingOption } from '../../webview/charts/training';
import { trainingOf } from '../../webview/charts/sections';
import type { Theme } from '../../webview/charts/palette';
import { fixture } from './browser';

const theme = { series: ['#f14c4c', '#3794ff', '#cca700', '#89d185'], plateau: 'rgba(204, 167, 0, 0.16)', event: '#d18616', foreground: '#ccc', mutedForeground: '#999', border: '#444', gridLine: '#333', fontSize: 13 } as Theme;

describe('training chart marks', () => {
  it('names each shaded plateau with the detector\'s rule and threshold, in its tooltip', () => {
    const training = trainingOf(fixture('training-spirals') as ExperimentResults);
    assert.ok(training && training.plateaus.length > 0);
    const option = trainingOption(training, theme, false, { width: 1000, height: 600 });
    const series = option.series as { markArea?: { data: { name?: string }[][]; tooltip: { formatter: (params: { name: string }) => string } } }[];
    const areas = series.find((entry) => entry.markArea)?.markArea;
    assert.ok(areas);
    assert.equal(areas.data.length, training.plateaus.length);
    for (const [start] of areas.data) {
      // The shading means what the detector found, in its words: the rule with its threshold.
      assert.match(areas.tooltip.formatter({ name: start.name ?? '' }), /^plateau: .*\|d loss\/d epoch\| < \d[0-9.e-]*,? over epochs \d+–\d+$/);
    }
  });

  it('says in the axis tooltip which plateau and events an epoch lies in, with the detector\'s threshold', () => {
    const training = trainingOf(fixture('training-spirals') as ExperimentResults);
    assert.ok(training);
    const option = trainingOption(training, theme, false, { width: 1000, height: 600 });
    const formatter = (option.tooltip as { formatter: (params: unknown[]) => string }).formatter;
    const plateau = training.plateaus[0];
    const epoch = plateau.epoch;
    const text = formatter([{ axisValue: epoch, seriesName: 'loss', value: [epoch, 0.6789] }, { axisValue: epoch, seriesName: 'test loss', value: [epoch, null] }]);
    assert.deepEqual(text.split('\n').slice(0, 3), [`epoch ${epoch}`, 'loss  0.6789', plateau.message]);
    assert.match(plateau.message, /\|d loss\/d epoch\| < \d/);
    const outside = training.history.map((record) => record.epoch).find((value) => !training.plateaus.some((entry) => entry.epoch <= value && value <= (entry.endEpoch ?? entry.epoch)) && !training.events.some((event) => event.epoch === value));
    assert.ok(outside !== undefined);
    assert.equal(formatter([{ axisValue: outside, seriesName: 'loss', value: [outside, 0.5] }]), `epoch ${outside}\nloss  0.5`);
  });
});
