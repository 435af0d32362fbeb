import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { Objective } from '../../src/core/objective';
import type { Random } from '../../src/core/random';

/**
 * f(x) = ½xᵀAx + bᵀx for a symmetric row-major n×n A (b = 0 when not given): ∇f = Ax + b,
 * Hv = Av. A test bed with a known spectrum and exact values.
 */
export function quadraticObjective(matrix: Float64Array, n: number, linear?: Float64Array): Objective {
  const multiply = (v: Float64Array, out: Float64Array): void => {
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < n; j++) sum += matrix[i * n + j] * v[j];
      out[i] = sum;
    }
  };
  const linearTerm = (x: Float64Array): number => {
    let sum = 0;
    if (linear) for (let i = 0; i < n; i++) sum += linear[i] * x[i];
    return sum;
  };
  const product = new Float64Array(n);
  return {
    dim: n,
    value(x) {
      multiply(x, product);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += x[i] * product[i];
      return 0.5 * sum + linearTerm(x);
    },
    gradient(x, out) {
      multiply(x, out);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += x[i] * out[i];
      const value = 0.5 * sum + linearTerm(x);
      if (linear) for (let i = 0; i < n; i++) out[i] += linear[i];
      return value;
    },
    hessianVectorProduct: (_x, v, out) => multiply(v, out),
  };
}

/** A random symmetric n×n matrix (A + Aᵀ)/√(2n) with N(0, 1) entries: a GOE sample, spectrum ≈ semicircle on [−2, 2]. */
export function randomSymmetricMatrix(n: number, random: Random): Float64Array {
  const matrix = new Float64Array(n * n);
  const scale = 1 / Math.sqrt(2 * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const value = (random.gaussian() + random.gaussian()) * scale * (i === j ? Math.SQRT2 : 1);
      matrix[i * n + j] = value;
      matrix[j * n + i] = value;
    }
  }
  return matrix;
}

/** Ascending eigenvalues of a symmetric row-major n×n matrix by ml-matrix (an independent reference for the engine's solver). */
export function referenceEigenvalues(matrix: Float64Array, n: number): Float64Array {
  const rows = Array.from({ length: n }, (_, i) => Array.from(matrix.subarray(i * n, i * n + n)));
  return Float64Array.from(new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true }).realEigenvalues).sort();
}
