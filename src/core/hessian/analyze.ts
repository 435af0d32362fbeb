import type { HessianAnalysisOptions } from './options';
import type { HessianEigenpairResult, HessianResult } from '../../shared/results';
import type { Objective } from '../objective';
import { norm2 } from '../linalg/vector';
import { classifySpectrum, DEFAULT_CLASSIFICATION_TOLERANCE } from './classify';
import { denseHessianRefusal } from './dense-memory';
import { DEFAULT_DENSE_LIMIT, denseLimitMessage, denseSpectrum } from './dense-spectrum';
import { spectralDensity } from './density';
import { lanczosExtremes, type Eigenpair } from './lanczos';
import { DEFAULT_FINITE_DIFFERENCE_STEP, hessianOperator, matrixOperator, type HessianOperator, type HessianRunOptions } from './operator';
import { powerIteration } from './power-iteration';
import { restrictObjective } from './restrict';
import { lossAlongDirection } from './slice';
import { traceEstimate } from './trace';

/** A named range of parameters (one layer's weight and bias). */
export interface ParameterBlock {
  name: string;
  offset: number;
  length: number;
}

export interface AnalyzeOptions extends HessianRunOptions {
  seed?: number;
  /** Blocks analysed separately when settings.layers is set. */
  blocks?: ParameterBlock[];
  /** Store the point in the result (surfaces). */
  includePoint?: boolean;
  /** Receives problems that did not stop the analysis (a dense spectrum refused above maxDimension). */
  warnings?: string[];
}

/** What every stage of one analysis shares. */
interface Analysis {
  objective: Objective;
  x: Float64Array;
  settings: HessianAnalysisOptions;
  options: AnalyzeOptions;
  operator: HessianOperator;
  target: HessianResult;
  seed: number;
  withVectors: boolean;
  tolerance: number;
  step: (fraction: number, message: string) => void;
}

/**
 * Everything analyses.hessian asks for at one point x: the dense spectrum (small models), the
 * top/bottom eigenpairs (Lanczos or power iteration), the trace (Hutchinson or Hutch++), the SLQ density, the
 * classification, slices along the extreme eigenvectors and the same per layer block. The
 * result is filled in place as each part finishes, so a cancellation keeps what finished.
 */
export function analyzeHessian(objective: Objective, x: Float64Array, settings: HessianAnalysisOptions, options: AnalyzeOptions = {}, result?: HessianResult): HessianResult {
  const started = performance.now();
  const n = objective.dim;
  const method = settings.method ?? 'exact';
  const limit = settings.maxDimension ?? DEFAULT_DENSE_LIMIT;
  const target: HessianResult = result ?? { dimension: n, method, products: 0, seconds: 0 };
  if (options.includePoint) target.point = Array.from(x);
  target.gradientNorm = norm2(gradientAt(objective, x));
  const analysis: Analysis = {
    objective,
    x,
    settings,
    options,
    target,
    operator: hessianOperator(objective, x, method, settings.step ?? DEFAULT_FINITE_DIFFERENCE_STEP),
    seed: options.seed ?? 0,
    withVectors: settings.eigenvectors ?? false,
    tolerance: settings.classificationTolerance ?? DEFAULT_CLASSIFICATION_TOLERANCE,
    step: (fraction, message) => options.onProgress?.(fraction, message),
  };
  const finish = () => {
    target.products = analysis.operator.products;
    target.seconds = (performance.now() - started) / 1000;
  };
  const asked = settings.top !== undefined || settings.bottom !== undefined;
  const refused = settings.full === true && n > limit;
  if (refused) options.warnings?.push(denseLimitMessage(n, limit));
  // Within maxDimension, the dense path still needs n² × 8 bytes twice: refused (Lanczos instead) when that cannot fit.
  const tooLarge = !refused && (settings.full ?? (!asked && n <= limit)) ? denseHessianRefusal(n, settings.eigenvectors ?? false) : undefined;
  if (tooLarge) options.warnings?.push(`${tooLarge}: the dense spectrum was skipped and the extreme eigenvalues found by Lanczos instead`);
  const full = refused || tooLarge ? false : (settings.full ?? (!asked && n <= limit));
  let ends = full ? denseStage(analysis, limit) : { top: [] as Eigenpair[], bottom: [] as Eigenpair[] };
  // Without the full spectrum and without top/bottom, the two ends are still found, for the classification.
  if (asked || !full) ends = extremesStage(analysis, settings.top ?? (asked ? 0 : 1), settings.bottom ?? (asked ? 0 : 1), full, ends);
  finish();
  traceAndDensityStage(analysis, finish);
  if (settings.slice ?? true) addSlices(objective, x, settings, ends.top[0], ends.bottom[0], target);
  if (settings.layers && options.blocks) layersStage(analysis, options.blocks);
  target.seconds = (performance.now() - started) / 1000;
  analysis.step(1, 'Hessian analysis done');
  return target;
}

