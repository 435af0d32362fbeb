import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { configDifferences, flattenConfig, headline, runLabels, scalesDiffer, smooth, spectralRange } from '../../webview/compare/model';
import { allPositive, logAxisSwitch, spansDecades } from '../../webview/charts/log-axis';
import type { ExperimentResults } from '../../src/shared/results';

test('smoothing is the debiased exponential moving average (TensorBoard) and skips missing values', () => {
  const weight = 0.5;
  const smoothed = smooth([4, undefined, 2, 8], weight);
  // s1 = 0.5·4 = 2 → 2/(1−0.5) = 4; s2 = 0.5·2 + 0.5·2 = 2 → 2/(1−0.25) = 8/3; s3 = 0.5·2 + 0.5·8 = 5 → 5/(1−0.125).
  assert.equal(smoothed[0], 4);
  assert.equal(smoothed[1], undefined);
  assert.ok(Math.abs((smoothed[2] ?? 0) - 8 / 3) < 1e-12);
  assert.ok(Math.abs((smoothed[3] ?? 0) - 5 / 0.875) < 1e-12);
  assert.deepEqual(smooth([1, 2, 3], 0), [1, 2, 3], 'weight 0 leaves the values');
  const constant = smooth([3, 3, 3, 3], 0.9);
  for (const value of constant) assert.ok(Math.abs((value ?? 0) - 3) < 1e-12, 'a constant stays constant (no pull toward 0)');
});

test('config differences list exactly the fields whose values differ, a missing field counting as a value', () => {
  const a = { name: 'a', seed: 0, training: { epochs: 10, optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 } }, model: { layers: [2, 8, 2] } };
  const b = { name: 'b', seed: 0, training: { epochs: 10, optimizer: { name: 'adam', lr: 0.1 } }, model: { layers: [2, 16, 2] } };
  const rows = configDifferences([a, b]);
  assert.deepEqual(rows.map((row) => row.field), ['name', 'training.optimizer.name', 'training.optimizer.momentum', 'model.layers[1]']);
  assert.deepEqual(rows.find((row) => row.field === 'training.optimizer.momentum')?.values, ['0.9', undefined]);
  assert.deepEqual(configDifferences([a, structuredClone(a)]), [], 'the same config has no differences');
  assert.deepEqual([...flattenConfig({ x: [], y: {} }).keys()], ['x', 'y']);
});

test('headline numbers come from the results: last epoch, top eigenvalue, trace, total time', () => {
  const results = JSON.parse(readFileSync('test/fixtures/results-training-spirals.json', 'utf8')) as ExperimentResults;
  const numbers = headline(results);
  const last = results.training?.history.at(-1);
  assert.equal(numbers.finalLoss, last?.loss);
  assert.equal(numbers.accuracy, last?.testAccuracy);
  const eigenvalues = results.hessian?.eigenvalues ?? [];
  assert.equal(numbers.lambdaMax, results.hessian?.top?.[0]?.value ?? eigenvalues[eigenvalues.length - 1]);
  assert.equal(numbers.seconds, Object.values(results.timings).reduce((sum, seconds) => sum + seconds, 0));
  const race = JSON.parse(readFileSync('test/fixtures/results-saddle-race.json', 'utf8')) as ExperimentResults;
  const finals = (race.trajectories ?? []).map((trajectory) => trajectory.values.at(-1) ?? Infinity).filter(Number.isFinite);
  assert.equal(headline(race).finalLoss, Math.min(...finals), 'a race: the lowest final objective');
});

test('runs that share a name are told apart by their folder time; log axes only for positive values spanning decades', () => {
  const summary = (id: string, name: string) => ({ summary: { id, name, status: 'completed' as const, startedAt: '' }, results: {} as ExperimentResults });
  assert.deepEqual(runLabels([summary('20260101-000000-a', 'race'), summary('20260101-000100-a', 'race'), summary('x', 'other')]), ['race (20260101-000000)', 'race (20260101-000100)', 'other']);
  assert.equal(spansDecades([1, 10, 1000]), true);
  assert.equal(spansDecades([1, 2, 3]), false);
  assert.equal(spansDecades([-1, 100]), false);
});

test('log axes: a switch only for positive values; linear unless the span passes the decades asked for; the choice overrides', () => {
  assert.equal(allPositive([1, undefined, 2]), true);
  assert.equal(allPositive([0, 2]), false, 'log 0 is undefined');
  assert.equal(allPositive([]), false);
  assert.equal(spansDecades([1, 500], 3), false, 'less than three decades');
  assert.equal(spansDecades([1, 5000], 3), true);
  const toggled: [string, boolean][] = [];
  const onToggle = (key: string, log: boolean) => toggled.push([key, log]);
  assert.equal(logAxisSwitch('loss', [1, 5000], {}, onToggle, { decades: 3 }).log, true);
  assert.equal(logAxisSwitch('loss', [1, 5000], { loss: false }, onToggle, { decades: 3 }).log, false, 'the remembered choice wins');
  const negative = logAxisSwitch('loss', [-1, 5000], { loss: true }, onToggle, { decades: 3 });
  assert.equal(negative.log, false, 'never logarithmic with a value ≤ 0, even when chosen');
  assert.match(negative.unavailable ?? '', /positive/);
  negative.onToggle(true);
  assert.deepEqual(toggled, [['loss', true]]);
});

test('spectral ranges: the largest |λ|, else the density grid; scales differ past a factor of 100', () => {
  assert.equal(spectralRange({ eigenvalues: [-30, 2], top: [], bottom: [] }), 30);
  assert.equal(spectralRange({ eigenvalues: [], top: [5], bottom: [-0.5] }), 5);
  assert.equal(spectralRange({ eigenvalues: [], top: [], bottom: [], density: { grid: [-4, 0, 2] } }), 4);
  assert.equal(spectralRange({ eigenvalues: [], top: [], bottom: [] }), undefined);
  assert.equal(scalesDiffer([1, 1000]), true);
  assert.equal(scalesDiffer([1, 50]), false);
  assert.equal(scalesDiffer([1, undefined]), false, 'one known range is nothing to compare');
});
