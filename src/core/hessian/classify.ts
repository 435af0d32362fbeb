import type { CriticalPointKind, HessianClassification } from '../../shared/results';

/** Default relative tolerance: |λ| ≤ tolerance·max|λ| counts as zero. */
export const DEFAULT_CLASSIFICATION_TOLERANCE = 1e-6;

/**
 * Classifies a critical point from its Hessian's eigenvalues: eigenvalues within
 * tolerance·max|λ| of zero are treated as zero; any zero → degenerate; all positive →
 * minimum; all negative → maximum; mixed → saddle of index = #negative.
 */
export function classifyEigenvalues(eigenvalues: ArrayLike<number>, relativeTolerance = DEFAULT_CLASSIFICATION_TOLERANCE): { kind: CriticalPointKind; index: number } {
  const { kind, index } = classifySpectrum(eigenvalues, relativeTolerance, true);
  return { kind, index };
}

/**
 * The same rule on a full spectrum, or on its ends only (complete = false: the unseen middle
 * lies between them, so a zero there cannot be seen and the index is a lower bound), with
 * |λmin/λmax|. Threshold = max(relativeTolerance·max|λ|, 1e-12).
 */
export function classifySpectrum(eigenvalues: ArrayLike<number>, relativeTolerance = DEFAULT_CLASSIFICATION_TOLERANCE, complete = true): HessianClassification {
  let largest = 0;
  let minimum = Infinity;
  let maximum = -Infinity;
  for (let i = 0; i < eigenvalues.length; i++) {
    largest = Math.max(largest, Math.abs(eigenvalues[i]));
    minimum = Math.min(minimum, eigenvalues[i]);
    maximum = Math.max(maximum, eigenvalues[i]);
  }
  const threshold = Math.max(relativeTolerance * largest, 1e-12);
  let negative = 0;
  let positive = 0;
  for (let i = 0; i < eigenvalues.length; i++) {
    if (eigenvalues[i] < -threshold) negative++;
    else if (eigenvalues[i] > threshold) positive++;
  }
  const zeroCount = eigenvalues.length - negative - positive;
  const negativeRatio = maximum === 0 || !Number.isFinite(maximum) ? 0 : Math.abs(minimum / maximum);
  const base = { index: negative, zeroCount, negativeRatio, threshold, relativeTolerance, complete };
  if (zeroCount > 0) return { kind: 'degenerate', ...base };
  if (negative === 0) return { kind: 'minimum', ...base };
  if (positive === 0) return { kind: 'maximum', ...base };
  return { kind: 'saddle', ...base };
}
