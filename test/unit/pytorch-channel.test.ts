/**
 * The channel to the PyTorch backend: frames over the size limit are refused, large arrays come
 * back from their files, and every transport failure (an answer too large for one message, a
 * garbage message, the process killed) ends the request with a clear reason instead of a hang.
 *
 * The backend here is the real package (python/landscape_lens) copied to a temporary folder with
 * a `__main__` that first replaces one request handler (a synthetic large answer, a garbage
 * message), so the real framing, server and client carry it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ArrayFolder, FrameLimit, TransportError } from '../../src/backends/pytorch/channel';
import { BackendExited, BackendProcess } from '../../src/backends/pytorch/client';
import { describeFailure } from '../../src/backends/pytorch/errors';
import { folderWith, packageDir, PYTHON, startRun, torchMissing, torchRunner } from './pytorch-helpers';

function frame(body: string): Buffer {
  const bytes = Buffer.from(body, 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`, 'ascii'), bytes]);
}

/** What `limit` passes on when fed `chunks`, or the error it fails with. */
async function throughLimit(limit: FrameLimit, chunks: Buffer[]): Promise<Buffer | Error> {
  const source = new PassThrough();
  const out: Buffer[] = [];
  const result = new Promise<Buffer | Error>((resolve) => {
    limit.on('data', (chunk: Buffer) => out.push(chunk));
    limit.on('end', () => resolve(Buffer.concat(out)));
    limit.on('error', (error) => resolve(error));
  });
  source.pipe(limit);
  for (const chunk of chunks) source.write(chunk);
  source.end();
  return result;
}

test('frames under the limit pass unchanged, however the chunks split their headers', async () => {
  const stream = Buffer.concat([frame('{"jsonrpc":"2.0","id":1,"result":"λ\\r\\n\\r\\n"}'), frame('{"jsonrpc":"2.0","method":"progress"}')]);
  for (const cut of [1, 7, 17, 18, 19, 20, 30, stream.length - 1]) {
    const passed = await throughLimit(new FrameLimit(1000), [stream.subarray(0, cut), stream.subarray(cut)]);
    assert.ok(Buffer.isBuffer(passed), `cut at ${cut}: ${String(passed)}`);
    assert.deepEqual(passed, stream);
  }
});

test('a frame over the limit fails at its header, before its body is buffered', async () => {
  const failed = await throughLimit(new FrameLimit(100), [frame('{"a":1}'), Buffer.from('Content-Length: 565000000\r\n\r\n{"jsonrpc"')]);
  assert.ok(failed instanceof TransportError);
  assert.match(failed.message, /message of 539 MB, over the limit of 0 MB/);
});

test('array references come back as nested numbers, non-finite values as null, and their files are deleted', () => {
  const folder = mkdtempSync(join(tmpdir(), 'landscape-arrays-test-'));
  const values = new Float64Array([1.5, -2, Number.NaN, 4, Infinity, 6]);
  writeFileSync(join(folder, '1.f64'), Buffer.from(values.buffer));
  const arrays = new ArrayFolder(folder);
  const message = { hessian: { eigenvectors: { $array: { file: '1.f64', dtype: 'float64', shape: [2, 3] } }, eigenvalues: [1, 2] } };
  assert.deepEqual(arrays.resolve(message), { hessian: { eigenvectors: [[1.5, -2, null], [4, null, 6]], eigenvalues: [1, 2] } });
  assert.deepEqual(readdirSync(folder), []);
  assert.throws(() => arrays.resolve({ $array: { file: '../results.json', dtype: 'float64', shape: [1] } }), /outside its folder/);
  writeFileSync(join(folder, '2.f64'), Buffer.alloc(16));
  assert.throws(() => arrays.resolve({ $array: { file: '2.f64', dtype: 'float64', shape: [3] } }), /holds 16 bytes, not the 24/);
  assert.throws(() => arrays.resolve({ $array: { file: '3.f64', dtype: 'float64', shape: [3] } }), /cannot read the backend's array file/);
});

/** The backend package in a temporary folder, its `__main__` running `prelude` (Python) first. */
function patchedBackend(prelude: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'landscape-patched-backend-'));
  const target = join(folder, 'landscape_lens');
  mkdirSync(target);
  for (const name of readdirSync(join(packageDir, 'landscape_lens'))) {
    if (name.endsWith('.py') && name !== '__main__.py') cpSync(join(packageDir, 'landscape_lens', name), join(target, name));
  }
  const main = readFileSync(join(packageDir, 'landscape_lens', '__main__.py'), 'utf8');
  writeFileSync(join(target, '__main__.py'), main.replace('\nimport os\n', `\nimport os\n${prelude}\n`));
  return folder;
}

function backendWith(prelude: string): BackendProcess {
  return new BackendProcess({ python: PYTHON, packageDir: patchedBackend(prelude), cwd: tmpdir() });
}

const tinyProject = {
  'model.py': 'import torch.nn as nn\n\n\ndef make_model():\n    return nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))\n',
  'data.py': 'import torch\n\n\ndef make_data():\n    inputs = torch.randn(60, 3, generator=torch.Generator().manual_seed(0))\n    return inputs, (inputs.sum(1) > 0).long()\n',
};

