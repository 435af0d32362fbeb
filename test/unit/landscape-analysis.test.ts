import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateConfigValue } from '../../src/config/validate';
import { runExperiment } from '../../src/core/experiment';
import type { ExperimentResults, ProgressReport } from '../../src/shared/results';

const network = {
  name: 'xor-landscape',
  seed: 3,
  model: { layers: [2, 6, 2], activation: 'tanh' },
  data: { kind: 'synthetic', name: 'xor', samples: 120 },
  training: { epochs: 6, optimizer: { name: 'adam', lr: 0.05 } },
};

async function run(config: Record<string, unknown>): Promise<{ results: ExperimentResults; reports: ProgressReport[] }> {
  const validated = validateConfigValue(config, '.');
  assert.deepEqual(validated.issues.filter((issue) => issue.severity === 'error'), []);
  const reports: ProgressReport[] = [];
  const results = await runExperiment(validated.config!, { baseDir: '.', onProgress: (report) => reports.push(report) });
  return { results, reports };
}

test('a trained model gets a filter-normalized 2-D landscape, levels streamed, its path projected', async () => {
  const { results, reports } = await run({ ...network, analyses: { landscape: { resolution: 17, samples: 50 } } });
  const landscape = results.landscape;
  assert.ok(landscape, results.warnings.join('; '));
  assert.equal(landscape.loss.length, 17 * 17);
  assert.ok(landscape.loss.every((value) => typeof value === 'number' && Number.isFinite(value)));
  assert.ok(landscape.accuracy?.every((value) => value !== null && value >= 0 && value <= 1));
  assert.equal(landscape.samples, 50);
  assert.equal(landscape.normalization, 'filter');
  assert.equal(landscape.trajectory?.alpha.length, 7);
  // the path ends at the centre: its last point projects to (0, 0) with no residual
  assert.ok(Math.abs(landscape.trajectory!.alpha[6]) < 1e-12 && landscape.trajectory!.residual[6] === 0);
  const strides = reports.filter((report) => report.partial?.landscape).map((report) => report.partial!.landscape!.stride);
  assert.deepEqual(strides, [4, 2, 1]);
});

test('PCA directions explain the path; interpolation is a 1-D line from the initial to the final weights', async () => {
  const pca = (await run({ ...network, analyses: { landscape: { directions: 'pca', resolution: 9 } } })).results.landscape;
  assert.ok(pca?.explainedVariance && pca.explainedVariance[0] >= pca.explainedVariance[1]);
  assert.ok(pca.explainedVariance[0] + pca.explainedVariance[1] <= 1 + 1e-9);
  assert.ok(Math.max(...pca.trajectory!.alpha.map(Math.abs)) <= Math.max(...pca.alphas));
  const line = (await run({ ...network, analyses: { landscape: { directions: 'interpolation', resolution: 9 } } })).results;
  const landscape = line.landscape!;
  assert.equal(landscape.dimensions, 1);
  assert.deepEqual(landscape.betas, [0]);
  assert.deepEqual(landscape.alphas, [-0.5, -0.25, 0, 0.25, 0.5, 0.75, 1, 1.25, 1.5]);
  // α = 1 is the trained network: its loss is the last epoch's training loss (same data, no subset)
  const history = line.training!.history;
  assert.ok(Math.abs((landscape.loss[6] as number) - history[history.length - 1].loss) < 1e-9);
});

test('the loss along the projected path is evaluated at each of its points, on the plane and on the line', async () => {
  const pca = (await run({ ...network, analyses: { landscape: { directions: 'pca', resolution: 9 } } })).results.landscape!;
  const path = pca.trajectory!;
  assert.equal(path.loss?.length, 7);
  assert.ok(path.loss!.every((value) => typeof value === 'number' && Number.isFinite(value)));
  // the path ends at the centre, the grid's middle point (α = β = 0 of a symmetric 9×9 grid)
  assert.equal(pca.alphas[4], 0);
  assert.ok(Math.abs(path.loss![6]! - (pca.loss[4 * 9 + 4] as number)) < 1e-12);
  assert.ok(Math.abs(path.loss![0]! - path.loss![6]!) > 1e-3, 'the path starts elsewhere');
  const line = (await run({ ...network, analyses: { landscape: { directions: 'interpolation', resolution: 9 } } })).results.landscape!;
  // on the line from the initial weights (α = 0) to the trained ones (α = 1): the path's ends are grid points
  assert.equal(line.trajectory!.loss?.length, 7);
  assert.ok(Math.abs(line.trajectory!.alpha[0]) < 1e-12 && Math.abs(line.trajectory!.alpha[6] - 1) < 1e-12);
  assert.ok(Math.abs(line.trajectory!.loss![0]! - (line.loss[2] as number)) < 1e-9);
  assert.ok(Math.abs(line.trajectory!.loss![6]! - (line.loss[6] as number)) < 1e-9);
});

test('Hessian directions on a surface show the saddle: loss rises along d₁ and falls along d₂', async () => {
  const { results } = await run({ name: 'saddle', surface: { name: 'saddle' }, start: [0, 0], optimizers: [{ name: 'sgd', lr: 0.1 }], steps: 3, analyses: { landscape: { directions: 'hessian', resolution: 5 } } });
  const landscape = results.landscape!;
  assert.deepEqual(landscape.eigenvalues?.map((value) => Math.round(value * 1e6) / 1e6), [2, -2]);
  // f = x² − y² at (αd₁ + βd₂) with unit eigenvectors: α² − β²
  landscape.loss.forEach((value, index) => {
    const alpha = landscape.alphas[index % 5];
    const beta = landscape.betas[Math.floor(index / 5)];
    assert.ok(Math.abs((value as number) - (alpha * alpha - beta * beta)) < 1e-9);
  });
});
