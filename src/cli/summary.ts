/**
 * The summary the CLI prints once a run is saved: one line per trajectory and per analysis,
 * naming each number for what it is (the whole spectrum's λmin and λmax only when the whole
 * spectrum was computed; the top-k and bottom-k eigenvalues as such; the trace and the density
 * when asked), then the warnings and where the results are.
 *
 * The summary reads results as they come, from the engine or from Python through JSON, where a
 * NaN or an infinity arrives as null and a field may be missing: every number may be null,
 * undefined, NaN or ±∞, and arrays may be empty or hold a whole 401×401 grid (no spread of an
 * array into arguments, which overflows the stack). It never throws: the run is already saved
 * and its exit code already decided, so a section that cannot be summarized says so in one line
 * and the others are still printed.
 */
import { join } from 'node:path';
import type { ExperimentResults, HessianResult, LandscapeResult } from '../shared/results';

/** Eigenvalues listed in full up to this many; beyond, the first and the last few. */
const LISTED_EIGENVALUES = 8;

/** A number as the summary prints it (`digits` significant digits), or what stands in its place. */
export function formatValue(value: unknown, digits = 5): string {
  if (value === undefined) return 'none';
  if (value === null) return 'not finite';
  if (typeof value !== 'number') return 'not a number';
  if (Number.isNaN(value)) return 'undefined (NaN)';
  if (value === Infinity) return '+∞';
  if (value === -Infinity) return '−∞';
  return value.toPrecision(digits);
}

/** A residual or a tolerance, "3.0e-7": one decimal in scientific notation (or what stands in its place). */
function scientific(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toExponential(1) : formatValue(value);
}

/** The smallest and largest finite values of an array, and how many values are not finite numbers (null, NaN, ±∞), in one pass. */
export function finiteRange(values: ArrayLike<unknown> | undefined | null): { min?: number; max?: number; finite: number; nonFinite: number } {
  let min: number | undefined;
  let max: number | undefined;
  let finite = 0;
  const length = values?.length ?? 0;
  for (let i = 0; i < length; i++) {
    const value = values![i];
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    finite++;
    if (min === undefined || value < min) min = value;
    if (max === undefined || value > max) max = value;
  }
  return { min, max, finite, nonFinite: length - finite };
}

/** "12, 3.4, …, 0.0012 (40 values)": a list of eigenvalues, shortened past LISTED_EIGENVALUES. */
function listValues(values: unknown[]): string {
  const format = (part: unknown[]) => part.map((value) => formatValue(value, 4)).join(', ');
  if (values.length <= LISTED_EIGENVALUES) return format(values);
  const half = LISTED_EIGENVALUES / 2;
  return `${format(values.slice(0, half))}, …, ${format(values.slice(-half))} (${values.length} values)`;
}

/** An array, or an empty one for anything else (a field missing or of another shape). */
function arrayOf<T>(value: T[] | undefined | null): T[] {
  return Array.isArray(value) ? value : [];
}

/** "42" or "none": a count for the summary. */
function count(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : 'none';
}

function trajectoryLines(results: ExperimentResults): string[] {
  return arrayOf(results.trajectories).map((trajectory) => {
    const last = arrayOf(arrayOf(trajectory.points).at(-1));
    const where = last.map((value) => formatValue(value, 4)).join(', ');
    const label = String(trajectory.label ?? trajectory.optimizer ?? '?');
    return `  ${label.padEnd(28)} ${String(trajectory.status ?? '?').padEnd(22)} steps ${count(trajectory.steps).padStart(6)}  f = ${formatValue(arrayOf(trajectory.values).at(-1))} at (${where})`;
  });
}

function criticalPointLines(results: ExperimentResults): string[] {
  if (!results.criticalPoints) return [];
  const counts = new Map<string, number>();
  for (const point of arrayOf(results.criticalPoints)) counts.set(String(point?.kind), (counts.get(String(point?.kind)) ?? 0) + 1);
  return [`  critical points: ${[...counts].map(([kind, n]) => `${n} ${kind}`).join(', ') || 'none found'}`];
}

function trainingLines(results: ExperimentResults): string[] {
  const training = results.training;
  if (!training) return [];
  const last = arrayOf(training.history).at(-1);
  if (!last) return [`  training: ${training.status ?? 'no status'}, no epoch finished`];
  const accuracy = typeof last.testAccuracy === 'number' ? `, test accuracy ${Number.isFinite(last.testAccuracy) ? `${(100 * last.testAccuracy).toFixed(1)}%` : formatValue(last.testAccuracy)}` : '';
  return [`  training: ${training.status ?? 'no status'} after ${count(last.epoch)} epoch(s), loss ${formatValue(last.loss, 4)}${accuracy}, ${arrayOf(training.events).length} event(s)`];
}

/** Tolerance fields a Hessian solver may report (the tolerance reachable in the dtype, whether it was met). */
interface SolverTolerance {
  tolerance?: number;
  toleranceMet?: boolean;
  dtype?: string;
}

