// Run folders never lose anything: --force never deletes or replaces (a new run goes beside an
// earlier one), a save survives Ctrl+C and a second CLI writing the same --out, no temporary
// folder is left or hidden, and a run whose run.json is corrupt is listed as unreadable.
// The CLI cases spawn the built CLI (`npm run build`); LANDSCAPE_LENS_CLI names another build to
// compare with (e.g. an older one, on which the cases that guard a fix fail).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listRuns, listRunsAsync, readRunResults, writeResults } from '../../src/store/results-store';
import { checkOutputFolder, outputFolderState } from '../../src/store/output-folder';
import type { ExperimentResults } from '../../src/shared/results';
import { historyHtml } from '../../src/host/webview/pure/plain-view-html';

const root = join(__dirname, '..', '..');
const cli = process.env.LANDSCAPE_LENS_CLI ?? join(root, 'dist', 'cli.js');

function results(name: string, points = 3): ExperimentResults {
  const path = Array.from({ length: points }, (_, index) => [index / points, 1 - index / points]);
  return {
    format: 1, name, seed: 0, createdAt: '2026-11-28T04:50:12.345Z', timings: {}, warnings: [],
    trajectories: [{ label: 'gd', optimizer: 'sgd', parameters: { lr: 0.1 }, points: path, values: path.map(([x]) => x), gradientNorms: path.map(() => 1), learningRates: path.map(() => 0.1), status: 'max-steps', steps: points - 1 }],
  };
}

/** Every file under `folder` with its bytes, by relative path. */
function snapshot(folder: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) files.set(join(entry.parentPath, entry.name).slice(folder.length + 1), readFileSync(join(entry.parentPath, entry.name), 'latin1'));
  }
  return files;
}

/** Names under `folder` left by a save in progress or cut short: this build's staging folders and an older build's hidden ones. */
function leftovers(folder: string): string[] {
  return readdirSync(folder).filter((name) => /\.partial-\d+(-\d+)?$/.test(name) || name.startsWith('.tmp-'));
}

/** Staging folders under `folder` a save has begun to fill (the CLI makes its staging folder when the run starts; the save writes the config first). */
function savesUnderWay(folder: string): string[] {
  return leftovers(folder).filter((name) => existsSync(join(folder, name, 'config.landscape.json')));
}

