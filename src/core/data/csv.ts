import { parse } from 'csv-parse/sync';
import { classificationSet, DataError, type Dataset } from './dataset';
import { readFileHead, readWholeFile } from './data-file';

/** What to predict from a CSV file: a class column (`label`) or one or more numeric columns (`target`). */
export interface CsvColumns {
  label?: string;
  target?: string | string[];
}

/** Largest CSV the loader reads (its text must fit one JavaScript string). */
export const MAX_CSV_BYTES = 500 * 1024 * 1024;

/** How much of a CSV validation reads: the header, the first rows and their labels. */
export const CSV_PREVIEW_BYTES = 1024 * 1024;

const DELIMITERS = [',', ';', '\t'] as const;

/** The column delimiter of a CSV: the one of `,` `;` tab that occurs most often outside quotes in its first line (`,` when none does). */
export function detectDelimiter(firstLine: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((delimiter) => [delimiter, 0]));
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best: string = ',';
  for (const delimiter of DELIMITERS) if (counts.get(delimiter)! > counts.get(best)!) best = delimiter;
  return best;
}

/** A CSV's records parsed by csv-parse: a byte-order mark dropped, quotes and CRLF handled, blank lines skipped, cells trimmed. */
export interface CsvTable {
  header: string[];
  rows: string[][];
  delimiter: string;
}

/** Parses CSV text (header first); errors name the file, the line and the fix. */
export function parseCsvText(text: string, path: string): CsvTable {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new DataError(`data.path: ${path} is empty: a CSV needs a header row of column names and at least one data row`);
  const firstLine = body.slice(0, body.search(/\r?\n|$/));
  const delimiter = detectDelimiter(firstLine);
  if (!firstLine.includes(delimiter)) {
    throw new DataError(`data.path: ${path} does not look like a CSV of features: its first line "${oneLine(firstLine)}" has no comma, semicolon or tab between columns; a CSV needs a header row and one column per feature plus the label or target`);
  }
  let records: string[][];
  try {
    records = parse(body, { delimiter, trim: true, skip_empty_lines: true, relax_quotes: false }) as string[][];
  } catch (caught) {
    const error = caught as Error & { code?: string; lines?: number; record?: string[] };
    if (error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') {
      throw new DataError(`data.path: line ${error.lines} of ${path} has ${error.record?.length ?? '?'} cells, unlike the header: every row needs one cell per column`);
    }
    throw new DataError(`data.path: ${path} is not a readable CSV (${oneLine(error.message)}); save it as CSV with a header row`);
  }
  const [header, ...rows] = records;
  return { header, rows, delimiter };
}

/** Where the label, targets and features are in a CSV's columns. */
export interface CsvLayout {
  labelIndex: number;
  targetIndices: number[];
  featureIndices: number[];
}

/**
 * The columns' roles: the label or targets named in the config, every other column a feature.
 * Refuses a header that is not one (a single column, or numbers) and names a missing column.
 */
export function csvLayout(table: CsvTable, columns: CsvColumns, path: string): CsvLayout {
  const { header } = table;
  const targets = columns.target === undefined ? [] : Array.isArray(columns.target) ? columns.target : [columns.target];
  if ((columns.label === undefined) === (targets.length === 0)) throw new DataError('data: a CSV set needs exactly one of "label" (a class column) or "target" (one or more numeric columns)');
  if (header.length < 2) {
    throw new DataError(`data.path: ${path} does not look like a CSV of features: its first line "${oneLine(header[0] ?? '')}" has no comma, semicolon or tab between columns; a CSV needs a header row and one column per feature plus the label or target`);
  }
  if (header.every((name) => name !== '' && Number.isFinite(Number(name)))) {
    throw new DataError(`data.path: the first line of ${path} is numbers, not column names: add a header row naming the columns (e.g. x1,x2,label)`);
  }
  const column = (name: string, field: string) => {
    const index = header.indexOf(name);
    if (index < 0) throw new DataError(`${field}: no column "${name}" in ${path}; its columns are ${oneLine(header.join(', '))}`);
    return index;
  };
  const labelIndex = columns.label === undefined ? -1 : column(columns.label, 'data.label');
  const targetIndices = targets.map((name) => column(name, 'data.target'));
  const featureIndices = header.map((_, i) => i).filter((i) => i !== labelIndex && !targetIndices.includes(i));
  if (featureIndices.length === 0) throw new DataError(`data.path: ${path} has no feature columns besides the label or targets; add the inputs as columns`);
  return { labelIndex, targetIndices, featureIndices };
}

