import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildNetworkObjective } from '../../src/core/nn/build';
import { denseSpectrum, hessianMatrix } from '../../src/core/hessian/dense-spectrum';
import { hessianOperator } from '../../src/core/hessian/operator';
import { symmetricEigen } from '../../src/core/linalg/symmetric-eigen';

// The engine's eigensolver against LAPACK (numpy.linalg.eigvalsh) on the Hessians of seeded tanh
// MLPs of 1,150 and 1,929 parameters. A softmax output layer gives such a Hessian a cluster of
// eigenvalues at zero (61 of them at 1,150 parameters), which a QL deflation test relative to the
// neighbouring diagonal entries alone can never meet.

const PYTHON = '/usr/bin/python3';
const numpy = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' });
const skip = numpy.status === 0 ? false : `${PYTHON} with numpy is needed for the reference eigenvalues`;

/** The exact Hessian of an 8-hidden-10 tanh MLP on 8-dimensional blobs of 10 classes, at its seeded initial weights. */
function mlpHessian(hidden: number): { matrix: Float64Array; n: number } {
  const problem = buildNetworkObjective({ model: { layers: [8, hidden, 10], activation: 'tanh' }, data: { kind: 'synthetic', name: 'blobs', dimension: 8, classes: 10, samples: 200, testFraction: 0 }, seed: 1 }, '.');
  const n = problem.objective.dim;
  return { matrix: hessianMatrix(hessianOperator(problem.objective, problem.parameters)), n };
}

