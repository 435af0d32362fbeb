// The run-folder worker (dist/run-folder-worker.js, built by `npm run build`) saves and opens run
// folders off the caller's thread; listRunsAsync reads only each folder's run.json.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { RunFolderIo } from '../../src/host/runs/run-folder-io';
import { listRuns, listRunsAsync, readRunResults, writeRunFolder } from '../../src/store/results-store';
import type { ExperimentResults } from '../../src/shared/results';

const workerPath = resolve('dist/run-folder-worker.js');

function results(name: string, points: number): ExperimentResults {
  const path = Array.from({ length: points }, (_, index) => [index / points, 1 - index / points]);
  return {
    format: 1, name, seed: 0, createdAt: '2026-11-28T04:50:12.345Z', timings: {}, warnings: [],
    trajectories: [{ label: 'gd', optimizer: 'sgd', parameters: { lr: 0.1 }, points: path, values: path.map(([x]) => x), gradientNorms: path.map(() => 1), learningRates: path.map(() => 0.1), status: 'max-steps', steps: points - 1 }],
  };
}

const record = (name: string) => ({ name, status: 'completed' as const, startedAt: '2026-11-28T04:50:12.345Z', finishedAt: '2026-11-28T04:50:13.000Z', configPath: '/somewhere/race.landscape.json' });

test('the run-folder worker writes a folder the synchronous reader reads back, and opens it with its record and config', { skip: !existsSync(workerPath) && 'run npm run build first' }, async () => {
  const runs = mkdtempSync(join(tmpdir(), 'landscape-io-'));
  const io = new RunFolderIo(workerPath);
  try {
    const saved = results('race', 2000);
    const [first, second] = await Promise.all([
      io.writeRunFolder(runs, { results: saved, record: record('race'), configText: '// kept\n{"name": "race"}' }),
      io.writeRunFolder(runs, { results: saved, record: record('race'), configText: '{}' }),
    ]);
    assert.notEqual(first, second, 'two writes at once never share a folder');
    assert.deepEqual(readRunResults(first), saved, 'what the worker wrote is what the CLI reader reads');
    const opened = await io.openRunFolder(first);
    assert.deepEqual(opened.results, saved);
    assert.equal(opened.record?.configPath, '/somewhere/race.landscape.json');
    assert.equal(opened.configText, '// kept\n{"name": "race"}');
  } finally {
    io.dispose();
    rmSync(runs, { recursive: true, force: true });
  }
});

test('the run-folder worker passes on errors with their message, and keeps answering after one', { skip: !existsSync(workerPath) && 'run npm run build first' }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'landscape-io-'));
  const io = new RunFolderIo(workerPath);
  try {
    await assert.rejects(io.openRunFolder(join(root, 'missing')), /cannot read .*missing.*results\.json/);
    writeFileSync(join(root, 'a-file'), 'not a folder');
    await assert.rejects(io.writeRunFolder(join(root, 'a-file'), { results: results('x', 3), record: record('x'), configText: '{}' }), /a-file/);
    const folder = await io.writeRunFolder(join(root, 'runs'), { results: results('after', 3), record: record('after'), configText: '{}' });
    assert.equal((await io.openRunFolder(folder)).results.name, 'after');
  } finally {
    io.dispose();
    rmSync(root, { recursive: true, force: true });
  }
});

test('when the run-folder worker cannot run, the run is saved and opened on the calling thread, and the reason is reported', async () => {
  const root = mkdtempSync(join(tmpdir(), 'landscape-io-'));
  const reasons: string[] = [];
  const io = new RunFolderIo(join(root, 'no-such-worker.js'), (reason) => reasons.push(reason));
  try {
    const saved = results('fallback', 50);
    const folder = await io.writeRunFolder(join(root, 'runs'), { results: saved, record: record('fallback'), configText: '{}' });
    assert.deepEqual(readRunResults(folder), saved);
    assert.deepEqual((await io.openRunFolder(folder)).results, saved);
    assert.equal(reasons.length, 2);
    assert.match(reasons[0], /run-folder worker .*saving the run folder on the extension host's thread instead/);
  } finally {
    io.dispose();
    rmSync(root, { recursive: true, force: true });
  }
});

test('listRunsAsync lists what listRuns lists, newest first, from run.json only', async () => {
  const runs = mkdtempSync(join(tmpdir(), 'landscape-list-'));
  try {
    const older = writeRunFolder(runs, { results: results('one', 3), record: record('one'), configText: '{}' });
    const newer = writeRunFolder(runs, { results: results('two', 3), record: { ...record('two'), startedAt: '2026-11-29T01:00:00.000Z', status: 'cancelled' as const }, configText: '{}' });
    rmSync(join(older, 'results.json')); // only run.json is read
    mkdirSync(join(runs, 'not-a-run'));
    mkdirSync(join(runs, '.tmp-half-written'));
    writeFileSync(join(runs, '.tmp-half-written', 'run.json'), JSON.stringify(record('half')));
    const listed = await listRunsAsync(runs);
    assert.deepEqual(listed, listRuns(runs));
    assert.deepEqual(listed.map((run) => [run.id, run.status]), [[readdirSync(runs).find((name) => newer.endsWith(name)), 'cancelled'], [readdirSync(runs).find((name) => older.endsWith(name)), 'completed']]);
    assert.deepEqual(await listRunsAsync(join(runs, 'missing')), []);
  } finally {
    rmSync(runs, { recursive: true, force: true });
  }
});