/** The whole spectrum from the dense Hessian, its classification, and its extreme eigenpairs (for the slices). */
function denseStage(analysis: Analysis, limit: number): { top: Eigenpair[]; bottom: Eigenpair[] } {
  const { objective, x, settings, target, withVectors } = analysis;
  const n = objective.dim;
  const spectrum = denseSpectrum(objective, x, { maxDimension: limit, eigenvectors: withVectors, method: target.method, step: settings.step, signal: analysis.options.signal, onProgress: (f) => analysis.step(0.5 * f, 'dense Hessian') });
  const values = spectrum.eigenvalues;
  target.eigenvalues = Array.from(values);
  if (withVectors) target.eigenvectors = Array.from(values, (_, k) => Array.from(spectrum.eigenvectors!.subarray(k * n, k * n + n)));
  target.classification = classifySpectrum(values, analysis.tolerance, true);
  // The extreme eigenvectors by Lanczos on the dense matrix: n² per product, no objective calls.
  return lanczosExtremes(matrixOperator(spectrum.hessian, n), { top: 1, bottom: 1, tolerance: 1e-10, seed: analysis.seed });
}

/** The top and bottom eigenpairs by Lanczos or power iteration; classifies from both ends when the dense path did not run. */
function extremesStage(analysis: Analysis, top: number, bottom: number, full: boolean, ends: { top: Eigenpair[]; bottom: Eigenpair[] }): { top: Eigenpair[]; bottom: Eigenpair[] } {
  const { settings, target, operator, seed, options, withVectors } = analysis;
  let found: { top: Eigenpair[]; bottom: Eigenpair[] };
  if (settings.solver === 'power') {
    const power = shiftedPowerIteration(operator, top, bottom, settings.tolerance, seed, options);
    found = power;
    target.solver = { name: 'power', products: power.products, converged: power.converged };
  } else {
    const lanczos = lanczosExtremes(operator, { top, bottom, tolerance: settings.tolerance, maxProducts: settings.maxProducts, seed, signal: options.signal, onProgress: (f) => analysis.step(0.5 + 0.2 * f, 'Lanczos') });
    found = lanczos;
    target.solver = { name: 'lanczos', products: lanczos.products, restarts: lanczos.restarts, converged: lanczos.converged };
  }
  target.top = found.top.map((p) => pairResult(p, withVectors));
  target.bottom = found.bottom.map((p) => pairResult(p, withVectors));
  const merged = { top: top > 0 ? found.top : ends.top, bottom: bottom > 0 ? found.bottom : ends.bottom };
  // Both ends are needed to classify from a partial spectrum (one end alone cannot tell a saddle from an extremum).
  if (!full && merged.top.length > 0 && merged.bottom.length > 0) {
    target.classification = classifySpectrum([...merged.top, ...merged.bottom].map((p) => p.value), analysis.tolerance, false);
  }
  return merged;
}

/** The trace by Hutchinson or Hutch++ (with Σλ when the spectrum is known) and the SLQ density, as asked. */
function traceAndDensityStage(analysis: Analysis, finish: () => void): void {
  const { settings, target, operator, seed, options } = analysis;
  if (settings.trace) {
    const { method, ...traceSettings } = settings.trace === true ? {} : settings.trace;
    const estimate = traceEstimate(operator, method, { ...traceSettings, seed, signal: options.signal, onProgress: (f) => analysis.step(0.7 + 0.1 * f, 'trace') });
    target.trace = { method: estimate.method, estimate: estimate.trace, standardError: estimate.standardError, probes: estimate.probes, ...(estimate.sketch !== undefined ? { sketch: estimate.sketch } : {}) };
    if (target.eigenvalues) target.trace.exact = target.eigenvalues.reduce((sum, value) => sum + value, 0);
    finish();
  }
  if (settings.density) {
    const densitySettings = settings.density === true ? {} : settings.density;
    const { grid, values, convention, steps, probes, integral } = spectralDensity(operator, { ...densitySettings, seed, signal: options.signal, onProgress: (f) => analysis.step(0.8 + 0.15 * f, 'density') });
    target.density = { grid, values, convention, steps, probes, integral };
    finish();
  }
}

