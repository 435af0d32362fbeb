import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gemmJs, gemmNTJs, plain, transposed, type GemmKernel, type GemmNTKernel, type StridedMatrix } from '../../src/core/linalg/gemm';
import { createWasmGemm } from '../../src/core/linalg/gemm-wasm';
import { Random } from '../../src/core/random';

/** C = op(A)·B by the textbook triple loop, summing p in order. */
function reference(m: number, n: number, k: number, a: StridedMatrix, b: Float64Array, c: Float64Array, accumulate: boolean) {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = accumulate ? c[i * n + j] : 0;
      for (let p = 0; p < k; p++) sum += a.data[a.offset + i * a.rowStride + p * a.colStride] * b[p * n + j];
      c[i * n + j] = sum;
    }
  }
}

const wasm = createWasmGemm();
const kernels: [string, GemmKernel, (n: number) => Float64Array][] = [['js', gemmJs, (n) => new Float64Array(n)]];
if (wasm) kernels.push(['wasm-simd (external arrays)', wasm.gemm, (n) => new Float64Array(n)], ['wasm-simd (arena arrays)', wasm.gemm, wasm.allocate]);
const ntKernels: [string, GemmNTKernel, (n: number) => Float64Array][] = [['js', gemmNTJs, (n) => new Float64Array(n)]];
if (wasm) ntKernels.push(['wasm-simd (external arrays)', wasm.gemmNT, (n) => new Float64Array(n)], ['wasm-simd (arena arrays)', wasm.gemmNT, wasm.allocate]);

describe('GEMM kernels', () => {
  it('the WebAssembly SIMD kernel loads', () => assert.ok(wasm, 'WebAssembly SIMD is available in Node 20'));
  for (const [name, kernel, allocate] of kernels) {
    it(`${name}: matches the triple loop for A and Aᵀ, odd sizes, overwrite and accumulate`, () => {
      const random = new Random(11);
      for (const [m, n, k] of [[1, 1, 1], [5, 7, 3], [32, 100, 784], [10, 100, 32], [13, 10, 300], [4, 6, 600]]) {
        for (const transpose of [false, true]) {
          for (const accumulate of [false, true]) {
            const aData = allocate(m * k + 3);
            random.fillGaussian(aData);
            const a = transpose ? transposed(aData, m, 3) : plain(aData, k, 3);
            const b = allocate(k * n + 2);
            random.fillGaussian(b);
            const c = allocate(m * n + 1);
            random.fillGaussian(c);
            const expected = c.slice(1);
            reference(m, n, k, a, b.subarray(2), expected, accumulate);
            kernel(m, n, k, a, b, 2, c, 1, accumulate);
            for (let i = 0; i < m * n; i++) {
              assert.ok(Math.abs(c[1 + i] - expected[i]) <= 1e-12 * Math.sqrt(k) * (1 + Math.abs(expected[i])), `${m}×${n}×${k} ${transpose ? 'Aᵀ' : 'A'} [${i}]: ${c[1 + i]} vs ${expected[i]}`);
            }
          }
        }
      }
    });
  }
  for (const [name, kernel, allocate] of ntKernels) {
    it(`${name}: A·Bᵀ matches the triple loop, odd sizes, overwrite and accumulate`, () => {
      const random = new Random(12);
      for (const [m, n, k] of [[1, 1, 1], [3, 5, 7], [32, 100, 784], [33, 10, 100], [2, 6, 1], [5, 4, 2]]) {
        for (const accumulate of [false, true]) {
          const a = random.fillGaussian(allocate(m * k + 1));
          const b = random.fillGaussian(allocate(n * k + 2));
          const c = random.fillGaussian(allocate(m * n + 3));
          const bT = new Float64Array(k * n);
          for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) bT[p * n + j] = b[2 + j * k + p];
          const expected = c.slice(3);
          reference(m, n, k, plain(a, k, 1), bT, expected, accumulate);
          kernel(m, n, k, a, 1, b, 2, c, 3, accumulate);
          for (let i = 0; i < m * n; i++) assert.ok(Math.abs(c[3 + i] - expected[i]) <= 1e-12 * Math.sqrt(k) * (1 + Math.abs(expected[i])), `${m}×${n}×${k} [${i}]: ${c[3 + i]} vs ${expected[i]}`);
        }
      }
    });
  }

  if (wasm) {
    it('wasm-simd axpy: y += α·x in the arena and outside it', () => {
      for (const allocate of [wasm.allocate, (n: number) => new Float64Array(n)]) {
        const x = allocate(7);
        for (let i = 0; i < 7; i++) x[i] = i + 1;
        const y = allocate(7).fill(1);
        wasm.axpy(0.5, x, y);
        assert.deepEqual([...y], [1.5, 2, 2.5, 3, 3.5, 4, 4.5]);
      }
    });
  }
});
