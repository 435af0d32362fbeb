import { Random } from '../random';
import { dot } from '../linalg/vector';
import { checkCancelled, type HessianOperator, type HessianRunOptions } from './operator';
import type { Eigenpair } from './lanczos';

export interface PowerIterationOptions extends HessianRunOptions {
  /** Eigenpairs wanted, found one after another with deflation (PyHessian's top_n). */
  count?: number;
  /** Iterations per eigenpair (PyHessian's maxIter, 100). */
  maxIterations?: number;
  /** Stop when |λₖ − λₖ₋₁| ≤ tolerance·|λₖ| (PyHessian's tol, 1e-3). */
  tolerance?: number;
  seed?: number;
}

export interface PowerIterationResult {
  /** In the order found: largest |λ| first (power iteration finds magnitude, not sign). */
  pairs: (Eigenpair & { iterations: number; converged: boolean })[];
  products: number;
}

/**
 * Power iteration with deflation, as PyHessian's `eigenvalues()`: v ← Hv/‖Hv‖ orthogonalized
 * against the pairs already found, λ = vᵀHv, until the relative change of λ is below tolerance.
 * It converges to the eigenvalues of largest |λ|, and slowly when |λ₂/λ₁| is near 1.
 */
export function powerIteration(operator: HessianOperator, options: PowerIterationOptions = {}): PowerIterationResult {
  const n = operator.dim;
  const count = Math.min(options.count ?? 1, n);
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-3;
  const random = new Random(options.seed ?? 0);
  const start = operator.products;
  const pairs: PowerIterationResult['pairs'] = [];
  const product = new Float64Array(n);
  for (let found = 0; found < count; found++) {
    let vector = random.fillGaussian(new Float64Array(n));
    deflate(vector, pairs);
    normalize(vector);
    let value = NaN;
    let iterations = 0;
    let converged = false;
    while (iterations < maxIterations) {
      checkCancelled(options.signal);
      operator.apply(vector, product);
      iterations++;
      const next = dot(vector, product);
      const previous = value;
      value = next;
      vector = Float64Array.from(product);
      deflate(vector, pairs);
      if (normalize(vector) === 0 || Math.abs(value - previous) <= tolerance * Math.abs(value) + 1e-300) {
        converged = true;
        break;
      }
    }
    options.onProgress?.((found + 1) / count, `power iteration: eigenvalue ${found + 1} of ${count}`);
    operator.apply(vector, product);
    const rayleigh = dot(vector, product);
    let residualSquared = 0;
    for (let i = 0; i < n; i++) residualSquared += (product[i] - rayleigh * vector[i]) ** 2;
    pairs.push({ value: rayleigh, vector, residual: Math.sqrt(residualSquared), iterations, converged });
  }
  return { pairs, products: operator.products - start };
}

/** v ← v − Σ (uᵀv)u over the eigenvectors found. */
function deflate(vector: Float64Array, pairs: readonly Eigenpair[]): void {
  for (const pair of pairs) {
    const c = dot(pair.vector, vector);
    for (let i = 0; i < vector.length; i++) vector[i] -= c * pair.vector[i];
  }
}

/** v ← v/‖v‖; returns ‖v‖. */
function normalize(vector: Float64Array): number {
  const length = Math.sqrt(dot(vector, vector));
  if (length > 0) for (let i = 0; i < vector.length; i++) vector[i] /= length;
  return length;
}
