/**
 * The side view's compact account of the shown run: its headline numbers, each with a small
 * sparkline of how it got there, and a button that opens the panel at the run. No charts
 * squeezed from the panel.
 */
import type { ExperimentResults } from '../../src/shared/results';
import { formatNumber } from '../charts/format';
import { headline } from '../compare/model';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 90;
const HEIGHT = 22;

/** A polyline of the finite values, scaled into a small box (log scale when they span decades). */
export function sparkline(values: readonly (number | undefined)[], colour: string): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', String(WIDTH));
  svg.setAttribute('height', String(HEIGHT));
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('aria-hidden', 'true');
  const finite = values.map((value) => (value !== undefined && Number.isFinite(value) ? value : undefined));
  const present = finite.filter((value): value is number => value !== undefined);
  if (present.length < 2) return svg;
  const logarithmic = present.every((value) => value > 0) && Math.max(...present) / Math.min(...present) > 30;
  const scaled = finite.map((value) => (value === undefined ? undefined : logarithmic ? Math.log10(value) : value));
  const kept = scaled.filter((value): value is number => value !== undefined);
  const low = Math.min(...kept);
  const high = Math.max(...kept);
  const points = scaled
    .map((value, index) => (value === undefined ? undefined : `${((index / (scaled.length - 1)) * (WIDTH - 2) + 1).toFixed(1)},${(HEIGHT - 2 - ((value - low) / (high - low || 1)) * (HEIGHT - 4)).toFixed(1)}`))
    .filter((point): point is string => point !== undefined);
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', points.join(' '));
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', colour);
  line.setAttribute('stroke-width', '1.5');
  svg.append(line);
  return svg;
}

interface Row {
  name: string;
  value: string;
  trend?: (number | undefined)[];
}

/** The rows the side view lists for a run: its headline numbers and their histories. */
function rowsOf(results: ExperimentResults): Row[] {
  const numbers = headline(results);
  const history = results.training?.history ?? [];
  const trajectories = results.trajectories ?? [];
  const best = trajectories.reduce<(typeof trajectories)[number] | undefined>((chosen, trajectory) => ((trajectory.values.at(-1) ?? Infinity) < (chosen?.values.at(-1) ?? Infinity) ? trajectory : chosen), undefined);
  const rows: Row[] = [];
  if (numbers.finalLoss !== undefined) rows.push({ name: history.length > 0 ? 'final loss' : `lowest final f (${best?.label ?? ''})`, value: formatNumber(numbers.finalLoss), trend: history.length > 0 ? history.map((record) => record.loss) : best?.values });
  if (numbers.accuracy !== undefined) rows.push({ name: 'accuracy', value: `${(numbers.accuracy * 100).toFixed(1)}%`, trend: history.map((record) => record.testAccuracy ?? record.trainAccuracy) });
  if (history.length > 0) rows.push({ name: '‖gradient‖', value: formatNumber(history.at(-1)?.gradientNorm), trend: history.map((record) => record.gradientNorm) });
  if (numbers.lambdaMax !== undefined) rows.push({ name: 'λmax', value: formatNumber(numbers.lambdaMax), trend: results.hessian?.history?.map((entry) => entry.lambdaMax) });
  if (numbers.trace !== undefined) rows.push({ name: 'trace', value: formatNumber(numbers.trace) });
  if (numbers.seconds !== undefined) rows.push({ name: 'time', value: `${formatNumber(numbers.seconds, 3)} s` });
  return rows;
}

/** Fills `element` with the run's headline numbers, sparklines, and an "Open in panel" button. */
export function renderSideSummary(element: HTMLElement, results: ExperimentResults | undefined, colour: string, openPanel: (() => void) | undefined): void {
  element.replaceChildren();
  element.hidden = !results;
  if (!results) return;
  const list = document.createElement('dl');
  list.className = 'headlines';
  for (const row of rowsOf(results)) {
    const term = document.createElement('dt');
    term.textContent = row.name;
    const value = document.createElement('dd');
    const number = document.createElement('span');
    number.className = 'headline-value';
    number.textContent = row.value;
    value.append(number);
    if (row.trend && row.trend.length >= 2) value.append(sparkline(row.trend, colour));
    list.append(term, value);
  }
  element.append(list);
  if (openPanel) {
    const open = document.createElement('vscode-button');
    open.id = 'open-in-panel';
    open.textContent = 'Open in panel';
    open.title = 'Show this run with every chart in the results panel';
    open.addEventListener('click', openPanel);
    element.append(open);
  }
}
