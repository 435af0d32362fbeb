// One epoch of the seed's MNIST setup in the engine (5,000 standardized digits of the bundled
// sample, 784-100-10 sigmoid net, He init, batch 32, sgd momentum 0.9, lr 0.01, loss ½Σ(a − y)²),
// timed as bench/epoch_numpy.py times the seed's numpy code: training, then the metrics on all
// rows; wall and CPU time (the CPU time is steadier on a shared machine), medians of 10 epochs.
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
const cpu = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};
const options = resolveTrainOptions({ epochs: 1, batchSize: 32, optimizer: { name: 'sgd', lr: 0.01, momentum: 0.9 }, detector: false }, 0);
const wall = { train: [] as number[], metrics: [] as number[] };
const processor = { train: [] as number[], metrics: [] as number[] };
let parameters = problem.parameters;
for (let epoch = 1; epoch <= 10; epoch++) {
  const [wall0, cpu0] = [performance.now(), cpu()];
  // trainNetwork evaluates its metrics after the epoch too; the separate timing below is subtracted.
  parameters = trainNetwork({ ...problem, parameters }, { ...options, seed: epoch }).parameters;
  const [wall1, cpu1] = [performance.now(), cpu()];
  const metrics = evaluateNetwork(problem.network, parameters, problem.train);
  const [wall2, cpu2] = [performance.now(), cpu()];
  wall.metrics.push(wall2 - wall1);
  processor.metrics.push(cpu2 - cpu1);
  wall.train.push(wall1 - wall0 - (wall2 - wall1));
  processor.train.push(cpu1 - cpu0 - (cpu2 - cpu1));
  console.log(`epoch ${epoch}: loss ${metrics.loss.toFixed(2)} accuracy ${metrics.accuracy!.toFixed(4)}`);
}
const line = (label: string, times: { train: number[]; metrics: number[] }) =>
  `${label}: train ${median(times.train).toFixed(1)} ms + metrics ${median(times.metrics).toFixed(1)} ms = ${(median(times.train) + median(times.metrics)).toFixed(1)} ms per epoch`;
console.log(`kernel ${gemmKernelName()}`);
console.log(line('wall', wall));
console.log(line('cpu ', processor));
