/**
 * The hot dense symmetric eigensolver of the Hessian path (ml-matrix's general one takes 12 s
 * for n = 1000; this one tridiagonalizes in place on a flat row-major array): Householder
 * reduction A = QTQᵀ, then the implicit QL iteration with Wilkinson shifts on T (Golub & Van
 * Loan, Matrix Computations, §8.3; Numerical Recipes' tqli). Eigenvectors are accumulated only
 * when asked, as rows of a row-major array so every rotation touches contiguous memory.
 */

/** Eigenvalues ascending, and when asked eigenvectors: vectors[k·n + i] is component i of the k-th. */
export interface DenseEigenpairs {
  values: Float64Array;
  /** Row k (length n) is the unit eigenvector of values[k]. */
  vectors?: Float64Array;
}

/** A = QΛQᵀ for symmetric row-major A (n×n, overwritten): Householder tridiagonalization + implicit QL. */
export function symmetricEigenInPlace(matrix: Float64Array, n: number, withVectors: boolean): DenseEigenpairs {
  const diagonal = new Float64Array(n);
  const offDiagonal = new Float64Array(n);
  const reflectors = householderTridiagonalize(matrix, n, diagonal, offDiagonal);
  const rows = withVectors ? orthogonalFactorTransposed(reflectors, n) : undefined;
  tridiagonalQl(diagonal, offDiagonal, rows, n);
  const order = Array.from(diagonal.keys()).sort((a, b) => diagonal[a] - diagonal[b]);
  const values = Float64Array.from(order, (k) => diagonal[k]);
  if (!rows) return { values };
  const vectors = new Float64Array(n * n);
  order.forEach((source, k) => vectors.set(rows.subarray(source * n, source * n + n), k * n));
  return { values, vectors };
}

/**
 * Reduces A to tridiagonal T = Hₙ₋₃⋯H₀ A H₀⋯Hₙ₋₃ with reflectors Hₖ = I − 2vvᵀ (‖v‖ = 1, v
 * supported on k+1…n−1), updating only A's upper triangle. Returns the reflectors (row k of
 * the returned array is vₖ, zero where unused).
 */
function householderTridiagonalize(a: Float64Array, n: number, diagonal: Float64Array, offDiagonal: Float64Array): Float64Array {
  const reflectors = new Float64Array(Math.max(n - 2, 0) * n);
  const p = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const start = k + 1;
    const rowK = k * n;
    let sumSquares = 0;
    for (let j = start; j < n; j++) sumSquares += a[rowK + j] * a[rowK + j];
    const norm = Math.sqrt(sumSquares);
    diagonal[k] = a[rowK + k];
    const first = a[rowK + start];
    const alpha = first > 0 ? -norm : norm;
    offDiagonal[k] = alpha;
    const vNormSquared = sumSquares - first * first + (first - alpha) * (first - alpha);
    if (norm === 0 || vNormSquared === 0) continue;
    const v = reflectors.subarray(k * n, k * n + n);
    const scale = 1 / Math.sqrt(vNormSquared);
    v[start] = (first - alpha) * scale;
    for (let j = start + 1; j < n; j++) v[j] = a[rowK + j] * scale;
    // p = B v from the upper triangle of the trailing block B = A[start.., start..], two rows at a time.
    p.fill(0, start);
    let i = start;
    for (; i + 1 < n; i += 2) {
      const row0 = i * n;
      const row1 = row0 + n;
      const v0 = v[i];
      const v1 = v[i + 1];
      const corner = a[row0 + i + 1];
      let sum0 = a[row0 + i] * v0 + corner * v1;
      let sum1 = corner * v0 + a[row1 + i + 1] * v1;
      for (let j = i + 2; j < n; j++) {
        const x0 = a[row0 + j];
        const x1 = a[row1 + j];
        const vj = v[j];
        sum0 += x0 * vj;
        sum1 += x1 * vj;
        p[j] += x0 * v0 + x1 * v1;
      }
      p[i] += sum0;
      p[i + 1] += sum1;
    }
    if (i < n) p[i] += a[i * n + i] * v[i];
    // w = 2p − 2(vᵀp)v; B ← B − v wᵀ − w vᵀ (upper triangle).
    let vp = 0;
    for (let i = start; i < n; i++) vp += v[i] * p[i];
    for (let i = start; i < n; i++) p[i] = 2 * p[i] - 2 * vp * v[i];
    let r = start;
    for (; r + 1 < n; r += 2) {
      const row0 = r * n;
      const row1 = row0 + n;
      const v0 = v[r];
      const v1 = v[r + 1];
      const w0 = p[r];
      const w1 = p[r + 1];
      a[row0 + r] -= 2 * v0 * w0;
      a[row0 + r + 1] -= v0 * w1 + w0 * v1;
      a[row1 + r + 1] -= 2 * v1 * w1;
      for (let j = r + 2; j < n; j++) {
        const vj = v[j];
        const wj = p[j];
        a[row0 + j] -= v0 * wj + w0 * vj;
        a[row1 + j] -= v1 * wj + w1 * vj;
      }
    }
    if (r < n) a[r * n + r] -= 2 * v[r] * p[r];
  }
  if (n >= 2) {
    diagonal[n - 2] = a[(n - 2) * n + n - 2];
    offDiagonal[n - 2] = a[(n - 2) * n + n - 1];
  }
  if (n >= 1) diagonal[n - 1] = a[n * n - 1];
  offDiagonal[n - 1] = 0;
  return reflectors;
}

