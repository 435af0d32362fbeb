/** The CLI's summary: total over any results (large grids, nulls, NaN, empty arrays), naming each number for what it is. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summarize } from '../../src/cli/summary';
import type { ExperimentResults, HessianResult, LandscapeResult } from '../../src/shared/results';

const base = (): ExperimentResults => ({ format: 1, name: 'run', seed: 0, createdAt: '2026-01-01T00:00:00.000Z', timings: {}, warnings: [] });

const landscape = (resolution: number, loss: (number | null)[]): LandscapeResult => {
  const axis = Array.from({ length: resolution }, (_, i) => -1 + (2 * i) / (resolution - 1));
  return { directions: 'random', normalization: 'filter', dimensions: 2, alphas: axis, betas: axis, loss, samples: 10, stride: 1, complete: true };
};

test('a 401×401 landscape, 20,000 eigenvalues and a 1,000,000-step trajectory are summarized (no array spread into arguments)', () => {
  const loss: (number | null)[] = Array.from({ length: 401 * 401 }, (_, i) => 2 + Math.sin(i));
  loss[7] = null;
  loss[8] = Number.NaN;
  loss[9] = -0.5; // the smallest
  loss[10] = 9; // the largest
  const steps = 1_000_000;
  const values = new Array<number>(steps + 1).fill(1);
  values[steps] = 0.25;
  const results: ExperimentResults = {
    ...base(),
    landscape: landscape(401, loss),
    trajectories: [{ label: 'sgd', optimizer: 'sgd', parameters: {}, points: [[0, 0], [1, 1]], values, gradientNorms: [], learningRates: [], status: 'max-steps', steps }],
    hessian: { dimension: 20_000, method: 'exact', products: 0, seconds: 0, eigenvalues: Array.from({ length: 20_000 }, (_, i) => i - 3) },
  };
  const text = summarize(results, '/runs/a');
  assert.match(text, /landscape: random directions, 401×401 grid, loss -0\.5000 to 9\.000; 2 of 160801 points not finite/);
  assert.match(text, /sgd +max-steps +steps 1000000 {2}f = 0\.25000 at \(1\.000, 1\.000\)/);
  assert.match(text, /full spectrum: λmin -3\.000, λmax 2\.000e\+4/);
  assert.match(text, /results: \/runs\/a\/results\.json$/);
});

test('null, NaN and ±∞ anywhere (JSON writes NaN as null) print as such and never throw', () => {
  const results: ExperimentResults = {
    ...base(),
    trajectories: [{ label: 'adam', optimizer: 'adam', parameters: {}, points: [[null as unknown as number, Number.NaN]], values: [null as unknown as number], gradientNorms: [], learningRates: [], status: 'undefined at step 3', steps: 3 }],
    training: {
      model: { layers: [2, 1], activations: ['linear'], loss: 'mse', bias: true, parameters: 3 },
      data: { name: 'x', trainRows: 4, testRows: 0, features: 2 },
      optimizer: 'sgd', batchSize: 4, events: [], status: 'diverged at epoch 1',
      history: [{ epoch: 1, loss: null as unknown as number, testAccuracy: Number.NaN, gradientNorm: Number.NaN, learningRate: 0.1, seconds: 0 }],
    },
    hessian: {
      dimension: 3, method: 'exact', products: 4, seconds: 0, gradientNorm: Infinity,
      top: [{ value: null as unknown as number, residual: null as unknown as number }],
      bottom: [{ value: -Infinity, residual: Number.NaN }],
      solver: { name: 'lanczos', products: 4, converged: false },
      trace: { estimate: null as unknown as number, standardError: Number.NaN, probes: 10 },
      density: { grid: [null as unknown as number], values: [], convention: { width: 0, widthConvention: 'variance', scaleWidthByRange: false, sigma: 0, sampling: 'cell-average' }, steps: 5, probes: 1, integral: Number.NaN },
      classification: { kind: 'degenerate', index: 0, zeroCount: 0, negativeRatio: Number.NaN, threshold: 0, relativeTolerance: 0, complete: false },
    },
    landscape: landscape(3, Array.from({ length: 9 }, () => null)),
  };
  const text = summarize(results, '/runs/b');
  assert.match(text, /f = not finite at \(not finite, undefined \(NaN\)\)/);
  assert.match(text, /training: diverged at epoch 1 after 1 epoch\(s\), loss not finite, test accuracy undefined \(NaN\), 0 event\(s\)/);
  assert.match(text, /‖∇f‖ \+∞/);
  assert.match(text, /top-1: not finite/);
  assert.match(text, /bottom-1: −∞/);
  assert.match(text, /Lanczos: NOT converged after 4 products/);
  assert.match(text, /trace \(Hutchinson, 10 probes\): not finite ± undefined \(NaN\)/);
  assert.match(text, /density \(SLQ, 1 probes, 5 steps\): λ from none to none/);
  assert.match(text, /landscape: random directions, 3×3 grid, no finite loss; 9 of 9 points not finite/);
});

test('empty arrays and missing fields are summarized', () => {
  const results = {
    ...base(),
    warnings: undefined,
    trajectories: [{ label: 'sgd', status: 'cancelled', steps: 0, points: [], values: [] }],
    training: { status: 'cancelled', history: [], events: [] },
    hessian: { dimension: 0, top: [], bottom: [], eigenvalues: [] },
    landscape: { directions: 'pca', dimensions: 1, alphas: [], loss: [], complete: false },
    criticalPoints: [],
  } as unknown as ExperimentResults;
  const text = summarize(results, '/runs/c');
  assert.match(text, /sgd +cancelled +steps +0 {2}f = none at \(\)/);
  assert.match(text, /training: cancelled, no epoch finished/);
  assert.match(text, /critical points: none found/);
  assert.match(text, /full spectrum: λmin none, λmax none/);
  assert.doesNotMatch(text, /top-0|bottom-0/);
  assert.match(text, /landscape: pca directions, 0 grid, no finite loss \(incomplete\)/);
  assert.doesNotMatch(text, /cannot be summarized/);
});

const pair = (value: number, residual = 1e-9) => ({ value, residual });

test('only "top" asked: the summary names the top-k, never a λmin; the whole spectrum, bottom-k, trace, density and Lanczos are named for what they are', () => {
  const top1: HessianResult = { dimension: 50, method: 'exact', products: 30, seconds: 0, top: [pair(4.5)], solver: { name: 'lanczos', products: 30, converged: true } };
  const text = summarize({ ...base(), hessian: top1 }, '/runs/d');
  assert.match(text, /top-1: 4\.500/);
  assert.doesNotMatch(text, /λmin|λmax|full spectrum/);
  assert.match(text, /Lanczos: converged after 30 products, largest residual 1\.0e-9 \(2\.2e-10 × max\|λ\|\)/);

  const partial: HessianResult = {
    dimension: 50, method: 'exact', products: 80, seconds: 0,
    top: [pair(9), pair(4), pair(2)], bottom: [pair(-1, 3e-3), pair(-0.5)],
    solver: Object.assign({ name: 'lanczos' as const, products: 80, converged: false }, { tolerance: 1e-6, dtype: 'float32', toleranceMet: false }),
    trace: { estimate: 12, standardError: 0.5, probes: 30 },
    density: { grid: [-1.5, 0, 9.5], values: [0, 1, 0], convention: { width: 0.01, widthConvention: 'variance', scaleWidthByRange: true, sigma: 0.1, sampling: 'cell-average' }, steps: 20, probes: 4, integral: 1 },
    classification: { kind: 'saddle', index: 2, zeroCount: 0, negativeRatio: 0.1, threshold: 0, relativeTolerance: 0, complete: false },
  };
  const lines = summarize({ ...base(), hessian: partial }, '/runs/e');
  assert.match(lines, /hessian: 50 parameters, saddle \(index ≥ 2\)/);
  assert.match(lines, /top-3: 9\.000, 4\.000, 2\.000/);
  assert.match(lines, /bottom-2: -1\.000, -0\.5000/);
  assert.doesNotMatch(lines, /λmin|full spectrum/);
  assert.match(lines, /Lanczos: NOT converged after 80 products, largest residual 3\.0e-3 \(3\.3e-4 × max\|λ\|\), tolerance 1\.0e-6 \(float32\) not met/);
  assert.match(lines, /trace \(Hutchinson, 30 probes\): 12\.00 ± 0\.50/);
  assert.match(lines, /density \(SLQ, 4 probes, 20 steps\): λ from -1\.500 to 9\.500, integral 1\.000/);

  const full: HessianResult = { dimension: 3, method: 'exact', products: 3, seconds: 0, eigenvalues: [-1, 2, 3], trace: { estimate: 4.1, standardError: 0.2, probes: 10, exact: 4 }, classification: { kind: 'saddle', index: 1, zeroCount: 0, negativeRatio: 1 / 3, threshold: 0, relativeTolerance: 0, complete: true } };
  const whole = summarize({ ...base(), hessian: full }, '/runs/f');
  assert.match(whole, /hessian: 3 parameters, saddle \(index 1\)/);
  assert.match(whole, /full spectrum: λmin -1\.000, λmax 3\.000/);
  assert.match(whole, /trace \(Hutchinson, 10 probes\): 4\.100 ± 0\.20; exact Σλ 4\.000/);
  // a long top-k list is shortened
  const many = summarize({ ...base(), hessian: { ...top1, top: Array.from({ length: 20 }, (_, i) => pair(20 - i)) } }, '/runs/g');
  assert.match(many, /top-20: 20\.00, 19\.00, 18\.00, 17\.00, …, 4\.000, 3\.000, 2\.000, 1\.000 \(20 values\)/);
});

test('a landscape with some points not finite counts them; a cancelled one says they may not have been computed', () => {
  const loss = [1, 2, null, 4, Number.POSITIVE_INFINITY, 6, 7, 8, 9];
  assert.match(summarize({ ...base(), landscape: landscape(3, loss) }, '/r'), /loss 1\.000 to 9\.000; 2 of 9 points not finite/);
  assert.match(summarize({ ...base(), landscape: { ...landscape(3, loss), complete: false } }, '/r'), /2 of 9 points without a value \(not computed or not finite\) \(incomplete\)/);
});

test('a part that cannot be summarized is one line; the rest of the summary is printed', () => {
  const results = { ...base(), landscape: landscape(3, [1, 2, 3, 4, 5, 6, 7, 8, 9]), warnings: ['careful'] };
  Object.defineProperty(results, 'hessian', { enumerable: true, get: () => { throw new Error('unreadable'); } });
  const text = summarize(results, '/runs/h');
  assert.match(text, /hessian: cannot be summarized \(unreadable\); the saved results hold it/);
  assert.match(text, /landscape: random directions, 3×3 grid, loss 1\.000 to 9\.000/);
  assert.match(text, /warning: careful/);
  assert.match(text, /results: \/runs\/h\/results\.json/);
  const broken = new Proxy({}, { get: () => { throw new Error('gone'); } }) as ExperimentResults;
  assert.match(summarize(broken, '/runs/i'), /^the summary cannot be made \(gone\); the saved results hold the run\nresults: \/runs\/i\/results\.json$/);
});

test('the built CLI runs a 401×401 landscape to the end: exit 0 and a summary, as run.json says', () => {
  const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
  assert.ok(existsSync(cli), 'dist/cli.js is missing: run `npm run build` first (npm test does)');
  const folder = mkdtempSync(join(tmpdir(), 'landscape-cli-summary-'));
  const config = join(folder, 'grid.landscape.json');
  writeFileSync(config, JSON.stringify({
    name: 'grid 401', seed: 1,
    model: { layers: [2, 4, 1], activation: ['tanh', 'linear'], loss: 'mse' },
    data: { kind: 'synthetic', name: 'sum-of-squares', samples: 20, testFraction: 0 },
    analyses: { landscape: { resolution: 401 }, hessian: { top: 1, trace: true } },
  }));
  const out = join(folder, 'out');
  const result = spawnSync(process.execPath, [cli, 'run', config, '--out', out, '--quiet'], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).status, 'completed');
  assert.match(result.stdout, /landscape: random directions, 401×401 grid, loss \S+ to \S+/);
  assert.match(result.stdout, /top-1: \S+/);
  assert.match(result.stdout, /trace \(Hutchinson, \d+ probes\): \S+ ± \S+/);
  assert.doesNotMatch(result.stdout, /λmin/);
  assert.equal(result.stderr, '');
});
