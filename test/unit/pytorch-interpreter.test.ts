import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_FIX, InterpreterNotFoundError, TorchRunner, findInterpreter, interpreterCandidates, pathCandidates } from '../../src/backends/pytorch';
import { packageDir, PYTHON, torchMissing } from './pytorch-helpers';

/** A folder with executable scripts standing in for interpreters. */
function fakePythons(scripts: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), 'landscape-fake-python-'));
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(join(folder, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(folder, name), 0o755);
  }
  return folder;
}

const crashes = 'echo "Fatal Python error: init_fs_encoding: failed to get the Python codec" >&2; exit 1';
const lacksTorch = 'echo "Traceback (most recent call last):" >&2; echo "ModuleNotFoundError: No module named \'torch\'" >&2; exit 1';

test('PATH candidates: python3 then python in each folder, in PATH order', () => {
  const first = fakePythons({ python3: crashes, python: lacksTorch });
  const second = fakePythons({ python3: lacksTorch });
  const candidates = pathCandidates(`${first}:/nonexistent:${second}`, 'linux');
  assert.deepEqual(candidates.map((candidate) => candidate.path), [join(first, 'python3'), join(first, 'python'), join(second, 'python3')]);
  assert.equal(candidates[0].source, 'python3 on the PATH');
  assert.equal(candidates[1].source, 'python on the PATH');
});

test('no interpreter imports torch: the message lists each one tried, why it failed, and the fix', async () => {
  const folder = fakePythons({ python3: crashes, python: lacksTorch });
  const candidates = interpreterCandidates({ pathVariable: folder });
  await assert.rejects(findInterpreter(candidates), (error: unknown) => {
    assert.ok(error instanceof InterpreterNotFoundError);
    assert.equal(error.failures.length, 2);
    assert.match(error.message, new RegExp(`${join(folder, 'python3')} \\(python3 on the PATH\\): Fatal Python error`));
    assert.match(error.message, new RegExp(`${join(folder, 'python')} \\(python on the PATH\\): ModuleNotFoundError: No module named 'torch'`));
    assert.ok(error.message.includes(CLI_FIX), error.message);
    return true;
  });
});

test('an explicit --python is the only one tried; a missing file says "not found"', async () => {
  const folder = fakePythons({ python3: lacksTorch });
  const candidates = interpreterCandidates({ explicit: { path: '/nonexistent/python3', source: '--python' }, pathVariable: folder });
  assert.equal(candidates.length, 1);
  await assert.rejects(findInterpreter(candidates), /\/nonexistent\/python3 \(--python\): not found/);
});

test('the Python extension\'s interpreter is tried before the PATH', () => {
  const folder = fakePythons({ python3: lacksTorch });
  const candidates = interpreterCandidates({ pythonExtension: '/venv/bin/python', pathVariable: folder });
  assert.deepEqual(candidates.map((candidate) => candidate.source), ['the interpreter selected in the Python extension', 'python3 on the PATH']);
});

test('no Python on the PATH at all: the message says so and how to fix it', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'landscape-no-python-'));
  await assert.rejects(findInterpreter(interpreterCandidates({ pathVariable: empty })), /no Python interpreter found: there is no python3 or python on the PATH/);
});

test('the first candidate that imports torch wins, after the failures', { skip: torchMissing }, async () => {
  const folder = fakePythons({ python3: lacksTorch });
  const found = await findInterpreter([...interpreterCandidates({ pathVariable: folder }), { path: PYTHON, source: 'test' }]);
  assert.equal(found.path, PYTHON);
  assert.match(found.torch, /^\d+\.\d+/);
  assert.match(found.python, /^3\.\d+\.\d+$/);
});

test('TorchRunner without a usable Python: the run fails with the list, nothing else lost', async () => {
  const folder = fakePythons({ python3: crashes, python: lacksTorch });
  const runner = new TorchRunner({ packageDir, findInterpreter: () => findInterpreter(interpreterCandidates({ pathVariable: folder })) });
  const logs: string[] = [];
  const outcome = await runner.start({ name: 'no python', model: { pytorch: 'model.py:make_model' } as never }, { baseDir: folder, onLog: (line) => logs.push(line) }).result;
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.reason ?? '', /no Python with PyTorch found/);
  assert.match(outcome.reason ?? '', /No module named 'torch'/);
  assert.ok(logs.some((line) => line.includes(join(folder, 'python3'))), logs.join('\n'));
  assert.equal(outcome.results.name, 'no python');
  assert.ok(outcome.results.warnings.some((warning) => warning.startsWith('failed: no Python with PyTorch found')));
});
