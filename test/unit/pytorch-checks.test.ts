/**
 * The editor's light parse of a PyTorch config's Python files (config/pytorch-checks.ts) for
 * factories as people write them: module-level callables (functools.partial, lambdas, imports),
 * keyword arguments from model.kwargs / data.kwargs checked against a plain def, the note on
 * Dropout in train mode; and one run of such a config on the real backend.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { definesTopLevel, functionParameters } from '../../src/config/pytorch-checks';
import type { ConfigIssue, ExperimentConfig } from '../../src/config/types';
import { validateConfigValue } from '../../src/config/validate';
import { folderWith, PYTHON, startRun, torchMissing, torchRunner } from './pytorch-helpers';

const model = [
  'import functools',
  'import torch',
  'from torch import nn',
  'from torch.nn import (',
  '    Linear as Dense,  # a comment (with parentheses)',
  '    Tanh,',
  ')',
  'import torchvision.models as zoo',
  '',
  '',
  'def make_model(width, depth: int, *, activation: str = "tanh, or relu", sizes=(1, 2), **extra):',
  '    layers = [nn.Linear(4, width), nn.Tanh(), nn.Dropout(0.25)]',
  '    return nn.Sequential(*layers, nn.Linear(width, 3))',
  '',
  '',
  'def strict_model(',
  '    width,',
  '    depth=2,  # layers',
  '):',
  '    return make_model(width, depth)',
  '',
  '',
  'def by_position(width, /, depth=1):',
  '    return make_model(width, depth)',
  '',
  '',
  '@functools.lru_cache',
  'def cached(width):',
  '    return make_model(width, 1)',
  '',
  '',
  'make_wide = functools.partial(make_model, 8, 1)',
  'make_lambda = lambda: make_model(5, 1)  # noqa: E731',
  'annotated: "Callable[[], nn.Module]" = make_wide',
  'THRESHOLD == 3',
  '',
].join('\n');

const data = [
  'import torch',
  '',
  '',
  'def make_rows(rows, features=4):',
  '    generator = torch.Generator().manual_seed(0)',
  '    inputs = torch.randn(rows, features, generator=generator, dtype=torch.float64)',
  '    return inputs, (inputs[:, 0] > 0).long()',
  '',
].join('\n');

const config = (modelFields: Record<string, unknown> = {}, dataFields: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  name: 'factories',
  model: { pytorch: 'model.py:make_wide', ...modelFields },
  data: { kind: 'pytorch', factory: 'data.py:make_rows', kwargs: { rows: 40 }, ...dataFields },
  ...extra,
});

function issuesOf(value: unknown, folder = folderWith({ 'model.py': model, 'data.py': data })): ConfigIssue[] {
  return validateConfigValue(value, folder).issues;
}
const errors = (issues: ConfigIssue[]) => issues.filter((issue) => issue.severity === 'error');

test('module-level assignments and imports bind a factory; comparisons, nested names and missing names do not', () => {
  for (const name of ['make_model', 'make_wide', 'make_lambda', 'annotated', 'Dense', 'Tanh', 'zoo']) assert.ok(definesTopLevel(model, name), name);
  for (const name of ['THRESHOLD', 'layers', 'Linear', 'torch_vision', 'make']) assert.ok(!definesTopLevel(model, name), name);
  assert.ok(definesTopLevel('from models import *\n', 'anything'), 'a star import may bind any name: the backend judges');
});

test('a partial or a lambda factory passes the editor\'s check; a missing name still fails with the forms accepted', () => {
  assert.deepEqual(errors(issuesOf(config())), []);
  assert.deepEqual(errors(issuesOf(config({ pytorch: 'model.py:make_lambda' }))), []);
  const missing = errors(issuesOf(config({ pytorch: 'model.py:build' })));
  assert.equal(missing[0].path, '/model/pytorch');
  assert.match(missing[0].message, /does not define "build" at top level \(def build\(\): …, class build, or build = … such as functools\.partial\(…\)\)/);
});

test('the parameters of a plain def: defaults, keyword-only, **kwargs, several lines; none for a decorated def or an assignment', () => {
  const signature = functionParameters(model, 'make_model')!;
  assert.deepEqual(signature.parameters.map((parameter) => [parameter.name, parameter.required]), [['width', true], ['depth', true], ['activation', false], ['sizes', false]]);
  assert.equal(signature.varKeyword, true);
  const several = functionParameters(model, 'strict_model')!;
  assert.deepEqual(several.parameters.map((parameter) => [parameter.name, parameter.required]), [['width', true], ['depth', false]]);
  assert.equal(several.text, 'width, depth=2');
  assert.equal(functionParameters(model, 'by_position')!.parameters[0].positionalOnly, true);
  assert.equal(functionParameters(model, 'cached'), undefined);
  assert.equal(functionParameters(model, 'make_wide'), undefined);
});

test('model.kwargs and data.kwargs: missing arguments named with the field that passes them, unknown names with the ones taken', () => {
  const missing = errors(issuesOf(config({ pytorch: 'model.py:strict_model' })));
  assert.deepEqual(missing.map((issue) => issue.path), ['/model/pytorch']);
  assert.equal(missing[0].message, 'model.pytorch strict_model(width, depth=2) needs width: pass it in "model": {"kwargs": {"width": …}}');
  const both = errors(issuesOf(config({ pytorch: 'model.py:make_model', kwargs: { activation: 'relu' } })));
  assert.deepEqual(both.map((issue) => issue.path), ['/model/kwargs']);
  assert.match(both[0].message, /needs width, depth: pass them in "model": \{"kwargs": \{"width": …, "depth": …\}\}/);
  const unknown = errors(issuesOf(config({ pytorch: 'model.py:strict_model', kwargs: { width: 3, dpeth: 2 } })));
  assert.deepEqual(unknown.map((issue) => issue.path), ['/model/kwargs/dpeth']);
  assert.equal(unknown[0].message, 'model.pytorch strict_model(width, depth=2) takes no argument "dpeth"; it takes width, depth');
  assert.deepEqual(errors(issuesOf(config({ pytorch: 'model.py:make_model', kwargs: { width: 3, depth: 1, anything: [1, 2] } }))), [], '**extra takes any name');
  assert.deepEqual(errors(issuesOf(config({ pytorch: 'model.py:strict_model', kwargs: { width: 3 } }))), []);
  assert.deepEqual(errors(issuesOf(config({ pytorch: 'model.py:cached' }))), [], 'a decorated def is left to the backend');
  assert.match(errors(issuesOf(config({ pytorch: 'model.py:by_position', kwargs: { width: 2 } })))[0].message, /takes width by position only/);
  const dataMissing = errors(issuesOf(config({}, { kwargs: undefined })));
  assert.deepEqual(dataMissing.map((issue) => issue.path), ['/data/factory']);
  assert.match(dataMissing[0].message, /data\.factory make_rows\(rows, features=4\) needs rows: pass it in "data": \{"kwargs": \{"rows": …\}\}/);
});

test('the schema takes kwargs as an object of any JSON values, and refuses other shapes', () => {
  assert.deepEqual(errors(issuesOf(config({ pytorch: 'model.py:make_model', kwargs: { width: 3, depth: 1, sizes: [1, 2], extra: { nested: null } } }))), []);
  assert.ok(errors(issuesOf(config({ kwargs: [3, 2] }))).some((issue) => issue.path === '/model/kwargs'));
  assert.ok(errors(issuesOf(config({}, { kwargs: 'rows=40' }))).some((issue) => issue.path === '/data/kwargs'));
});

test('kwargs on the engine\'s MLP or on engine data are warnings: nothing reads them', () => {
  const engine = issuesOf({ name: 'e', model: { layers: [2, 2], kwargs: { width: 3 } }, data: { kind: 'synthetic', name: 'xor', kwargs: { rows: 3 } } });
  assert.deepEqual(errors(engine), []);
  assert.deepEqual(engine.filter((issue) => issue.severity === 'warning').map((issue) => issue.path).sort(), ['/data/kwargs', '/model/kwargs']);
});

test('model.batchLoss: the file must exist and define the function; model.loss beside it is a warning; the engine\'s MLP refuses it', () => {
  const losses = 'import torch.nn.functional as F\n\n\ndef batch_loss(model, batch):\n    return F.cross_entropy(model(batch[0]), batch[1])\n';
  const folder = folderWith({ 'model.py': model, 'data.py': data, 'losses.py': losses });
  assert.deepEqual(errors(issuesOf(config({ batchLoss: 'losses.py:batch_loss' }), folder)), []);
  const missing = errors(issuesOf(config({ batchLoss: 'losses.py:loss_of' }), folder));
  assert.deepEqual(missing.map((issue) => issue.path), ['/model/batchLoss']);
  assert.match(missing[0].message, /does not define "loss_of" at top level/);
  assert.match(missing[0].message, /batch_loss/);
  const absent = errors(issuesOf(config({ batchLoss: 'nowhere.py:batch_loss' }), folder));
  assert.deepEqual(absent.map((issue) => issue.path), ['/model/batchLoss']);
  const both = issuesOf(config({ batchLoss: 'losses.py:batch_loss', loss: 'mse' }), folder).find((issue) => issue.path === '/model/loss');
  assert.equal(both?.severity, 'warning');
  assert.ok(errors(issuesOf(config({ batchLoss: 'losses.py' }), folder)).some((issue) => issue.path === '/model/batchLoss'), 'the schema asks for "file.py:function"');
  const engine = errors(issuesOf({ name: 'e', model: { layers: [2, 2], batchLoss: 'losses.py:batch_loss' }, data: { kind: 'synthetic', name: 'xor' } }, folder));
  assert.ok(engine.some((issue) => issue.path === '/model/batchLoss' && /needs a PyTorch model/.test(issue.message)));
});

test('model.mode "train" with a model file that uses Dropout: a warning says the masks are fixed per batch', () => {
  const train = issuesOf(config({ mode: 'train' }));
  assert.deepEqual(errors(train), []);
  const note = train.find((issue) => issue.path === '/model/mode');
  assert.equal(note?.severity, 'warning');
  assert.match(note!.message, /uses Dropout: in "train" mode its masks are fixed per evaluation batch \(seeded by "seed"\)/);
  assert.equal(issuesOf(config()).find((issue) => issue.path === '/model/mode'), undefined, 'nothing in eval mode');
  const plain = folderWith({ 'model.py': 'import torch\n\ndef make_wide():\n    return torch.nn.Linear(4, 3)\n', 'data.py': data });
  assert.equal(issuesOf(config({ mode: 'train' }), plain).find((issue) => issue.path === '/model/mode'), undefined, 'nothing without Dropout');
});

test('a run of a partial factory with data kwargs, a Lightning checkpoint and Dropout in train mode', { skip: torchMissing, timeout: 180_000 }, async () => {
  const folder = folderWith({
    'model.py': [
      'import functools',
      'from torch import nn',
      '',
      '',
      'class Net(nn.Module):',
      '    def __init__(self, width, p):',
      '        super().__init__()',
      '        self.body = nn.Sequential(nn.Linear(4, width), nn.Tanh(), nn.Dropout(p), nn.Linear(width, 2))',
      '',
      '    def forward(self, x):',
      '        return self.body(x)',
      '',
      '',
      'make_net = functools.partial(Net, 6)',
      '',
    ].join('\n'),
    'data.py': data,
  });
  const saved = spawnSync(PYTHON, ['-c', [
    'import sys, torch',
    `sys.path.insert(0, ${JSON.stringify(folder)})`,
    'from model import Net',
    'torch.manual_seed(3)',
    'state = {"model." + k: v for k, v in Net(6, 0.3).state_dict().items()}',
    `torch.save({"state_dict": state, "epoch": 2, "global_step": 20, "pytorch-lightning_version": "2.4.0"}, ${JSON.stringify(join(folder, 'last.ckpt'))})`,
  ].join('\n')], { encoding: 'utf8' });
  assert.equal(saved.status, 0, saved.stderr);
  const value = config(
    { pytorch: 'model.py:make_net', kwargs: { p: 0.3 }, weights: 'last.ckpt', mode: 'train', loss: 'softmax-cross-entropy', dtype: 'float64' },
    { testFraction: 0 },
    { seed: 4, runtime: { device: 'cpu', threads: 1 }, analyses: { hessian: { top: 1, tolerance: 1e-8 } } },
  ) as unknown as ExperimentConfig;
  const runner = torchRunner();
  const run = startRun(runner, value, folder);
  const outcome = await run.outcome;
  await runner.dispose();
  assert.equal(outcome.status, 'completed', `${outcome.reason}\n${run.logs.join('\n')}`);
  assert.equal(outcome.results.hessian?.top?.length, 1);
  const log = run.logs.join('\n');
  assert.match(log, /model\.weights: last\.ckpt: the state_dict under \['state_dict'\] \(beside epoch, global_step, pytorch-lightning_version\)/);
  assert.match(log, /model\.weights: last\.ckpt: key prefix "model\." removed/);
  assert.match(log, /model\.mode "train": Dropout with masks fixed per evaluation batch, seeded by seed 4/);
});
