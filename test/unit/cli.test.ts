import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
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

test('show prints a saved run\'s status and the summary run printed; --json gives the same as JSON; a folder that is not a run exits 2', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'landscape-show-')), 'run');
  const ran = runCli('run', 'examples/saddle-race.landscape.json', '--out', out, '--quiet');
  assert.equal(ran.status, 0, ran.stderr);
  const shown = runCli('show', out);
  assert.equal(shown.status, 0, shown.stderr);
  const [heading, ...summary] = shown.stdout.trimEnd().split('\n');
  assert.match(heading, /^.+: completed, started \d{4}-\d\d-\d\dT.*, finished \d{4}-/);
  assert.deepEqual(summary, ran.stdout.trimEnd().split('\n'), 'the summary run printed, line for line');
  const json = runCli('show', out, '--json');
  assert.equal(json.status, 0, json.stderr);
  const parsed = JSON.parse(json.stdout) as { run: { status: string; name: string }; summary: string[]; results: string };
  assert.equal(parsed.run.status, 'completed');
  assert.deepEqual(parsed.summary, summary);
  assert.equal(parsed.results, join(out, 'results.json'));
  // A cancelled run reads back as such, exit 1; the folder is left as it was.
  const record = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  writeFileSync(join(out, 'run.json'), JSON.stringify({ ...record, status: 'cancelled', reason: 'cancelled during the race' }));
  const cancelled = runCli('show', out);
  assert.equal(cancelled.status, 1);
  assert.match(cancelled.stdout, /: cancelled \(cancelled during the race\), started/);
  const notRun = runCli('show', join(root, 'examples'));
  assert.equal(notRun.status, 2);
  assert.match(notRun.stderr, /examples is not a run folder \(it has no run\.json\)/);
  writeFileSync(join(out, 'run.json'), '{ half');
  const broken = runCli('show', out);
  assert.equal(broken.status, 1);
  assert.match(broken.stderr, /run\.json: it is not JSON/);
  assert.equal(readFileSync(join(out, 'run.json'), 'utf8'), '{ half', 'nothing of the folder is rewritten');
  assert.equal(runCli('show', out, '--out', 'x').status, 2);
  assert.equal(runCli('run', 'examples/saddle-race.landscape.json', '--json').status, 2);
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

/** A folder with a quick surface config named config.landscape.json in it. */
function configFolder(prefix: string, config: object = { name: 'quick', surface: { name: 'saddle' }, steps: 20, optimizers: [{ name: 'sgd', lr: 0.1 }, { name: 'adam', lr: 0.1 }] }): { folder: string; config: string; text: string } {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  const text = JSON.stringify(config);
  writeFileSync(join(folder, 'config.landscape.json'), text);
  return { folder, config: join(folder, 'config.landscape.json'), text };
}

function runCliIn(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  assert.ok(existsSync(cli), 'dist/cli.js is missing: run `npm run build` first (npm test does)');
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd, env: { ...process.env, ...env } });
}

test('--out at a folder of the user\'s files exits 2 before the run and leaves the files as they were', () => {
  const { folder, config } = configFolder('landscape-cli-user-');
  const users = join(folder, 'mine');
  mkdirSync(users);
  writeFileSync(join(users, 'notes.txt'), 'precious');
  const result = runCliIn(folder, ['run', config, '--out', users]);
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /--out: .*mine is not empty and is not a Landscape Lens run folder .*"notes\.txt".*add --force/);
  assert.doesNotMatch(result.stderr, /\[ *\d+%\]/, 'refused before any work');
  assert.deepEqual(readdirSync(users), ['notes.txt']);
  assert.equal(readFileSync(join(users, 'notes.txt'), 'utf8'), 'precious');
  // with --force the run's files go beside the user's, which stays
  const forced = runCliIn(folder, ['run', config, '--out', users, '--force', '--quiet']);
  assert.equal(forced.status, 0, forced.stderr);
  assert.equal(readFileSync(join(users, 'notes.txt'), 'utf8'), 'precious');
  assert.ok(existsSync(join(users, 'results.json')));
});

