import { EigenvalueDecomposition, Matrix, solve } from 'ml-matrix';

/** Eigen-decomposition of a symmetric matrix A = QΛQᵀ (row-major n×n), eigenvalues ascending. */
export interface SymmetricEigen {
  /** Ascending eigenvalues λ₁ ≤ … ≤ λₙ. */
  values: Float64Array;
  /** Eigenvectors as columns of a row-major n×n matrix: column k belongs to values[k]. */
  vectors: Float64Array;
}

/** A = QΛQᵀ for symmetric A (ml-matrix's tridiagonal QL), sorted so λ ascends. */
export function symmetricEigen(matrix: Float64Array, n: number): SymmetricEigen {
  if (n === 2) return symmetricEigen2(matrix);
  const decomposition = new EigenvalueDecomposition(toMatrix(matrix, n), { assumeSymmetric: true });
  const raw = decomposition.realEigenvalues;
  const order = raw.map((_, i) => i).sort((a, b) => raw[a] - raw[b]);
  const q = decomposition.eigenvectorMatrix;
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((source, k) => {
    values[k] = raw[source];
    for (let i = 0; i < n; i++) vectors[i * n + k] = q.get(i, source);
  });
  return { values, vectors };
}

/** Closed form for 2×2 symmetric [[a, b], [b, d]]: λ = (a+d)/2 ∓ √(((a−d)/2)² + b²). */
function symmetricEigen2(matrix: Float64Array): SymmetricEigen {
  const a = matrix[0];
  const b = 0.5 * (matrix[1] + matrix[2]);
  const d = matrix[3];
  const mean = 0.5 * (a + d);
  const radius = Math.hypot(0.5 * (a - d), b);
  const values = Float64Array.of(mean - radius, mean + radius);
  let vx: number;
  let vy: number;
  if (b !== 0) {
    vx = values[0] - d;
    vy = b;
  } else if (a <= d) {
    vx = 1;
    vy = 0;
  } else {
    vx = 0;
    vy = 1;
  }
  const length = Math.hypot(vx, vy);
  vx /= length;
  vy /= length;
  // Columns: v₁ = (vx, vy), v₂ = (−vy, vx).
  return { values, vectors: Float64Array.of(vx, -vy, vy, vx) };
}

/** Eigenvalues only, ascending. */
export function symmetricEigenvalues(matrix: Float64Array, n: number): Float64Array {
  return symmetricEigen(matrix, n).values;
}

/** x = A⁻¹b for a square A (LU with partial pivoting); least squares when A is singular. */
export function solveLinear(matrix: Float64Array, n: number, rhs: Float64Array): Float64Array {
  if (n === 2) {
    const det = matrix[0] * matrix[3] - matrix[1] * matrix[2];
    const scale = Math.max(Math.abs(matrix[0]), Math.abs(matrix[1]), Math.abs(matrix[2]), Math.abs(matrix[3]));
    if (Math.abs(det) > 1e-14 * scale * scale) {
      return Float64Array.of((matrix[3] * rhs[0] - matrix[1] * rhs[1]) / det, (matrix[0] * rhs[1] - matrix[2] * rhs[0]) / det);
    }
  }
  const solution = solve(toMatrix(matrix, n), Matrix.columnVector(Array.from(rhs)), true);
  return Float64Array.from(solution.getColumn(0));
}

/** Row-major Float64Array → ml-matrix Matrix. */
export function toMatrix(matrix: Float64Array, n: number, columns = n): Matrix {
  const result = new Matrix(n, columns);
  for (let i = 0; i < n; i++) for (let j = 0; j < columns; j++) result.set(i, j, matrix[i * columns + j]);
  return result;
}