/** The number in a CSV cell, or a DataError naming the line and column. */
function cellNumber(table: CsvTable, row: number, column: number, path: string): number {
  const cell = table.rows[row][column];
  const value = Number(cell);
  if (cell === '' || !Number.isFinite(value)) throw new DataError(`data.path: line ${row + 2} of ${path}, column "${oneLine(table.header[column])}": "${oneLine(cell)}" is not a number; features and targets must be numeric`);
  return value;
}

/** Class names in order: sorted numerically when all are numbers, else as strings. */
function sortedClasses(rawLabels: Iterable<string>): string[] {
  const distinct = [...new Set(rawLabels)];
  const numeric = distinct.every((label) => Number.isFinite(Number(label)));
  return distinct.sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
}

/** What validation learns from the start of a CSV without loading it. */
export interface CsvPreview {
  features: number;
  targets: number;
  /** Distinct labels in the rows read (all of them when `complete`). */
  classes?: number;
  /** Data rows read (all of them when `complete`). */
  rows: number;
  /** Whether the whole file was read. */
  complete: boolean;
}

/**
 * Reads at most `maxBytes` of a CSV (bounded: never the whole of a huge or endless file) and
 * checks its header, the label or target columns and the numbers in the rows read.
 */
export function previewCsv(path: string, columns: CsvColumns, maxBytes = CSV_PREVIEW_BYTES): CsvPreview {
  const head = readFileHead(path, 'data.path', maxBytes);
  if (head.size === 0) throw new DataError(`data.path: ${path} is empty (0 bytes): a CSV needs a header row of column names and at least one data row`);
  let text = head.bytes.toString('utf8');
  // A partial read ends mid-row: keep the complete lines.
  if (!head.complete) text = text.slice(0, Math.max(0, text.lastIndexOf('\n')));
  const table = parseCsvText(text, path);
  const layout = csvLayout(table, columns, path);
  for (let r = 0; r < table.rows.length; r++) {
    for (const i of layout.featureIndices) cellNumber(table, r, i, path);
    for (const i of layout.targetIndices) cellNumber(table, r, i, path);
  }
  const classes = layout.labelIndex < 0 ? undefined : sortedClasses(table.rows.map((row) => row[layout.labelIndex])).length;
  return { features: layout.featureIndices.length, targets: layout.targetIndices.length, classes, rows: table.rows.length, complete: head.complete };
}

/**
 * A CSV file with a header row (`,` `;` or tab delimited, quoted or not, with or without a
 * byte-order mark, LF or CRLF): every column that is not the label or a target is a numeric
 * feature. Class labels are mapped to 0…k−1 in sorted order (numerically when all are numbers).
 */
export function loadCsvDataset(path: string, columns: CsvColumns): Dataset {
  const bytes = readWholeFile(path, 'data.path', MAX_CSV_BYTES);
  if (bytes.length === 0) throw new DataError(`data.path: ${path} is empty (0 bytes): a CSV needs a header row of column names and at least one data row`);
  const table = parseCsvText(bytes.toString('utf8'), path);
  const { labelIndex, targetIndices, featureIndices } = csvLayout(table, columns, path);
  const rows = table.rows.length;
  if (rows === 0) throw new DataError(`data.path: ${path} has a header row but no data rows; add rows`);
  const inputs = new Float64Array(rows * featureIndices.length);
  const values = new Float64Array(rows * targetIndices.length);
  const rawLabels: string[] = [];
  for (let r = 0; r < rows; r++) {
    featureIndices.forEach((i, j) => (inputs[r * featureIndices.length + j] = cellNumber(table, r, i, path)));
    targetIndices.forEach((i, j) => (values[r * targetIndices.length + j] = cellNumber(table, r, i, path)));
    if (labelIndex >= 0) rawLabels.push(table.rows[r][labelIndex]);
  }
  const name = path.split(/[\\/]/).pop() ?? path;
  if (labelIndex < 0) return { name, inputs, targets: values, rows, features: featureIndices.length, outputs: targetIndices.length };
  const distinct = sortedClasses(rawLabels);
  if (distinct.length > 65535) throw new DataError(`data.label: column "${columns.label}" has ${distinct.length} distinct values; is it a class column?`);
  const classOf = new Map(distinct.map((label, index) => [label, index]));
  const labels = Uint16Array.from(rawLabels, (label) => classOf.get(label)!);
  return classificationSet(name, inputs, featureIndices.length, labels, Math.max(2, distinct.length), distinct);
}

/** Text for a one-line message: the first line, at most 80 characters, … when cut. */
export function oneLine(text: string, limit = 80): string {
  const first = text.split(/\r?\n/, 1)[0];
  const cut = first.length > limit ? `${first.slice(0, limit)}…` : first;
  return cut + (cut === first && first !== text ? '…' : '');
}
