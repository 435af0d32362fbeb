import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSafe, listRuns, readRunRecord, readRunResults, renameRun, resultsJson, runFolderName, trajectoryCsv, writeResults, writeRunFolder } from '../../src/results-store';
import type { ExperimentResults, TrajectoryResult } from '../../src/results';

const trajectory: TrajectoryResult = {
  label: 'SGD (lr=0.1)',
  optimizer: 'sgd',
  parameters: { lr: 0.1 },
  points: [[1, 0.5], [0.8, 0.6]],
  values: [0.75, 0.28],
  gradientNorms: [2.236, 2.0],
  hessianEigenvalues: [[-2, 2], [-2, 2]],
  learningRates: [0.1, 0.1],
  status: 'max-steps',
  steps: 1,
};

function results(name: string): ExperimentResults {
  return { format: 1, name, seed: 0, createdAt: '2026-11-28T04:50:12.345Z', trajectories: [trajectory], timings: {}, warnings: [] };
}

test('runFolderName puts the UTC time first, then the file-safe name', () => {
  assert.equal(runFolderName('Saddle race: SGD vs Adam!', new Date('2026-11-28T04:50:12.345Z')), '20261128-045012-saddle-race-sgd-vs-adam');
  assert.equal(fileSafe('***'), 'run');
});

test('trajectoryCsv writes one row per point with the extreme eigenvalues', () => {
  const lines = trajectoryCsv(trajectory).trim().split('\n');
  assert.equal(lines[0], 'step,x,y,value,gradientNorm,learningRate,lambdaMin,lambdaMax');
  assert.equal(lines.length, 3);
  assert.equal(lines[2], '1,0.8,0.6,0.28,2,0.1,-2,2');
});

test('writeRunFolder writes results, record, config and CSVs, and never reuses a folder', () => {
  const runs = mkdtempSync(join(tmpdir(), 'landscape-runs-'));
  try {
    const record = { name: 'race', status: 'cancelled' as const, reason: 'cancelled by the user', startedAt: '2026-11-28T04:50:12.345Z', finishedAt: '2026-11-28T04:50:13.000Z' };
    const first = writeRunFolder(runs, { results: results('race'), record, configText: '// comment\n{"name": "race"}' });
    const second = writeRunFolder(runs, { results: results('race'), record, configText: '{}' });
    assert.notEqual(first, second);
    assert.match(second, /20261128-045012-race-2$/);
    assert.deepEqual(readdirSync(first).sort(), ['config.landscape.json', 'results.json', 'run.json', 'trajectory-1-sgd-lr-0-1.csv']);
    assert.equal(readFileSync(join(first, 'config.landscape.json'), 'utf8'), '// comment\n{"name": "race"}');
    assert.equal(readRunRecord(first)?.reason, 'cancelled by the user');
    assert.equal(readRunResults(first).trajectories?.[0].label, 'SGD (lr=0.1)');
    const listed = listRuns(runs);
    assert.deepEqual(listed.map((run) => run.id), ['20261128-045012-race-2', '20261128-045012-race']);
    assert.equal(listed[0].status, 'cancelled');
    assert.equal(readdirSync(runs).filter((name) => name.startsWith('.tmp')).length, 0, 'no temporary folder is left');
  } finally {
    rmSync(runs, { recursive: true, force: true });
  }
});

test('writeResults replaces a folder at once and readRunResults names a bad file', () => {
  const runs = mkdtempSync(join(tmpdir(), 'landscape-runs-'));
  try {
    const folder = join(runs, 'out');
    writeResults(folder, results('one'), '{}');
    writeResults(folder, { ...results('two'), trajectories: [] }, '{}');
    assert.equal(readRunResults(folder).name, 'two');
    assert.deepEqual(readdirSync(folder).sort(), ['config.landscape.json', 'results.json', 'run.json']);
    assert.equal(readRunRecord(folder)?.status, 'completed');
    assert.throws(() => readRunResults(runs), /cannot read .*results\.json/);
    assert.deepEqual(listRuns(join(runs, 'missing')), []);
  } finally {
    rmSync(runs, { recursive: true, force: true });
  }
});

test('results.json is indented when small and compact when large', () => {
  assert.match(resultsJson(results('small')), /^\{\n "format": 1,/);
  const long = { ...trajectory, points: Array.from({ length: 60_000 }, (_, i) => [i, i]), values: new Array(60_000).fill(1.25) };
  const large = resultsJson({ ...results('large'), trajectories: [long] });
  assert.ok(large.length > 1_000_000);
  assert.ok(!large.includes('\n'), 'no line breaks in a large file');
  assert.equal((JSON.parse(large) as ExperimentResults).trajectories?.[0].points.length, 60_000);
});

test('renaming a run rewrites only the name in its run.json; the folder keeps its name', () => {
  const folder = join(mkdtempSync(join(tmpdir(), 'lens-rename-')), '20260101-000000-race');
  mkdirSync(folder);
  const record = { name: 'race', status: 'completed', startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z' };
  writeFileSync(join(folder, 'run.json'), JSON.stringify(record));
  renameRun(folder, 'race with momentum');
  assert.deepEqual(JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')), { ...record, name: 'race with momentum' });
  assert.deepEqual(readdirSync(folder), ['run.json'], 'no temporary file left');
  const empty = join(folder, '..', 'not-a-run');
  mkdirSync(empty);
  assert.throws(() => renameRun(empty, 'x'), /run\.json is missing or is not a Landscape Lens run record/);
});