/** numpy.linalg.eigvalsh of the row-major n×n matrix, through a float64 file. */
function numpyEigenvalues(matrix: Float64Array, n: number): Float64Array {
  const folder = mkdtempSync(join(tmpdir(), 'symmetric-eigen-'));
  try {
    const input = join(folder, 'matrix.f64');
    const output = join(folder, 'values.f64');
    writeFileSync(input, new Uint8Array(matrix.buffer, matrix.byteOffset, matrix.byteLength));
    const script = 'import sys, numpy as np\nn = int(sys.argv[3])\nm = np.fromfile(sys.argv[1], dtype="<f8").reshape(n, n)\nnp.linalg.eigvalsh(m).astype("<f8").tofile(sys.argv[2])\n';
    const run = spawnSync(PYTHON, ['-c', script, input, output, String(n)], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const bytes = readFileSync(output);
    return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function assertMatchesNumpy(matrix: Float64Array, n: number, values: Float64Array): number {
  const reference = numpyEigenvalues(matrix, n);
  assert.equal(values.length, n);
  const scale = Math.max(Math.abs(reference[0]), Math.abs(reference[n - 1]));
  let worst = 0;
  for (let k = 0; k < n; k++) worst = Math.max(worst, Math.abs(values[k] - reference[k]));
  assert.ok(worst <= 1e-10 * scale, `largest eigenvalue difference ${worst} vs max|λ| ${scale}`);
  return scale;
}

test('the full spectrum of a 1,150-parameter tanh MLP Hessian matches numpy eigvalsh, with eigenvectors of residual ≤ 1e-10·‖H‖', { skip }, () => {
  const { matrix, n } = mlpHessian(60);
  assert.equal(n, 1150);
  const { values, vectors } = symmetricEigen(matrix, n, { vectors: true });
  const scale = assertMatchesNumpy(matrix, n, values);
  let zeros = 0;
  for (const value of values) if (Math.abs(value) < 1e-12 * scale) zeros++;
  assert.ok(zeros >= 50, `the softmax null directions give a cluster at zero (${zeros} found)`);
  // ‖Hv − λv‖ ≤ 1e-10·‖H‖ and ‖v‖ = 1 for every pair; ‖H‖₂ = max|λ|.
  const product = new Float64Array(n);
  let worstResidual = 0;
  let worstNorm = 0;
  for (let k = 0; k < n; k++) {
    const v = vectors!.subarray(k * n, k * n + n);
    product.fill(0);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < n; j++) sum += matrix[i * n + j] * v[j];
      product[i] = sum - values[k] * v[i];
    }
    let residual = 0;
    let norm = 0;
    for (let i = 0; i < n; i++) {
      residual += product[i] * product[i];
      norm += v[i] * v[i];
    }
    worstResidual = Math.max(worstResidual, Math.sqrt(residual));
    worstNorm = Math.max(worstNorm, Math.abs(Math.sqrt(norm) - 1));
  }
  assert.ok(worstResidual <= 1e-10 * scale, `largest residual ${worstResidual} vs ‖H‖ ${scale}`);
  assert.ok(worstNorm < 1e-12, `eigenvector norms off by ${worstNorm}`);
  // Orthogonality of a few pairs inside the zero cluster, where it is hardest.
  const first = values.findIndex((value) => Math.abs(value) < 1e-12 * scale);
  for (let k = first; k < first + 5; k++) {
    let dot = 0;
    for (let i = 0; i < n; i++) dot += vectors![k * n + i] * vectors![(k + 1) * n + i];
    assert.ok(Math.abs(dot) < 1e-10, `v${k}·v${k + 1} = ${dot}`);
  }
});

test('the full spectrum of a 1,929-parameter tanh MLP Hessian matches numpy eigvalsh to 1e-10 of max|λ|', { skip }, () => {
  const { matrix, n } = mlpHessian(101);
  assert.equal(n, 1929);
  assertMatchesNumpy(matrix, n, symmetricEigen(matrix, n).values);
});

test('a matrix with a zero cluster inside a large block, graded blocks and extreme scales all converge', () => {
  // diag(0 × 40, 1…40) rotated by a random orthogonal-ish mix: a Householder reflection of a dense vector.
  const n = 80;
  const diagonal = Float64Array.from({ length: n }, (_, i) => (i < 40 ? 0 : i - 39));
  const u = Float64Array.from({ length: n }, (_, i) => Math.sin(1.7 * i + 0.3));
  const uu = u.reduce((sum, x) => sum + x * x, 0);
  // A = (I − 2uuᵀ/uᵀu) diag (I − 2uuᵀ/uᵀu).
  const reflect = (i: number, j: number) => (i === j ? 1 : 0) - (2 * u[i] * u[j]) / uu;
  for (const factor of [1, 1e-200, 1e200]) {
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += reflect(i, k) * diagonal[k] * reflect(k, j);
      a[i * n + j] = sum * factor;
    }
    const values = symmetricEigen(a, n).values;
    for (let k = 0; k < n; k++) assert.ok(Math.abs(values[k] - diagonal[k] * factor) < 1e-12 * 40 * factor, `scale ${factor}, λ${k}: ${values[k]}`);
  }
});

test('a matrix with NaN is refused by name instead of iterating', () => {
  const a = Float64Array.of(1, 0, 0, 0, Number.NaN, 0, 0, 0, 1);
  assert.throws(() => symmetricEigen(a, 3), /non-finite entries/);
});

test('the dense spectrum at weights where the loss is not finite fails naming the loss, not the eigensolver', () => {
  const problem = buildNetworkObjective({ model: { layers: [2, 3, 2], activation: 'tanh' }, data: { kind: 'synthetic', name: 'xor', samples: 20, testFraction: 0 }, seed: 2 }, '.');
  const weights = Float64Array.from(problem.parameters);
  // An output bias of 1e308 overflows the softmax: the loss is NaN with every weight finite.
  weights[weights.length - 1] = 1e308;
  assert.ok(!Number.isFinite(problem.objective.value(weights)));
  assert.throws(() => denseSpectrum(problem.objective, weights), /the Hessian cannot be analysed: the loss at the given weights is (NaN|Infinity)/);
  weights[0] = Number.NaN;
  assert.throws(() => denseSpectrum(problem.objective, weights), /the Hessian cannot be analysed: 1 of the 17 weights are NaN or ±Infinity \(the first at index 0\)/);
});
