/**
 * The one interface everything composes through: a 2-D surface, an MLP loss on a data set,
 * a mini-batch of it and a 1-D slice of any of them are all Objectives.
 */
export interface Objective {
  /** Number of parameters. */
  readonly dim: number;
  /** f(x). */
  value(x: Float64Array): number;
  /** Writes ∇f(x) into out and returns f(x). */
  gradient(x: Float64Array, out: Float64Array): number;
  /** Writes H(x)·v into out (exact where implemented). */
  hessianVectorProduct?(x: Float64Array, v: Float64Array, out: Float64Array): void;
  /** Row j of out (count × dim) = H(x)·vⱼ for the rows vⱼ of directions (count × dim): a block of HVPs at once. */
  hessianMatrixProduct?(x: Float64Array, directions: Float64Array, count: number, out: Float64Array): void;
  /** Dense Hessian ∇²f(x), row-major dim×dim; small dim only. */
  hessian?(x: Float64Array): Float64Array;
}

/** Dense Hessian by one Hessian-vector product per column, symmetrized: H = (B + Bᵀ)/2. */
export function denseHessian(objective: Objective, x: Float64Array): Float64Array {
  if (objective.hessian) return objective.hessian(x);
  const hvp = objective.hessianVectorProduct;
  if (!hvp) throw new Error('objective has neither hessian nor hessianVectorProduct');
  const n = objective.dim;
  const result = new Float64Array(n * n);
  const basis = new Float64Array(n);
  const column = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    basis.fill(0);
    basis[j] = 1;
    hvp.call(objective, x, basis, column);
    for (let i = 0; i < n; i++) result[i * n + j] = column[i];
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const mean = 0.5 * (result[i * n + j] + result[j * n + i]);
      result[i * n + j] = mean;
      result[j * n + i] = mean;
    }
  }
  return result;
}
