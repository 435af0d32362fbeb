import { denseHessianRefusal } from './dense-memory';
import type { Objective } from '../objective';
import { checkCancelled, DEFAULT_FINITE_DIFFERENCE_STEP, hessianOperator, type HessianMethod, type HessianOperator, type HessianRunOptions } from './operator';
import { symmetricEigen } from '../linalg/symmetric-eigen';

/** Largest parameter count the dense path accepts by default (an n×n Hessian of 3,000 is 72 MB). */
export const DEFAULT_DENSE_LIMIT = 3000;

export interface DenseSpectrumOptions extends HessianRunOptions {
  /** Refuse above this many parameters (default 3000). */
  maxDimension?: number;
  /** Also return the eigenvectors (costs about 4× the eigenvalues alone). */
  eigenvectors?: boolean;
  method?: HessianMethod;
  /** Finite-difference step ε (method "finite-difference"); default 1e-5. */
  step?: number;
}

export interface DenseSpectrum {
  /** Ascending λ₁ ≤ … ≤ λₙ. */
  eigenvalues: Float64Array;
  /** Row k (length n) is the unit eigenvector of eigenvalues[k], when asked. */
  eigenvectors?: Float64Array;
  /** The symmetrized dense Hessian itself (row-major n×n). */
  hessian: Float64Array;
  /** Hessian-vector products spent building the matrix. */
  products: number;
}

/** The message of the dense path's refusal, naming the scalable alternative. */
export function denseLimitMessage(dimension: number, limit: number): string {
  return `the dense Hessian of ${dimension} parameters exceeds the limit of ${limit} (maxDimension): ask for "top"/"bottom" eigenvalues (Lanczos) and "density" (stochastic Lanczos quadrature) instead, which need only Hessian-vector products, or raise maxDimension`;
}

/** Full spectrum H = QΛQᵀ of the dense Hessian built column by column, Hₑⱼ = H·eⱼ, symmetrized (H + Hᵀ)/2. */
export function denseSpectrum(objective: Objective, x: Float64Array, options: DenseSpectrumOptions = {}): DenseSpectrum {
  const limit = options.maxDimension ?? DEFAULT_DENSE_LIMIT;
  if (objective.dim > limit) throw new Error(denseLimitMessage(objective.dim, limit));
  const refusal = denseHessianRefusal(objective.dim, options.eigenvectors ?? false);
  if (refusal) throw new Error(`${refusal}: ask for "top"/"bottom" eigenvalues (Lanczos) and "density" instead, which need only Hessian-vector products`);
  const method = options.method ?? 'exact';
  requireFiniteLoss(objective, x);
  const operator = hessianOperator(objective, x, method, options.step ?? DEFAULT_FINITE_DIFFERENCE_STEP);
  const matrix = method === 'exact' && objective.hessian ? objective.hessian(x) : hessianMatrix(operator, options);
  const nonFinite = matrix.reduce((count, entry) => (Number.isFinite(entry) ? count : count + 1), 0);
  if (nonFinite > 0) throw new Error(`the Hessian cannot be analysed: ${nonFinite} of its ${matrix.length} entries are NaN or ±Infinity although the loss is finite: the second derivatives overflow at these weights`);
  const { values, vectors } = symmetricEigen(matrix, objective.dim, { vectors: options.eigenvectors ?? false });
  return { eigenvalues: values, eigenvectors: vectors, hessian: matrix, products: operator.products };
}

/**
 * Throws, naming the cause, when the weights or the loss at them are NaN or ±Infinity: every
 * Hessian-vector product there is NaN, and the eigensolver would fail on it without saying why.
 */
export function requireFiniteLoss(objective: Objective, x: Float64Array): void {
  const weights = x.reduce((count, entry) => (Number.isFinite(entry) ? count : count + 1), 0);
  if (weights > 0) throw new Error(`the Hessian cannot be analysed: ${weights} of the ${x.length} weights are NaN or ±Infinity (the first at index ${x.findIndex((entry) => !Number.isFinite(entry))}); lower the learning rate if training diverged`);
  const loss = objective.value(x);
  if (!Number.isFinite(loss)) throw new Error(`the Hessian cannot be analysed: the loss at the given weights is ${loss}: the model's output or its loss is NaN or ±Infinity there; check the data and the weights for NaN or values that overflow`);
}

/** Most basis vectors per block product when the operator takes blocks. */
export const HESSIAN_BLOCK = 32;

/**
 * Dense n×n matrix of a symmetric operator: column j = H·eⱼ, then (H + Hᵀ)/2. Checks cancellation
 * per column, or per block of columns when the operator multiplies blocks (the same exact products,
 * up to HESSIAN_BLOCK at a time, and at least 20 blocks so cancellation and progress stay responsive).
 */
export function hessianMatrix(operator: HessianOperator, options: HessianRunOptions = {}): Float64Array {
  const n = operator.dim;
  const result = new Float64Array(n * n);
  if (operator.applyBlock) {
    blockColumns(operator, result, options);
    symmetrize(result, n);
    return result;
  }
  const basis = new Float64Array(n);
  const column = new Float64Array(n);
  const reportEvery = Math.max(1, Math.floor(n / 20));
  for (let j = 0; j < n; j++) {
    checkCancelled(options.signal);
    basis.fill(0);
    basis[j] = 1;
    operator.apply(basis, column);
    for (let i = 0; i < n; i++) result[i * n + j] = column[i];
    if (options.onProgress && (j + 1) % reportEvery === 0) options.onProgress((j + 1) / n, `Hessian column ${j + 1} of ${n}`);
  }
  symmetrize(result, n);
  return result;
}

/** Rows j…j+k−1 of result = H·eⱼ…H·eⱼ₊ₖ₋₁ (the columns, transposed: (B + Bᵀ)/2 is the same either way), one block product each. */
function blockColumns(operator: HessianOperator, result: Float64Array, options: HessianRunOptions): void {
  const n = operator.dim;
  const block = Math.max(1, Math.min(HESSIAN_BLOCK, Math.ceil(n / 20)));
  const basis = new Float64Array(block * n);
  for (let start = 0; start < n; start += block) {
    checkCancelled(options.signal);
    const count = Math.min(block, n - start);
    basis.fill(0);
    for (let j = 0; j < count; j++) basis[j * n + start + j] = 1;
    operator.applyBlock!(basis, count, result.subarray(start * n, (start + count) * n));
    options.onProgress?.((start + count) / n, `Hessian column ${start + count} of ${n}`);
  }
}

/** A ← (A + Aᵀ)/2 in place. */
function symmetrize(result: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const mean = 0.5 * (result[i * n + j] + result[j * n + i]);
      result[i * n + j] = mean;
      result[j * n + i] = mean;
    }
  }
}
