/**
 * The engine's symmetric eigensolver, A = QΛQᵀ for a symmetric row-major n×n A, eigenvalues
 * ascending and eigenvectors as rows (row k, length n, is the unit eigenvector of values[k]).
 * n = 2 has a closed form; larger n are tridiagonalized in place on the flat array (Householder
 * reduction A = QTQᵀ) and then solved by the implicit QL iteration with Wilkinson shifts on T
 * (Golub & Van Loan, Matrix Computations, §8.3), with LAPACK dsteqr's splitting, scaling and
 * iteration budget and a deflation test relative to the block's norm (see tridiagonalQl). Eigenvectors are
 * accumulated only when asked, as rows, so every rotation touches contiguous memory (ml-matrix's
 * general solver takes 12 s for n = 1000).
 */

/**
 * Matrices and tridiagonal blocks whose largest entry lies outside [SAFE_LOW, SAFE_HIGH] are scaled
 * to 1 first, so that ε·‖T‖ cannot underflow and no sum of n squares (n ≤ 2¹⁵) can overflow.
 */
const SAFE_LOW = 2 ** -400;
const SAFE_HIGH = 2 ** 400;

/** Eigenvalues ascending, and when asked the eigenvectors: vectors[k·n + i] is component i of the k-th. */
export interface SymmetricEigen {
  values: Float64Array;
  /** Row k (length n) is the unit eigenvector of values[k]; present when asked for. */
  vectors?: Float64Array;
}

export interface SymmetricEigenOptions {
  /** Also compute the eigenvectors (default false; about 4× the work). */
  vectors?: boolean;
  /** The matrix may be overwritten (saves a copy of n² numbers); default false. */
  overwrite?: boolean;
}

/** A = QΛQᵀ for symmetric row-major A (n×n): ascending eigenvalues and, when asked, eigenvectors as rows. */
export function symmetricEigen(matrix: Float64Array, n: number, options: SymmetricEigenOptions = {}): SymmetricEigen {
  const withVectors = options.vectors ?? false;
  if (n === 2) return symmetricEigen2(matrix, withVectors);
  const a = options.overwrite ? matrix : Float64Array.from(matrix.subarray(0, n * n));
  // Scaled into a safe range first, as LAPACK's dsyev does: the reflectors' sums of squares
  // must neither underflow (entries near 1e-200) nor overflow (near 1e200).
  let largest = 0;
  for (let k = 0; k < n * n; k++) {
    const size = Math.abs(a[k]);
    if (!Number.isFinite(size)) throw new Error('the symmetric eigensolver was given a matrix with non-finite entries (NaN or ±Infinity)');
    if (size > largest) largest = size;
  }
  const scale = largest > 0 && (largest < SAFE_LOW || largest > SAFE_HIGH) ? 1 / largest : 1;
  if (scale !== 1) for (let k = 0; k < n * n; k++) a[k] *= scale;
  const diagonal = new Float64Array(n);
  const offDiagonal = new Float64Array(n);
  const reflectors = householderTridiagonalize(a, n, diagonal, offDiagonal);
  const rows = withVectors ? orthogonalFactorTransposed(reflectors, n) : undefined;
  tridiagonalQl(diagonal, offDiagonal, rows, n);
  if (scale !== 1) for (let k = 0; k < n; k++) diagonal[k] /= scale;
  const order = Array.from(diagonal.keys()).sort((i, j) => diagonal[i] - diagonal[j]);
  const values = Float64Array.from(order, (k) => diagonal[k]);
  if (!rows) return { values };
  const vectors = new Float64Array(n * n);
  order.forEach((source, k) => vectors.set(rows.subarray(source * n, source * n + n), k * n));
  return { values, vectors };
}

