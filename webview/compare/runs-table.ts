/** The comparison's first page: each run's headline numbers, and the config fields that differ between the runs. */
import type { ComparedRun } from '../../src/host/webview/pure/protocol';
import { formatNumber } from '../charts/format';
import { configDifferences, headline } from './model';

interface Compared {
  run: ComparedRun;
  label: string;
  colour: string;
}

function table(caption: string, header: string[], rows: (string | HTMLElement)[][], className: string): HTMLTableElement {
  const element = document.createElement('table');
  element.className = className;
  element.createCaption().textContent = caption;
  const head = element.createTHead().insertRow();
  for (const text of header) {
    const cell = document.createElement('th');
    cell.textContent = text;
    head.append(cell);
  }
  const body = element.createTBody();
  for (const row of rows) {
    const line = body.insertRow();
    for (const value of row) {
      const cell = line.insertCell();
      if (typeof value === 'string') cell.textContent = value;
      else cell.append(value);
    }
  }
  return element;
}

/** The run's name with a swatch of its colour (the colour of its lines on every chart). */
function runCell(entry: Compared): HTMLElement {
  const name = document.createElement('span');
  name.className = 'run-name';
  const swatch = document.createElement('span');
  swatch.className = 'swatch';
  swatch.style.backgroundColor = entry.colour;
  name.append(swatch, document.createTextNode(entry.label));
  return name;
}

export function runsTable(runs: Compared[]): HTMLElement {
  const section = document.createElement('div');
  section.className = 'compare-tables';
  const percent = (value: number | undefined) => (value === undefined ? '—' : `${(value * 100).toFixed(1)}%`);
  section.append(
    table(
      'Headline numbers',
      ['run', 'status', 'final loss', 'accuracy', 'λmax', 'trace', 'time'],
      runs.map((entry) => {
        const numbers = headline(entry.run.results);
        return [runCell(entry), entry.run.summary.status, formatNumber(numbers.finalLoss), percent(numbers.accuracy), formatNumber(numbers.lambdaMax), formatNumber(numbers.trace), numbers.seconds === undefined ? '—' : `${formatNumber(numbers.seconds, 3)} s`];
      }),
      'headlines',
    ),
  );
  const differences = configDifferences(runs.map((entry) => entry.run.config));
  if (differences.length === 0) {
    const same = document.createElement('p');
    same.className = 'no-differences';
    same.textContent = runs.some((entry) => entry.run.config === undefined) ? 'Some runs have no readable config.landscape.json: their settings cannot be compared.' : 'The runs ran the same config.';
    section.append(same);
  } else {
    section.append(table('Config differences (only the fields that differ)', ['field', ...runs.map((entry) => entry.label)], differences.map((row) => [row.field, ...row.values.map((value) => value ?? '—')]), 'differences'));
  }
  return section;
}