/** The same analysis on each block's restriction P·H·Pᵀ (no slices, no nested layers). */
function layersStage(analysis: Analysis, blocks: ParameterBlock[]): void {
  const { objective, x, settings, target, seed, options } = analysis;
  target.layers = [];
  for (const block of blocks) {
    const restricted = restrictObjective(objective, x, block.offset, block.length);
    const point = x.subarray(block.offset, block.offset + block.length);
    const layerResult = analyzeHessian(restricted, point, { ...settings, layers: false, slice: false }, { seed, signal: options.signal, warnings: options.warnings });
    target.layers.push({ ...layerResult, name: block.name, offset: block.offset, length: block.length });
    target.products += layerResult.products;
  }
}

function pairResult(pair: Eigenpair, withVector: boolean): HessianEigenpairResult {
  return { value: pair.value, residual: pair.residual, ...(withVector ? { vector: Array.from(pair.vector) } : {}) };
}

/** Slices f(x + t·v) along the top and the most negative eigenvector; radius defaults to 1 for ‖x‖ ≤ 10, else 0.1·‖x‖. */
function addSlices(objective: Objective, x: Float64Array, settings: HessianAnalysisOptions, top: Eigenpair | undefined, bottom: Eigenpair | undefined, target: HessianResult): void {
  const sliceSettings = typeof settings.slice === 'object' ? settings.slice : {};
  const pointNorm = norm2(x);
  const radius = sliceSettings.radius ?? (pointNorm <= 10 ? 1 : 0.1 * pointNorm);
  const points = sliceSettings.points ?? 41;
  target.slices = [];
  if (top) target.slices.push({ direction: 'top', eigenvalue: top.value, ...lossAlongDirection(objective, x, top.vector, radius, points) });
  if (bottom) target.slices.push({ direction: 'bottom', eigenvalue: bottom.value, ...lossAlongDirection(objective, x, bottom.vector, radius, points) });
}

/**
 * Top and bottom eigenpairs by power iteration (PyHessian's method, which alone finds the largest
 * |λ|): ρ = |λ|max first, then the top of H + ρI (λ + ρ ≥ 0) and the top of ρI − H (the most negative λ).
 */
function shiftedPowerIteration(operator: HessianOperator, top: number, bottom: number, tolerance: number | undefined, seed: number, options: HessianRunOptions): { top: Eigenpair[]; bottom: Eigenpair[]; products: number; converged: boolean } {
  const start = operator.products;
  const dominant = powerIteration(operator, { count: 1, tolerance, seed, signal: options.signal });
  const radius = Math.abs(dominant.pairs[0]?.value ?? 0);
  let converged = dominant.pairs.every((p) => p.converged);
  const run = (count: number, sign: 1 | -1): Eigenpair[] => {
    if (count === 0) return [];
    const scratch = new Float64Array(operator.dim);
    const shifted: HessianOperator = {
      dim: operator.dim,
      get products() {
        return operator.products;
      },
      apply(v, out) {
        operator.apply(v, scratch);
        for (let i = 0; i < out.length; i++) out[i] = sign * scratch[i] + radius * v[i];
      },
    };
    const result = powerIteration(shifted, { count, tolerance, seed, signal: options.signal });
    converged &&= result.pairs.every((p) => p.converged);
    return result.pairs.map((p) => ({ value: sign * (p.value - radius), vector: p.vector, residual: p.residual }));
  };
  const topPairs = run(top, 1);
  const bottomPairs = run(bottom, -1);
  return { top: topPairs, bottom: bottomPairs, products: operator.products - start, converged };
}

/** ∇f(x) into a new array. */
function gradientAt(objective: Objective, x: Float64Array): Float64Array {
  const gradient = new Float64Array(objective.dim);
  objective.gradient(x, gradient);
  return gradient;
}
