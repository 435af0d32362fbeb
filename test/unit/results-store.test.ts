import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileSafe, listRuns, LONG_TRAJECTORY_POINTS, PartialSaveError, readRunRecord, readRunResults, renameRun, resultsJson, runFolderName, trajectoryCsv, writeResults, writeRunFolder } from '../../src/store/results-store';
import type { ExperimentResults, TrajectoryResult } from '../../src/shared/results';

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

test('writeResults never replaces an earlier run: force saves beside it, and readRunResults names a bad file', () => {
  const runs = mkdtempSync(join(tmpdir(), 'landscape-runs-'));
  try {
    const folder = join(runs, 'out');
    assert.equal(writeResults(folder, results('one'), '{}'), folder);
    assert.throws(() => writeResults(folder, results('two'), '{}'), /holds an earlier run: name another folder, or add force to save the new run in a new folder beside it/);
    const beside = writeResults(folder, { ...results('two'), trajectories: [] }, '{}', undefined, { force: true });
    assert.equal(beside, `${folder}-2`);
    assert.equal(readRunResults(folder).name, 'one', 'the earlier run is kept');
    assert.equal(readRunResults(beside).name, 'two');
    assert.deepEqual(readdirSync(beside).sort(), ['config.landscape.json', 'results.json', 'run.json']);
    assert.equal(readRunRecord(beside)?.status, 'completed');
    assert.deepEqual(readdirSync(runs).sort(), ['out', 'out-2'], 'no staging folder is left');
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

test('writeResults never deletes or overwrites a file it did not write', () => {
  const root = mkdtempSync(join(tmpdir(), 'landscape-user-'));
  try {
    const users = join(root, 'mine');
    mkdirSync(users);
    writeFileSync(join(users, 'notes.txt'), 'precious');
    assert.throws(() => writeResults(users, results('one'), '{}'), /not empty and is not a Landscape Lens run folder/);
    assert.deepEqual(readdirSync(users), ['notes.txt']);
    // force adds the run beside the user's file, deleting nothing
    writeResults(users, results('one'), '{}', undefined, { force: true });
    assert.equal(readFileSync(join(users, 'notes.txt'), 'utf8'), 'precious');
    assert.equal(readRunResults(users).name, 'one');
    // a name the run writes is never overwritten, even with force
    const withConfig = join(root, 'with-config');
    mkdirSync(withConfig);
    writeFileSync(join(withConfig, 'config.landscape.json'), '{"name": "mine"}');
    assert.throws(() => writeResults(withConfig, results('one'), '{}', undefined, { force: true }), /already has "config\.landscape\.json"/);
    assert.equal(readFileSync(join(withConfig, 'config.landscape.json'), 'utf8'), '{"name": "mine"}');
    // a file is never replaced by a folder
    const file = join(root, 'config.landscape.json');
    writeFileSync(file, 'text');
    assert.throws(() => writeResults(file, results('one'), '{}', undefined, { force: true }), /is a file, not a folder/);
    assert.equal(readFileSync(file, 'utf8'), 'text');
    assert.deepEqual(readdirSync(root).filter((name) => name.startsWith('.tmp')), [], 'no temporary folder is left behind');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a long trajectory is kept in its CSV, named from results.json, and read back exactly', () => {
  const root = mkdtempSync(join(tmpdir(), 'landscape-long-'));
  try {
    const length = LONG_TRAJECTORY_POINTS + 5;
    const long: TrajectoryResult = {
      ...trajectory,
      points: Array.from({ length }, (_, i) => [Math.sin(i) / 3, i * 1e-7]),
      values: Array.from({ length }, (_, i) => 1 / (i + 3)),
      gradientNorms: Array.from({ length }, (_, i) => Math.sqrt(i)),
      hessianEigenvalues: Array.from({ length }, (_, i) => (i === length - 1 ? [] : [-2 - i * 1e-9, 2])),
      learningRates: Array.from({ length: length - 1 }, () => 0.1),
      steps: length - 1,
    };
    const folder = join(root, 'run');
    writeResults(folder, { ...results('long'), trajectories: [long, trajectory] }, '{}');
    const stored = JSON.parse(readFileSync(join(folder, 'results.json'), 'utf8')) as { trajectories: { csv?: string; points?: unknown }[] };
    assert.equal(stored.trajectories[0].csv, 'trajectory-1-sgd-lr-0-1.csv');
    assert.equal(stored.trajectories[0].points, undefined, 'the long arrays are not repeated in results.json');
    assert.ok(stored.trajectories[1].points, 'a short trajectory stays whole in results.json');
    const back = readRunResults(folder).trajectories?.[0];
    assert.deepEqual(back, long);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a file that fails to save does not lose the others, and run.json says which is missing', () => {
  const root = mkdtempSync(join(tmpdir(), 'landscape-partial-'));
  try {
    const folder = join(root, 'run');
    const broken = { ...results('broken'), landscape: { toJSON: () => { throw new Error('out of memory while saving'); } } } as unknown as ExperimentResults;
    assert.throws(() => writeResults(folder, broken, '{"name": "broken"}'), (error: Error) => error instanceof PartialSaveError && /without results\.json \(out of memory while saving\)/.test(error.message));
    assert.deepEqual(readdirSync(folder).sort(), ['config.landscape.json', 'run.json', 'trajectory-1-sgd-lr-0-1.csv']);
    const record = readRunRecord(folder);
    assert.equal(record?.status, 'failed');
    assert.match(record?.reason ?? '', /not saved: results\.json/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
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
