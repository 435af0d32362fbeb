/** config/prepare.ts: the one way a config becomes ready to run, in its fixed order. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backendOf, DEFAULT_RUN_DEFAULTS, prepare, prepareConfig, type ClusterOption } from '../../src/config/prepare';
import { validateConfigText } from '../../src/config/validate';

const examples = join(__dirname, '..', '..', 'examples');
/** Memory no run here comes near (the memory check adds nothing). */
const PLENTY = 1e15;
const SETTING: ClusterOption = { address: 'tcp://head:8786', source: 'the setting landscapeLens.cluster', replaces: false };

const folder = mkdtempSync(join(tmpdir(), 'landscape-prepare-'));
writeFileSync(join(folder, 'model.py'), 'def make_model():\n    pass\n');
writeFileSync(join(folder, 'data.py'), 'def make_data():\n    pass\n');
const torch = (extra: object = {}) => JSON.stringify({
  name: 'torch',
  model: { pytorch: 'model.py:make_model' },
  data: { kind: 'pytorch', factory: 'data.py:make_data' },
  analyses: { landscape: { resolution: 11 } },
  ...extra,
});
const race = (extra: object = {}) => JSON.stringify({ name: 'race', surface: { name: 'saddle' }, optimizers: [{ name: 'sgd', lr: 0.1 }], ...extra });

test('prepare finds the same issues as validateConfigText, for every example and for broken configs', () => {
  const texts = readdirSync(examples).filter((file) => file.endsWith('.landscape.json')).map((file) => readFileSync(join(examples, file), 'utf8'));
  texts.push('{ "name": "x", }\n{', race({ optimizers: [{ name: 'sgd', lr: -1 }] }), race({ surface: { name: 'saddle', expression: 'x' } }), race({ optimizers: [{ name: 'sgd', lr: 2.5 }] }));
  for (const text of texts) {
    const validated = validateConfigText(text, examples);
    const prepared = prepare(text, examples, { memory: PLENTY });
    assert.deepEqual(prepared.issues, validated.issues);
    assert.equal(prepared.config === undefined, validated.config === undefined);
  }
  assert.ok(texts.some((text) => prepare(text, examples).config === undefined), 'some of them are refused');
});

test('the settings are defaults of what a config leaves out, applied before the memory check', () => {
  const defaults = { gridResolution: 1001, denseHessianLimit: 40 };
  const ready = prepare(race(), '.', { defaults, memory: PLENTY });
  assert.deepEqual(ready.config?.grid, { resolution: 1001 });
  assert.deepEqual(prepare(race({ grid: { resolution: 7 } }), '.', { defaults, memory: PLENTY }).config?.grid, { resolution: 7 }, 'the config\'s own value stays');
  assert.equal(prepare(race(), '.', { memory: PLENTY }).config?.grid, undefined, 'no defaults: the config as written');
  assert.deepEqual(ready.written, JSON.parse(race()), 'written: the config as the text says it');
  // 1001² contour points take 16 MB: refused in 8 MB only once the default made the grid that large.
  const refused = prepare(race(), '.', { defaults, memory: 8e6 });
  assert.equal(refused.config, undefined);
  assert.match(refused.issues.find((issue) => issue.severity === 'error')?.message ?? '', /contour/);
  assert.equal(prepare(race(), '.', { defaults: DEFAULT_RUN_DEFAULTS, memory: 8e6 }).config?.grid?.resolution, 101);
  // The denseHessianLimit setting is also the advice's limit (the dense Hessian's warning).
  const hessian = JSON.stringify({ name: 'n', model: { layers: [2, 40, 2] }, data: { kind: 'synthetic', name: 'xor' }, analyses: { hessian: { full: true } } });
  assert.deepEqual(prepare(hessian, '.', { defaults, memory: PLENTY }).issues.map((issue) => issue.path), ['/analyses/hessian/full'], '202 parameters: above the setting 40');
  assert.deepEqual(prepare(hessian, '.', { memory: PLENTY }).issues, [], 'below the default limit 3000');
  assert.equal(prepare(hessian, '.', { defaults, memory: PLENTY }).config?.analyses?.hessian?.maxDimension, 40);
});