/** The lines of one Hessian: what was computed, each named for what it is. */
function hessianLines(hessian: HessianResult, indent: string): string[] {
  const lines: string[] = [];
  const classification = hessian.classification;
  const kind = classification ? `${classification.kind}${classification.index ? ` (index ${classification.complete ? '' : '≥ '}${classification.index})` : ''}` : 'not classified';
  lines.push(`${indent}hessian: ${count(hessian.dimension)} parameters, ${kind}${typeof hessian.gradientNorm === 'number' ? `, ‖∇f‖ ${formatValue(hessian.gradientNorm, 3)}` : ''}`);
  if (Array.isArray(hessian.eigenvalues)) {
    const range = finiteRange(hessian.eigenvalues);
    const nonFinite = range.nonFinite ? ` (${range.nonFinite} of ${hessian.eigenvalues.length} not finite)` : '';
    lines.push(`${indent}  full spectrum: λmin ${formatValue(range.min, 4)}, λmax ${formatValue(range.max, 4)}${nonFinite}`);
  }
  const top = arrayOf(hessian.top);
  const bottom = arrayOf(hessian.bottom);
  if (top.length) lines.push(`${indent}  top-${top.length}: ${listValues(top.map((pair) => pair?.value))}`);
  if (bottom.length) lines.push(`${indent}  bottom-${bottom.length}: ${listValues(bottom.map((pair) => pair?.value))}`);
  const solver = hessian.solver as (HessianResult['solver'] & SolverTolerance) | undefined;
  if (solver && (top.length || bottom.length)) {
    // The largest residual ‖Hv − λv‖ among the pairs, relative to max|λ| as the tolerance is.
    const residuals = finiteRange([...top, ...bottom].map((pair) => pair?.residual));
    const scale = finiteRange([...top, ...bottom].map((pair) => (typeof pair?.value === 'number' ? Math.abs(pair.value) : pair?.value)));
    const relative = residuals.max !== undefined && scale.max ? `, largest residual ${scientific(residuals.max)} (${scientific(residuals.max / scale.max)} × max|λ|)` : '';
    const tolerance = typeof solver.tolerance === 'number' ? `, tolerance ${scientific(solver.tolerance)}${solver.dtype ? ` (${solver.dtype})` : ''}${solver.toleranceMet === false ? ' not met' : ''}` : '';
    lines.push(`${indent}  ${solver.name === 'power' ? 'power iteration' : 'Lanczos'}: ${solver.converged ? 'converged' : 'NOT converged'} after ${count(solver.products)} products${relative}${tolerance}`);
  }
  const trace = hessian.trace;
  if (trace) {
    const exact = typeof trace.exact === 'number' ? `; exact Σλ ${formatValue(trace.exact, 4)}` : '';
    // Hutch++ spends its products on a sketch, the exact part and the remainder: named as products, with the sketch's size.
    const method = trace.method === 'hutch++' ? `Hutch++, ${count(trace.probes)} products, sketch ${count(trace.sketch)}` : `Hutchinson, ${count(trace.probes)} probes`;
    lines.push(`${indent}  trace (${method}): ${formatValue(trace.estimate, 4)} ± ${formatValue(trace.standardError, 2)}${exact}`);
  }
  const density = hessian.density;
  if (density) {
    const grid = finiteRange(density.grid);
    lines.push(`${indent}  density (SLQ, ${count(density.probes)} probes, ${count(density.steps)} steps): λ from ${formatValue(grid.min, 4)} to ${formatValue(grid.max, 4)}, integral ${formatValue(density.integral, 4)}`);
  }
  const layers = arrayOf(hessian.layers);
  if (layers.length) lines.push(`${indent}  per-layer blocks: ${layers.length} (${layers.map((layer) => String(layer?.name)).slice(0, LISTED_EIGENVALUES).join(', ')}${layers.length > LISTED_EIGENVALUES ? ', …' : ''})`);
  const history = arrayOf(hessian.history);
  if (history.length) lines.push(`${indent}  during training: ${history.length} analyses`);
  return lines;
}

function landscapeLines(landscape: LandscapeResult): string[] {
  const loss = finiteRange(landscape.loss);
  const alphas = arrayOf(landscape.alphas).length;
  const size = landscape.dimensions === 2 ? `${alphas}×${arrayOf(landscape.betas).length}` : `${alphas}`;
  const range = loss.finite ? `, loss ${formatValue(loss.min, 4)} to ${formatValue(loss.max, 4)}` : ', no finite loss';
  // On a finished grid a point without a number is one where the loss was not finite; on a cancelled one it may also not have been computed.
  const missing = loss.nonFinite === 0 ? '' : landscape.complete ? `; ${loss.nonFinite} of ${loss.finite + loss.nonFinite} points not finite` : `; ${loss.nonFinite} of ${loss.finite + loss.nonFinite} points without a value (not computed or not finite)`;
  return [`  landscape: ${landscape.directions} directions, ${size} grid${range}${missing}${landscape.complete ? '' : ' (incomplete)'}`];
}

/** One section's lines, or a line saying it could not be summarized (the rest of the summary goes on). */
function section(name: string, lines: () => string[]): string[] {
  try {
    return lines();
  } catch (error) {
    return [`  ${name}: cannot be summarized (${(error as Error)?.message ?? String(error)}); the saved results hold it`];
  }
}

/** The summary of saved `results` in `folder`. Never throws. */
export function summarize(results: ExperimentResults, folder: string): string {
  const where = `results: ${join(folder, 'results.json')}`;
  try {
    const lines = [String(results.name ?? 'run')];
    lines.push(...section('trajectories', () => trajectoryLines(results)));
    lines.push(...section('critical points', () => criticalPointLines(results)));
    lines.push(...section('training', () => trainingLines(results)));
    lines.push(...section('hessian', () => (results.hessian ? hessianLines(results.hessian, '  ') : [])));
    lines.push(...section('landscape', () => (results.landscape ? landscapeLines(results.landscape) : [])));
    lines.push(...section('warnings', () => arrayOf(results.warnings).map((warning) => `  warning: ${String(warning)}`)));
    lines.push(where);
    return lines.join('\n');
  } catch (error) {
    return `the summary cannot be made (${(error as Error)?.message ?? String(error)}); the saved results hold the run\n${where}`;
  }
}
