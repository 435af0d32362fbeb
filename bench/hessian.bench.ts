// Hessian analysis (CPU seconds) on the seed's 784-100-10 sigmoid net (½Σ(a − y)², He init) with 1,000 real
// MNIST digits, float64, one thread: time per exact HVP, time to the top 5 and bottom 5
// eigenvalues (Lanczos), and the dense spectrum of a 970-parameter net (49-16-10 on 4×4-pooled
// digits). Exports the data, weights and a check vector to /tmp/hessian-bench for the PyTorch
// side: node --import tsx bench/hessian.bench.ts && /usr/bin/python3 bench/hessian_torch.py
// Only the dense part: node --import tsx bench/hessian.bench.ts --dense-only (prints its report and
// saves the 970×970 matrix and its eigenvalues as dense-hessian.f64 and dense-eigenvalues.f64 for a numpy eigvalsh check; js-report.json is left as is).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildNetworkObjective } from '../src/core/nn/build';
import { Mlp, mlpObjective } from '../src/core/nn/mlp';
import { initializeParameters } from '../src/core/nn/init';
import { Random } from '../src/core/random';
import { hessianOperator } from '../src/core/hessian/operator';
import { lanczosExtremes } from '../src/core/hessian/lanczos';
import { denseSpectrum, hessianMatrix } from '../src/core/hessian/dense-spectrum';
import { symmetricEigen } from '../src/core/linalg/symmetric-eigen';

const folder = process.env.HESSIAN_BENCH_DIR ?? '/tmp/hessian-bench';
mkdirSync(folder, { recursive: true });
const save = (name: string, data: Float64Array) => writeFileSync(join(folder, name), Buffer.from(data.buffer, data.byteOffset, data.byteLength));
// CPU seconds of this process (the machine is shared: wall time would count other jobs).
const now = () => { const usage = process.cpuUsage(); return (usage.user + usage.system) / 1000; };
const seconds = (start: number) => (now() - start) / 1000;

const problem = buildNetworkObjective(
  { model: { layers: [784, 100, 10], activation: ['sigmoid', 'sigmoid'], loss: 'sse', init: 'he' }, data: { kind: 'mnist-sample', samples: 1000, testFraction: 0 }, seed: 0 },
  '.',
);
const { objective, parameters, train } = problem;
const n = objective.dim;
const denseOnly = process.argv.includes('--dense-only');

/** The 784-100-10 part: HVP and gradient times, Lanczos extremes; data and weights exported for PyTorch. */
function largeNetwork() {
  const probe = new Random(5).fillGaussian(new Float64Array(n));
  const product = new Float64Array(n);
  objective.hessianVectorProduct!(parameters, probe, product);
  save('inputs.f64', train.inputs);
  save('targets.f64', train.targets);
  save('parameters.f64', parameters);
  save('probe.f64', probe);
  save('hvp.f64', product);

  // Time per HVP: median of 15 after 3 warm-up products.
  for (let i = 0; i < 3; i++) objective.hessianVectorProduct!(parameters, probe, product);
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const start = now();
    objective.hessianVectorProduct!(parameters, probe, product);
    times.push(seconds(start));
  }
  times.sort((a, b) => a - b);
  const hvpSeconds = times[7];
  const gradientStart = now();
  for (let i = 0; i < 5; i++) objective.gradient(parameters, product);
  const gradientSeconds = seconds(gradientStart) / 5;

  const extremes = (top: number, bottom: number, tolerance: number) => {
    const start = now();
    const result = lanczosExtremes(hessianOperator(objective, parameters), { top, bottom, tolerance, exactResiduals: false });
    return { seconds: seconds(start), products: result.products, restarts: result.restarts, converged: result.converged, values: [...result.top, ...result.bottom].map((p) => p.value), residuals: [...result.top, ...result.bottom].map((p) => p.residual) };
  };
  const top5 = extremes(5, 0, 1e-8);
  const bottom5 = extremes(0, 5, 1e-8);
  return { hvpSeconds, gradientSeconds, top5, bottom5 };
}
const large = denseOnly ? undefined : largeNetwork();

// Dense: 49-16-10 on 4×4-pooled digits (970 parameters).
const pooled = new Float64Array(train.rows * 49);
for (let r = 0; r < train.rows; r++) {
  for (let i = 0; i < 28; i++) for (let j = 0; j < 28; j++) pooled[r * 49 + Math.floor(i / 4) * 7 + Math.floor(j / 4)] += train.inputs[r * 784 + i * 28 + j] / 16;
}
const small = new Mlp({ sizes: [49, 16, 10], activations: ['sigmoid', 'sigmoid'], bias: true, loss: 'sse' });
const smallParameters = initializeParameters(small.layout, 'he', new Random(0));
const smallObjective = mlpObjective(small, { inputs: pooled, targets: train.targets, rows: train.rows });
if (!denseOnly) {
  save('pooled.f64', pooled);
  save('small-parameters.f64', smallParameters);
}
const denseStart = now();
const dense = denseSpectrum(smallObjective, smallParameters);
const denseSeconds = seconds(denseStart);
// The split: building the matrix from 970 HVPs, then the eigenvalues.
const buildStart = now();
const matrix = hessianMatrix(hessianOperator(smallObjective, smallParameters));
const buildSeconds = seconds(buildStart);
if (denseOnly) save('dense-hessian.f64', matrix);
const eigenStart = now();
const eigen = symmetricEigen(matrix, smallObjective.dim, { overwrite: true });
const eigenSeconds = seconds(eigenStart);
if (denseOnly) save('dense-eigenvalues.f64', eigen.values);
let denseVectorsSeconds: number | undefined;
if (process.env.HESSIAN_BENCH_VECTORS) {
  const vectorsStart = now();
  denseSpectrum(smallObjective, smallParameters, { eigenvectors: true });
  denseVectorsSeconds = seconds(vectorsStart);
}

const denseReport = {
  dense: { parameters: smallObjective.dim, seconds: denseSeconds, buildSeconds, eigenSeconds, withEigenvectorsSeconds: denseVectorsSeconds, lowest: Array.from(dense.eigenvalues.subarray(0, 3)), highest: Array.from(dense.eigenvalues.subarray(-3)) },
};
if (large) {
  const report = {
    parameters: n,
    loss: objective.value(parameters),
    hvpMilliseconds: 1000 * large.hvpSeconds,
    gradientMilliseconds: 1000 * large.gradientSeconds,
    top5: large.top5,
    bottom5: large.bottom5,
    ...denseReport,
  };
  writeFileSync(join(folder, 'js-report.json'), JSON.stringify(report, null, 1));
  console.log(JSON.stringify(report, null, 1));
} else console.log(JSON.stringify(denseReport, null, 1));
