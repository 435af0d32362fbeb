import { Random } from '../random';
import { dot } from '../linalg/vector';
import { checkCancelled, fillRademacher, type HessianOperator, type HessianRunOptions } from './operator';

export interface TraceOptions extends HessianRunOptions {
  /** Most Rademacher probes (default 100, PyHessian's maxIter). */
  probes?: number;
  /** Stop early once the standard error ≤ relativeError·|estimate| (after 10 probes); off by default. */
  relativeError?: number;
  seed?: number;
}

export interface TraceEstimate {
  /** Mean of zᵀHz over the probes. */
  trace: number;
  /** Standard error of that mean: sample standard deviation / √probes. */
  standardError: number;
  probes: number;
  /** zᵀHz of each probe. */
  samples: number[];
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
  return { ...estimate, probes: samples.length, samples };
}

/** Mean x̄ = Σxᵢ/m and its standard error s/√m, s² = Σ(xᵢ − x̄)²/(m − 1) (NaN for one sample). */
export function meanAndStandardError(samples: readonly number[]): { trace: number; standardError: number } {
  const m = samples.length;
  const mean = samples.reduce((sum, x) => sum + x, 0) / m;
  if (m < 2) return { trace: mean, standardError: NaN };
  const variance = samples.reduce((sum, x) => sum + (x - mean) ** 2, 0) / (m - 1);
  return { trace: mean, standardError: Math.sqrt(variance / m) };
}
