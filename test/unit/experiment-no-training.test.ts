import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { validateConfigValue } from '../../src/config/validate';
import { runExperiment, type ExperimentConfig } from '../../src/core/experiment';
import { Mlp, mlpObjective } from '../../src/core/nn/mlp';

// A 2-3-1 tanh regression net with given weights on six rows of a CSV file (no preprocessing, no test split).
const rows = [
  [0.5, -1.0, 0.3],
  [1.5, 0.2, -0.7],
  [-0.4, 0.9, 1.1],
  [0.0, 0.0, 0.25],
  [-1.2, -0.6, -0.9],
  [0.8, 1.3, 0.6],
];
const weights = {
  layers: [
    { weight: [[0.4, -0.3], [0.7, 0.2], [-0.5, 0.9]], bias: [0.1, -0.2, 0.05], activation: 'tanh' },
    { weight: [[1.1, -0.8, 0.6]], bias: [0.3], activation: 'linear' },
  ],
  loss: 'mse',
};

/** The mean-squared error of the given weights over the rows, from the engine's MLP directly (no pipeline, no data loader). */
function lossAtGivenWeights(): number {
  const network = new Mlp({ sizes: [2, 3, 1], activations: ['tanh', 'linear'], bias: true, loss: 'mse' });
  const parameters = Float64Array.from(weights.layers.flatMap((layer) => [...layer.weight.flat(), ...layer.bias]));
  const inputs = Float64Array.from(rows.flatMap((row) => row.slice(0, 2)));
  const targets = Float64Array.from(rows.map((row) => row[2]));
  return mlpObjective(network, { inputs, targets, rows: rows.length }).value(parameters);
}

test('weights, data and a landscape alone train nothing: the landscape centre is the loss at the given weights', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'no-training-'));
  writeFileSync(join(dir, 'rows.csv'), ['x1,x2,y', ...rows.map((row) => row.join(','))].join('\n'));
  writeFileSync(join(dir, 'weights.json'), JSON.stringify(weights));
  const validated = validateConfigValue(
    { name: 'given-weights', model: { layers: [2, 3, 1], weights: 'weights.json' }, data: { kind: 'csv', path: 'rows.csv', target: 'y', testFraction: 0, preprocess: 'none' }, analyses: { landscape: { resolution: 5 } } },
    dir,
  );
  assert.deepEqual(validated.issues.filter((issue) => issue.severity === 'error'), []);
  const results = await runExperiment(validated.config!, { baseDir: dir });
  assert.equal(results.training, undefined, 'no training section: nothing trains');
  const landscape = results.landscape!;
  assert.equal(landscape.trajectory, undefined, 'no training path to project');
  // the grid is 5×5 over [−1, 1]²: the centre (α, β) = (0, 0) is index 2·5 + 2
  assert.equal(landscape.alphas[2], 0);
  assert.equal(landscape.betas[2], 0);
  const expected = lossAtGivenWeights();
  assert.ok(expected > 0.05, `a loss far from zero, so a trained network would differ: ${expected}`);
  assert.ok(Math.abs((landscape.loss[12] as number) - expected) < 1e-12, `centre ${landscape.loss[12]} vs loss at the given weights ${expected}`);
});

test('a landscape along the training path without a training section fails the run with the fix, keeping what finished', async () => {
  const config = { name: 'no-path', model: { layers: [2, 4, 2] }, data: { kind: 'synthetic', name: 'xor', samples: 40 }, analyses: { hessian: { top: 1 }, landscape: { directions: 'interpolation', resolution: 5 } } } as const;
  const validated = validateConfigValue(config, '.');
  // validation says so before any run…
  assert.deepEqual(validated.issues.filter((issue) => issue.severity === 'error').map((issue) => issue.path), ['/analyses/landscape/directions']);
  // …and a run that gets there anyway fails with the fix
  await assert.rejects(runExperiment(config as unknown as ExperimentConfig, { baseDir: '.' }), (error: Error & { results?: { hessian?: unknown; landscape?: unknown } }) => {
    assert.equal(error.name, 'ExperimentFailed');
    assert.match(error.message, /landscape: .*add a "training" section/);
    assert.ok(error.results?.hessian, 'the Hessian analysis that finished is kept');
    assert.equal(error.results?.landscape, undefined);
    return true;
  });
});