/** Closed form for 2×2 symmetric [[a, b], [b, d]]: λ = (a+d)/2 ∓ √(((a−d)/2)² + b²). */
function symmetricEigen2(matrix: Float64Array, withVectors: boolean): SymmetricEigen {
  const a = matrix[0];
  const b = 0.5 * (matrix[1] + matrix[2]);
  const d = matrix[3];
  const mean = 0.5 * (a + d);
  const radius = Math.hypot(0.5 * (a - d), b);
  const values = Float64Array.of(mean - radius, mean + radius);
  if (!withVectors) return { values };
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
  // Rows: v₁ = (vx, vy), v₂ = (−vy, vx).
  return { values, vectors: Float64Array.of(vx, vy, -vy, vx) };
}

/**
 * Reduces A to tridiagonal T = Hₙ₋₃⋯H₀ A H₀⋯Hₙ₋₃ with reflectors Hₖ = I − 2vvᵀ (‖v‖ = 1, v
 * supported on k+1…n−1), updating only A's upper triangle. Returns the reflectors (row k of
 * the returned array is vₖ, zero where unused). One pass over the trailing block per step: the
 * rank-2 update of step k also accumulates the product p = B·vₖ₊₁ of step k+1 (its pivot row is
 * updated first, so vₖ₊₁ is known before the rest of the block is touched).
 */
function householderTridiagonalize(a: Float64Array, n: number, diagonal: Float64Array, offDiagonal: Float64Array): Float64Array {
  const reflectors = new Float64Array(Math.max(n - 2, 0) * n);
  let p = new Float64Array(n);
  let next = new Float64Array(n);
  // p holds B·vₖ for the step about to run (accumulated by the previous step's update).
  let ready = false;
  // The reflector of step `made` is already formed, with this outcome.
  let made = -1;
  let madeNonzero = false;
  for (let k = 0; k < n - 2; k++) {
    const start = k + 1;
    const nonzero = made === k ? madeNonzero : formReflector(a, n, k, reflectors, diagonal, offDiagonal);
    if (!nonzero) {
      ready = false;
      continue;
    }
    const v = reflectors.subarray(k * n, k * n + n);
    if (!ready) symmetricTimes(a, n, start, v, p);
    // w = 2p − 2(vᵀp)v; B ← B − v wᵀ − w vᵀ (upper triangle), the pivot row `start` first.
    let vp = 0;
    for (let i = start; i < n; i++) vp += v[i] * p[i];
    for (let i = start; i < n; i++) p[i] = 2 * p[i] - 2 * vp * v[i];
    const pivot = start * n;
    const vs = v[start];
    const ws = p[start];
    for (let j = start; j < n; j++) a[pivot + j] -= vs * p[j] + ws * v[j];
    made = start;
    madeNonzero = start < n - 2 && formReflector(a, n, start, reflectors, diagonal, offDiagonal);
    if (madeNonzero) {
      updateAndMultiply(a, n, start + 1, v, p, reflectors.subarray(start * n, start * n + n), next);
      const swap = p;
      p = next;
      next = swap;
      ready = true;
    } else {
      updateTrailing(a, n, start + 1, v, p);
      ready = false;
    }
  }
  if (n >= 2) {
    diagonal[n - 2] = a[(n - 2) * n + n - 2];
    offDiagonal[n - 2] = a[(n - 2) * n + n - 1];
  }
  if (n >= 1) diagonal[n - 1] = a[n * n - 1];
  offDiagonal[n - 1] = 0;
  return reflectors;
}

/**
 * The reflector of step k from row k (final by now): diagonal[k], offDiagonal[k] = α and row k of
 * reflectors = v (unit, supported on k+1…n−1). False when row k is already reduced (no reflector).
 */
function formReflector(a: Float64Array, n: number, k: number, reflectors: Float64Array, diagonal: Float64Array, offDiagonal: Float64Array): boolean {
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
  if (norm === 0 || vNormSquared === 0) return false;
  const v = reflectors.subarray(k * n, k * n + n);
  const scale = 1 / Math.sqrt(vNormSquared);
  v[start] = (first - alpha) * scale;
  for (let j = start + 1; j < n; j++) v[j] = a[rowK + j] * scale;
  return true;
}