test('--out . beside the config and --out naming the config are refused; the config is untouched', () => {
  const { folder, config, text } = configFolder('landscape-cli-dot-');
  for (const args of [['--out', '.'], ['--out', '.', '--force'], ['--out', 'config.landscape.json'], ['--out', 'config.landscape.json', '--force']]) {
    const result = runCliIn(folder, ['run', 'config.landscape.json', ...args]);
    assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /--out: .*(not empty|already has "config\.landscape\.json"|is a file, not a folder)/);
    assert.equal(readFileSync(config, 'utf8'), text, `${args.join(' ')} leaves the config as it was`);
    assert.deepEqual(readdirSync(folder), ['config.landscape.json'], `${args.join(' ')} writes nothing`);
  }
});

test('an earlier run folder is never replaced: --force saves the new run beside it', () => {
  const { folder, config } = configFolder('landscape-cli-force-');
  const out = join(folder, 'out');
  assert.equal(runCliIn(folder, ['run', config, '--out', out, '--quiet']).status, 0);
  assert.equal(readdirSync(out).filter((name) => name.endsWith('.csv')).length, 2);
  const first = readFileSync(join(out, 'run.json'), 'utf8');
  const again = runCliIn(folder, ['run', config, '--out', out, '--quiet']);
  assert.equal(again.status, 2);
  assert.match(again.stderr, /holds an earlier run: name another folder, or add --force to save the new run in a new folder beside it/);
  writeFileSync(config, JSON.stringify({ name: 'quick', surface: { name: 'saddle' }, steps: 20, optimizers: [{ name: 'adam', lr: 0.1 }] }));
  const forced = runCliIn(folder, ['run', config, '--out', out, '--force', '--quiet']);
  assert.equal(forced.status, 0, forced.stderr);
  assert.equal(readdirSync(out).filter((name) => name.endsWith('.csv')).length, 2, 'the earlier run keeps its files');
  assert.equal(readFileSync(join(out, 'run.json'), 'utf8'), first);
  assert.deepEqual(readdirSync(join(folder, 'out-2')).filter((name) => name.endsWith('.csv')), ['trajectory-1-adam.csv']);
  assert.deepEqual(readdirSync(folder).sort(), ['config.landscape.json', 'out', 'out-2']);
});

test('an --out that cannot be written fails before the run starts', () => {
  const { folder, config } = configFolder('landscape-cli-unwritable-', {
    name: 'long', seed: 1,
    model: { layers: [2, 16, 1], activation: ['tanh', 'linear'], loss: 'mse' },
    data: { kind: 'synthetic', name: 'sum-of-squares', samples: 2000, testFraction: 0 },
    training: { epochs: 100000, batchSize: 8, optimizer: { name: 'sgd', lr: 0.001 }, detector: false },
  });
  writeFileSync(join(folder, 'a-file'), 'x');
  const places = [join(folder, 'a-file', 'out')];
  if (process.platform === 'linux') places.push('/proc/landscape-lens-test/out');
  if (process.getuid?.() !== 0) {
    mkdirSync(join(folder, 'read-only'));
    chmodSync(join(folder, 'read-only'), 0o555);
    places.push(join(folder, 'read-only', 'out'));
  }
  for (const out of places) {
    const started = performance.now();
    const result = runCliIn(folder, ['run', config, '--out', out]);
    assert.equal(result.status, 2, `${out}: ${result.stderr}`);
    assert.match(result.stderr, /--out: cannot write to .*: (a part of the path is a file|permission denied|ENOENT.*): name a folder you can write to/);
    assert.doesNotMatch(result.stderr, /epoch/, 'no epoch ran');
    assert.ok(performance.now() - started < 15_000, 'refused at once, not after the run');
  }
});

test('the command line is parsed by parseArgs: --out needs a value, --help exits 0, an unknown option exits 2', () => {
  const { folder, config } = configFolder('landscape-cli-args-');
  const missing = runCliIn(folder, ['run', config, '--out', '--quiet']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--out/);
  assert.deepEqual(readdirSync(folder), ['config.landscape.json'], 'no folder named --quiet');
  for (const help of [['--help'], ['-h'], ['run', config, '--help']]) {
    const result = runCliIn(folder, help);
    assert.equal(result.status, 0, help.join(' '));
    assert.match(result.stdout, /Usage:\n {2}landscape-lens run <config\.landscape\.json> \[--out <dir>\] \[--force\]/);
  }
  const unknown = runCliIn(folder, ['run', config, '--frobnicate']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /Unknown option '--frobnicate'/);
  const empty = runCliIn(folder, []);
  assert.equal(empty.status, 2);
  assert.match(empty.stderr, /Usage:/);
});

