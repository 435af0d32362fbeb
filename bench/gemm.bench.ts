// GEMM throughput of the plain-JS and WebAssembly SIMD kernels on the MLP's shapes, in GFLOP/s
// (2·m·n·k flops per product, median of repeats, per second of this process's CPU time, which
// is steadier than wall time on a shared machine). Run: node --import tsx bench/gemm.bench.ts
// Compare with numpy: /usr/bin/python3 bench/gemm_numpy.py
import { gemmJs, gemmNTJs, plain, transposed, type GemmKernel, type GemmNTKernel } from '../src/core/linalg/gemm';
import { createWasmGemm } from '../src/core/linalg/gemm-wasm';
import { Random } from '../src/core/random';

const shapes: [string, number, number, number, boolean][] = [
  ['forward 32×784·784×100', 32, 100, 784, false],
  ['weight grad 100×32ᵀ·32×784', 100, 784, 32, true],
  ['forward 1000×784·784×100', 1000, 100, 784, false],
  ['square 512³', 512, 512, 512, false],
];

function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function measure(kernel: GemmKernel, allocate: (n: number) => Float64Array, m: number, n: number, k: number, transpose: boolean): number {
  const random = new Random(1);
  const a = random.fillGaussian(allocate(m * k));
  const b = random.fillGaussian(allocate(k * n));
  const c = allocate(m * n);
  const op = transpose ? transposed(a, m) : plain(a, k);
  const flops = 2 * m * n * k;
  const repeats = Math.max(3, Math.ceil(2e8 / flops));
  const times: number[] = [];
  for (let round = 0; round < 7; round++) {
    const start = cpuSeconds();
    for (let r = 0; r < repeats; r++) kernel(m, n, k, op, b, 0, c, 0, false);
    times.push((cpuSeconds() - start) / repeats);
  }
  return flops / median(times) / 1e9;
}

const wasm = createWasmGemm();
for (const [label, m, n, k, transpose] of shapes) {
  const js = measure(gemmJs, (size) => new Float64Array(size), m, n, k, transpose);
  const simd = wasm ? measure(wasm.gemm, wasm.allocate, m, n, k, transpose) : NaN;
  const copied = wasm ? measure(wasm.gemm, (size) => new Float64Array(size), m, n, k, transpose) : NaN;
  console.log(`${label.padEnd(30)} js ${js.toFixed(2).padStart(6)}  wasm-simd ${simd.toFixed(2).padStart(6)}  wasm-simd with copies ${copied.toFixed(2).padStart(6)} GFLOP/s`);
}

/** The forward product the MLP runs, x·Wᵀ with W as stored ([out, in]), by the A·Bᵀ kernel. */
function measureNT(kernel: GemmNTKernel, allocate: (n: number) => Float64Array, m: number, n: number, k: number): number {
  const random = new Random(2);
  const a = random.fillGaussian(allocate(m * k));
  const b = random.fillGaussian(allocate(n * k));
  const c = allocate(m * n);
  const flops = 2 * m * n * k;
  const repeats = Math.max(3, Math.ceil(2e8 / flops));
  const times: number[] = [];
  for (let round = 0; round < 7; round++) {
    const start = cpuSeconds();
    for (let r = 0; r < repeats; r++) kernel(m, n, k, a, 0, b, 0, c, 0, false);
    times.push((cpuSeconds() - start) / repeats);
  }
  return flops / median(times) / 1e9;
}

for (const m of [32, 1000]) {
  const js = measureNT(gemmNTJs, (size) => new Float64Array(size), m, 100, 784);
  const simd = wasm ? measureNT(wasm.gemmNT, wasm.allocate, m, 100, 784) : NaN;
  console.log(`${`x·Wᵀ ${m}×784·(100×784)ᵀ`.padEnd(30)} js ${js.toFixed(2).padStart(6)}  wasm-simd ${simd.toFixed(2).padStart(6)} GFLOP/s (A·Bᵀ kernel)`);
}
