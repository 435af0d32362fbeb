/** CSV files as users have them, read by csv-parse: one test per variant, each against the same plain file. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectDelimiter, loadCsvDataset, previewCsv } from '../../src/core/data/csv';

const dir = mkdtempSync(join(tmpdir(), 'landscape-csv-'));
function file(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const rows = [
  ['1.5', '-2', 'cat'],
  ['3', '4e-1', 'dog'],
  ['5', '6', 'cat'],
  ['0', '0.25', 'bird'],
];
const plain = loadCsvDataset(file('plain.csv', ['x1,x2,species', ...rows.map((row) => row.join(','))].join('\n') + '\n'), { label: 'species' });

function assertSameAsPlain(path: string, label = 'species') {
  const data = loadCsvDataset(path, { label });
  assert.equal(data.rows, 4);
  assert.equal(data.features, 2);
  assert.deepEqual(Array.from(data.inputs), [1.5, -2, 3, 0.4, 5, 6, 0, 0.25]);
  assert.deepEqual(data.classNames, ['bird', 'cat', 'dog']);
  assert.deepEqual(Array.from(data.labels!), Array.from(plain.labels!));
}

test('the plain file reads as expected', () => {
  assertSameAsPlain(join(dir, 'plain.csv'));
});

test('quoted fields and headers, with delimiters and doubled quotes inside quotes', () => {
  const text = ['"x1","x2","species"', '"1.5","-2","cat"', '3,"4e-1",dog', '5,6,"cat"', '"0", 0.25 ,"bird"'].join('\n');
  assertSameAsPlain(file('quoted.csv', text));
  const tricky = loadCsvDataset(file('tricky.csv', 'x1,x2,"the ""label"", quoted"\n1,2,"a, b"\n3,4,"c ""d"""\n'), { label: 'the "label", quoted' });
  assert.deepEqual(tricky.classNames, ['a, b', 'c "d"']);
});

test('a UTF-8 byte-order mark before the header', () => {
  const text = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(['x1,x2,species', ...rows.map((row) => row.join(','))].join('\n'))]);
  // The first column is named "x1", not "\uFEFFx1": it can be the label.
  assertSameAsPlain(file('bom.csv', text));
  const labelFirst = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(['species,x1,x2', ...rows.map(([x1, x2, species]) => [species, x1, x2].join(','))].join('\n'))]);
  assertSameAsPlain(file('bom-label-first.csv', labelFirst));
});

test('CRLF line ends (and a trailing blank line)', () => {
  assertSameAsPlain(file('crlf.csv', ['x1,x2,species', ...rows.map((row) => row.join(','))].join('\r\n') + '\r\n\r\n'));
});

test('semicolon delimiters (spreadsheets in locales with decimal commas)', () => {
  assert.equal(detectDelimiter('x1;x2;species'), ';');
  assertSameAsPlain(file('semicolon.csv', ['x1;x2;species', ...rows.map((row) => row.join(';'))].join('\n')));
});

test('tab delimiters', () => {
  assert.equal(detectDelimiter('x1\tx2\tspecies'), '\t');
  assertSameAsPlain(file('tab.csv', ['x1\tx2\tspecies', ...rows.map((row) => row.join('\t'))].join('\n')));
});

test('a delimiter inside quotes does not count when guessing the delimiter', () => {
  assert.equal(detectDelimiter('"a;b;c";"d;e";f,g'), ';');
  assert.equal(detectDelimiter('"a,b,c",d'), ',');
});

test('a row with a cell too many or too few names its line', () => {
  assert.throws(() => loadCsvDataset(file('ragged.csv', 'x1,x2,species\n1,2,cat\n3,4,5,dog\n'), { label: 'species' }), /line 3 of .*ragged\.csv has 4 cells/);
});

test('previewCsv reads only the start of a large file: a lower bound on the classes, rows not all counted', () => {
  const lines = ['x1,x2,label'];
  for (let i = 0, length = 0; length < 1024 * 1024; i++) length += lines[lines.push(`${i},${i % 7},${i % 5}`) - 1].length + 1;
  lines.push('1,2,99');
  const path = file('large.csv', lines.join('\n'));
  const preview = previewCsv(path, { label: 'label' }, 64 * 1024);
  assert.equal(preview.complete, false);
  assert.equal(preview.classes, 5);
  assert.ok(preview.rows < lines.length - 1);
  const whole = previewCsv(path, { label: 'label' }, 16 * 1024 * 1024);
  assert.equal(whole.complete, true);
  assert.equal(whole.classes, 6);
  assert.equal(whole.rows, lines.length - 1);
});
