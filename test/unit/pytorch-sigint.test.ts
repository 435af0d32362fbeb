/**
 * Ctrl+C in a terminal during a PyTorch landscape: the terminal sends SIGINT to the whole
 * foreground process group (the CLI, the Python backend and its forked workers). The CLI cancels,
 * the backend ignores the signal and answers the cancel with what finished, and every point the
 * progress had reported finished is saved (needs `npm run build`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { folderWith, packageDir, PYTHON, torchMissing } from './pytorch-helpers';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');

// A small MLP made slow by a pause per batch, so the grid lasts well past the first progress lines
// whatever the machine's load: 61×61 points of about 4 ms each, shared by two processes.
const files = {
  'model.py': [
    'import time',
    'import torch.nn as nn',
    '',
    '',
    'class Pause(nn.Module):',
    '    def forward(self, x):',
    '        time.sleep(0.004)',
    '        return x',
    '',
    '',
    'def make_model():',
    '    return nn.Sequential(nn.Linear(4, 16), nn.Tanh(), Pause(), nn.Linear(16, 3))',
    '',
  ].join('\n'),
  'data.py': 'import torch\n\n\ndef make_data():\n    g = torch.Generator().manual_seed(0)\n    return torch.randn(200, 4, generator=g), torch.randint(0, 3, (200,), generator=g)\n',
  'slow.landscape.json': JSON.stringify({
    name: 'slow landscape',
    model: { pytorch: 'model.py:make_model' },
    data: { kind: 'pytorch', factory: 'data.py:make_data', testFraction: 0 },
    runtime: { device: 'cpu', threads: 1 },
    analyses: { landscape: { resolution: 61 } },
  }),
};

test('SIGINT to the whole process group mid-landscape cancels, exits 130 and saves every finished point', { skip: torchMissing, timeout: 180_000 }, async () => {
  assert.ok(existsSync(cli), 'dist/cli.js is missing: run `npm run build` first (npm test does)');
  const folder = folderWith(files);
  const out = join(folder, 'out');
  // detached: the CLI leads its own process group, as a terminal's foreground job does.
  const child = spawn(process.execPath, [cli, 'run', join(folder, 'slow.landscape.json'), '--python', PYTHON, '--out', out], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LANDSCAPE_LENS_BACKEND_DIR: packageDir, LANDSCAPE_LENS_WORKERS: '2' },
  });
  let stderr = '';
  let reported = 0;
  let interruptedAt: number | undefined;
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    stderr += text;
    if (interruptedAt !== undefined) return;
    for (const match of stderr.matchAll(/landscape: (\d+) of (\d+) points/g)) reported = Math.max(reported, Number(match[1]));
    if (reported >= 500) {
      interruptedAt = performance.now();
      process.kill(-child.pid!, 'SIGINT'); // the whole group, as Ctrl+C in a terminal
    }
  });
  child.stdout!.resume();
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  try {
    process.kill(-child.pid!, 'SIGKILL'); // whatever of the group is left (nothing, when all is well)
  } catch {
    // the group is gone
  }
  assert.ok(interruptedAt !== undefined, `no landscape progress was seen:\n${stderr}`);
  const stopSeconds = (performance.now() - interruptedAt!) / 1000;
  assert.equal(code, 130, stderr);
  const record = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
  assert.equal(record.status, 'cancelled');
  assert.doesNotMatch(record.reason ?? '', /did not stop within/, 'the backend answered the cancel: no timeout to report');
  assert.match(record.reason ?? '', /cancelled during landscape/);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  const kept = (results.landscape.loss as (number | null)[]).filter((v) => v !== null).length;
  assert.ok(kept >= reported, `${kept} points saved, ${reported} reported finished before the interrupt`);
  assert.ok(kept < 61 * 61, 'the run was cancelled mid-grid');
  assert.equal(results.landscape.complete, false);
  console.log(`# ${reported} points reported finished at the interrupt, ${kept} saved; stopped in ${stopSeconds.toFixed(1)} s`);
});
