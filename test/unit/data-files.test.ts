/** Data paths: bounded reads, folders and special files refused with the field and the path, files outside the config's folder named in the run's warnings. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, ftruncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileHead, readWholeFile, regularFileSize, isInside } from '../../src/core/data/data-file';
import { DataError } from '../../src/core/data/dataset';
import { loadCsvDataset } from '../../src/core/data/csv';
import { readIdx } from '../../src/core/data/idx';
import { readWeightsFile } from '../../src/core/nn/weights';
import { validateConfigValue } from '../../src/config/validate';
import { runExperiment } from '../../src/core/experiment';

const folder = () => mkdtempSync(join(tmpdir(), 'landscape-data-files-'));

function csvConfig(path: string, extra: Record<string, unknown> = {}) {
  return { name: 'csv', model: { layers: [2, 4, 2] }, data: { kind: 'csv', path, label: 'label', ...extra }, training: { epochs: 1 } };
}

test('a folder, a character device and a missing file are refused naming the field and the path', () => {
  const dir = folder();
  mkdirSync(join(dir, 'data.csv'));
  assert.throws(() => regularFileSize(join(dir, 'data.csv'), 'data.path'), (error: Error) => error instanceof DataError && /^data\.path: .*data\.csv is a folder/.test(error.message));
  assert.throws(() => regularFileSize('/dev/zero', 'data.images'), /: data\.images: \/dev\/zero is a character device/);
  assert.throws(() => regularFileSize(join(dir, 'nothing.csv'), 'data.path'), /: data\.path: the file .*nothing\.csv does not exist/);
  // The loaders refuse them before reading: /dev/zero never ends.
  assert.throws(() => loadCsvDataset('/dev/zero', { label: 'label' }), /character device/);
  assert.throws(() => readIdx('/dev/zero', 'data.images'), /character device/);
  assert.throws(() => readWeightsFile('/dev/zero'), /: model\.weights: \/dev\/zero is a character device/);
  assert.throws(() => loadCsvDataset(join(dir, 'data.csv'), { label: 'label' }), /is a folder/);
});

test('a named pipe is refused without blocking on it', { skip: process.platform === 'win32' }, () => {
  const dir = folder();
  const fifo = join(dir, 'pipe.csv');
  if (spawnSync('mkfifo', [fifo]).status !== 0) return;
  assert.throws(() => regularFileSize(fifo, 'data.path'), /named pipe/);
  const { issues } = validateConfigValue(csvConfig('pipe.csv'), dir);
  assert.ok(issues.some((issue) => issue.path === '/data/path' && /named pipe/.test(issue.message)), JSON.stringify(issues));
});

test('a bounded read takes the first bytes of a large file and says it is not the whole file', () => {
  const dir = folder();
  const path = join(dir, 'big.bin');
  const descriptor = openSync(path, 'w');
  ftruncateSync(descriptor, 64 * 1024 * 1024);
  closeSync(descriptor);
  const head = readFileHead(path, 'data.path', 4096);
  assert.equal(head.bytes.length, 4096);
  assert.equal(head.complete, false);
  assert.equal(head.size, 64 * 1024 * 1024);
  assert.throws(() => readWholeFile(path, 'data.path', 1024 * 1024), /: data\.path: .*big\.bin is 64\.0 MB, more than the 1\.0 MB/);
});

test('validate refuses /dev/zero and a folder as data paths quickly, with the field and no exception', () => {
  const dir = folder();
  mkdirSync(join(dir, 'folder.csv'));
  const started = performance.now();
  for (const [config, path, words] of [
    [csvConfig('/dev/zero'), '/data/path', /\/dev\/zero is a character device/],
    [csvConfig('folder.csv'), '/data/path', /folder\.csv is a folder/],
    [{ name: 'idx', model: { layers: [784, 10] }, data: { kind: 'idx', images: '/dev/zero', labels: 'folder.csv' } }, '/data/images', /character device/],
    [{ name: 'weights', model: { layers: [2, 2], weights: '/dev/zero' }, data: { kind: 'synthetic', name: 'xor' } }, '/model/weights', /character device/],
  ] as const) {
    const { config: valid, issues } = validateConfigValue(config, dir);
    assert.equal(valid, undefined);
    assert.ok(issues.some((issue) => issue.path === path && words.test(issue.message)), JSON.stringify(issues));
  }
  assert.ok(performance.now() - started < 5000, 'no unbounded read');
});

test('isInside tells a path in the folder from one outside it', () => {
  assert.equal(isInside('/a/b', '/a/b/c.csv'), true);
  assert.equal(isInside('/a/b', '/a/b'), true);
  assert.equal(isInside('/a/b', '/a/bc/d.csv'), false);
  assert.equal(isInside('/a/b', '/etc/passwd'), false);
});

test('a run reading data outside the config\'s folder says so in its warnings; one inside does not', async () => {
  const data = folder();
  const configDir = folder();
  const rows = ['a,b,label', ...Array.from({ length: 10 }, (_, i) => `${i},${i % 3},${i % 2}`)].join('\n');
  writeFileSync(join(data, 'outside.csv'), rows);
  writeFileSync(join(configDir, 'inside.csv'), rows);
  const outside = await runExperiment(csvConfig(join(data, 'outside.csv')) as never, { baseDir: configDir });
  assert.ok(outside.warnings.some((warning) => warning.startsWith('data.path reads ') && warning.includes(join(data, 'outside.csv')) && warning.includes('outside')), outside.warnings.join('\n'));
  const inside = await runExperiment(csvConfig('inside.csv') as never, { baseDir: configDir });
  assert.ok(!inside.warnings.some((warning) => warning.includes('outside')), inside.warnings.join('\n'));
  assert.ok(existsSync(join(configDir, 'inside.csv')));
});
