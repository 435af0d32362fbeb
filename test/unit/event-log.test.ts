import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_LOG, RUN_FORMAT, RunLog, processAlive, readEventLog, summarizeEventLog } from '../../src/store/event-log';
import { listRuns, makeStagingFolder, readRunRecord, readRunResults, writeResults } from '../../src/store/results-store';
import type { ExperimentResults } from '../../src/shared/results';

function training(epochs: number): ExperimentResults {
  return {
    format: 1, name: 'net', seed: 0, createdAt: '2026-12-01T00:00:00.000Z', timings: {}, warnings: [],
    training: {
      model: { layers: [2, 1], activations: ['linear'], loss: 'mse', bias: true, parameters: 3 },
      data: { name: 'sum', trainRows: 10, testRows: 0, features: 2 },
      optimizer: 'sgd', batchSize: 2, status: 'completed',
      history: Array.from({ length: epochs }, (_, index) => ({ epoch: index + 1, loss: 1 / (index + 1), gradientNorm: 1, learningRate: 0.1, seconds: 0.01 })),
      events: epochs >= 2 ? [{ epoch: 2, kind: 'detected', message: 'saddle at epoch 2' }] : [],
    },
  };
}

/** The pid of a process that has ended (a Node child run to completion). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

test('readEventLog ignores a last line cut short (no newline, or not JSON) and resumes from its offset', () => {
  const folder = mkdtempSync(join(tmpdir(), 'landscape-log-'));
  try {
    const path = join(folder, EVENT_LOG);
    writeFileSync(path, '{"kind":"start","time":"t","name":"a","pid":1}\nnot json at all\n{"kind":"epoch","epoch":1,"loss":0.5}\n{"kind":"epoch","epo');
    const first = readEventLog(path);
    assert.deepEqual(first.records.map((record) => record.kind), ['start', 'epoch'], 'the garbled whole line and the cut last line are left out');
    const whole = readFileSync(path, 'utf8');
    assert.equal(first.nextOffset, whole.lastIndexOf('\n') + 1, 'the next read starts at the cut line');
    // The writer finishes the line: read from the offset, only the new record comes.
    appendFileSync(path, 'ch":2,"loss":0.25}\n{"kind":"end","time":"t","status":"completed"}\n');
    const second = readEventLog(path, first.nextOffset);
    assert.deepEqual(second.records.map((record) => [record.kind, 'epoch' in record ? record.epoch : undefined]), [['epoch', 2], ['end', undefined]]);
    assert.equal(second.nextOffset, Buffer.byteLength(readFileSync(path, 'utf8')));
    assert.deepEqual(readEventLog(path, second.nextOffset), { records: [], nextOffset: second.nextOffset }, 'nothing new: nothing read');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('RunLog writes a running run.json (format 2, pid, heartbeat) and appends each new epoch, event, analysis and trajectory once, progress throttled', () => {
  const folder = mkdtempSync(join(tmpdir(), 'landscape-log-'));
  try {
    const log = new RunLog(folder, { name: 'net', startedAt: '2026-12-01T00:00:00.000Z', configPath: '/x/net.landscape.json' });
    const running = readRunRecord(folder);
    assert.equal(running?.status, 'running', 'this process is alive: running');
    assert.equal(running?.format, RUN_FORMAT);
    assert.equal(running?.pid, process.pid);
    assert.ok(running?.heartbeatAt);
    log.observe({ fraction: 0.1, message: 'epoch 1' }, training(1));
    log.observe({ fraction: 0.2, message: 'epoch 2' }, training(2));
    log.observe({ fraction: 0.3, message: 'epoch 3' }, training(3));
    const withHessian = training(3);
    withHessian.hessian = { dimension: 3, method: 'exact', products: 0, seconds: 0, history: [{ epoch: 3, reason: 'every', lambdaMax: 2, lambdaMin: -1, negativeCount: 1, kind: 'saddle' } as never] };
    withHessian.trajectories = [{ label: 'sgd', optimizer: 'sgd', parameters: {}, points: [[0, 0], [1, 2]], values: [3, 4], gradientNorms: [1, 1], learningRates: [0.1, 0.1], status: 'max-steps', steps: 1 }];
    log.observe({ fraction: 0.4, message: 'Hessian' }, withHessian);
    log.observe({ fraction: 0.5, message: 'Hessian' }, withHessian);
    log.end('completed');
    const { records } = readEventLog(join(folder, EVENT_LOG));
    const summary = summarizeEventLog(records);
    assert.deepEqual(summary.counts, { start: 1, progress: 1, epoch: 3, event: 1, hessian: 1, trajectory: 1, end: 1 }, JSON.stringify(records));
    assert.deepEqual(records.filter((record) => record.kind === 'epoch').map((record) => (record as { epoch: number }).epoch), [1, 2, 3]);
    assert.equal(summary.lastEpoch?.loss, 1 / 3);
    assert.equal(summary.events[0].event, 'detected');
    assert.equal(summary.hessians[0].critical, 'saddle');
    assert.deepEqual(summary.trajectories[0].point, [1, 2]);
    assert.equal(summary.end?.status, 'completed');
    const size = readFileSync(join(folder, EVENT_LOG)).length;
    log.observe({ fraction: 1, message: 'after' }, training(5));
    assert.equal(readFileSync(join(folder, EVENT_LOG)).length, size, 'nothing is appended after the end');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a running run.json whose writer is gone reads as stopped, in readRunRecord and in the run list', () => {
  const runs = mkdtempSync(join(tmpdir(), 'landscape-log-runs-'));
  try {
    const staging = makeStagingFolder(join(runs, '20261201-000000-net'));
    const pid = deadPid();
    writeFileSync(join(staging, 'run.json'), JSON.stringify({ name: 'net', status: 'running', startedAt: '2026-12-01T00:00:00.000Z', format: 2, pid, heartbeatAt: '2026-12-01T00:00:05.000Z' }));
    assert.equal(readRunRecord(staging)?.status, 'stopped');
    assert.match(readRunRecord(staging)?.reason ?? '', /writing process is gone/);
    const listed = listRuns(runs);
    assert.deepEqual(listed.map((run) => run.status), ['stopped']);
    assert.match(JSON.parse(readFileSync(join(staging, 'run.json'), 'utf8')).status, /running/, 'reading changes nothing in the folder');
    // Opened from the run list, it says what it is and which command shows its log.
    assert.throws(() => readRunResults(staging), /stopped before its results were saved \(the writing process is gone\): `landscape-lens show .*` prints what its events\.jsonl holds/);
    writeFileSync(join(staging, 'run.json'), JSON.stringify({ name: 'net', status: 'running', startedAt: '2026-12-01T00:00:00.000Z', format: 2, pid: process.pid, heartbeatAt: '2026-12-01T00:00:05.000Z' }));
    assert.throws(() => readRunResults(staging), new RegExp(`is still being written \\(landscape-lens run, pid ${process.pid}\\): .*landscape-lens tail`));
  } finally {
    rmSync(runs, { recursive: true, force: true });
  }
});

test('a killed writer that its parent has not reaped (a zombie) is gone, not running', { skip: process.platform !== 'linux' && 'zombies are read from /proc' }, async () => {
  // sh starts sleep 0.1 in the background, prints its pid and becomes sleep 5, which never reaps it.
  const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const pid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()))));
    assert.ok(Number.isInteger(pid) && pid > 0);
    assert.equal(processAlive(pid), true, 'alive while it sleeps');
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.match(readFileSync(`/proc/${pid}/stat`, 'utf8'), /\) Z /, 'the child is a zombie now');
    assert.equal(processAlive(pid), false, 'a zombie is gone');
    assert.equal(processAlive(process.pid), true);
  } finally {
    parent.kill('SIGKILL');
  }
});

test('a format-1 folder (no format, no events.jsonl) still opens and is listed', () => {
  const runs = mkdtempSync(join(tmpdir(), 'landscape-log-runs-'));
  try {
    const folder = join(runs, '20261201-000000-old');
    writeResults(folder, training(2), '{}', { name: 'old', status: 'completed', startedAt: '2026-12-01T00:00:00.000Z', finishedAt: '2026-12-01T00:00:01.000Z' });
    assert.equal(existsSync(join(folder, EVENT_LOG)), false);
    assert.equal(readRunRecord(folder)?.format, undefined);
    assert.deepEqual(listRuns(runs).map((run) => [run.name, run.status]), [['old', 'completed']]);
    assert.equal(readRunResults(folder).training?.history.length, 2);
  } finally {
    rmSync(runs, { recursive: true, force: true });
  }
});
