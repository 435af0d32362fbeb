import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { validateConfigText, validateConfigValue } from '../../src/config/validate';
import { OPTIMIZER_DEFAULTS } from '../../src/core/optimizers';
import { SURFACE_NAMES } from '../../src/core/surfaces/catalog';
import schema from '../../schemas/experiment.schema.json';

const root = join(__dirname, '..', '..');
const examples = join(root, 'examples');

test('every example validates without errors', () => {
  const files = readdirSync(examples).filter((file) => file.endsWith('.landscape.json'));
  assert.ok(files.length >= 3);
  for (const file of files) {
    const { config, issues } = validateConfigText(readFileSync(join(examples, file), 'utf8'), examples);
    assert.ok(config, `${file}: ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`);
  }
});

test('syntax errors give an offset and a message', () => {
  const { config, issues } = validateConfigText('{ "name": "x", }\n{', root);
  assert.equal(config, undefined);
  assert.ok(issues.length > 0);
  assert.equal(typeof issues[0].offset, 'number');
  assert.match(issues[0].message, /JSON syntax error/);
});

test('schema errors name the field and the fix', () => {
  const cases: [unknown, RegExp, string][] = [
    [{}, /missing "name"/, '/name'],
    [{ name: 'x', surface: { name: 'nope' } }, /must be one of "saddle"/, '/surface/name'],
    [{ name: 'x', stpes: 3 }, /unknown field "stpes"/, '/stpes'],
    [{ name: 'x', surface: { name: 'saddle' }, optimizers: [{ name: 'sgd', lr: -1 }] }, /lr/, '/optimizers/0/lr'],
    [{ name: 'x', steps: 'ten' }, /type integer/, '/steps'],
  ];
  for (const [value, message, path] of cases) {
    const { config, issues } = validateConfigValue(value, root);
    assert.equal(config, undefined, JSON.stringify(value));
    assert.ok(issues.some((issue) => message.test(issue.message) && issue.path === path), `${JSON.stringify(value)} → ${JSON.stringify(issues)}`);
  }
});

test('semantic errors: wrong optimizer parameter, bad expression, empty domain, nesterov without momentum', () => {
  const check = (value: unknown, path: string, message: RegExp) => {
    const { config, issues } = validateConfigValue(value, root);
    assert.equal(config, undefined);
    assert.ok(issues.some((issue) => issue.path === path && message.test(issue.message)), JSON.stringify(issues));
  };
  const base = { name: 'x', surface: { name: 'saddle' } };
  check({ ...base, optimizers: [{ name: 'sgd', betas: [0.9, 0.99] }] }, '/optimizers/0/betas', /not a parameter of sgd/);
  check({ name: 'x', surface: { expression: 'x^2 + q', domain: [[-1, 1], [-1, 1]] }, optimizers: [{ name: 'sgd' }] }, '/surface/expression', /unknown variable "q"/);
  check({ name: 'x', surface: { expression: 'x^2', domain: [[1, -1], [-1, 1]] }, optimizers: [{ name: 'sgd' }] }, '/surface/domain/0', /empty/);
  check({ ...base, optimizers: [{ name: 'sgd', nesterov: true }] }, '/optimizers/0/nesterov', /momentum > 0/);
  check({ ...base }, '/optimizers', /needs "optimizers"/);
  check({ ...base, optimizers: [{ name: 'sgd', schedule: { kind: 'step' } }] }, '/optimizers/0/schedule', /step_size/);
});

test('the schema documents every field, surface and torch default the engine uses', () => {
  const definitions = (schema as unknown as { $defs: Record<string, { properties: Record<string, { enum?: string[]; default?: unknown; description?: string }> }> }).$defs;
  const optimizer = definitions.optimizer.properties;
  assert.deepEqual(new Set(optimizer.name.enum), new Set(Object.keys(OPTIMIZER_DEFAULTS)));
  assert.deepEqual(new Set(definitions.surface.properties.name.enum), new Set(SURFACE_NAMES));
  for (const [name, defaults] of Object.entries(OPTIMIZER_DEFAULTS)) {
    for (const [parameter, value] of Object.entries(defaults)) {
      const property = optimizer[parameter];
      assert.ok(property?.description, `${name}.${parameter} is documented in the schema`);
      if (property.default !== undefined && parameter !== 'lr') {
        const overridden = (name === 'adamw' && parameter === 'weight_decay') || (name === 'adagrad' && parameter === 'eps');
        if (!overridden) assert.deepEqual(property.default, value, `${name}.${parameter} default`);
      }
      if (parameter === 'lr') assert.match(property.description!, new RegExp(`${name.replaceAll('-', '\\-')} ${String(value).replace('.', '\\.')}`));
    }
  }
});
