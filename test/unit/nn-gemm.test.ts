import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gemmJs, plain, transposed, type GemmKernel, type StridedMatrix } from '../../src/core/linalg/gemm';
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
if (wasm) kernels.push(['wasm-simd (external arrays)', wasm.kernel, (n) => new Float64Array(n)], ['wasm-simd (arena arrays)', wasm.kernel, wasm.allocate]);

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
});
