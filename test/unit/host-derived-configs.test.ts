import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { focusConfig, onlyOptimizer, parseStartPoint, raceConfig } from '../../src/host/editor/pure/derived-configs';
import { validateConfigValue } from '../../src/config/validate';
import { TEMPLATES } from '../../src/host/editor/pure/templates';
import { withSettingsDefaults } from '../../src/host/runs/pure/settings-defaults';
import { validateConfigText } from '../../src/config/validate';
import type { ExperimentConfig } from '../../src/config/types';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A folder with the Python files the PyTorch template names (model.py:make_model, data.py:make_data). */
const templateFolder = mkdtempSync(join(tmpdir(), 'landscape-templates-'));
writeFileSync(join(templateFolder, 'model.py'), 'def make_model():\n    pass\n');
writeFileSync(join(templateFolder, 'data.py'), 'def make_data():\n    pass\n');

test('a quick race is a valid config with one entry per optimizer', () => {
  const config = raceConfig({ surface: 'saddle', optimizers: ['sgd', 'newton'], start: [1, 0.001] });
  assert.deepEqual(config.optimizers, [{ name: 'sgd', lr: 0.05 }, { name: 'newton', lr: 1 }]);
  assert.deepEqual(config.start, [1, 0.001]);
  const { config: validated, issues } = validateConfigValue(config, '.');
  assert.deepEqual(issues, []);
  assert.ok(validated);
});

test('parseStartPoint reads "x, y", "x y" and "(x, y)"', () => {
  assert.deepEqual(parseStartPoint('1, 0.001'), [1, 0.001]);
  assert.deepEqual(parseStartPoint(' (-2 3e-1) '), [-2, 0.3]);
  assert.equal(parseStartPoint('1'), undefined);
  assert.equal(parseStartPoint('1, two'), undefined);
  assert.equal(parseStartPoint('1, 2, 3'), undefined);
});

const race: ExperimentConfig = { name: 'r', surface: { name: 'saddle' }, optimizers: [{ name: 'sgd', lr: 0.1 }, { name: 'adam', label: 'A' }] };

test('onlyOptimizer keeps one entry and names the run after it', () => {
  const only = onlyOptimizer(race, 1);
  assert.deepEqual(only.optimizers, [{ name: 'adam', label: 'A' }]);
  assert.equal(only.name, 'r - A');
  assert.throws(() => onlyOptimizer(race, 2), /no optimizer at index 2/);
});

test('focusConfig names the missing section, and keeps only the analysis asked for', () => {
  assert.match((focusConfig(race, 'train') as { error: string }).error, /"model" and "data"/);
  assert.match((focusConfig(race, 'hessian') as { error: string }).error, /"analyses": \{"hessian"/);
  assert.match((focusConfig(race, 'landscape') as { error: string }).error, /"landscape"/);
  assert.deepEqual((focusConfig(race, 'saddles') as { config: ExperimentConfig }).config.criticalPoints, true);
  const network = { name: 'n', model: {}, training: {}, analyses: { hessian: { top: 5 }, landscape: { dimensions: 2 } } } as unknown as ExperimentConfig;
  assert.deepEqual((focusConfig(network, 'hessian') as { config: { analyses: unknown } }).config.analyses, { hessian: { top: 5 } });
  assert.deepEqual((focusConfig(network, 'landscape') as { config: { analyses: unknown } }).config.analyses, { landscape: { dimensions: 2 } });
  assert.equal((focusConfig(network, 'train') as { config: { analyses: unknown } }).config.analyses, undefined);
  // The detector is on by default, so a network without a training section still searches for saddles.
  assert.equal((focusConfig(network, 'saddles') as { config: { analyses: unknown } }).config.analyses, undefined);
  const untrained = { name: 'u', model: {}, data: {} } as unknown as ExperimentConfig;
  assert.ok('config' in focusConfig(untrained, 'train'), 'a model trains with the default training settings');
  assert.ok('config' in focusConfig(untrained, 'saddles'));
  const detectorOff = { name: 'd', model: {}, training: { detector: false } } as unknown as ExperimentConfig;
  assert.match((focusConfig(detectorOff, 'saddles') as { error: string }).error, /"detector": true/);
});

test('every template is a valid config', () => {
  for (const template of TEMPLATES) {
    const { config, issues } = validateConfigText(template.text, templateFolder);
    assert.deepEqual(issues, [], template.id);
    assert.ok(config, template.id);
  }
});

test('settings fill what a config leaves out, never what it sets', () => {
  const defaults = { gridResolution: 41, denseHessianLimit: 500 };
  assert.deepEqual(withSettingsDefaults(race, defaults).grid, { resolution: 41 });
  assert.deepEqual(withSettingsDefaults({ ...race, grid: { resolution: 7 } }, defaults).grid, { resolution: 7 });
  const hessian = { ...race, analyses: { hessian: { top: 3 } } } as ExperimentConfig;
  assert.deepEqual((withSettingsDefaults(hessian, defaults) as { analyses: unknown }).analyses, { hessian: { top: 3, maxDimension: 500 } });
  const network = { name: 'n', model: {} } as unknown as ExperimentConfig;
  assert.equal(withSettingsDefaults(network, defaults), network, 'nothing to fill: the same config');
});
