import { existsSync, readFileSync } from 'node:fs';
import { classificationSet, DataError, type Dataset } from './dataset';

/** What to predict from a CSV file: a class column (`label`) or one or more numeric columns (`target`). */
export interface CsvColumns {
  label?: string;
  target?: string | string[];
}

/** Splits one CSV line at commas outside double quotes ("" inside quotes is a quote). */
function splitLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell.trim());
      cell = '';
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

/**
 * A CSV file with a header row: every column that is not the label or a target is a numeric
 * feature. Class labels are mapped to 0…k−1 in sorted order (numerically when all are numbers).
 */
export function loadCsvDataset(path: string, columns: CsvColumns): Dataset {
  if (!existsSync(path)) throw new DataError(`data.path: the file ${path} does not exist; give a path relative to the config file's folder`);
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length < 2) throw new DataError(`data.path: ${path} needs a header row and at least one data row`);
  const header = splitLine(lines[0]);
  const targets = columns.target === undefined ? [] : Array.isArray(columns.target) ? columns.target : [columns.target];
  if ((columns.label === undefined) === (targets.length === 0)) throw new DataError('data: a CSV set needs exactly one of "label" (a class column) or "target" (one or more numeric columns)');
  const column = (name: string, field: string) => {
    const index = header.indexOf(name);
    if (index < 0) throw new DataError(`${field}: no column "${name}" in ${path}; its columns are ${header.join(', ')}`);
    return index;
  };
  const labelIndex = columns.label === undefined ? -1 : column(columns.label, 'data.label');
  const targetIndices = targets.map((name) => column(name, 'data.target'));
  const featureIndices = header.map((_, i) => i).filter((i) => i !== labelIndex && !targetIndices.includes(i));
  const rows = lines.length - 1;
  const inputs = new Float64Array(rows * featureIndices.length);
  const values = new Float64Array(rows * targetIndices.length);
  const rawLabels: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells = splitLine(lines[r + 1]);
    if (cells.length !== header.length) throw new DataError(`data.path: line ${r + 2} of ${path} has ${cells.length} cells; the header has ${header.length}`);
    const number = (i: number) => {
      const value = Number(cells[i]);
      if (cells[i] === '' || !Number.isFinite(value)) throw new DataError(`data.path: line ${r + 2} of ${path}, column "${header[i]}": "${cells[i]}" is not a number`);
      return value;
    };
    featureIndices.forEach((i, j) => (inputs[r * featureIndices.length + j] = number(i)));
    targetIndices.forEach((i, j) => (values[r * targetIndices.length + j] = number(i)));
    if (labelIndex >= 0) rawLabels.push(cells[labelIndex]);
  }
  const name = path.split(/[\\/]/).pop() ?? path;
  if (labelIndex < 0) return { name, inputs, targets: values, rows, features: featureIndices.length, outputs: targetIndices.length };
  const distinct = [...new Set(rawLabels)];
  const numeric = distinct.every((label) => Number.isFinite(Number(label)));
  distinct.sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  if (distinct.length > 65535) throw new DataError(`data.label: column "${columns.label}" has ${distinct.length} distinct values; is it a class column?`);
  const classOf = new Map(distinct.map((label, index) => [label, index]));
  const labels = Uint16Array.from(rawLabels, (label) => classOf.get(label)!);
  return classificationSet(name, inputs, featureIndices.length, labels, Math.max(2, distinct.length), distinct);
}
