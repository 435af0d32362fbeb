import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matrix, QrDecomposition } from 'ml-matrix';
import { Random } from '../../src/core/random';
import { buildNetworkObjective } from '../../src/core/nn/build';
import { hessianMatrix } from '../../src/core/hessian/dense-spectrum';
import { hessianOperator, matrixOperator } from '../../src/core/hessian/operator';
import { hutchinsonTrace, hutchppSketchSize, hutchppTrace, type TraceEstimate } from '../../src/core/hessian/trace';
import { analyzeHessian } from '../../src/core/hessian/analyze';
import { summarize } from '../../src/cli/summary';
import type { ExperimentResults, HessianResult } from '../../src/shared/results';

const RUNS = 40;

/** Mean and sample standard deviation. */
function spread(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  return { mean, sd: Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1)) };
}

/** One estimate per seed 0…RUNS − 1. */
function estimates(run: (seed: number) => TraceEstimate): TraceEstimate[] {
  return Array.from({ length: RUNS }, (_, seed) => run(seed));
}

function trace(matrix: Float64Array, n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += matrix[i * n + i];
  return sum;
}

/** A symmetric n×n matrix (row-major) with a few large eigenvalues over many small ones, in a random basis. */
function dominatedMatrix(n: number, large: number[]): Float64Array {
  const random = new Random(11);
  const basis = new QrDecomposition(Matrix.from1DArray(n, n, Array.from({ length: n * n }, () => random.uniform() - 0.5))).orthogonalMatrix;
  const values = Array.from({ length: n }, (_, i) => large[i] ?? random.uniform() - 0.3);
  const product = basis.mmul(Matrix.diag(values)).mmul(basis.transpose());
  return Float64Array.from(product.to1DArray());
}

const network = buildNetworkObjective({ model: { layers: [2, 4, 2], activation: 'tanh' }, data: { kind: 'synthetic', name: 'spirals', samples: 40, testFraction: 0 }, seed: 3 }, '.');

test('Hutch++ is unbiased against the exact trace of a small network (z ≤ 4 over 40 seeds)', () => {
  const { objective, parameters } = network;
  const operator = hessianOperator(objective, parameters);
  const exact = trace(hessianMatrix(operator), objective.dim);
  const runs = estimates((seed) => hutchppTrace(operator, { probes: 12, seed }));
  assert.ok(runs.every((run) => run.probes === 12 && run.sketch === 4 && run.method === 'hutch++'));
  const { mean, sd } = spread(runs.map((run) => run.trace));
  const z = Math.abs(mean - exact) / (sd / Math.sqrt(RUNS));
  assert.ok(z <= 4, `mean ${mean} vs exact ${exact}, sd ${sd}, z ${z}`);
});

test('Hutch++ has a far lower variance than Hutchinson at the same products where a few eigenvalues dominate', () => {
  const n = 60;
  const matrix = dominatedMatrix(n, [400, 300, 200, 150]);
  const exact = trace(matrix, n);
  const operator = matrixOperator(matrix, n);
  const plus = estimates((seed) => hutchppTrace(operator, { probes: 30, seed }));
  const plain = estimates((seed) => hutchinsonTrace(operator, { probes: 30, seed }));
  assert.ok([...plus, ...plain].every((run) => run.probes === 30));
  const a = spread(plus.map((run) => run.trace));
  const b = spread(plain.map((run) => run.trace));
  for (const { mean, sd } of [a, b]) assert.ok(Math.abs(mean - exact) / (sd / Math.sqrt(RUNS)) <= 4, `mean ${mean} vs exact ${exact}, sd ${sd}`);
  assert.ok(a.sd < 0.2 * b.sd, `Hutch++ sd ${a.sd} against Hutchinson's ${b.sd}`);
  // The reported standard error is the spread of the estimate (within the sampling noise of 40 runs).
  const reported = plus.reduce((sum, run) => sum + run.standardError, 0) / RUNS;
  assert.ok(Math.abs(reported / a.sd - 1) < 0.5, `reported ${reported} vs observed ${a.sd}`);
});

test('a Hutch++ sketch of the whole space gives the exact trace with no error; the sketch keeps two remainder probes', () => {
  const matrix = dominatedMatrix(5, [9]);
  const estimate = hutchppTrace(matrixOperator(matrix, 5), { probes: 30, seed: 3 });
  assert.deepEqual([estimate.sketch, estimate.probes, estimate.standardError], [5, 10, 0]);
  assert.ok(Math.abs(estimate.trace - trace(matrix, 5)) < 1e-10, `${estimate.trace} vs ${trace(matrix, 5)}`);
  assert.deepEqual([2, 3, 4, 6, 9, 100].map((m) => hutchppSketchSize(m, 1000)), [0, 0, 1, 2, 3, 33]);
  assert.equal(hutchppSketchSize(100, 7), 7);
});

test('relativeError stops the Hutch++ remainder after 10 probes', () => {
  const matrix = dominatedMatrix(120, [400, 300]);
  const estimate = hutchppTrace(matrixOperator(matrix, 120), { probes: 150, relativeError: 0.5, seed: 1 });
  assert.equal(estimate.sketch, 50);
  assert.equal(estimate.probes, 2 * 50 + 10);
});

test('analyses.hessian.trace.method "hutch++" is recorded with its products and sketch, and the CLI summary names it', () => {
  const { objective, parameters } = network;
  const result = analyzeHessian(objective, parameters, { trace: { method: 'hutch++', probes: 12 } }, { seed: 2 });
  assert.equal(result.trace?.method, 'hutch++');
  assert.deepEqual([result.trace?.probes, result.trace?.sketch], [12, 4]);
  assert.ok(Number.isFinite(result.trace?.standardError));
  assert.ok(Math.abs((result.trace?.exact ?? NaN) - result.eigenvalues!.reduce((s, v) => s + v, 0)) < 1e-12);
  const plain = analyzeHessian(objective, parameters, { trace: true }, { seed: 2 });
  assert.deepEqual([plain.trace?.method, plain.trace?.probes, plain.trace?.sketch], ['hutchinson', 100, undefined]);
  const summary = summarize({ hessian: result as HessianResult } as unknown as ExperimentResults, 'run');
  assert.match(summary, /trace \(Hutch\+\+, 12 products, sketch 4\): \S+ ± \S+; exact Σλ/);
  assert.match(summarize({ hessian: plain } as unknown as ExperimentResults, 'run'), /trace \(Hutchinson, 100 probes\)/);
});