function writeConfig(folder: string, config: object): string {
  const path = join(folder, 'config.landscape.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

const QUICK = { name: 'quick', surface: { name: 'saddle' }, steps: 20, optimizers: [{ name: 'sgd', lr: 0.1 }] };
/** A race whose results.json is about 5 MB and whose CSVs are about as large: its save takes a while. */
const LARGE = { name: 'large', surface: { name: 'rosenbrock' }, steps: 20000, optimizers: [{ name: 'sgd', lr: 0.0001 }, { name: 'adam', lr: 0.0001 }] };

function runCli(cwd: string, args: string[]) {
  assert.ok(existsSync(cli), `${cli} is missing: run \`npm run build\` first`);
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

test('writeResults with force never deletes or replaces: an earlier run and the user\'s notes stay byte for byte, the new run goes beside', () => {
  const root = mkdtempSync(join(tmpdir(), 'landscape-safety-'));
  try {
    const out = join(root, 'out');
    writeResults(out, results('earlier'), '{"name": "earlier"}');
    writeFileSync(join(out, 'notes.md'), '# my notes\n\u00e9\u0000binary');
    mkdirSync(join(out, 'plots'));
    writeFileSync(join(out, 'plots', 'loss.png'), 'png bytes');
    const before = snapshot(out);
    const saved = writeResults(out, results('later'), '{"name": "later"}', undefined, { force: true });
    assert.equal(saved, `${out}-2`);
    assert.deepEqual(snapshot(out), before, 'every file of the earlier folder is as it was');
    assert.equal(readRunResults(saved).name, 'later');
    // A folder shaped like a run (a run.json with name, status and startedAt) is not written into either.
    const shaped = join(root, 'shaped');
    mkdirSync(shaped);
    writeFileSync(join(shaped, 'run.json'), JSON.stringify({ name: 'x', status: 'completed', startedAt: 'y' }));
    writeFileSync(join(shaped, 'results.json'), 'the user\'s own results');
    const shapedBefore = snapshot(shaped);
    assert.equal(writeResults(shaped, results('again'), '{}', undefined, { force: true }), `${shaped}-2`);
    assert.deepEqual(snapshot(shaped), shapedBefore);
    assert.deepEqual(leftovers(root), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a writer that loses the folder to another while it saves goes beside it and leaves no staging folder', () => {
  const root = mkdtempSync(join(tmpdir(), 'landscape-claim-'));
  try {
    const out = join(root, 'out');
    mkdirSync(out); // made before the run, as the CLI does
    let staged = '';
    // While this save writes its files, another save claims the same folder first.
    const saved = writeResults(out, results('loser', 50_000), '{}', undefined, {
      besideWhenTaken: true,
      onStaging: (staging) => {
        staged = staging;
        writeResults(out, results('winner'), '{}');
      },
    });
    assert.match(staged, /out\.partial-\d+(-\d+)?$/, 'the staging folder is visible and named for the target');
    assert.equal(saved, `${out}-2`);
    assert.equal(readRunResults(out).name, 'winner');
    assert.equal(readRunResults(saved).name, 'loser');
    assert.equal(readRunResults(saved).trajectories?.[0].points.length, 50_000);
    assert.deepEqual(readdirSync(root).sort(), ['out', 'out-2']);
    // Without leave to go beside, the loser's files stay in its visible staging folder, which the error names.
    const other = join(root, 'other');
    assert.throws(() => writeResults(other, results('loser'), '{}', undefined, { onStaging: () => writeResults(other, results('winner'), '{}') }), (error: Error) => {
      assert.match(error.message, /could not save in .*other: .*holds an earlier run.*; the run's files are in .*other\.partial-\d+(-\d+)?/);
      return true;
    });
    const [staging] = leftovers(root);
    assert.equal(readRunResults(join(root, staging)).name, 'loser');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('adding beside the user\'s files is claimed by a lock: a second writer goes beside, the first one\'s files are whole', () => {
  const root = mkdtempSync(join(tmpdir(), 'landscape-lock-'));
  try {
    const mine = join(root, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.md'), 'notes');
    writeFileSync(join(mine, '.landscape-lens-saving'), '12345\n'); // another save is adding its files
    const saved = writeResults(mine, results('second'), '{}', undefined, { force: true, besideWhenTaken: true });
    assert.equal(saved, `${mine}-2`);
    assert.deepEqual(readdirSync(mine).sort(), ['.landscape-lens-saving', 'notes.md'], 'nothing was added while the lock was held');
    rmSync(join(mine, '.landscape-lens-saving'));
    assert.equal(writeResults(mine, results('third'), '{}', undefined, { force: true }), mine);
    assert.deepEqual(readdirSync(mine).sort(), ['config.landscape.json', 'notes.md', 'results.json', 'run.json', 'trajectory-1-gd.csv'], 'the lock is gone once the files are in');
    assert.deepEqual(leftovers(root), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a run folder whose run.json is corrupt is listed as unreadable, with the reason; a folder without one is not a run', async () => {
  const runs = mkdtempSync(join(tmpdir(), 'landscape-unreadable-'));
  try {
    writeResults(join(runs, '20261128-045012-good'), results('good'), '{}');
    const broken = join(runs, '20261128-050000-broken');
    writeResults(broken, results('broken'), '{}');
    writeFileSync(join(broken, 'run.json'), '{"name": "broken", "status": "compl'); // cut short
    const nameless = join(runs, '20261128-060000-nameless');
    mkdirSync(nameless);
    writeFileSync(join(nameless, 'run.json'), '{"status": "completed"}');
    mkdirSync(join(runs, 'plots'));
    writeFileSync(join(runs, 'plots', 'a.png'), 'png');
    for (const listed of [listRuns(runs), await listRunsAsync(runs)]) {
      assert.deepEqual(listed.map((run) => run.id), ['20261128-060000-nameless', '20261128-050000-broken', '20261128-045012-good']);
      const [namelessRun, brokenRun, good] = listed;
      assert.match(brokenRun.unreadable ?? '', /^it is not JSON \(.+\)$/);
      assert.equal(brokenRun.name, '20261128-050000-broken', 'named by its folder');
      assert.match(brokenRun.reason ?? '', /^unreadable run\.json: it is not JSON/);
      assert.equal(namelessRun.unreadable, 'its "name", "startedAt" are missing or not text');
      assert.equal(good.unreadable, undefined);
      assert.equal(good.name, 'good');
    }
    // The plain view names it with the reason and links only the readable runs.
    const plain = historyHtml(listRuns(runs));
    assert.match(plain, /<li>20261128-050000-broken <span[^>]*>failed<\/span> — unreadable run\.json: it is not JSON/);
    assert.equal((plain.match(/<a /g) ?? []).length, 1);
  } finally {
    rmSync(runs, { recursive: true, force: true });
  }
});

test('CLI: --force over an earlier run with the user\'s notes.md keeps every file byte for byte and names the new folder', () => {
  const folder = mkdtempSync(join(tmpdir(), 'landscape-cli-force-'));
  try {
    const config = writeConfig(folder, QUICK);
    const out = join(folder, 'out');
    assert.equal(runCli(folder, ['run', config, '--out', out, '--quiet']).status, 0);
    writeFileSync(join(out, 'notes.md'), '# what I saw\nthe saddle at 0, 0\n');
    const before = snapshot(out);
    const forced = runCli(folder, ['run', config, '--out', out, '--force', '--quiet']);
    assert.equal(forced.status, 0, forced.stderr);
    assert.deepEqual(snapshot(out), before, 'the earlier run and notes.md are as they were');
    assert.match(forced.stderr, /out holds an earlier run, which --force never replaces: this run is saved in .*out-2/);
    assert.match(forced.stdout, /results: .*out-2\/results\.json/);
    assert.equal(readRunResults(`${out}-2`).name, 'quick');
    assert.deepEqual(leftovers(folder), []);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('CLI: Ctrl+C to the process group while a finished run is saved asks to wait; the save completes and no staging folder is left', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'landscape-cli-sigint-'));
  try {
    const config = writeConfig(folder, LARGE);
    const out = join(folder, 'out');
    assert.ok(existsSync(cli), `${cli} is missing: run \`npm run build\` first`);
    const child = spawn(process.execPath, [cli, 'run', config, '--out', out, '--quiet'], { cwd: folder, detached: true });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.resume();
    const exit = exited(child);
    let signalled = false;
    while (!signalled && child.exitCode === null) {
      if (savesUnderWay(folder).length > 0) {
        process.kill(-child.pid!, 'SIGINT'); // as a terminal's Ctrl+C: to the whole process group
        signalled = true;
      } else await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const code = await exit;
    assert.ok(signalled, 'the save was seen under way');
    assert.equal(code, 0, stderr);
    assert.match(stderr, /saving the results \(in .*out\.partial-\d+ until they are complete\): please wait/);
    const saved = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ExperimentResults;
    assert.equal(saved.trajectories?.[0].points.length, 20001, 'results.json is complete');
    assert.equal(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).status, 'completed');
    assert.deepEqual(leftovers(folder), [], 'no temporary folder is left');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('CLI: a third Ctrl+C while saving stops at once, and the files written so far are in a visible folder the message names', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'landscape-cli-stop-'));
  try {
    const config = writeConfig(folder, LARGE);
    const out = join(folder, 'out');
    assert.ok(existsSync(cli), `${cli} is missing: run \`npm run build\` first`);
    const child = spawn(process.execPath, [cli, 'run', config, '--out', out, '--quiet'], { cwd: folder });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.resume();
    const exit = exited(child);
    while (savesUnderWay(folder).length === 0 && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 2));
    for (let press = 0; press < 3; press++) {
      child.kill('SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 20)); // apart, as a person presses (signals sent at once may arrive as one)
    }
    const code = await exit;
    const staging = /stopped while saving: the files written so far are in (\S+);/.exec(stderr)?.[1];
    if (code === 0) return; // the save finished between the presses: nothing to check on this machine
    assert.equal(code, 130, stderr);
    assert.ok(staging && existsSync(staging), `the message names the folder with the files: ${stderr}`);
    assert.match(staging, /\/out\.partial-\d+$/, 'visible, beside --out, named for it');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('another run\'s write probe or saving lock does not make a new folder the user\'s: both runs find it empty and the claim decides', () => {
  const folder = mkdtempSync(join(tmpdir(), 'landscape-passing-'));
  try {
    writeFileSync(join(folder, '.landscape-lens-probe-4242'), 'probe');
    assert.equal(outputFolderState(folder), 'empty', 'a folder holding only another run\'s probe');
    assert.equal(checkOutputFolder(folder, false), 'empty');
    writeFileSync(join(folder, '.landscape-lens-saving'), '4242\n');
    assert.equal(outputFolderState(folder), 'empty', 'and its saving lock');
    writeFileSync(join(folder, 'notes.md'), 'mine');
    assert.equal(outputFolderState(folder), 'foreign', 'a file of the user\'s beside them is the user\'s folder');
    writeFileSync(join(folder, '.landscape-lens-probe-x'), 'not a pid');
    rmSync(join(folder, 'notes.md'));
    assert.equal(outputFolderState(folder), 'foreign', 'a name that only looks like a probe is the user\'s');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('CLI: two runs saving to the same --out at once: one gets it, the other saves beside it and says where', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'landscape-cli-race-'));
  try {
    const config = writeConfig(folder, LARGE);
    const out = join(folder, 'out');
    assert.ok(existsSync(cli), `${cli} is missing: run \`npm run build\` first`);
    const runs = [0, 1].map(() => {
      const child = spawn(process.execPath, [cli, 'run', config, '--out', out, '--quiet', '--workers', '1'], { cwd: folder });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout?.resume();
      return exited(child).then((code) => ({ code, stderr }));
    });
    const ended = await Promise.all(runs);
    for (const { code, stderr } of ended) assert.equal(code, 0, stderr);
    assert.deepEqual(readdirSync(folder).sort(), ['config.landscape.json', 'out', 'out-2']);
    const notes = ended.map(({ stderr }) => stderr).join('');
    assert.match(notes, /out was taken while the run went \(another run saved there\); this run is saved in .*out-2/);
    for (const saved of [out, `${out}-2`]) assert.equal(readRunResults(saved).trajectories?.[0].points.length, 20001);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
