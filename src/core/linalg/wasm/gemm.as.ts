// AssemblyScript source of the WebAssembly SIMD GEMM (compiled by scripts/build-wasm.mjs).
// C[m×n] (+)= op(A)[m×k]·B[k×n]: B and C row-major (contiguous rows), op(A) read through
// element strides (aRow, aCol) so that A or Aᵀ needs no copy. f64x2 lanes, a 4×4 register tile
// (8 accumulators), k split in blocks of KC so the B panel stays in cache, no allocation; the
// first k block stores its tiles without reading C.

const KC: i32 = 256;

export function gemm(m: i32, n: i32, k: i32, a: usize, aRow: i32, aCol: i32, b: usize, c: usize, accumulate: i32): void {
  const aRowB = <usize>aRow << 3;
  const aColB = <usize>aCol << 3;
  const nB = <usize>n << 3;
  const tiled = m & ~3;
  // Tiles of the first k block store their sums (no zero fill, no read of C); rows past the
  // last full tile accumulate, so they start from zero.
  if (accumulate == 0) memory.fill(c + <usize>tiled * nB, 0, <usize>(m - tiled) * nB);
  for (let p0: i32 = 0; p0 < k; p0 += KC) {
    const kc = min(KC, k - p0);
    const overwrite = accumulate == 0 && p0 == 0;
    let i: i32 = 0;
    for (; i < tiled; i += 4) {
      const aPanel = a + <usize>i * aRowB + <usize>p0 * aColB;
      const bPanel = b + <usize>p0 * nB;
      const cRow = c + <usize>i * nB;
      let j: i32 = 0;
      for (; j + 4 <= n; j += 4) tile4x4(kc, aPanel, aRowB, aColB, bPanel + (<usize>j << 3), nB, cRow + (<usize>j << 3), overwrite);
      for (; j + 2 <= n; j += 2) tile4x2(kc, aPanel, aRowB, aColB, bPanel + (<usize>j << 3), nB, cRow + (<usize>j << 3), overwrite);
      if (j < n) tile4x1(kc, aPanel, aRowB, aColB, bPanel + (<usize>j << 3), nB, cRow + (<usize>j << 3), overwrite);
    }
    for (; i < m; i++) {
      const aRowPtr = a + <usize>i * aRowB + <usize>p0 * aColB;
      const cRow = c + <usize>i * nB;
      for (let p: i32 = 0; p < kc; p++) {
        const av = load<f64>(aRowPtr + <usize>p * aColB);
        const splat = f64x2.splat(av);
        const bRow = b + <usize>(p0 + p) * nB;
        let j: i32 = 0;
        for (; j + 2 <= n; j += 2) {
          const at = cRow + (<usize>j << 3);
          v128.store(at, f64x2.add(v128.load(at), f64x2.mul(splat, v128.load(bRow + (<usize>j << 3)))));
        }
        if (j < n) {
          const at = cRow + (<usize>j << 3);
          store<f64>(at, load<f64>(at) + av * load<f64>(bRow + (<usize>j << 3)));
        }
      }
    }
  }
}

// @ts-expect-error: decorator
@inline
function tile4x4(kc: i32, aPtr: usize, aRowB: usize, aColB: usize, bPtr: usize, nB: usize, cPtr: usize, overwrite: bool): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0), c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0), c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  for (let p: i32 = 0; p < kc; p++) {
    const b0 = v128.load(bPtr);
    const b1 = v128.load(bPtr, 16);
    const a0 = v128.load64_splat(aPtr);
    const a1 = v128.load64_splat(aPtr + aRowB);
    const a2 = v128.load64_splat(aPtr + 2 * aRowB);
    const a3 = v128.load64_splat(aPtr + 3 * aRowB);
    c00 = f64x2.add(c00, f64x2.mul(a0, b0));
    c01 = f64x2.add(c01, f64x2.mul(a0, b1));
    c10 = f64x2.add(c10, f64x2.mul(a1, b0));
    c11 = f64x2.add(c11, f64x2.mul(a1, b1));
    c20 = f64x2.add(c20, f64x2.mul(a2, b0));
    c21 = f64x2.add(c21, f64x2.mul(a2, b1));
    c30 = f64x2.add(c30, f64x2.mul(a3, b0));
    c31 = f64x2.add(c31, f64x2.mul(a3, b1));
    aPtr += aColB;
    bPtr += nB;
  }
  if (!overwrite) {
    c00 = f64x2.add(v128.load(cPtr), c00);
    c01 = f64x2.add(v128.load(cPtr, 16), c01);
    c10 = f64x2.add(v128.load(cPtr + nB), c10);
    c11 = f64x2.add(v128.load(cPtr + nB, 16), c11);
    c20 = f64x2.add(v128.load(cPtr + 2 * nB), c20);
    c21 = f64x2.add(v128.load(cPtr + 2 * nB, 16), c21);
    c30 = f64x2.add(v128.load(cPtr + 3 * nB), c30);
    c31 = f64x2.add(v128.load(cPtr + 3 * nB, 16), c31);
  }
  v128.store(cPtr, c00);
  v128.store(cPtr, c01, 16);
  v128.store(cPtr + nB, c10);
  v128.store(cPtr + nB, c11, 16);
  v128.store(cPtr + 2 * nB, c20);
  v128.store(cPtr + 2 * nB, c21, 16);
  v128.store(cPtr + 3 * nB, c30);
  v128.store(cPtr + 3 * nB, c31, 16);
}

