/** Validation reads a CSV's header, labels and rows (bounded) and says what is wrong with the file or the model. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfigValue } from '../../src/config/validate';
import type { ConfigIssue } from '../../src/config/types';
import { loadData } from '../../src/core/data/load';

const dir = mkdtempSync(join(tmpdir(), 'landscape-csv-checks-'));
writeFileSync(join(dir, 'three-classes.csv'), 'x1,label,x2\n1,a,2\n3,b,4\n5,c,6\n7,a,8\n9,b,1\n');
writeFileSync(join(dir, 'regression.csv'), 'x1,x2,x3,y1,y2\n1,2,3,4,5\n2,3,4,5,6\n3,4,5,6,7\n4,5,6,7,8\n5,6,7,8,9\n');
writeFileSync(join(dir, 'empty.csv'), '');
writeFileSync(join(dir, 'one-row.csv'), 'x1,x2,label\n1,2,0\n');
writeFileSync(join(dir, 'passwd'), 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n');
writeFileSync(join(dir, 'no-header.csv'), '1,2,0\n3,4,1\n');
writeFileSync(join(dir, 'words.csv'), 'x1,x2,label\n1,two,0\n3,4,1\n');

function check(data: Record<string, unknown>, layers: number[]): { valid: boolean; issues: ConfigIssue[] } {
  const { config, issues } = validateConfigValue({ name: 't', model: { layers }, data: { kind: 'csv', ...data }, training: { epochs: 1 } }, dir);
  return { valid: config !== undefined, issues: issues.filter((issue) => issue.severity === 'error') };
}

function assertIssue(result: { valid: boolean; issues: ConfigIssue[] }, path: string, words: RegExp) {
  assert.equal(result.valid, false, 'refused');
  assert.ok(result.issues.some((issue) => issue.path === path && words.test(issue.message)), JSON.stringify(result.issues));
}

test('a label column that does not exist is caught by validate, naming the columns', () => {
  assertIssue(check({ path: 'three-classes.csv', label: 'class' }, [2, 3]), '/data/label', /no column "class" .*its columns are x1, label, x2/);
  assertIssue(check({ path: 'regression.csv', target: ['y1', 'y3'] }, [3, 2]), '/data/target', /no column "y3"/);
});

test('the class count must match the last width', () => {
  assertIssue(check({ path: 'three-classes.csv', label: 'label' }, [2, 8, 2]), '/model/layers/2', /the data has 3 classes, so the last width must be 3 \(it is 2\)/);
  assert.equal(check({ path: 'three-classes.csv', label: 'label' }, [2, 8, 3]).valid, true);
});

test('features are the columns that are not the label or a target, wherever those stand', () => {
  // The label is the middle column: 2 features.
  assert.equal(check({ path: 'three-classes.csv', label: 'label' }, [2, 3]).valid, true);
  assertIssue(check({ path: 'three-classes.csv', label: 'label' }, [3, 3]), '/model/layers/0', /2 features/);
  // Two targets out of five columns: 3 features, 2 outputs.
  assert.equal(check({ path: 'regression.csv', target: ['y1', 'y2'] }, [3, 4, 2]).valid, true);
  assertIssue(check({ path: 'regression.csv', target: ['y1', 'y2'] }, [4, 4, 2]), '/model/layers/0', /3 features/);
});

test('an empty CSV says it is empty, not that the first width must be 0', () => {
  const result = check({ path: 'empty.csv', label: 'label' }, [2, 2]);
  assertIssue(result, '/data/path', /empty\.csv is empty \(0 bytes\)/);
  assert.ok(!result.issues.some((issue) => /width must be 0/.test(issue.message)));
});

test('a file that is not a CSV (an /etc/passwd) says so, not that the first width must be 0', () => {
  const result = check({ path: 'passwd', label: 'label' }, [2, 2]);
  assertIssue(result, '/data/path', /does not look like a CSV.*"root:x:0:0:root:\/root:\/bin\/bash" has no comma, semicolon or tab/);
  assert.ok(!result.issues.some((issue) => /width must be 0/.test(issue.message)));
  assertIssue(check({ path: 'no-header.csv', label: 'label' }, [2, 2]), '/data/path', /numbers, not column names/);
  assertIssue(check({ path: 'words.csv', label: 'label' }, [2, 2]), '/data/path', /line 2 .*column "x2": "two" is not a number/);
});

test('a one-row CSV says it has one row, at validation and at load time', () => {
  assertIssue(check({ path: 'one-row.csv', label: 'label' }, [2, 2]), '/data/path', /only one data row.*set data\.testFraction to 0/);
  assert.equal(check({ path: 'one-row.csv', label: 'label', testFraction: 0 }, [2, 2]).valid, true);
  assert.throws(() => loadData({ kind: 'csv', path: 'one-row.csv', label: 'label' }, dir, 0), /has only one row: a test split needs at least 2/);
});