/** p = B v from the upper triangle of the trailing block B = A[start.., start..], two rows at a time. */
function symmetricTimes(a: Float64Array, n: number, start: number, v: Float64Array, p: Float64Array): void {
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
}

/** B ← B − v wᵀ − w vᵀ on the upper triangle of rows first…n−1, two rows at a time. */
function updateTrailing(a: Float64Array, n: number, first: number, v: Float64Array, w: Float64Array): void {
  let r = first;
  for (; r + 1 < n; r += 2) {
    const row0 = r * n;
    const row1 = row0 + n;
    const v0 = v[r];
    const v1 = v[r + 1];
    const w0 = w[r];
    const w1 = w[r + 1];
    a[row0 + r] -= 2 * v0 * w0;
    a[row0 + r + 1] -= v0 * w1 + w0 * v1;
    a[row1 + r + 1] -= 2 * v1 * w1;
    for (let j = r + 2; j < n; j++) {
      const vj = v[j];
      const wj = w[j];
      a[row0 + j] -= v0 * wj + w0 * vj;
      a[row1 + j] -= v1 * wj + w1 * vj;
    }
  }
  if (r < n) a[r * n + r] -= 2 * v[r] * w[r];
}

/** updateTrailing(first), and q = B′u for the updated block B′ = A[first.., first..] in the same pass (four rows at a time). */
function updateAndMultiply(a: Float64Array, n: number, first: number, v: Float64Array, w: Float64Array, u: Float64Array, q: Float64Array): void {
  q.fill(0, first);
  let r = first;
  for (; r + 3 < n; r += 4) {
    const row0 = r * n;
    const row1 = row0 + n;
    const row2 = row1 + n;
    const row3 = row2 + n;
    const v0 = v[r], v1 = v[r + 1], v2 = v[r + 2], v3 = v[r + 3];
    const w0 = w[r], w1 = w[r + 1], w2 = w[r + 2], w3 = w[r + 3];
    const u0 = u[r], u1 = u[r + 1], u2 = u[r + 2], u3 = u[r + 3];
    // The 4×4 diagonal block (upper triangle), updated, then its share of q.
    const a00 = (a[row0 + r] -= 2 * v0 * w0);
    const a01 = (a[row0 + r + 1] -= v0 * w1 + w0 * v1);
    const a02 = (a[row0 + r + 2] -= v0 * w2 + w0 * v2);
    const a03 = (a[row0 + r + 3] -= v0 * w3 + w0 * v3);
    const a11 = (a[row1 + r + 1] -= 2 * v1 * w1);
    const a12 = (a[row1 + r + 2] -= v1 * w2 + w1 * v2);
    const a13 = (a[row1 + r + 3] -= v1 * w3 + w1 * v3);
    const a22 = (a[row2 + r + 2] -= 2 * v2 * w2);
    const a23 = (a[row2 + r + 3] -= v2 * w3 + w2 * v3);
    const a33 = (a[row3 + r + 3] -= 2 * v3 * w3);
    let sum0 = a00 * u0 + a01 * u1 + a02 * u2 + a03 * u3;
    let sum1 = a01 * u0 + a11 * u1 + a12 * u2 + a13 * u3;
    let sum2 = a02 * u0 + a12 * u1 + a22 * u2 + a23 * u3;
    let sum3 = a03 * u0 + a13 * u1 + a23 * u2 + a33 * u3;
    for (let j = r + 4; j < n; j++) {
      const vj = v[j];
      const wj = w[j];
      const x0 = a[row0 + j] - (v0 * wj + w0 * vj);
      const x1 = a[row1 + j] - (v1 * wj + w1 * vj);
      const x2 = a[row2 + j] - (v2 * wj + w2 * vj);
      const x3 = a[row3 + j] - (v3 * wj + w3 * vj);
      a[row0 + j] = x0;
      a[row1 + j] = x1;
      a[row2 + j] = x2;
      a[row3 + j] = x3;
      const uj = u[j];
      sum0 += x0 * uj;
      sum1 += x1 * uj;
      sum2 += x2 * uj;
      sum3 += x3 * uj;
      q[j] += x0 * u0 + x1 * u1 + (x2 * u2 + x3 * u3);
    }
    q[r] += sum0;
    q[r + 1] += sum1;
    q[r + 2] += sum2;
    q[r + 3] += sum3;
  }
  for (; r < n; r++) {
    const row = r * n;
    const vr = v[r];
    const wr = w[r];
    const ur = u[r];
    const diagonal = (a[row + r] -= 2 * vr * wr);
    let sum = diagonal * ur;
    for (let j = r + 1; j < n; j++) {
      const x = (a[row + j] -= vr * w[j] + wr * v[j]);
      sum += x * u[j];
      q[j] += x * ur;
    }
    q[r] += sum;
  }
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
 * rows of `rows` when given. As in LAPACK's dsteqr, T is first split into unreduced blocks where an
 * off-diagonal entry is negligible next to its two diagonal neighbours, each block is scaled into a
 * safe range when its norm is extreme, and the iteration has a budget of 30 sweeps per eigenvalue
 * for the whole matrix rather than for each eigenvalue.
 *
 * Within a block, e[m] counts as converged when |e[m]| ≤ ε·‖block‖. A test against the neighbours
 * alone (|e[m]| ≤ ε·(|d[m]| + |d[m+1]|)) cannot be met for a cluster of eigenvalues at zero (the
 * null directions of a softmax output layer give a Hessian dozens of them): there the diagonal
 * entries are themselves rounding noise of size ε·‖T‖, every sweep through the rest of the block
 * adds noise of that size to e, and the iteration stalls far above the local threshold. Deflating at
 * ε·‖block‖ perturbs each eigenvalue by at most that much (Weyl), the same order as the backward
 * error of the Householder reduction and of LAPACK's own solvers.
 */
function tridiagonalQl(d: Float64Array, e: Float64Array, rows: Float64Array | undefined, n: number): void {
  const budget = { sweeps: 30 * n };
  let start = 0;
  while (start < n) {
    let end = start;
    while (end < n - 1 && Math.abs(e[end]) > Number.EPSILON * Math.sqrt(Math.abs(d[end])) * Math.sqrt(Math.abs(d[end + 1]))) end++;
    e[end] = 0;
    if (end > start) tridiagonalBlockQl(d, e, rows, n, start, end, budget);
    start = end + 1;
  }
}


/** The QL iteration on the unreduced block first…last of T (e[last] = 0), spending sweeps from the shared budget. */
function tridiagonalBlockQl(d: Float64Array, e: Float64Array, rows: Float64Array | undefined, n: number, first: number, last: number, budget: { sweeps: number }): void {
  let norm = 0;
  for (let i = first; i <= last; i++) norm = Math.max(norm, Math.abs(d[i]) + Math.abs(e[i]) + (i > first ? Math.abs(e[i - 1]) : 0));
  const scale = norm < SAFE_LOW || norm > SAFE_HIGH ? 1 / norm : 1;
  if (scale !== 1) {
    for (let i = first; i <= last; i++) {
      d[i] *= scale;
      e[i] *= scale;
    }
  }
  const tolerance = Number.EPSILON * norm * scale;
  for (let l = first; l <= last; l++) {
    for (;;) {
      let m = l;
      while (m < last && Math.abs(e[m]) > tolerance) m++;
      if (m === l) break;
      if (budget.sweeps-- <= 0) throw new Error(`the tridiagonal QL iteration did not converge for eigenvalue ${l} within ${30 * n} sweeps`);
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
  if (scale !== 1) {
    for (let i = first; i <= last; i++) d[i] /= scale;
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
