/** Vector kernels on Float64Array (and plain arrays): the one dot product and Euclidean norm of the engine. */

/** uᵀv = Σ uᵢvᵢ, in four partial sums (instruction-level parallelism: the Lanczos reorthogonalization's hot loop). */
export function dot(u: ArrayLike<number>, v: ArrayLike<number>): number {
  const n = u.length;
  const end = n - (n % 4);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let i = 0; i < end; i += 4) {
    s0 += u[i] * v[i];
    s1 += u[i + 1] * v[i + 1];
    s2 += u[i + 2] * v[i + 2];
    s3 += u[i + 3] * v[i + 3];
  }
  for (let i = end; i < n; i++) s0 += u[i] * v[i];
  return s0 + s1 + (s2 + s3);
}

/** ‖v‖₂ = sqrt(Σ vᵢ²). */
export function norm2(v: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  return Math.sqrt(sum);
}
