import type { Objective } from '../objective';
import type { Random } from '../random';

/** f(x) = ½xᵀAx for a symmetric row-major n×n A: ∇f = Ax, Hv = Av (a test bed with a known spectrum). */
export function quadraticObjective(matrix: Float64Array, n: number): Objective {
  const multiply = (v: Float64Array, out: Float64Array): void => {
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < n; j++) sum += matrix[i * n + j] * v[j];
      out[i] = sum;
    }
  };
  const product = new Float64Array(n);
  return {
    dim: n,
    value(x) {
      multiply(x, product);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += x[i] * product[i];
      return 0.5 * sum;
    },
    gradient(x, out) {
      multiply(x, out);
      let sum = 0;
      for (let i = 0; i < n; i++) sum += x[i] * out[i];
      return 0.5 * sum;
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
