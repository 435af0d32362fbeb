/**
 * Dense matrix products on Float64Array, row-major. One kernel shape covers the three products
 * of a layer's forward and backward pass: C (+)= op(A)·B with B and C row-major and A read
 * through strides, so op(A) may be A or Aᵀ without a copy.
 */

/** Where op(A) lives: element (i, p) of op(A) is data[offset + i·rowStride + p·colStride]. */
export interface StridedMatrix {
  data: Float64Array;
  offset: number;
  rowStride: number;
  colStride: number;
}

/** A plain-JS kernel, replaceable by a faster one (the WebAssembly SIMD kernel) at run time. */
export type GemmKernel = (
  m: number,
  n: number,
  k: number,
  a: StridedMatrix,
  b: Float64Array,
  bOffset: number,
  c: Float64Array,
  cOffset: number,
  accumulate: boolean,
) => void;

import { createWasmGemm } from './gemm-wasm';

const BLOCK_K = 128;

/**
 * C[m×n] = op(A)[m×k]·B[k×n] (+ C when accumulate): four rows of C at a time, k in blocks so a
 * panel of B stays in cache, the inner loop streaming one row of B into four rows of C.
 */
export const gemmJs: GemmKernel = (m, n, k, a, b, bOffset, c, cOffset, accumulate) => {
  const { data: ad, offset: ao, rowStride: ars, colStride: acs } = a;
  if (!accumulate) c.fill(0, cOffset, cOffset + m * n);
  for (let p0 = 0; p0 < k; p0 += BLOCK_K) {
    const p1 = Math.min(k, p0 + BLOCK_K);
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const c0 = cOffset + i * n;
      const c1 = c0 + n;
      const c2 = c1 + n;
      const c3 = c2 + n;
      for (let p = p0; p < p1; p++) {
        const base = ao + i * ars + p * acs;
        const a0 = ad[base];
        const a1 = ad[base + ars];
        const a2 = ad[base + 2 * ars];
        const a3 = ad[base + 3 * ars];
        const bRow = bOffset + p * n;
        for (let j = 0; j < n; j++) {
          const bv = b[bRow + j];
          c[c0 + j] += a0 * bv;
          c[c1 + j] += a1 * bv;
          c[c2 + j] += a2 * bv;
          c[c3 + j] += a3 * bv;
        }
      }
    }
    for (; i < m; i++) {
      const cRow = cOffset + i * n;
      for (let p = p0; p < p1; p++) {
        const av = ad[ao + i * ars + p * acs];
        if (av === 0) continue;
        const bRow = bOffset + p * n;
        for (let j = 0; j < n; j++) c[cRow + j] += av * b[bRow + j];
      }
    }
  }
};

/** C[m×n] (+)= A[m×k]·B[n×k]ᵀ, A and B row-major at their offsets (a layer's forward product x·Wᵀ). */
export type GemmNTKernel = (m: number, n: number, k: number, a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, c: Float64Array, cOffset: number, accumulate: boolean) => void;

/** A set of kernels and the allocator whose arrays they read without a copy. */
export interface GemmBackend {
  name: 'wasm-simd' | 'js';
  gemm: GemmKernel;
  gemmNT: GemmNTKernel;
  /** y += α·x. */
  axpy(alpha: number, x: Float64Array, y: Float64Array): void;
  allocate(length: number): Float64Array;
}

/** C = A·Bᵀ by dot products of rows (plain JS). */
export const gemmNTJs: GemmNTKernel = (m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate) => {
  for (let i = 0; i < m; i++) {
    const aRow = aOffset + i * k;
    for (let j = 0; j < n; j++) {
      const bRow = bOffset + j * k;
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[aRow + p] * b[bRow + p];
      const at = cOffset + i * n + j;
      c[at] = accumulate ? c[at] + sum : sum;
    }
  }
};

/** The plain-JS backend. */
export const jsBackend: GemmBackend = {
  name: 'js',
  gemm: gemmJs,
  gemmNT: gemmNTJs,
  axpy(alpha, x, y) {
    for (let i = 0; i < y.length; i++) y[i] += alpha * x[i];
  },
  allocate: (length) => new Float64Array(length),
};

let active: GemmBackend | undefined;

/** The backend in use: WebAssembly SIMD when it loads (unless LANDSCAPE_LENS_GEMM=js), else plain JS. */
function backend(): GemmBackend {
  active ??= (process.env.LANDSCAPE_LENS_GEMM === 'js' ? undefined : createWasmGemm()) ?? jsBackend;
  return active;
}

/** Installs the backend gemm(), gemmNT(), axpy() and allocateMatrix() use. */
export function setGemmBackend(next: GemmBackend): void {
  active = next;
}

/** Name of the backend in use, for benchmarks and reports. */
export function gemmKernelName(): 'wasm-simd' | 'js' {
  return backend().name;
}

/**
 * A zeroed Float64Array the active kernels read in place (in the WebAssembly memory when that
 * backend is active). Its block is reused once the array itself is garbage collected, so keep
 * the array alive as long as any subarray of it is in use.
 */
export function allocateMatrix(length: number): Float64Array {
  return backend().allocate(length);
}

/** C = op(A)·B (+ C when accumulate), with the active kernel. */
export function gemm(m: number, n: number, k: number, a: StridedMatrix, b: Float64Array, bOffset: number, c: Float64Array, cOffset: number, accumulate: boolean): void {
  backend().gemm(m, n, k, a, b, bOffset, c, cOffset, accumulate);
}

/** C = A·Bᵀ (+ C when accumulate) for row-major A (m×k) and B (n×k), with the active kernel. */
export function gemmNT(m: number, n: number, k: number, a: Float64Array, aOffset: number, b: Float64Array, bOffset: number, c: Float64Array, cOffset: number, accumulate: boolean): void {
  backend().gemmNT(m, n, k, a, aOffset, b, bOffset, c, cOffset, accumulate);
}

/** y += α·x, with the active backend. */
export function axpy(alpha: number, x: Float64Array, y: Float64Array): void {
  backend().axpy(alpha, x, y);
}

/** A row-major m×k matrix as op(A) = A. */
export function plain(data: Float64Array, columns: number, offset = 0): StridedMatrix {
  return { data, offset, rowStride: columns, colStride: 1 };
}

/** op(A) = Aᵀ for a row-major matrix A with `columns` columns: (i, p) ↦ A[p, i]. */
export function transposed(data: Float64Array, columns: number, offset = 0): StridedMatrix {
  return { data, offset, rowStride: 1, colStride: columns };
}

/** out[cols×rows] = Aᵀ for a row-major rows×cols matrix A at offset. */
export function transposeInto(a: Float64Array, offset: number, rows: number, cols: number, out: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    const row = offset + i * cols;
    for (let j = 0; j < cols; j++) out[j * rows + i] = a[row + j];
  }
}
