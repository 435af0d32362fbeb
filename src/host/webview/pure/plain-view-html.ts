/**
 * The plain form of results and run history, as escaped HTML the host puts in the webview page:
 * every result kind readable as tables before (and without) the charts. The webview bundle may
 * hide #plain-results once it draws. No `vscode` here.
 */
import type { RunSummary } from '../../../shared/results';
import type { ExperimentResults } from '../../../shared/results';
import { formatNumber } from '../../../shared/format-number';

export { formatNumber } from '../../../shared/format-number';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

const point = (values: number[] | undefined) => `(${(values ?? []).map((value) => formatNumber(value)).join(', ')})`;

function table(caption: string, header: string[], rows: string[][]): string {
  const head = header.map((cell) => `<th>${escapeHtml(cell)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('');
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

const KNOWN_SECTIONS = new Set(['format', 'name', 'seed', 'createdAt', 'surface', 'trajectories', 'criticalPoints', 'timings', 'warnings']);

/** Every section of the results as tables; sections this view does not know are shown as a JSON excerpt. */
export function resultsHtml(results: ExperimentResults, run?: RunSummary): string {
  const parts: string[] = [`<h2>${escapeHtml(results.name)}</h2>`];
  if (run) parts.push(`<p class="status status-${escapeHtml(run.status)}">${escapeHtml(run.status)}${run.reason ? `: ${escapeHtml(run.reason)}` : ''}</p>`);
  if (results.surface) {
    const { surface } = results;
    const values = surface.grid.values.filter((value): value is number => value !== null && Number.isFinite(value));
    parts.push(table('Surface', ['name', 'formula', 'x range', 'y range', 'grid', 'min f', 'max f'], [[
      surface.name, surface.formula, point(surface.domain[0]), point(surface.domain[1]), `${surface.grid.xs.length} × ${surface.grid.ys.length}`,
      formatNumber(values.reduce((a, b) => Math.min(a, b), Infinity)), formatNumber(values.reduce((a, b) => Math.max(a, b), -Infinity)),
    ]]));
  }
  if (results.trajectories) {
    parts.push(table('Trajectories', ['optimizer', 'status', 'steps', 'start', 'end', 'f at end', '‖∇f‖ at end'], results.trajectories.map((trajectory) => [
      trajectory.label, trajectory.status, String(trajectory.steps), point(trajectory.points[0]), point(trajectory.points.at(-1)),
      formatNumber(trajectory.values.at(-1)), formatNumber(trajectory.gradientNorms.at(-1)),
    ])));
  }
  if (results.criticalPoints) {
    parts.push(table('Critical points', ['kind', 'index', 'point', 'f', 'Hessian eigenvalues'], results.criticalPoints.map((critical) => [
      critical.kind, String(critical.index), point(critical.point), formatNumber(critical.value), critical.eigenvalues.map((value) => formatNumber(value)).join(', '),
    ])));
  }
  for (const [key, value] of Object.entries(results)) {
    if (KNOWN_SECTIONS.has(key) || value === undefined) continue;
    const json = JSON.stringify(value, null, 1);
    parts.push(`<h3>${escapeHtml(key)}</h3><pre>${escapeHtml(json.length > 4000 ? `${json.slice(0, 4000)}\n…` : json)}</pre>`);
  }
  if (results.warnings.length > 0) parts.push(`<h3>Warnings</h3><ul>${results.warnings.map((warning) => `<li>${escapeHtml(warning)}</li>`).join('')}</ul>`);
  const timings = Object.entries(results.timings);
  if (timings.length > 0) parts.push(`<p class="timings">${timings.map(([phase, seconds]) => `${escapeHtml(phase)} ${formatNumber(seconds)} s`).join(' · ')}</p>`);
  return parts.join('\n');
}

/** A command URI for a link in the page (the webview allows only the host's own commands). */
export function commandLink(command: string, args: unknown[], text: string, title = text): string {
  const href = `command:${command}?${encodeURIComponent(JSON.stringify(args))}`;
  return `<a href="${escapeHtml(href)}" title="${escapeHtml(title)}">${escapeHtml(text)}</a>`;
}

/** The run history as a list of links that open each run. */
export function historyHtml(runs: RunSummary[], currentId?: string): string {
  if (runs.length === 0) return '<p>No runs yet.</p>';
  const items = runs.map((run) => {
    const current = run.id === currentId ? ' class="current"' : '';
    const reason = run.reason ? ` — ${escapeHtml(run.reason)}` : '';
    // A folder whose run.json is unreadable is named, not linked: it cannot be opened as a run.
    const name = run.unreadable === undefined ? commandLink('landscapeLens.openResults', [run.id], run.name, run.id) : escapeHtml(run.id);
    return `<li${current}>${name} <span class="status status-${escapeHtml(run.status)}">${escapeHtml(run.status)}</span>${reason}</li>`;
  });
  return `<ul class="history">${items.join('')}</ul>`;
}

/** The side view's quick race links: preset races on the saddles, and the full picker. */
export function raceControlsHtml(): string {
  const presets: [string, string[]][] = [
    ['saddle', ['sgd', 'adam', 'newton', 'saddle-free-newton']],
    ['dauphin-saddle', ['sgd', 'noisy-gd', 'perturbed-gd', 'saddle-free-newton']],
    ['rosenbrock', ['adam', 'rmsprop', 'adagrad']],
  ];
  const links = presets.map(([surface, optimizers]) => `<li>${commandLink('landscapeLens.optimizerRace', [{ surface, optimizers }], `Race on ${surface}`, optimizers.join(', '))}</li>`);
  links.push(`<li>${commandLink('landscapeLens.optimizerRace', [], 'Custom race…')}</li>`);
  return `<ul class="race">${links.join('')}</ul>`;
}
