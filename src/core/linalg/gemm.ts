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
 * C[m×n] = op(A)[m×k]·B[k×n] (+ C when accumulate): k in blocks so a panel of B stays in cache,
 * 4×4 tiles of C held in 16 local accumulators over the block; leftover rows and columns by a
 * row-streaming loop.
 */
export const gemmJs: GemmKernel = (m, n, k, a, b, bOffset, c, cOffset, accumulate) => {
  if (!accumulate) c.fill(0, cOffset, cOffset + m * n);
  const tiledRows = m & ~3;
  const tiledColumns = n & ~3;
  for (let p0 = 0; p0 < k; p0 += BLOCK_K) {
    const p1 = Math.min(k, p0 + BLOCK_K);
    for (let i = 0; i < tiledRows; i += 4) {
      for (let j = 0; j < tiledColumns; j += 4) tile4x4Js(a, i, j, p0, p1, b, bOffset, n, c, cOffset);
      if (tiledColumns < n) streamRows(a, i, i + 4, tiledColumns, n, p0, p1, b, bOffset, c, cOffset);
    }
    if (tiledRows < m) streamRows(a, tiledRows, m, 0, n, p0, p1, b, bOffset, c, cOffset);
  }
};

/** C[i..i+4, j..j+4] += Σ_{p0 ≤ p < p1} op(A)[i.., p]·B[p, j..]. */
function tile4x4Js(a: StridedMatrix, i: number, j: number, p0: number, p1: number, b: Float64Array, bOffset: number, n: number, c: Float64Array, cOffset: number): void {
  const { data, offset, rowStride, colStride } = a;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  let aAt = offset + i * rowStride + p0 * colStride;
  let bAt = bOffset + p0 * n + j;
  for (let p = p0; p < p1; p++) {
    const a0 = data[aAt];
    const a1 = data[aAt + rowStride];
    const a2 = data[aAt + 2 * rowStride];
    const a3 = data[aAt + 3 * rowStride];
    const b0 = b[bAt];
    const b1 = b[bAt + 1];
    const b2 = b[bAt + 2];
    const b3 = b[bAt + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    aAt += colStride;
    bAt += n;
  }
  let at = cOffset + i * n + j;
  c[at] += c00; c[at + 1] += c01; c[at + 2] += c02; c[at + 3] += c03;
  at += n;
  c[at] += c10; c[at + 1] += c11; c[at + 2] += c12; c[at + 3] += c13;
  at += n;
  c[at] += c20; c[at + 1] += c21; c[at + 2] += c22; c[at + 3] += c23;
  at += n;
  c[at] += c30; c[at + 1] += c31; c[at + 2] += c32; c[at + 3] += c33;
}

/** C[i0..i1, j0..n] += Σ_{p0 ≤ p < p1} op(A)[i, p]·B[p, j], one row of C streaming one row of B. */
function streamRows(a: StridedMatrix, i0: number, i1: number, j0: number, n: number, p0: number, p1: number, b: Float64Array, bOffset: number, c: Float64Array, cOffset: number): void {
  for (let i = i0; i < i1; i++) {
    const cRow = cOffset + i * n;
    for (let p = p0; p < p1; p++) {
      const av = a.data[a.offset + i * a.rowStride + p * a.colStride];
      if (av === 0) continue;
      const bRow = bOffset + p * n;
      for (let j = j0; j < n; j++) c[cRow + j] += av * b[bRow + j];
    }
  }
}

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
