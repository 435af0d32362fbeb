import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');

function runCli(...args: string[]) {
  assert.ok(existsSync(cli), 'dist/cli.js is missing: run `npm run build` first (npm test does)');
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: root });
}

test('run writes results.json with the contract fields and a CSV per trajectory', () => {
  const out = mkdtempSync(join(tmpdir(), 'landscape-cli-'));
  const result = runCli('run', 'examples/saddle-race.landscape.json', '--out', out, '--quiet');
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /Newton/);
  assert.match(result.stdout, /results: .*results\.json/);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  assert.equal(results.trajectories.length, 4);
  for (const trajectory of results.trajectories) {
    assert.ok(trajectory.label && trajectory.optimizer && trajectory.status);
    assert.deepEqual(trajectory.points[0], [1, 0.001]);
    assert.equal(trajectory.points.length, trajectory.values.length);
    assert.equal(trajectory.points.length, trajectory.gradientNorms.length);
  }
  const newton = results.trajectories.find((trajectory: { optimizer: string }) => trajectory.optimizer === 'newton');
  assert.deepEqual(newton.points[1], [0, 0]);
  assert.equal(results.criticalPoints[0].kind, 'saddle');
  assert.deepEqual(results.criticalPoints[0].eigenvalues, [-2, 2]);
  const csvs = readdirSync(out).filter((file) => file.endsWith('.csv'));
  assert.equal(csvs.length, 4);
  const csv = readFileSync(join(out, csvs[0]), 'utf8').trim().split('\n');
  assert.match(csv[0], /^step,x,y,value,gradientNorm/);
  assert.equal(csv.length, results.trajectories[0].points.length + 1);
});

test('a bad config exits 2, names the JSON path and the fix, and writes nothing', () => {
  const folder = mkdtempSync(join(tmpdir(), 'landscape-cli-bad-'));
  const config = join(folder, 'bad.landscape.json');
  writeFileSync(config, JSON.stringify({ name: 'bad', surface: { name: 'saddle' }, optimizers: [{ name: 'adam', momentum: 0.9 }] }));
  const out = join(folder, 'out');
  const result = runCli('run', config, '--out', out);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /\/optimizers\/0\/momentum: "momentum" is not a parameter of adam/);
  assert.ok(!existsSync(out), 'nothing is written for a bad config');
});

test('a syntax error is reported with line and column; a missing file and a bad command exit 2', () => {
  const folder = mkdtempSync(join(tmpdir(), 'landscape-cli-syntax-'));
  const config = join(folder, 'broken.landscape.json');
  writeFileSync(config, '{\n  "name": "x",\n  "steps": 10\n  "seed": 1\n}\n');
  const broken = runCli('validate', config);
  assert.equal(broken.status, 2);
  assert.match(broken.stderr, /broken\.landscape\.json:4:3: error: JSON syntax error/);
  assert.equal(runCli('run', join(folder, 'missing.landscape.json')).status, 2);
  const unknown = runCli('frobnicate');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command/);
});

test('Ctrl+C cancels a run in the worker pool, keeps the finished epochs and exits 130', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'landscape-cli-cancel-'));
  const config = join(folder, 'long.landscape.json');
  writeFileSync(config, JSON.stringify({
    name: 'long',
    seed: 1,
    model: { layers: [2, 16, 1], activation: ['tanh', 'linear'], loss: 'mse' },
    data: { kind: 'synthetic', name: 'sum-of-squares', samples: 2000, testFraction: 0 },
    training: { epochs: 100000, batchSize: 8, optimizer: { name: 'sgd', lr: 0.001 }, detector: false },
  }));
  const out = join(folder, 'out');
  assert.ok(existsSync(cli), 'dist/cli.js is missing: run `npm run build` first (npm test does)');
  const child = spawn(process.execPath, [cli, 'run', config, '--out', out], { cwd: root });
  let stderr = '';
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no epoch reported within 30 s: ${stderr}`)), 30_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const epochs = [...stderr.matchAll(/epoch (\d+)\//g)].map((match) => Number(match[1]));
      if (epochs.some((epoch) => epoch >= 3)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  try {
    await started;
  } finally {
    child.kill('SIGINT');
  }
  const code = await exited;
  assert.equal(code, 130, stderr);
  assert.match(stderr, /cancelled; what finished is in/);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  assert.ok(results.training.history.length >= 3, `kept ${results.training.history.length} epochs`);
  assert.ok(results.training.history.length < 100000);
  const record = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  assert.equal(record.status, 'cancelled');
  assert.match(stdout, /training: cancelled/);
});
