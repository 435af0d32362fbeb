/**
 * The same MLP on both backends: the engine trains it and saves its weights (.safetensors, F64),
 * then the engine and the PyTorch backend (an nn.Sequential loading those weights, float64)
 * analyse the same weights on the same data. Loss, extreme eigenvalues, trace and a landscape's
 * centre agree to 1e-10.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentConfig } from '../../src/config/types';
import { validateConfigValue } from '../../src/config/validate';
import { runExperiment } from '../../src/core/experiment';
import type { ExperimentResults } from '../../src/shared/results';
import { folderWith, startRun, torchMissing, torchRunner } from './pytorch-helpers';

const ROWS = 60;
/** A deterministic 3-class set of 4 features, as a CSV with a header row. */
function csv(): string {
  const lines = ['a,b,c,d,label'];
  for (let i = 0; i < ROWS; i++) {
    const features = [Math.sin(1.3 * i + 0.2), Math.cos(0.7 * i), Math.sin(0.31 * i * i) * 0.5, (i % 7) / 7 - 0.5];
    lines.push([...features.map((value) => value.toFixed(6)), String(i % 3)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

const files = {
  'data.csv': csv(),
  'model.py': 'import torch.nn as nn\n\n\ndef make_model():\n    return nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 3))\n',
  'data.py': [
    'import os',
    'import numpy as np',
    'import torch',
    '',
    '',
    'def make_data():',
    '    table = np.loadtxt(os.path.join(os.path.dirname(__file__), "data.csv"), delimiter=",", skiprows=1)',
    '    return torch.tensor(table[:, :4]), torch.tensor(table[:, 4]).long()',
    '',
  ].join('\n'),
};

const engineData = { kind: 'csv', path: 'data.csv', label: 'label', testFraction: 0, preprocess: 'none' } as const;
const analyses = { hessian: { full: true, trace: true }, landscape: { directions: 'random', resolution: 5, dimensions: 2 } } as const;

async function runOnEngine(value: unknown, baseDir: string): Promise<ExperimentResults> {
  const { config, issues } = validateConfigValue(value, baseDir);
  assert.ok(config, JSON.stringify(issues));
  return runExperiment(config, { baseDir });
}

function centre(results: ExperimentResults): number {
  const landscape = results.landscape!;
  const i = landscape.alphas.findIndex((alpha) => Math.abs(alpha) < 1e-15);
  const j = landscape.betas.findIndex((beta) => Math.abs(beta) < 1e-15);
  assert.ok(i >= 0 && j >= 0, 'the grid has a centre point');
  return landscape.loss[j * landscape.alphas.length + i]!;
}

/** Each comparison's difference; the test fails listing every one above the tolerance. */
function compare(pairs: [string, number, number][], tolerance = 1e-10): void {
  const lines = pairs.map(([what, actual, expected]) => ({ what, actual, expected, difference: Math.abs(actual - expected), ok: Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)) }));
  assert.ok(lines.every((line) => line.ok), lines.map((line) => `${line.ok ? 'ok ' : 'BAD'} ${line.what}: PyTorch ${line.actual}, engine ${line.expected} (difference ${line.difference.toExponential(2)})`).join('\n'));
}

test('an engine MLP and its nn.Sequential twin agree on loss, eigenvalues, trace and the landscape centre (float64)', { skip: torchMissing, timeout: 180_000 }, async () => {
  const folder = folderWith(files);
  // The engine trains a few full-batch epochs so the weights are not at their initialization.
  await runOnEngine({ name: 'train', seed: 3, model: { layers: [4, 6, 3], activation: 'tanh' }, data: engineData, training: { epochs: 5, optimizer: { name: 'sgd', lr: 0.5 }, saveWeights: 'mlp.safetensors' } }, folder);
  assert.ok(existsSync(join(folder, 'mlp.safetensors')));
  const engine = await runOnEngine({ name: 'engine', seed: 3, model: { layers: [4, 6, 3], activation: 'tanh', weights: 'mlp.safetensors', loss: 'softmax-cross-entropy' }, data: engineData, analyses }, folder);
  const torchConfig = {
    name: 'torch',
    seed: 3,
    model: { pytorch: 'model.py:make_model', weights: 'mlp.safetensors', loss: 'softmax-cross-entropy', dtype: 'float64' },
    data: { kind: 'pytorch', factory: 'data.py:make_data', testFraction: 0 },
    runtime: { device: 'cpu' },
    analyses,
  } as unknown as ExperimentConfig;
  const runner = torchRunner();
  const run = startRun(runner, torchConfig, folder);
  const outcome = await run.outcome;
  await runner.dispose();
  assert.equal(outcome.status, 'completed', `${outcome.reason}\n${run.logs.join('\n')}`);
  const torch = outcome.results;
  assert.equal(torch.backend?.name, 'pytorch');
  assert.equal(torch.backend?.dtype, 'float64');
  assert.equal(torch.backend?.parameters, 51);
  assert.equal(torch.hessian?.dimension, 51);
  const engineSpectrum = engine.hessian!.eigenvalues!;
  const torchSpectrum = torch.hessian!.eigenvalues!;
  assert.equal(torchSpectrum.length, engineSpectrum.length);
  compare([
    ['the loss at the landscape centre', centre(torch), centre(engine)],
    ['the bottom eigenvalue', torchSpectrum[0], engineSpectrum[0]],
    ['the top eigenvalue', torchSpectrum.at(-1)!, engineSpectrum.at(-1)!],
    ['the trace (Σλ)', torch.hessian!.trace!.exact!, engine.hessian!.trace!.exact!],
  ]);
  assert.ok(engineSpectrum.at(-1)! > 1e-3, 'the Hessian is not trivially zero');
  // Progress streamed partial results and reached the end of the run.
  assert.ok(run.progress.some(({ report }) => report.partial?.landscape), 'landscape levels streamed');
  assert.equal(run.progress.at(-1)!.report.fraction, 1);
  const fractions = run.progress.map(({ report }) => report.fraction);
  assert.ok(fractions.every((fraction, k) => k === 0 || fraction >= fractions[k - 1] - 1e-12), `fractions never go back: ${fractions.join(', ')}`);
});

test('full-batch SGD from the same weights: both backends record the same per-epoch losses and gradient norms (float64)', { skip: torchMissing, timeout: 180_000 }, async () => {
  const folder = folderWith(files);
  await runOnEngine({ name: 'init', seed: 5, model: { layers: [4, 6, 3], activation: 'tanh' }, data: engineData, training: { epochs: 1, optimizer: { name: 'sgd', lr: 0.1 }, saveWeights: 'start.safetensors' } }, folder);
  const training = { epochs: 3, batchSize: 0, optimizer: { name: 'sgd', lr: 0.5, momentum: 0.9 }, detector: false };
  const engine = await runOnEngine({ name: 'engine', seed: 5, model: { layers: [4, 6, 3], activation: 'tanh', weights: 'start.safetensors', loss: 'softmax-cross-entropy' }, data: engineData, training }, folder);
  const runner = torchRunner();
  const run = startRun(runner, {
    name: 'torch', seed: 5,
    model: { pytorch: 'model.py:make_model', weights: 'start.safetensors', loss: 'softmax-cross-entropy', dtype: 'float64' },
    data: { kind: 'pytorch', factory: 'data.py:make_data', testFraction: 0 },
    runtime: { device: 'cpu' },
    training,
  } as unknown as ExperimentConfig, folder);
  const outcome = await run.outcome;
  await runner.dispose();
  assert.equal(outcome.status, 'completed', `${outcome.reason}\n${run.logs.join('\n')}`);
  const torchHistory = outcome.results.training!.history;
  const engineHistory = engine.training!.history;
  assert.equal(torchHistory.length, 3);
  compare(engineHistory.flatMap((epoch, k): [string, number, number][] => [
    [`epoch ${epoch.epoch} loss`, torchHistory[k].loss, epoch.loss],
    [`epoch ${epoch.epoch} gradient norm`, torchHistory[k].gradientNorm, epoch.gradientNorm],
  ]));
});
