/** Schema and semantic checks of PyTorch configs (model.pytorch, data.kind "pytorch"), and the runner choice. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { definesTopLevel, topLevelFunctions } from '../../src/config/pytorch-checks';
import type { ConfigIssue, ExperimentConfig } from '../../src/config/types';
import { validateConfigValue } from '../../src/config/validate';
import { runnerFor, type BackendRunners, type ExperimentRunner } from '../../src/runner';
import { prepareConfig } from '../../src/config/prepare';
import { analysisMethods } from '../../src/backends/pytorch';
import { folderWith } from './pytorch-helpers';

const files = {
  'model.py': 'import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def make_model(self):\n        pass\n\n\ndef make_model():\n    return Net()\n',
  'data.py': 'def make_data():\n    return None\n',
  'loss.py': 'async def not_a_loss():\n    pass\n\ndef mean_loss(output, target):\n    return (output - target).pow(2).mean()\n',
  'checkpoints/epoch-1.pt': '',
  'checkpoints/epoch-2.pt': '',
  'checkpoints/epoch-3.pt': '',
};

const config = (extra: Record<string, unknown> = {}, model: Record<string, unknown> = {}, data: Record<string, unknown> = {}) => ({
  name: 'torch',
  model: { pytorch: 'model.py:make_model', ...model },
  data: { kind: 'pytorch', factory: 'data.py:make_data', ...data },
  ...extra,
});

function issuesOf(value: unknown, folder = folderWith(files)): ConfigIssue[] {
  return validateConfigValue(value, folder).issues;
}
const errors = (issues: ConfigIssue[]) => issues.filter((issue) => issue.severity === 'error');

test('a light parse finds top-level functions and classes only', () => {
  assert.ok(definesTopLevel(files['model.py'], 'make_model'));
  assert.ok(definesTopLevel(files['model.py'], 'Net'));
  assert.ok(!definesTopLevel('class A:\n    def inner():\n        pass\n', 'inner'));
  assert.deepEqual(topLevelFunctions(files['loss.py']), ['not_a_loss', 'mean_loss']);
  assert.deepEqual(
    topLevelFunctions('import functools\ndepth = 3\nclass WideMLP(nn.Module):\n    pass\nmake_wide = functools.partial(WideMLP, 256)\nmake_small: Callable = partial(WideMLP, 5)\nmake_net = lambda: WideMLP(8)\nwidth = depth * 2\n'),
    ['WideMLP', 'make_wide', 'make_small', 'make_net'],
    'partials and lambdas bound at top level are offered, constants are not',
  );
});

test('a complete PyTorch config is valid without the engine\'s fields (layers)', () => {
  const value = config({
    runtime: { device: 'cuda:1', threads: 2 },
    training: { epochs: 2, optimizer: { name: 'adam', lr: 0.001 }, saveWeights: 'out/final.pt' },
    analyses: { hessian: { top: 3, trace: true }, landscape: { directions: 'pca', trajectory: 'checkpoints/epoch-*.pt', resolution: 11 } },
  }, { weights: 'checkpoints/epoch-3.pt', strict: false, loss: 'loss.py:mean_loss', dtype: 'float64', mode: 'train' }, { samples: 100, testFraction: 0, batchSize: 50 });
  assert.deepEqual(issuesOf(value), []);
});

test('a missing file, a function the file does not define, a missing factory file', () => {
  const missing = errors(issuesOf(config({}, { pytorch: 'nets.py:make_model' })));
  assert.deepEqual(missing.map((issue) => issue.path), ['/model/pytorch']);
  assert.match(missing[0].message, /nets\.py does not exist/);
  const undefinedName = errors(issuesOf(config({}, { pytorch: 'model.py:build' })));
  assert.equal(undefinedName[0].path, '/model/pytorch');
  assert.match(undefinedName[0].message, /model\.py does not define "build" at top level .*it defines Net, make_model/);
  assert.deepEqual(errors(issuesOf(config({}, {}, { factory: 'loaders.py:make_data' }))).map((issue) => issue.path), ['/data/factory']);
  assert.deepEqual(errors(issuesOf(config({}, { loss: 'loss.py:missing' }))).map((issue) => issue.path), ['/model/loss']);
});

test('the schema takes "file.py:function" and rejects other shapes', () => {
  assert.ok(errors(issuesOf(config({}, { pytorch: 'model.py' }))).some((issue) => issue.path === '/model/pytorch'));
  assert.ok(errors(issuesOf(config({ runtime: { device: 'gpu' } }))).some((issue) => issue.path === '/runtime/device'));
  assert.ok(errors(issuesOf(config({}, { dtype: 'float16' }))).some((issue) => issue.path === '/model/dtype'));
});

test('PyTorch parts on the engine, and engine parts with PyTorch, say which goes with which', () => {
  const engineWithTorchData = errors(issuesOf({ name: 'e', model: { layers: [2, 2] }, data: { kind: 'pytorch', factory: 'data.py:make_data' } }));
  assert.ok(engineWithTorchData.some((issue) => issue.path === '/data/kind' && /needs a PyTorch model/.test(issue.message)));
  const engineWithPythonLoss = errors(issuesOf({ name: 'e', model: { layers: [2, 2], loss: 'loss.py:mean_loss' }, data: { kind: 'synthetic', name: 'xor' } }));
  assert.ok(engineWithPythonLoss.some((issue) => issue.path === '/model/loss'));
  const torchWithEngineData = errors(issuesOf(config({}, {}, { kind: 'synthetic', name: 'xor', factory: undefined })));
  assert.ok(torchWithEngineData.some((issue) => issue.path === '/data/kind' && /"kind": "pytorch"/.test(issue.message)));
  const layers = issuesOf(config({}, { layers: [2, 3] }));
  assert.deepEqual(errors(layers), []);
  assert.ok(layers.some((issue) => issue.severity === 'warning' && issue.path === '/model/layers'));
});

test('landscape checkpoints: the trajectory glob must match, pca and interpolation without training need files', () => {
  assert.match(errors(issuesOf(config({ analyses: { landscape: { directions: 'pca', trajectory: 'runs/*.pt' } } })))[0].message, /no file matches "runs\/\*\.pt"/);
  assert.equal(errors(issuesOf(config({ analyses: { landscape: { directions: 'pca' } } })))[0].path, '/analyses/landscape/trajectory');
  assert.deepEqual(errors(issuesOf(config({ training: { epochs: 1 }, analyses: { landscape: { directions: 'pca' } } }))), []);
  assert.equal(errors(issuesOf(config({ analyses: { landscape: { directions: 'interpolation', to: 'checkpoints/epoch-3.pt' } } })))[0].path, '/analyses/landscape/to');
  assert.deepEqual(errors(issuesOf(config({ analyses: { landscape: { directions: 'interpolation', to: 'checkpoints/epoch-3.pt' } } }, { weights: 'checkpoints/epoch-1.pt' }))), []);
  assert.equal(errors(issuesOf(config({ analyses: { landscape: { to: 'nowhere.pt' } } })))[0].path, '/analyses/landscape/to');
});

test('a PyTorch config runs on the PyTorch runner, any other on the engine: the seam asks prepare\'s backend once', () => {
  const asked: string[] = [];
  const runner = (name: string): ExperimentRunner => ({ name, start: () => assert.fail('not started here'), dispose: async () => undefined });
  const runners: BackendRunners = { engine: () => (asked.push('engine'), runner('engine')), pytorch: () => (asked.push('pytorch'), runner('pytorch')) };
  const folder = folderWith(files);
  const ready = prepareConfig(config(), folder, { memory: Number.MAX_SAFE_INTEGER });
  assert.equal(ready.backend, 'pytorch', JSON.stringify(ready.issues));
  assert.equal(runnerFor(ready.backend, runners).name, 'pytorch');
  const race = prepareConfig({ name: 'e', surface: { name: 'saddle' }, start: [1, 0.001], optimizers: [{ name: 'sgd', lr: 0.1 }] }, folder);
  assert.equal(race.backend, 'engine', JSON.stringify(race.issues));
  assert.equal(runnerFor(race.backend, runners).name, 'engine');
  assert.deepEqual(asked, ['pytorch', 'engine'], 'only the chosen backend\'s runner is made');
});

test('the requests a config asks for, in order', () => {
  assert.deepEqual(analysisMethods({ name: 'a', training: {}, analyses: { hessian: {}, landscape: {} } } as ExperimentConfig), ['train', 'hessian', 'landscape']);
  assert.deepEqual(analysisMethods({ name: 'a', analyses: { landscape: {} } } as ExperimentConfig), ['landscape']);
  assert.deepEqual(analysisMethods({ name: 'a' } as ExperimentConfig), ['train'], 'nothing asked: train with the defaults, as the engine does');
});

test('runtime.device "mps" passes validate (it cannot see the Python the run uses); the schema says what mps needs and when a missing device is refused', async () => {
  assert.deepEqual(errors(issuesOf(config({ runtime: { device: 'mps' } }))), []);
  const schema = (await import('../../schemas/experiment.schema.json')).default as { properties: { runtime: { properties: { device: { description: string } } } } };
  const description = schema.properties.runtime.properties.device.description;
  assert.match(description, /mps \(Apple silicon's GPU: macOS 12\.3 or later and a torch built with MPS, torch\.backends\.mps\.is_available\(\) in the run's Python\)/);
  assert.match(description, /validate cannot see that Python: a device the machine lacks fails the run when it starts/);
  assert.ok(errors(issuesOf(config({ runtime: { device: 'metal' } }))).some((issue) => issue.path === '/runtime/device'));
});

test('a PyTorch config\'s cluster is checked with the config: a malformed scheduler address and a missing TLS file are errors naming the field', () => {
  const found = errors(issuesOf(config({ cluster: { scheduler: 'tcp://:8786', security: { tls_ca_file: 'ca.pem' } } })));
  assert.deepEqual(found.map((issue) => issue.path), ['/cluster/scheduler', '/cluster/security/tls_ca_file']);
  assert.match(found[0].message, /"tcp:\/\/:8786" has no host: write "tcp:\/\/host:8786"/);
  assert.match(found[1].message, /ca\.pem does not exist: give the PEM file's path, relative to the config file's folder/);
});
