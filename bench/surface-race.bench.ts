/**
 * The seed's saddle race (slides 2–5, numpy) against the engine, side by side in one run:
 *   npx tsx bench/surface-race.bench.ts [steps] [repeats]
 * Both compute the same iterations on x² − y² from (1, 0.001); the engine also records f and
 * ‖∇f‖ at every point (the seed records only the path). Ratio = numpy time / engine time.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { builtinSurface } from '../src/core/surfaces/catalog';
import { resolveOptimizerSpec, type OptimizerName } from '../src/core/optimizers';
import { runTrajectory } from '../src/core/trajectory';

const steps = Number(process.argv[2] ?? 1000);
const repeats = Number(process.argv[3] ?? 21);
const surface = builtinSurface('saddle');
const methods: Record<string, [OptimizerName, Record<string, unknown>]> = {
  sgd: ['sgd', { lr: 0.1 }],
  momentum: ['sgd', { lr: 0.1, momentum: 0.9 }],
  newton: ['newton', { lr: 1 }],
  'noisy-gd': ['noisy-gd', { lr: 0.1, noise: 0.01 }],
};

function median(samples: number[]): number {
  return [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)];
}

const engine: Record<string, number> = {};
for (const [label, [name, parameters]] of Object.entries(methods)) {
  const spec = resolveOptimizerSpec({ name, ...parameters });
  for (let warm = 0; warm < 3; warm++) runTrajectory(surface, spec, { start: [1, 1e-3], steps, seed: 0, divergenceBound: Infinity });
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const started = performance.now();
    runTrajectory(surface, spec, { start: [1, 1e-3], steps, seed: r, divergenceBound: Infinity });
    samples.push(performance.now() - started);
  }
  engine[label] = median(samples);
}

const python = process.env.PYTHON ?? '/usr/bin/python3';
const numpy = JSON.parse(execFileSync(python, [join(__dirname, 'seed_surface_race.py'), String(steps), String(repeats)], { encoding: 'utf8' })) as Record<string, number>;

console.log(`saddle race, ${steps} steps, median of ${repeats} runs (ms)`);
console.log('method      numpy (seed)   engine    numpy/engine');
for (const label of Object.keys(methods)) {
  console.log(`${label.padEnd(10)} ${numpy[label].toFixed(3).padStart(10)} ${engine[label].toFixed(3).padStart(10)} ${(numpy[label] / engine[label]).toFixed(1).padStart(10)}×`);
}
