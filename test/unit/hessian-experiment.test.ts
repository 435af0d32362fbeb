import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runExperiment } from '../../src/core/experiment';
import { validateConfigValue } from '../../src/config/validate';
import type { ExperimentConfig } from '../../src/config/types';
import type { ProgressReport } from '../../src/shared/results';

const surfaceConfig = {
  name: 'saddle-hessian',
  surface: { name: 'dauphin-saddle' },
  start: [0, 0],
  steps: 3,
  optimizers: [{ name: 'sgd', lr: 0.1 }],
  criticalPoints: false,
  grid: { resolution: 3 },
  analyses: { hessian: { trace: { probes: 4 }, density: { steps: 2 }, eigenvectors: true } },
};

test('a surface config with analyses.hessian validates and gives the spectrum, trace, density, classification and slices at start', async () => {
  const validated = validateConfigValue(surfaceConfig, '.');
  assert.deepEqual(validated.issues, []);
  const reports: ProgressReport[] = [];
  const results = await runExperiment(validated.config!, { baseDir: '.', onProgress: (report) => reports.push(report) });
  const hessian = results.hessian!;
  const last = reports.filter((report) => report.message.startsWith('Hessian')).at(-1)!;
  assert.equal(last.fraction, 1);
  assert.deepEqual(last.partial!.hessian!.eigenvalues, [-2, 10], 'the last report carries the results');
  assert.deepEqual(hessian.eigenvalues, [-2, 10]);
  assert.deepEqual(hessian.point, [0, 0]);
  assert.equal(hessian.gradientNorm, 0);
  assert.equal(hessian.eigenvectors!.length, 2);
  assert.equal(hessian.classification!.kind, 'saddle');
  assert.equal(hessian.classification!.index, 1);
  assert.equal(hessian.classification!.negativeRatio, 0.2);
  assert.equal(hessian.trace!.exact, 8);
  assert.equal(hessian.trace!.probes, 4);
  assert.ok(Math.abs(hessian.trace!.estimate - 8) < 1e-12, 'Rademacher probes are exact on a diagonal Hessian');
  assert.equal(hessian.density!.convention.widthConvention, 'variance');
  const bottomSlice = hessian.slices!.find((slice) => slice.direction === 'bottom')!;
  assert.ok(Math.abs(bottomSlice.eigenvalue + 2) < 1e-12);
  assert.ok(Math.abs(bottomSlice.values[0] + 1) < 1e-12, 'f = −y² one unit along the negative eigenvector');
  assert.ok(results.timings.hessian >= 0);
});

test('schema errors in analyses.hessian name the field', () => {
  const bad = { ...surfaceConfig, analyses: { hessian: { top: -1, method: 'numeric' } } };
  const paths = validateConfigValue(bad, '.').issues.map((issue) => issue.path);
  assert.ok(paths.includes('/analyses/hessian/top'), JSON.stringify(paths));
  assert.ok(paths.includes('/analyses/hessian/method'), JSON.stringify(paths));
});

const modelConfig: ExperimentConfig = {
  name: 'mlp-hessian',
  model: { layers: [2, 4, 1], activation: ['tanh', 'tanh'], bias: false, loss: 'mse', init: 'seed' },
  data: { kind: 'synthetic', name: 'sum-of-squares', samples: 50, testFraction: 0 },
  analyses: { hessian: { top: 2, bottom: 2, full: true, layers: true } },
} as ExperimentConfig;

test('a model without training is analysed at its initial weights; the dense ends match Lanczos', async () => {
  const results = await runExperiment(modelConfig, { baseDir: '.' });
  assert.equal(results.training, undefined, 'no training section: nothing is trained');
  const hessian = results.hessian!;
  assert.equal(hessian.dimension, 12);
  assert.equal(hessian.eigenvalues!.length, 12);
  const scale = Math.max(...hessian.eigenvalues!.map(Math.abs));
  assert.ok(Math.abs(hessian.top![0].value - hessian.eigenvalues![11]) < 1e-8 * scale);
  assert.ok(Math.abs(hessian.bottom![0].value - hessian.eigenvalues![0]) < 1e-8 * scale);
  assert.ok(hessian.top![0].residual < 1e-5 * scale);
  assert.equal(hessian.solver!.name, 'lanczos');
  assert.deepEqual(hessian.layers!.map((layer) => layer.length), [8, 4]);
  assert.equal(hessian.classification!.complete, true);
});

test('with training, the analysis runs at the trained weights and adds an end entry to the history', async () => {
  const config = { ...modelConfig, training: { epochs: 3, optimizer: { name: 'sgd', lr: 0.01 }, detector: false } } as ExperimentConfig;
  const results = await runExperiment(config, { baseDir: '.' });
  assert.equal(results.training!.history.length, 3);
  assert.deepEqual(results.hessian!.history!.map((entry) => [entry.epoch, entry.reason]), [[3, 'end']]);
  assert.equal(results.hessian!.history![0].lambdaMax, results.hessian!.eigenvalues!.at(-1));
});

test('the dense limit is a warning naming Lanczos (the ends are still found), and a cancelled analysis keeps a warning', async () => {
  const limited = await runExperiment({ ...modelConfig, analyses: { hessian: { full: true, maxDimension: 5 } } } as ExperimentConfig, { baseDir: '.' });
  assert.ok(limited.warnings.some((warning) => /maxDimension/.test(warning) && /Lanczos/.test(warning)), JSON.stringify(limited.warnings));
  assert.equal(limited.hessian!.eigenvalues, undefined);
  assert.equal(limited.hessian!.top!.length, 1, 'the ends are still found by Lanczos');
  assert.equal(limited.hessian!.classification!.complete, false);
  let checks = 0;
  const signal = {
    get aborted() {
      return ++checks > 3;
    },
  };
  const cancelled = await runExperiment({ ...modelConfig, analyses: { hessian: { full: true } } } as ExperimentConfig, { baseDir: '.', signal });
  assert.ok(cancelled.warnings.some((warning) => /Hessian analysis cancelled/.test(warning)), JSON.stringify(cancelled.warnings));
  assert.equal(cancelled.hessian!.eigenvalues, undefined);
});

test('every N epochs and at the end, the history gains λmax, λmin, the negative count and the kind', async () => {
  const config = { ...modelConfig, training: { epochs: 4, optimizer: { name: 'sgd', lr: 0.01 }, detector: false }, analyses: { hessian: { full: true, every: 2 } } } as ExperimentConfig;
  const results = await runExperiment(config, { baseDir: '.' });
  const history = results.hessian!.history!;
  assert.deepEqual(history.map((entry) => [entry.epoch, entry.reason]), [[2, 'every'], [4, 'every'], [4, 'end']]);
  assert.equal(history[1].lambdaMax, history[2].lambdaMax, 'epoch 4 and the end analyse the same weights');
  assert.equal(history[2].negativeCount, results.hessian!.classification!.index);
});
