import { it } from 'node:test';
import assert from 'node:assert/strict';
import { networkIssues } from '../../src/config/network-checks';
import type { ExperimentConfig } from '../../src/config/types';

it('network config checks name the field and the fix: widths against the data, activation count, missing files, loss against data', () => {
  const messages = (config: Omit<ExperimentConfig, 'name'>) => networkIssues({ name: 'x', ...config }, '/nonexistent').map((issue) => `${issue.path}: ${issue.message}`);
  assert.deepEqual(messages({ model: { layers: [784, 100, 10] }, data: { kind: 'mnist-sample' } }), []);
  const wrong = messages({ model: { layers: [2, 8, 3], activation: ['tanh'], loss: 'mse' }, data: { kind: 'synthetic', name: 'spirals' } });
  assert.ok(wrong.some((m) => m.startsWith('/model/layers/2: the data has 2 classes, so the last width must be 2 (or 1 with sigmoid-bce)')));
  assert.ok(wrong.some((m) => m.startsWith('/model/activation: 1 activations for 2 layers')));
  const regression = messages({ model: { layers: [3, 1], loss: 'softmax-cross-entropy' }, data: { kind: 'synthetic', name: 'sum-of-squares', dimension: 3 } });
  assert.deepEqual(regression, ['/model/loss: softmax-cross-entropy needs a class column (data.label) or several one-hot target columns, not one numeric target: use "mse"']);
  const files = messages({ model: { layers: [784, 10], weights: 'w.safetensors' }, data: { kind: 'idx', images: 'train-images-idx3-ubyte.gz', labels: 'train-labels-idx1-ubyte.gz' } });
  assert.equal(files.length, 3);
  assert.ok(files.every((m) => m.includes('does not exist; paths are relative to the config file')));
  assert.deepEqual(messages({ model: { layers: [784, 10] }, data: { kind: 'mnist-sample' }, training: { optimizer: { name: 'adam', momentum: 0.9 } } }).map((m) => m.split(':')[0]), ['/training/optimizer/momentum']);
  assert.deepEqual(messages({ data: { kind: 'mnist-sample' } }), ['/model: network training needs "model": add e.g. {"layers": [2, 8, 2], "activation": "tanh"}']);
});