test('1,000,000 steps × 5 optimizers is refused up front with the estimate when it does not fit, and warned about above half the memory', () => {
  const { folder, config } = configFolder('landscape-cli-memory-', {
    name: 'big', surface: { name: 'rosenbrock' }, start: [-1.5, 2], steps: 1000000,
    optimizers: ['sgd', 'adam', 'rmsprop', 'adagrad', 'adamw'].map((name) => ({ name, lr: 0.0001 })),
  });
  const started = performance.now();
  const refused = runCliIn(folder, ['run', config, '--out', join(folder, 'out')], { LANDSCAPE_LENS_MEMORY_BYTES: String(1e9) });
  assert.equal(refused.status, 2, refused.stderr);
  assert.match(refused.stderr, /\/steps: the run needs about 6\.7 GB of memory \(5 trajectories × 1,000,001 steps: 6\.7 GB; .*\), more than this machine's 1\.0 GB: lower "steps"/);
  assert.ok(performance.now() - started < 10_000, 'refused before any work');
  assert.ok(!existsSync(join(folder, 'out')));
  assert.equal(runCliIn(folder, ['validate', config], { LANDSCAPE_LENS_MEMORY_BYTES: String(1e9) }).status, 2, 'validate says the same');
  // a smaller run above half of a lowered limit runs, with a warning
  writeFileSync(config, JSON.stringify({ name: 'warned', surface: { name: 'saddle' }, steps: 2000, optimizers: [{ name: 'sgd', lr: 0.01 }] }));
  const warned = runCliIn(folder, ['run', config, '--out', join(folder, 'warned'), '--quiet'], { LANDSCAPE_LENS_MEMORY_BYTES: String(4e6) });
  assert.equal(warned.status, 0, warned.stderr);
  assert.match(warned.stderr, /warning: \/steps: the run needs about 3 MB of memory .* more than half of this machine's 4 MB/);
  assert.ok(existsSync(join(folder, 'warned', 'results.json')));
});

test('analyses.hessian.maxDimension is bounded by what a dense Hessian can take, and says why', () => {
  const base = { name: 'hessian', model: { layers: [2, 4, 1], activation: ['tanh', 'linear'], loss: 'mse' }, data: { kind: 'synthetic', name: 'sum-of-squares', samples: 50 } };
  const { folder, config } = configFolder('landscape-cli-hessian-', { ...base, analyses: { hessian: { maxDimension: 100975 } } });
  const huge = runCliIn(folder, ['validate', config]);
  assert.equal(huge.status, 2);
  assert.match(huge.stderr, /\/analyses\/hessian\/maxDimension: maxDimension 100975 is too large: .*n² doubles .* at most 4 GiB \(n ≤ 23,170\)\. Set it at most \d+/);
  writeFileSync(config, JSON.stringify({ ...base, analyses: { hessian: { maxDimension: 20000 } } }));
  const memory = runCliIn(folder, ['validate', config], { LANDSCAPE_LENS_MEMORY_BYTES: String(1e9) });
  assert.equal(memory.status, 2);
  assert.match(memory.stderr, /needs 6\.4 GB \(n² × 8 bytes for the matrix, as much for the eigensolver's working copy\), more than this machine's 1\.0 GB\. Set it at most 7905/);
});

test('progress off a terminal is one line per stage or every few seconds, never the same line twice', () => {
  const { folder, config } = configFolder('landscape-cli-progress-', {
    name: 'progress', seed: 0, model: { layers: [2, 8, 1], activation: ['tanh', 'linear'], loss: 'mse' },
    data: { kind: 'synthetic', name: 'sum-of-squares', samples: 200, testFraction: 0 },
    training: { epochs: 300, batchSize: 200, optimizer: { name: 'sgd', lr: 0.05 } },
    analyses: { hessian: { top: 2, bottom: 1, trace: true } },
  });
  const result = runCliIn(folder, ['run', config, '--out', join(folder, 'out')]);
  assert.equal(result.status, 0, result.stderr);
  const lines = result.stderr.split('\n').filter((line) => /^\[ *\d+%\]/.test(line));
  assert.ok(lines.length >= 2, `progress was printed: ${result.stderr}`);
  for (let i = 1; i < lines.length; i++) assert.notEqual(lines[i], lines[i - 1], `line ${i} repeats: ${lines[i]}`);
  assert.ok(lines.length <= 40, `${lines.length} progress lines for a run of a few seconds`);
  assert.ok(!result.stderr.includes('\r') && !result.stderr.includes('\x1b['), 'no terminal control characters in a log');
});

test('validate and run print the config advice the editor shows', () => {
  const folder = mkdtempSync(join(tmpdir(), 'landscape-cli-advice-'));
  const config = join(folder, 'fast.landscape.json');
  writeFileSync(config, JSON.stringify({ name: 'fast', surface: { name: 'saddle' }, optimizers: [{ name: 'sgd', lr: 1.2 }], steps: 5 }));
  const validated = runCli('validate', config);
  assert.equal(validated.status, 0, validated.stderr);
  assert.match(validated.stdout, /valid \(1 warning\(s\)\)/);
  assert.match(validated.stderr, /\/optimizers\/0\/lr.*lr 1\.2 diverges on this surface/);
  const run = runCli('run', config, '--out', join(folder, 'out'), '--quiet');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /lr 1\.2 diverges on this surface/);
});

test('an analysis that fails fails the run (exit 1) and saves the parts that finished', () => {
  const folder = mkdtempSync(join(tmpdir(), 'landscape-cli-failed-'));
  const config = join(folder, 'failing.landscape.json');
  // a landscape range that is empty fails the landscape; the Hessian analysis before it finishes
  writeFileSync(config, JSON.stringify({ name: 'failing', surface: { name: 'saddle' }, start: [0.5, 0.5], optimizers: [{ name: 'sgd', lr: 0.1 }], steps: 5, analyses: { hessian: {}, landscape: { range: [1, -1], resolution: 5 } } }));
  const out = join(folder, 'out');
  const result = runCli('run', config, '--out', out, '--quiet', '--workers', '1');
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stderr, /the run failed: landscape: analyses\.landscape\.range \[1, -1\]/);
  const record = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  assert.equal(record.status, 'failed');
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  assert.equal(results.trajectories.length, 1);
  assert.equal(results.hessian.classification.kind, 'saddle');
  assert.equal(results.landscape, undefined);
});

/** A training config that runs for minutes (cancelled or killed by the tests that use it). */
const LONG_TRAINING = {
  name: 'long',
  seed: 1,
  model: { layers: [2, 16, 1], activation: ['tanh', 'linear'], loss: 'mse' },
  data: { kind: 'synthetic', name: 'sum-of-squares', samples: 2000, testFraction: 0 },
  training: { epochs: 100000, batchSize: 8, optimizer: { name: 'sgd', lr: 0.001 }, detector: false },
};

/** Waits until `check` returns something (polling every 20 ms), or fails naming `what` after `seconds`. */
async function waitFor<T>(what: string, check: () => T | undefined, seconds = 30): Promise<T> {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const found = check();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`${what} did not happen within ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('kill -9 mid-training keeps every finished epoch in events.jsonl; show prints them with status stopped', async () => {
  const { folder, config } = configFolder('landscape-cli-kill-', LONG_TRAINING);
  const out = join(folder, 'out');
  assert.ok(existsSync(cli), 'dist/cli.js is missing: run `npm run build` first (npm test does)');
  const child = spawn(process.execPath, [cli, 'run', config, '--out', out, '--quiet'], { cwd: root });
  child.stdout.resume();
  child.stderr.resume();
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const staging = `${out}.partial-${child.pid}`;
  const log = join(staging, 'events.jsonl');
  const epochLines = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((line) => line.includes('"kind":"epoch"')) : []);
  try {
    const running = await waitFor('the staging folder\'s running run.json', () => (existsSync(join(staging, 'run.json')) ? JSON.parse(readFileSync(join(staging, 'run.json'), 'utf8')) : undefined));
    assert.equal(running.status, 'running');
    assert.equal(running.format, 2);
    assert.equal(running.pid, child.pid);
    await waitFor('3 epoch records in events.jsonl', () => (epochLines().length >= 3 ? true : undefined));
  } finally {
    child.kill('SIGKILL');
  }
  await exited;
  const text = readFileSync(log, 'utf8');
  const epochs = text.split('\n').filter((line) => line.includes('"kind":"epoch"')).map((line) => JSON.parse(line).epoch as number);
  assert.ok(epochs.length >= 3, `${epochs.length} epochs kept`);
  assert.deepEqual(epochs, epochs.map((_, index) => index + 1), 'every finished epoch, in order, none missing');
  for (const target of [staging, out]) {
    const shown = runCli('show', target);
    assert.equal(shown.status, 1, shown.stderr);
    assert.match(shown.stdout, /^long: stopped \(the writing process is gone\)/);
    assert.match(shown.stdout, new RegExp(`training: ${epochs.length} epoch\\(s\\) finished; last: epoch ${epochs.length}: loss `));
  }
  const json = JSON.parse(runCli('show', staging, '--json').stdout);
  assert.equal(json.run.status, 'stopped');
  assert.equal(json.counts.epoch, epochs.length);
  assert.equal(json.lastEpoch.epoch, epochs.length);
  assert.equal(JSON.parse(readFileSync(join(staging, 'run.json'), 'utf8')).status, 'running', 'show changes nothing in the folder');
});

test('tail follows a running CLI run: prints its epochs as they come and exits 0 when it completes', async () => {
  const { folder, config } = configFolder('landscape-cli-tail-', { ...LONG_TRAINING, training: { ...LONG_TRAINING.training, epochs: 400 } });
  const out = join(folder, 'out');
  assert.ok(existsSync(cli), 'dist/cli.js is missing: run `npm run build` first (npm test does)');
  const run = spawn(process.execPath, [cli, 'run', config, '--out', out, '--quiet'], { cwd: root });
  run.stdout.resume();
  run.stderr.resume();
  let runEndedAt = Infinity;
  const runExit = new Promise<number | null>((resolve) => run.on('exit', (code) => {
    runEndedAt = Date.now();
    resolve(code);
  }));
  await waitFor('the run\'s log', () => (existsSync(join(`${out}.partial-${run.pid}`, 'events.jsonl')) ? true : undefined));
  const tail = spawn(process.execPath, [cli, 'tail', out], { cwd: root });
  let stdout = '';
  let firstEpochAt: number | undefined;
  tail.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (firstEpochAt === undefined && /^epoch 1: loss /m.test(stdout)) firstEpochAt = Date.now();
  });
  const tailExit = new Promise<number | null>((resolve) => tail.on('exit', (code) => resolve(code)));
  const [runCode, tailCode] = await Promise.all([runExit, tailExit]);
  assert.equal(runCode, 0);
  assert.equal(tailCode, 0, stdout);
  const epochs = [...stdout.matchAll(/^epoch (\d+): loss /gm)].map((match) => Number(match[1]));
  assert.deepEqual(epochs, Array.from({ length: 400 }, (_, index) => index + 1), 'every epoch, once, in order');
  assert.match(stdout, /^completed$/m);
  assert.ok(firstEpochAt !== undefined && firstEpochAt < runEndedAt, 'the first epoch was printed while the run went');
  assert.ok(existsSync(join(out, 'events.jsonl')) && existsSync(join(out, 'results.json')), 'the log moved with the run into --out');
  assert.equal(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).status, 'completed');
});

test('a format-1 run folder (no format, no events.jsonl) still opens with show; tail says to use show', () => {
  const { folder } = configFolder('landscape-cli-format1-');
  const out = join(folder, 'old');
  mkdirSync(out);
  // As the previous version saved it: run.json without format, no events.jsonl.
  writeFileSync(join(out, 'run.json'), JSON.stringify({ name: 'old', status: 'completed', startedAt: '2026-12-01T00:00:00.000Z', finishedAt: '2026-12-01T00:00:01.000Z' }));
  writeFileSync(join(out, 'results.json'), JSON.stringify({ format: 1, name: 'old', seed: 0, createdAt: '2026-12-01T00:00:00.000Z', timings: {}, warnings: [] }));
  const shown = runCli('show', out);
  assert.equal(shown.status, 0, shown.stderr);
  assert.match(shown.stdout, /^old: completed, started 2026-12-01T00:00:00.000Z, finished/);
  const tailed = runCli('tail', out);
  assert.equal(tailed.status, 0);
  assert.match(tailed.stderr, /has no events\.jsonl .*landscape-lens show/);
});