test('a 587 MB answer (the eigenvectors of a 5,003-parameter dense Hessian) arrives whole, quickly, and leaves no file behind', { skip: torchMissing, timeout: 240_000 }, async () => {
  const n = 5003;
  // The answer the dense path gives (nested lists of floats, from .tolist()), 25 million values of
  // eigenvector-like length (-0.0013698918209473408): about 587 MB as JSON, more than Node's longest string.
  const backend = backendWith(`
from landscape_lens import server as _server

def _hessian(self, params, progress, cancelled):
    import numpy as np
    n = ${n}
    vectors = (np.sin(np.arange(n * n, dtype=np.float64)) / 700).reshape(n, n).tolist()
    return {"hessian": {"dimension": n, "method": "exact", "products": n, "seconds": 0.0, "eigenvalues": list(map(float, range(n))), "eigenvectors": vectors}}

_server.Session.hessian = _hessian
`);
  try {
    const started = performance.now();
    const answer = await backend.request<{ hessian: { eigenvalues: number[]; eigenvectors: number[][] } }>('hessian', {});
    const seconds = (performance.now() - started) / 1000;
    const { eigenvectors, eigenvalues } = answer.hessian;
    assert.equal(eigenvalues.length, n);
    assert.equal(eigenvectors.length, n);
    for (const i of [0, 1, 2500, n - 1]) {
      assert.equal(eigenvectors[i].length, n);
      for (const j of [0, 7, 4096, n - 1]) assert.ok(Math.abs(eigenvectors[i][j] - Math.sin(i * n + j) / 700) <= 1e-17, `eigenvectors[${i}][${j}]`);
    }
    console.log(`# ${n}×${n} eigenvectors (about 587 MB as JSON) answered in ${seconds.toFixed(1)} s`);
    assert.deepEqual(readdirSync(backend.arrayFolder), [], 'each array file is deleted once read');
    await backend.shutdown();
    assert.equal(existsSync(backend.arrayFolder), false, 'the folder goes with the backend');
  } finally {
    backend.kill();
    await backend.exited;
  }
});

test('a garbage message from the backend fails the request at once with a clear reason', { skip: torchMissing, timeout: 60_000 }, async () => {
  const backend = backendWith(`
from landscape_lens import rpc as _rpc, server as _server

_connections = []
_init = _rpc.Connection.__init__

def _remember(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    _connections.append(self)

def _landscape(self, params, progress, cancelled):
    import time
    with _connections[0]._write_lock:
        _connections[0]._writer.write(b"Content-Length: 12\\r\\n\\r\\n{not json!!}")
    time.sleep(60)  # never answers: only the channel's failure ends the request

_rpc.Connection.__init__ = _remember
_server.Session.landscape = _landscape
`);
  const started = performance.now();
  const failure = await backend.request('landscape', {}).then(
    () => undefined,
    (error: unknown) => error,
  );
  assert.ok(failure instanceof TransportError, String(failure));
  assert.ok(performance.now() - started < 20_000);
  const { reason } = describeFailure('landscape', failure);
  assert.match(reason, /^the channel to the PyTorch backend broke during the loss landscape: cannot read the PyTorch backend's messages: .*JSON/);
  const exit = await backend.exited;
  assert.ok(exit instanceof BackendExited);
  assert.equal(exit.signal, 'SIGKILL', 'the backend is ended');
});

// One process evaluates the grid: no forked children outlive the backend killed below.
process.env.LANDSCAPE_LENS_WORKERS = '1';

test('a backend killed mid-landscape fails the run within seconds, naming the signal and keeping the finished points', { skip: torchMissing, timeout: 120_000 }, async () => {
  const folder = folderWith(tinyProject);
  const before = new Set(childPids());
  let killed: number | undefined;
  let pointsAtKill = 0;
  const run = startRun(
    torchRunner(),
    {
      name: 'killed',
      model: { pytorch: 'model.py:make_model' },
      data: { kind: 'pytorch', factory: 'data.py:make_data' },
      runtime: { device: 'cpu', threads: 1 },
      analyses: { landscape: { resolution: 41 } },
    } as never,
    folder,
    (_report, soFar) => {
      const points = soFar.landscape?.loss.filter((v) => v !== null).length ?? 0;
      if (killed === undefined && points > 0) {
        killed = childPids().find((pid) => !before.has(pid));
        pointsAtKill = points;
        if (killed) process.kill(killed, 'SIGKILL');
      }
    },
  );
  const outcome = await run.outcome;
  assert.ok(killed, 'the backend was found and killed');
  assert.equal(outcome.status, 'failed');
  assert.match(outcome.reason ?? '', /the PyTorch backend was killed \(SIGKILL\) during the loss landscape/);
  assert.ok((outcome.results.landscape?.loss.filter((v) => v !== null).length ?? 0) >= pointsAtKill, 'the finished points are kept');
});

/** The process ids of this process's Python children (the backends). */
function childPids(): number[] {
  if (!existsSync('/proc')) return [];
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, command]) => Number(pid) > 0 && command?.startsWith('python'))
    .map(([pid]) => Number(pid));
}

test('a backend that ends on its own after a cancel is reported as such, not as too slow to stop', { skip: torchMissing, timeout: 120_000 }, async () => {
  const folder = folderWith(tinyProject);
  const before = new Set(childPids());
  let signalled = false;
  const run = startRun(
    torchRunner(5000),
    {
      name: 'terminated',
      model: { pytorch: 'model.py:make_model' },
      data: { kind: 'pytorch', factory: 'data.py:make_data' },
      runtime: { device: 'cpu', threads: 1 },
      analyses: { landscape: { resolution: 81 } },
    } as never,
    folder,
    (_report, soFar) => {
      if (signalled || !soFar.landscape?.loss.some((v) => v !== null)) return;
      const backend = childPids().find((pid) => !before.has(pid));
      if (!backend) return;
      signalled = true;
      run.handle.cancel();
      process.kill(backend, 'SIGTERM'); // ends it before it can answer the cancel
    },
  );
  const outcome = await run.outcome;
  assert.ok(signalled);
  assert.equal(outcome.status, 'cancelled');
  assert.match(outcome.reason ?? '', /before answering the cancel, the backend was killed \(SIGTERM\)/);
  assert.doesNotMatch(outcome.reason ?? '', /did not stop within/);
});
