import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeJsonFile } from '../../src/store/json-file-writer';

test('the file holds exactly what JSON.stringify gives, also for long arrays and non-finite numbers', () => {
  const folder = mkdtempSync(join(tmpdir(), 'landscape-json-'));
  try {
    const value = {
      name: 'a "quoted" name',
      skipped: undefined,
      numbers: Array.from({ length: 30_000 }, (_, i) => (i % 7 === 0 ? NaN : i / 3)),
      points: Array.from({ length: 20_000 }, (_, i) => [i, -i, i % 5 === 0 ? Infinity : 0.5]),
      mixed: [1, undefined, null, 'text', { nested: [[1, 2], { deep: true }] }, Array.from({ length: 100 }, () => 1)],
      empty: [],
      createdAt: new Date('2026-12-01T00:00:00Z'),
    };
    const path = join(folder, 'out.json');
    writeJsonFile(path, value);
    assert.equal(readFileSync(path, 'utf8'), JSON.stringify(value));
    assert.throws(() => writeJsonFile(path, value), /EEXIST/, 'never replaces a file');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