test('the settings\' documented defaults (package.json) are DEFAULT_RUN_DEFAULTS, which the CLI applies', () => {
  const properties = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).contributes.configuration.properties;
  assert.deepEqual(DEFAULT_RUN_DEFAULTS, { gridResolution: properties['landscapeLens.gridResolution'].default, denseHessianLimit: properties['landscapeLens.denseHessianLimit'].default });
});

test('the cluster setting applies to a PyTorch config without a cluster, before the memory check', () => {
  const ready = prepare(torch(), folder, { cluster: SETTING, memory: PLENTY });
  assert.deepEqual(ready.config?.cluster, { scheduler: 'tcp://head:8786' });
  assert.equal(ready.backend, 'pytorch');
  const own = prepare(torch({ cluster: { local: { workers: 2 } } }), folder, { cluster: SETTING, memory: PLENTY });
  assert.deepEqual(own.config?.cluster, { local: { workers: 2 } }, 'the config\'s own cluster wins over the setting');
  const flag = prepare(torch({ cluster: { local: { workers: 2 } } }), folder, { cluster: { ...SETTING, source: '--cluster', replaces: true }, memory: PLENTY });
  assert.deepEqual(flag.config?.cluster, { scheduler: 'tcp://head:8786' }, '--cluster replaces it');
  assert.equal(prepare(race(), '.', { cluster: SETTING, memory: PLENTY }).config?.cluster, undefined, 'the engine runs here: no cluster');
  // A malformed address is an error naming the setting, found before the memory check (which
  // here would refuse any run): the user sees the setting to fix, not a memory problem.
  const bad = prepare(torch(), folder, { cluster: { ...SETTING, address: 'head:8786' }, memory: 1 });
  assert.equal(bad.config, undefined);
  assert.deepEqual(bad.issues.map((issue) => [issue.severity, issue.path]), [['error', '']]);
  assert.match(bad.issues[0].message, /^the setting landscapeLens\.cluster: the scheduler address "head:8786" has no scheme: write "tcp:\/\/host:8786"/);
  assert.match(prepare(torch(), folder, { cluster: { address: 'ftp://h:1', source: '--cluster', replaces: true } }).issues[0].message, /^--cluster: /);
  // A bad setting does not stop a config it does not apply to.
  assert.ok(prepare(race(), '.', { cluster: { ...SETTING, address: 'head:8786' }, memory: PLENTY }).config);
  assert.ok(prepare(torch({ cluster: { local: { workers: 2 } } }), folder, { cluster: { ...SETTING, address: 'head:8786' }, memory: PLENTY }).config);
});

test('the memory check comes last before the backend: its errors refuse, its warnings are kept apart', () => {
  const refused = prepare(race({ steps: 1_000_000, optimizers: Array.from({ length: 5 }, () => ({ name: 'sgd', lr: 0.001 })) }), '.', { memory: 1e9 });
  assert.equal(refused.config, undefined);
  assert.equal(refused.memory[0]?.path, '/steps');
  assert.deepEqual(refused.issues.slice(-refused.memory.length), refused.memory);
  assert.ok(refused.written, 'the text itself was valid');
  const warned = prepare(race({ steps: 1_000_000, optimizers: Array.from({ length: 5 }, () => ({ name: 'sgd', lr: 0.001 })) }), '.', { memory: 10e9 });
  assert.ok(warned.config);
  assert.deepEqual(warned.memory.map((issue) => issue.severity), ['warning']);
});

test('the backend is chosen once, from the prepared config; prepareConfig takes a parsed config', () => {
  assert.equal(prepare(race(), '.').backend, 'engine');
  assert.equal(prepare(torch(), folder, { memory: PLENTY }).backend, 'pytorch');
  assert.equal(prepare('{', '.').backend, undefined);
  for (const text of [race(), torch()]) assert.equal(prepare(text, folder, { memory: PLENTY }).backend, backendOf(JSON.parse(text)));
  const derived = prepareConfig(JSON.parse(race()), '.', { defaults: DEFAULT_RUN_DEFAULTS });
  assert.equal(derived.config?.grid?.resolution, 101);
  assert.deepEqual(prepareConfig({ name: 'x', surface: { name: 'nope' } }, '.').issues.map((issue) => issue.path), ['/surface/name']);
});
