import { Matrix, solve } from 'ml-matrix';

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
