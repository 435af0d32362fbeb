import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { denseHessianIssues, learningRateIssues, parameterCount, stableLearningRate } from '../../src/config/advice';
import { TEMPLATES, pytorchTemplateText } from '../../src/host/editor/pure/templates';
import { validateConfigText } from '../../src/config/validate';
import type { ExperimentConfig } from '../../src/config/types';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A folder with the Python files the PyTorch template names (model.py:make_model, data.py:make_data). */
const templateFolder = mkdtempSync(join(tmpdir(), 'landscape-templates-'));
writeFileSync(join(templateFolder, 'model.py'), 'def make_model():\n    pass\n');
writeFileSync(join(templateFolder, 'data.py'), 'def make_data():\n    pass\n');

test('stable learning rate of heavy-ball gradient descent: 2(1 + μ)/λ', () => {
  assert.equal(stableLearningRate(2), 1);
  assert.equal(stableLearningRate(2, 0.9), 1.9);
  assert.equal(stableLearningRate(-2), Infinity, 'no bound along negative curvature');
});

test('a learning rate above 2/λmax at the start is a warning on its lr', () => {
  // x² − y²: λmax = 2 everywhere, so plain gradient descent needs lr < 1.
  const config: ExperimentConfig = { name: 'x', surface: { name: 'saddle' }, optimizers: [{ name: 'sgd', lr: 0.9 }, { name: 'sgd', lr: 1.2 }, { name: 'sgd', lr: 1.2, momentum: 0.9 }, { name: 'adam', lr: 5 }] };
  const issues = learningRateIssues(config);
  assert.deepEqual(issues.map((issue) => issue.path), ['/optimizers/1/lr']);
  assert.equal(issues[0].severity, 'warning');
  assert.match(issues[0].message, /λmax = 2\.000.*lr < 2\(1 \+ μ\)\/λmax = 1\.00/);
});

test('the curvature is taken at the start point (Rosenbrock at (-1.5, 2): λmax = 1051 + √(851² + 600²) ≈ 2092)', () => {
  const config: ExperimentConfig = { name: 'x', surface: { name: 'rosenbrock' }, start: [-1.5, 2], optimizers: [{ name: 'sgd', lr: 0.0009 }, { name: 'noisy-gd', lr: 0.001 }] };
  const issues = learningRateIssues(config);
  assert.deepEqual(issues.map((issue) => issue.path), ['/optimizers/1/lr']);
  assert.match(issues[0].message, /λmax = 2092/);
});

test('templates raise no warning', () => {
  for (const template of TEMPLATES) {
    const { config } = validateConfigText(template.text, templateFolder);
    assert.ok(config);
    assert.deepEqual(learningRateIssues(config), [], template.id);
  }
});

test('the PyTorch template for a model of one tensor, several or a dict batch validates, and names the loss only where the model does not return it', () => {
  for (const inputs of ['tensor', 'several', 'dict'] as const) {
    const text = pytorchTemplateText({ model: 'model.py:make_model', data: 'data.py:make_data', inputs });
    const { config, issues } = validateConfigText(text, templateFolder);
    assert.ok(config, `${inputs}: ${issues.map((issue) => issue.message).join('; ')}`);
    assert.deepEqual(issues.filter((issue) => issue.severity === 'error'), [], inputs);
    const model = config.model as { loss?: string };
    assert.equal(model.loss, inputs === 'dict' ? undefined : 'softmax-cross-entropy', inputs);
  }
  assert.match(pytorchTemplateText({ model: 'm.py:f', inputs: 'dict' }), /model\(\*\*batch\)[\s\S]*"batchLoss"/);
  assert.match(pytorchTemplateText({ model: 'm.py:f', inputs: 'several' }), /model\(input_1, input_2, …\)/);
});

test('a full Hessian above the dense limit suggests Lanczos', () => {
  assert.equal(parameterCount([2, 4, 1], false), 12);
  assert.equal(parameterCount([784, 100, 10]), 79510);
  const network = (full: boolean, maxDimension?: number) => ({ name: 'n', model: { layers: [784, 100, 10] }, analyses: { hessian: { full, maxDimension } } }) as unknown as ExperimentConfig;
  const issues = denseHessianIssues(network(true), 3000);
  assert.equal(issues.length, 1);
  assert.equal(issues[0].path, '/analyses/hessian/full');
  assert.match(issues[0].message, /79510 parameters, above the dense limit 3000\): use Lanczos/);
  assert.deepEqual(denseHessianIssues(network(false), 3000), []);
  assert.deepEqual(denseHessianIssues(network(true, 100000), 3000), [], 'the config\'s own maxDimension wins');
});

test('validation returns the advice as warnings, with the dense limit it is given', () => {
  const text = JSON.stringify({ name: 'x', surface: { name: 'saddle' }, optimizers: [{ name: 'sgd', lr: 1.2 }] });
  const { config, issues } = validateConfigText(text, '.');
  assert.ok(config, 'warnings do not stop a run');
  assert.deepEqual(issues.map((issue) => [issue.path, issue.severity]), [['/optimizers/0/lr', 'warning']]);
  assert.equal(issues[0].message, learningRateIssues(config)[0].message);
  const network = JSON.stringify({ name: 'n', model: { layers: [2, 40, 2] }, data: { kind: 'synthetic', name: 'xor' }, analyses: { hessian: { full: true } } });
  assert.deepEqual(validateConfigText(network, '.').issues, [], '202 parameters: below the default limit 3000');
  assert.deepEqual(validateConfigText(network, '.', { denseHessianLimit: 100 }).issues.map((issue) => issue.path), ['/analyses/hessian/full']);
});
