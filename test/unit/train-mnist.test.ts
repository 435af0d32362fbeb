import { it } from 'node:test';
import assert from 'node:assert/strict';
import { buildNetworkObjective } from '../../src/core/nn/build';
import { resolveTrainOptions, trainNetwork } from '../../src/core/nn/train';

it('the bundled MNIST sample (4,000 train / 1,000 test, 784-100-10) reaches ≥ 90% test accuracy within 10 epochs of momentum SGD', () => {
  const problem = buildNetworkObjective({ model: { layers: [784, 100, 10], activation: 'relu' }, data: { kind: 'mnist-sample', samples: 5000, testFraction: 0.2 }, seed: 0 }, '.');
  assert.equal(problem.train.rows, 4000);
  assert.equal(problem.test!.rows, 1000);
  const signal = { aborted: false };
  const options = { ...resolveTrainOptions({ epochs: 10, batchSize: 32, optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9 } }, 0), signal };
  // Stop as soon as the target is met: the test asserts "within 10 epochs", not the full run.
  options.onEpoch = (record) => {
    if ((record.testAccuracy ?? 0) >= 0.9) signal.aborted = true;
  };
  const run = trainNetwork(problem, options);
  const best = Math.max(...run.result.history.map((record) => record.testAccuracy!));
  assert.ok(best >= 0.9, `best test accuracy ${best} after ${run.result.history.length} epochs`);
  assert.ok(run.result.history.length <= 10);
  assert.ok(run.result.history.every((record) => record.loss > 0 && Number.isFinite(record.gradientNorm)));
});