// @ts-expect-error: decorator
@inline
function tile4x2(kc: i32, aPtr: usize, aRowB: usize, aColB: usize, bPtr: usize, nB: usize, cPtr: usize, overwrite: bool): void {
  let c0 = f64x2.splat(0), c1 = f64x2.splat(0), c2 = f64x2.splat(0), c3 = f64x2.splat(0);
  for (let p: i32 = 0; p < kc; p++) {
    const b0 = v128.load(bPtr);
    c0 = f64x2.add(c0, f64x2.mul(v128.load64_splat(aPtr), b0));
    c1 = f64x2.add(c1, f64x2.mul(v128.load64_splat(aPtr + aRowB), b0));
    c2 = f64x2.add(c2, f64x2.mul(v128.load64_splat(aPtr + 2 * aRowB), b0));
    c3 = f64x2.add(c3, f64x2.mul(v128.load64_splat(aPtr + 3 * aRowB), b0));
    aPtr += aColB;
    bPtr += nB;
  }
  if (!overwrite) {
    c0 = f64x2.add(v128.load(cPtr), c0);
    c1 = f64x2.add(v128.load(cPtr + nB), c1);
    c2 = f64x2.add(v128.load(cPtr + 2 * nB), c2);
    c3 = f64x2.add(v128.load(cPtr + 3 * nB), c3);
  }
  v128.store(cPtr, c0);
  v128.store(cPtr + nB, c1);
  v128.store(cPtr + 2 * nB, c2);
  v128.store(cPtr + 3 * nB, c3);
}

// @ts-expect-error: decorator
@inline
function tile4x1(kc: i32, aPtr: usize, aRowB: usize, aColB: usize, bPtr: usize, nB: usize, cPtr: usize, overwrite: bool): void {
  let c0: f64 = 0, c1: f64 = 0, c2: f64 = 0, c3: f64 = 0;
  for (let p: i32 = 0; p < kc; p++) {
    const bv = load<f64>(bPtr);
    c0 += load<f64>(aPtr) * bv;
    c1 += load<f64>(aPtr + aRowB) * bv;
    c2 += load<f64>(aPtr + 2 * aRowB) * bv;
    c3 += load<f64>(aPtr + 3 * aRowB) * bv;
    aPtr += aColB;
    bPtr += nB;
  }
  if (!overwrite) {
    c0 += load<f64>(cPtr);
    c1 += load<f64>(cPtr + nB);
    c2 += load<f64>(cPtr + 2 * nB);
    c3 += load<f64>(cPtr + 3 * nB);
  }
  store<f64>(cPtr, c0);
  store<f64>(cPtr + nB, c1);
  store<f64>(cPtr + 2 * nB, c2);
  store<f64>(cPtr + 3 * nB, c3);
}

