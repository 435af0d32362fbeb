import type { Cancellation } from '../cancellation';
import type { Objective } from '../objective';
import { norm2 } from '../linalg/vector';

/** How a Hessian-vector product is obtained: the objective's exact HVP, or central differences of its exact gradient, H·v ≈ (∇f(x + εv) − ∇f(x − εv))/2ε. */
export type HessianMethod = 'exact' | 'finite-difference';

/** A symmetric linear map v ↦ Hv of dimension dim, counting the products it has made. */
export interface HessianOperator {
  readonly dim: number;
  /** Writes H·v into out. */
  apply(v: Float64Array, out: Float64Array): void;
  /** Row j of out = H·vⱼ for the `count` rows vⱼ of directions (count × dim), all at once, when the objective offers it (counts `count` products). */
  applyBlock?(directions: Float64Array, count: number, out: Float64Array): void;
  /** Products made so far. */
  readonly products: number;
}

/** What long Hessian computations accept: a cancellation flag and a progress callback (fraction in [0, 1]). */
export interface HessianRunOptions {
  signal?: Cancellation;
  onProgress?: (fraction: number, message: string) => void;
}

/** The default finite-difference step ε of the central-difference product. */
export const DEFAULT_FINITE_DIFFERENCE_STEP = 1e-5;

/**
 * v ↦ H(x)·v for an objective at x: exact HVP (objective.hessianVectorProduct, or its dense
 * hessian), or central differences of the exact gradient, Hv ≈ (∇f(x + εv/‖v‖) − ∇f(x − εv/‖v‖))·‖v‖/(2ε).
 */
export function hessianOperator(objective: Objective, x: Float64Array, method: HessianMethod = 'exact', step = DEFAULT_FINITE_DIFFERENCE_STEP): HessianOperator {
  if (method === 'finite-difference') return finiteDifferenceOperator(objective, x, step);
  const n = objective.dim;
  if (objective.hessianVectorProduct) {
    const point = Float64Array.from(x);
    let products = 0;
    const operator: HessianOperator = {
      dim: n,
      get products() {
        return products;
      },
      apply(v, out) {
        products++;
        objective.hessianVectorProduct!(point, v, out);
      },
    };
    if (objective.hessianMatrixProduct) {
      operator.applyBlock = (directions, count, out) => {
        products += count;
        objective.hessianMatrixProduct!(point, directions, count, out);
      };
    }
    return operator;
  }
  if (objective.hessian) return matrixOperator(objective.hessian(x), n);
  throw new Error('the objective has no Hessian-vector product: use method "finite-difference" (central differences of the gradient)');
}

/** Hv ≈ (∇f(x + hu) − ∇f(x − hu))·‖v‖/(2h), u = v/‖v‖: central differences of the exact gradient, error O(h²). */
function finiteDifferenceOperator(objective: Objective, x: Float64Array, step: number): HessianOperator {
  const n = objective.dim;
  const shifted = new Float64Array(n);
  const forward = new Float64Array(n);
  const backward = new Float64Array(n);
  let products = 0;
  return {
    dim: n,
    get products() {
      return products;
    },
    apply(v, out) {
      products++;
      const length = norm2(v);
      if (length === 0) {
        out.fill(0);
        return;
      }
      const h = step / length;
      for (let i = 0; i < n; i++) shifted[i] = x[i] + h * v[i];
      objective.gradient(shifted, forward);
      for (let i = 0; i < n; i++) shifted[i] = x[i] - h * v[i];
      objective.gradient(shifted, backward);
      for (let i = 0; i < n; i++) out[i] = (forward[i] - backward[i]) / (2 * h);
    },
  };
}

/** v ↦ A·v for a dense row-major symmetric n×n matrix A. */
export function matrixOperator(matrix: Float64Array, n: number): HessianOperator {
  let products = 0;
  return {
    dim: n,
    get products() {
      return products;
    },
    apply(v, out) {
      products++;
      for (let i = 0; i < n; i++) {
        let sum = 0;
        const row = i * n;
        for (let j = 0; j < n; j++) sum += matrix[row + j] * v[j];
        out[i] = sum;
      }
    },
  };
}

/** Fills out with independent Rademacher signs ±1 (probability ½ each) from the seeded PRNG. */
export function fillRademacher(out: Float64Array, random: { uniform(): number }): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = random.uniform() < 0.5 ? -1 : 1;
  return out;
}

/** Throws the cancellation message when the signal is set (long loops call this between products). */
export function checkCancelled(signal: Cancellation | undefined): void {
  if (signal?.aborted) throw new HessianCancelled();
}

/** Raised inside a Hessian computation when its signal is set; callers keep what finished. */
export class HessianCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}
