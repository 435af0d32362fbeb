// One epoch of the seed's MNIST setup in the engine (5,000 standardized digits of the bundled
// sample, 784-100-10 sigmoid net, He init, batch 32, sgd momentum 0.9, lr 0.01, loss ½Σ(a − y)²),
// timed as bench/epoch_numpy.py times the seed's numpy code: training, then the metrics on all rows.
// Run: node --import tsx bench/epoch.bench.ts   (LANDSCAPE_LENS_GEMM=js for the plain-JS kernel)
import { buildNetworkObjective } from '../src/core/nn/build';
import { evaluateNetwork } from '../src/core/nn/metrics';
import { resolveTrainOptions, trainNetwork } from '../src/core/nn/train';
import { gemmKernelName } from '../src/core/linalg/gemm';

const problem = buildNetworkObjective(
  { model: { layers: [784, 100, 10], activation: ['sigmoid', 'sigmoid'], loss: 'sse', init: 'he' }, data: { kind: 'mnist-sample', samples: 5000, testFraction: 0 }, seed: 0 },
  '.',
);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const metricTimes: number[] = [];
for (let i = 0; i < 10; i++) {
  const start = performance.now();
  evaluateNetwork(problem.network, problem.parameters, problem.train);
  metricTimes.push(performance.now() - start);
}
const options = resolveTrainOptions({ epochs: 10, batchSize: 32, optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9 }, detector: false }, 0);
const run = trainNetwork(problem, options);
for (const record of run.result.history) console.log(`epoch ${record.epoch}: loss ${record.loss.toFixed(2)} accuracy ${record.trainAccuracy!.toFixed(4)} ${(1000 * record.seconds).toFixed(1)} ms`);
const total = median(run.result.history.map((record) => 1000 * record.seconds));
const metrics = median(metricTimes);
console.log(`kernel ${gemmKernelName()}: median epoch ${total.toFixed(1)} ms = train ${(total - metrics).toFixed(1)} ms + metrics ${metrics.toFixed(1)} ms`);