// C[m×n] (+)= A[m×k]·B[n×k]ᵀ with A and B row-major: dot products along contiguous rows, a 2×4
// tile of f64x2 partial sums (pairs of p), summed across lanes at the end. No transpose needed.
export function gemmNT(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, accumulate: i32): void {
  const kB = <usize>k << 3;
  const nB = <usize>n << 3;
  const pairs = k & ~1;
  let i: i32 = 0;
  for (; i + 2 <= m; i += 2) {
    const a0 = a + <usize>i * kB;
    const a1 = a0 + kB;
    const cRow = c + <usize>i * nB;
    let j: i32 = 0;
    for (; j + 4 <= n; j += 4) {
      const b0 = b + <usize>j * kB;
      const b1 = b0 + kB;
      const b2 = b1 + kB;
      const b3 = b2 + kB;
      let s00 = f64x2.splat(0), s01 = f64x2.splat(0), s02 = f64x2.splat(0), s03 = f64x2.splat(0);
      let s10 = f64x2.splat(0), s11 = f64x2.splat(0), s12 = f64x2.splat(0), s13 = f64x2.splat(0);
      for (let q: usize = 0; q < (<usize>pairs << 3); q += 16) {
        const x0 = v128.load(a0 + q);
        const x1 = v128.load(a1 + q);
        const y0 = v128.load(b0 + q);
        const y1 = v128.load(b1 + q);
        const y2 = v128.load(b2 + q);
        const y3 = v128.load(b3 + q);
        s00 = f64x2.add(s00, f64x2.mul(x0, y0));
        s01 = f64x2.add(s01, f64x2.mul(x0, y1));
        s02 = f64x2.add(s02, f64x2.mul(x0, y2));
        s03 = f64x2.add(s03, f64x2.mul(x0, y3));
        s10 = f64x2.add(s10, f64x2.mul(x1, y0));
        s11 = f64x2.add(s11, f64x2.mul(x1, y1));
        s12 = f64x2.add(s12, f64x2.mul(x1, y2));
        s13 = f64x2.add(s13, f64x2.mul(x1, y3));
      }
      let r00 = lanes(s00), r01 = lanes(s01), r02 = lanes(s02), r03 = lanes(s03);
      let r10 = lanes(s10), r11 = lanes(s11), r12 = lanes(s12), r13 = lanes(s13);
      if (pairs < k) {
        const last = <usize>pairs << 3;
        const x0 = load<f64>(a0 + last), x1 = load<f64>(a1 + last);
        const y0 = load<f64>(b0 + last), y1 = load<f64>(b1 + last), y2 = load<f64>(b2 + last), y3 = load<f64>(b3 + last);
        r00 += x0 * y0; r01 += x0 * y1; r02 += x0 * y2; r03 += x0 * y3;
        r10 += x1 * y0; r11 += x1 * y1; r12 += x1 * y2; r13 += x1 * y3;
      }
      const c0 = cRow + (<usize>j << 3);
      const c1 = c0 + nB;
      if (accumulate != 0) {
        r00 += load<f64>(c0); r01 += load<f64>(c0, 8); r02 += load<f64>(c0, 16); r03 += load<f64>(c0, 24);
        r10 += load<f64>(c1); r11 += load<f64>(c1, 8); r12 += load<f64>(c1, 16); r13 += load<f64>(c1, 24);
      }
      store<f64>(c0, r00); store<f64>(c0, r01, 8); store<f64>(c0, r02, 16); store<f64>(c0, r03, 24);
      store<f64>(c1, r10); store<f64>(c1, r11, 8); store<f64>(c1, r12, 16); store<f64>(c1, r13, 24);
    }
    for (; j < n; j++) {
      const bj = b + <usize>j * kB;
      storeDot(cRow + (<usize>j << 3), a0, bj, k, accumulate);
      storeDot(cRow + nB + (<usize>j << 3), a1, bj, k, accumulate);
    }
  }
  for (; i < m; i++) {
    const ai = a + <usize>i * kB;
    for (let j: i32 = 0; j < n; j++) storeDot(c + <usize>i * nB + (<usize>j << 3), ai, b + <usize>j * kB, k, accumulate);
  }
}

// @ts-expect-error: decorator
@inline
function lanes(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

function storeDot(at: usize, x: usize, y: usize, k: i32, accumulate: i32): void {
  let s = f64x2.splat(0);
  const pairs = k & ~1;
  for (let q: usize = 0; q < (<usize>pairs << 3); q += 16) s = f64x2.add(s, f64x2.mul(v128.load(x + q), v128.load(y + q)));
  let r = lanes(s);
  if (pairs < k) r += load<f64>(x + (<usize>pairs << 3)) * load<f64>(y + (<usize>pairs << 3));
  store<f64>(at, accumulate != 0 ? load<f64>(at) + r : r);
}

// y += α·x over n doubles.
export function axpy(n: i32, alpha: f64, x: usize, y: usize): void {
  const a = f64x2.splat(alpha);
  const pairs = n & ~1;
  for (let q: usize = 0; q < (<usize>pairs << 3); q += 16) v128.store(y + q, f64x2.add(v128.load(y + q), f64x2.mul(a, v128.load(x + q))));
  if (pairs < n) {
    const last = <usize>pairs << 3;
    store<f64>(y + last, load<f64>(y + last) + alpha * load<f64>(x + last));
  }
}
