import { Matrix, QrDecomposition } from 'ml-matrix';
import { Random } from '../random';
import { dot } from '../linalg/vector';
import { checkCancelled, fillRademacher, type HessianOperator, type HessianRunOptions } from './operator';

/** The trace estimators of analyses.hessian.trace.method. */
export type TraceMethod = 'hutchinson' | 'hutch++';

export interface TraceOptions extends HessianRunOptions {
  /** Most Hessian-vector products (default 100, PyHessian's maxIter): Hutchinson's probes, Hutch++'s whole budget. */
  probes?: number;
  /** Stop early once the standard error ≤ relativeError·|estimate| (after 10 probes; Hutch++: 10 remainder probes); off by default. */
  relativeError?: number;
  seed?: number;
}

export interface TraceEstimate {
  method: TraceMethod;
  /** Hutchinson: the mean of zᵀHz over the probes. Hutch++: tr(QᵀHQ) + the remainder's mean. */
  trace: number;
  /** Standard error of that mean (Hutch++: of the remainder's): sample standard deviation / √probes. */
  standardError: number;
  /** Hessian-vector products spent. */
  probes: number;
  /** zᵀHz of each probe (Hutch++: of each remainder probe). */
  samples: number[];
  /** Hutch++: the sketch's size k (k products for the sketch, k for the exact part, the rest for the remainder). */
  sketch?: number;
}

/** Hutchinson's estimator tr(H) ≈ (1/m) Σ zᵢᵀHzᵢ with Rademacher zᵢ (Hutchinson 1990; Avron & Toledo 2011), with its standard error. */
export function hutchinsonTrace(operator: HessianOperator, options: TraceOptions = {}): TraceEstimate {
  const n = operator.dim;
  const maxProbes = options.probes ?? 100;
  const random = new Random(options.seed ?? 0);
  const probe = new Float64Array(n);
  const product = new Float64Array(n);
  const samples: number[] = [];
  let estimate = { trace: 0, standardError: Infinity };
  while (samples.length < maxProbes) {
    checkCancelled(options.signal);
    fillRademacher(probe, random);
    operator.apply(probe, product);
    samples.push(dot(probe, product));
    estimate = meanAndStandardError(samples);
    options.onProgress?.(samples.length / maxProbes, `trace: probe ${samples.length} of ${maxProbes}`);
    const relative = options.relativeError;
    if (relative !== undefined && samples.length >= 10 && estimate.standardError <= relative * Math.abs(estimate.trace)) break;
  }
  return { method: 'hutchinson', ...estimate, probes: samples.length, samples };
}

/** Hutch++'s sketch k for a budget of m products: a third each (⌊m/3⌋), but at most ⌊(m − 2)/2⌋ so that at least two remainder probes give a standard error, and at most n. */
export function hutchppSketchSize(products: number, dim: number): number {
  return Math.max(0, Math.min(Math.floor(products / 3), Math.floor((products - 2) / 2), dim));
}

/**
 * Hutch++ (Meyer, Musco, Musco & Woodruff 2021) on Hutchinson's budget of m Hessian-vector
 * products: k products Y = H·S for a Rademacher sketch S (n×k) and Q = orth(Y) (Householder QR:
 * orthonormal columns even where HS is rank-deficient); k products for the exact tr(QᵀHQ);
 * Hutchinson with the other m − 2k Rademacher vectors projected off Q, g' = (I − QQᵀ)g, for the
 * rest: tr(H) ≈ tr(QᵀHQ) + (1/r) Σ g'ᵀHg'. Unbiased whatever Q is; where a few eigenvalues
 * dominate, Q holds them and the remainder, whose variance is all the estimate's, is small. The
 * standard error is the remainder's; relativeError stops the remainder as it stops Hutchinson.
 * Q of n columns is the whole space: the trace is exact, with no remainder and an error of 0.
 * Keeps 2k vectors of the parameters' size (Y and Q). Same conventions as the PyTorch backend's
 * spectrum.hutchpp_trace.
 */
export function hutchppTrace(operator: HessianOperator, options: TraceOptions = {}): TraceEstimate {
  const n = operator.dim;
  const budget = options.probes ?? 100;
  const k = hutchppSketchSize(budget, n);
  const rest = k < n ? budget - 2 * k : 0;
  const total = Math.max(2 * k + rest, 1);
  const random = new Random(options.seed ?? 0);
  const probe = new Float64Array(n);
  const product = new Float64Array(n);
  const report = (done: number, message: string) => options.onProgress?.(done / total, `trace (Hutch++): ${message}`);
  const sketch = new Matrix(n, k);
  for (let j = 0; j < k; j++) {
    checkCancelled(options.signal);
    operator.apply(fillRademacher(probe, random), product);
    for (let i = 0; i < n; i++) sketch.set(i, j, product[i]);
    report(j + 1, `sketch product ${j + 1} of ${k}`);
  }
  const orthogonal = k > 0 ? new QrDecomposition(sketch).orthogonalMatrix : sketch;
  const basis = Array.from({ length: k }, (_, j) => Float64Array.from(orthogonal.getColumn(j)));
  let exact = 0;
  basis.forEach((q, j) => {
    checkCancelled(options.signal);
    operator.apply(q, product);
    exact += dot(q, product);
    report(k + j + 1, `exact part, product ${j + 1} of ${k}`);
  });
  const samples: number[] = [];
  let remainder = { trace: 0, standardError: rest === 0 ? 0 : Infinity };
  while (samples.length < rest) {
    checkCancelled(options.signal);
    fillRademacher(probe, random);
    for (const q of basis) {
      const along = dot(q, probe);
      for (let i = 0; i < n; i++) probe[i] -= along * q[i];
    }
    operator.apply(probe, product);
    samples.push(dot(probe, product));
    remainder = meanAndStandardError(samples);
    report(2 * k + samples.length, `remainder probe ${samples.length} of ${rest}`);
    const relative = options.relativeError;
    if (relative !== undefined && samples.length >= 10 && remainder.standardError <= relative * Math.abs(exact + remainder.trace)) break;
  }
  return { method: 'hutch++', trace: exact + remainder.trace, standardError: remainder.standardError, probes: 2 * k + samples.length, samples, sketch: k };
}

/** The trace by the method asked (default Hutchinson). */
export function traceEstimate(operator: HessianOperator, method: TraceMethod | undefined, options: TraceOptions = {}): TraceEstimate {
  return method === 'hutch++' ? hutchppTrace(operator, options) : hutchinsonTrace(operator, options);
}

/** Mean x̄ = Σxᵢ/m and its standard error s/√m, s² = Σ(xᵢ − x̄)²/(m − 1) (NaN for one sample). */
export function meanAndStandardError(samples: readonly number[]): { trace: number; standardError: number } {
  const m = samples.length;
  const mean = samples.reduce((sum, x) => sum + x, 0) / m;
  if (m < 2) return { trace: mean, standardError: NaN };
  const variance = samples.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (m - 1);
  return { trace: mean, standardError: Math.sqrt(variance / m) };
}
