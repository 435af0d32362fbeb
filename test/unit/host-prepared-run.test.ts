/**
 * host/runs/pure/prepared-run.ts: every run the host starts is prepared (config/prepare.ts), and
 * a race re-run from the panel checks the saved run's config as the editor checks that file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { prepare, type PrepareOptions } from '../../src/config/prepare';
import { writeRunFolder } from '../../src/store/results-store';
import { answerRunFolderRequest } from '../../src/store/run-folder-requests';
import type { OpenedRunFolder } from '../../src/store/run-folder-messages';
import { prepareRun, raceFromStart, refusalMessage, savedRunConfig } from '../../src/host/runs/pure/prepared-run';

/** As the editor prepares (host/editor/config-loading.ts: prepareOptions), with the settings' defaults. */
const OPTIONS: PrepareOptions = { defaults: { gridResolution: 101, denseHessianLimit: 3000 }, cluster: { address: '', source: 'the setting landscapeLens.cluster', replaces: false }, memory: 1e15 };

const RACE = `{
  // a saddle, two optimizers
  "name": "saddle-race",
  "surface": { "name": "saddle" },
  "optimizers": [{ "name": "sgd", "lr": 0.1 }, { "name": "adam", "lr": 0.05 }],
  "start": [1, 0.001],
  "steps": 50
}
`;

/** A run folder as the host saves one (results-store), read back as the host reads it (the run-folder worker's request). */
async function savedRun(configText: string): Promise<{ folder: string; saved: ReturnType<typeof savedRunConfig> }> {
  const runsDir = mkdtempSync(join(tmpdir(), 'landscape-rerun-'));
  const startedAt = new Date().toISOString();
  const folder = writeRunFolder(runsDir, {
    results: { format: 1, name: 'saddle-race', seed: 0, createdAt: startedAt, timings: {}, warnings: [] },
    record: { name: 'saddle-race', status: 'completed', startedAt, finishedAt: startedAt },
    configText,
  });
  return { folder, saved: savedRunConfig(folder, await open(folder)) };
}

async function open(folder: string): Promise<OpenedRunFolder> {
  const reply = await answerRunFolderRequest({ id: 1, kind: 'open', folder });
  assert.ok(reply.ok, JSON.stringify(reply));
  return reply.value as OpenedRunFolder;
}

test('a run folder whose saved config was edited to be invalid is refused on re-run, with the message the editor shows', async () => {
  const { folder } = await savedRun(RACE);
  // The user opens the run's config.landscape.json and breaks it: a learning rate of "fast".
  const file = join(folder, 'config.landscape.json');
  writeFileSync(file, readFileSync(file, 'utf8').replace('"lr": 0.1', '"lr": "fast"'));
  const saved = savedRunConfig(folder, await open(folder));
  const label = 'runs/x/config.landscape.json';
  const rerun = raceFromStart(saved, [0.5, 0.25], label, OPTIONS);
  assert.equal(rerun.request, undefined, 'not run');
  // The editor: Problems shows prepare's issues of the file; Run shows refusalMessage of them.
  const editor = prepare(readFileSync(file, 'utf8'), folder, OPTIONS);
  assert.equal(rerun.refusal, refusalMessage(label, editor.issues));
  assert.deepEqual(rerun.issues, editor.issues);
  assert.equal(rerun.refusal, `Landscape Lens: ${label} not run: /optimizers/0/lr: "optimizers.0.lr" must be of type number`);
});

test('a re-run from a new start edits the saved text (comments kept) and runs it prepared', async () => {
  const { saved } = await savedRun(RACE);
  const rerun = raceFromStart(saved, [0.5, 0.25], 'config.landscape.json', OPTIONS);
  assert.ok(rerun.request, rerun.refusal);
  assert.match(rerun.request.configText, /\/\/ a saddle, two optimizers/);
  assert.deepEqual((parseJsonc(rerun.request.configText) as { start: unknown }).start, [0.5, 0.25]);
  const prepared = prepareRun(rerun.request, 'config.landscape.json', OPTIONS);
  assert.ok(prepared.ready, prepared.refusal);
  assert.deepEqual(prepared.ready.config.start, [0.5, 0.25]);
  assert.deepEqual(prepared.ready.config.grid, { resolution: 101 }, 'the settings\' defaults applied');
  assert.equal(prepared.ready.backend, 'engine');
});

test('a re-run needs a saved surface race', async () => {
  const network = JSON.stringify({ name: 'n', model: { layers: [2, 4, 2] }, data: { kind: 'synthetic', name: 'xor' }, training: { epochs: 1, optimizer: { name: 'sgd', lr: 0.1 } } });
  assert.ok(prepare(network, '.', OPTIONS).config, 'a valid config');
  assert.match(raceFromStart((await savedRun(network)).saved, [0, 0], 'c', OPTIONS).refusal ?? '', /c is not a surface race/);
  assert.match(raceFromStart({}, [0, 0], 'c', OPTIONS).refusal ?? '', /no saved config/);
});

test('prepareRun prepares a derived part as the text; a bad cluster setting refuses a PyTorch run naming the setting', () => {
  const part = prepareRun({ configText: RACE, config: { name: 'one', surface: { name: 'saddle' }, optimizers: [{ name: 'sgd', lr: 0.1 }] }, baseDir: '.' }, 'c', OPTIONS);
  assert.equal(part.ready?.config.name, 'one');
  assert.equal(part.ready?.config.grid?.resolution, 101);
  const invalidPart = prepareRun({ configText: RACE, config: { name: 'one', surface: { name: 'saddle' }, optimizers: [{ name: 'sgd', lr: -1 }] }, baseDir: '.' }, 'c', OPTIONS);
  assert.match(invalidPart.refusal ?? '', /^Landscape Lens: c not run: \/optimizers\/0\/lr: /);
  const folder = mkdtempSync(join(tmpdir(), 'landscape-rerun-torch-'));
  writeFileSync(join(folder, 'model.py'), 'def make_model():\n    pass\n');
  writeFileSync(join(folder, 'data.py'), 'def make_data():\n    pass\n');
  const torch = JSON.stringify({ name: 't', model: { pytorch: 'model.py:make_model' }, data: { kind: 'pytorch', factory: 'data.py:make_data' }, analyses: { landscape: { resolution: 11 } } });
  const refused = prepareRun({ configText: torch, baseDir: folder }, 't.landscape.json', { ...OPTIONS, cluster: { address: 'tcp://head', source: 'the setting landscapeLens.cluster', replaces: false } });
  assert.match(refused.refusal ?? '', /^Landscape Lens: t\.landscape\.json not run: the setting landscapeLens\.cluster: the scheduler address "tcp:\/\/head" has no port/);
});

test('the refusal names the first error and how many there are', () => {
  const error = (path: string, message: string) => ({ path, message, severity: 'error' as const });
  assert.equal(refusalMessage('a.landscape.json', [{ path: '/x', message: 'w', severity: 'warning' }, error('/steps', 'too many: lower it')]), 'Landscape Lens: a.landscape.json not run: /steps: too many: lower it');
  assert.equal(refusalMessage('"race"', [error('', 'JSON syntax error: x'), error('/a', 'b')]), 'Landscape Lens: "race" not run: 2 errors, the first: JSON syntax error: x');
});