/** Qᵀ (row-major) for Q = H₀H₁⋯Hₙ₋₃, accumulated backward so each Hₖ touches only the trailing block. */
function orthogonalFactorTransposed(reflectors: Float64Array, n: number): Float64Array {
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  const combination = new Float64Array(n);
  for (let k = n - 3; k >= 0; k--) {
    const v = reflectors.subarray(k * n, k * n + n);
    const start = k + 1;
    combination.fill(0, start);
    for (let i = start; i < n; i++) {
      const vi = v[i];
      if (vi === 0) continue;
      const row = i * n;
      for (let j = start; j < n; j++) combination[j] += vi * q[row + j];
    }
    for (let i = start; i < n; i++) {
      const factor = 2 * v[i];
      if (factor === 0) continue;
      const row = i * n;
      for (let j = start; j < n; j++) q[row + j] -= factor * combination[j];
    }
  }
  // Transpose in place: rows of the result are columns of Q.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const swap = q[i * n + j];
      q[i * n + j] = q[j * n + i];
      q[j * n + i] = swap;
    }
  }
  return q;
}

/**
 * Eigenvalues of the symmetric tridiagonal matrix (diagonal d, offDiagonal e with e[i] = T[i][i+1])
 * by the implicit QL iteration with Wilkinson shifts, in place into d; rotations applied to the
 * rows of `rows` when given.
 */
function tridiagonalQl(d: Float64Array, e: Float64Array, rows: Float64Array | undefined, n: number): void {
  for (let l = 0; l < n; l++) {
    let iterations = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const scale = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * scale) break;
      }
      if (m === l) break;
      if (iterations++ === 60) throw new Error(`the tridiagonal QL iteration did not converge for eigenvalue ${l}`);
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1] -= p;
          e[m] = 0;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        if (rows) rotateRows(rows, n, i, c, s);
      }
      if (r === 0 && i >= l) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/** (row i, row i+1) ← (c·rᵢ − s·rᵢ₊₁, s·rᵢ + c·rᵢ₊₁): a Givens rotation of two contiguous rows. */
function rotateRows(rows: Float64Array, n: number, i: number, c: number, s: number): void {
  const a = i * n;
  const b = a + n;
  for (let k = 0; k < n; k++) {
    const f = rows[b + k];
    rows[b + k] = s * rows[a + k] + c * f;
    rows[a + k] = c * rows[a + k] - s * f;
  }
}
