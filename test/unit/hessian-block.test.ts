import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Mlp, mlpObjective, type Batch } from '../../src/core/nn/mlp';
import { initializeParameters } from '../../src/core/nn/init';
import type { ActivationName } from '../../src/core/nn/activations';
import type { LossName } from '../../src/core/nn/losses';
import { Random } from '../../src/core/random';
import { hessianMatrix } from '../../src/core/hessian/dense-spectrum';
import { hessianOperator } from '../../src/core/hessian/operator';

function network(sizes: number[], activations: ActivationName[], loss: LossName, bias: boolean, rows: number, seed: number) {
  const random = new Random(seed);
  const mlp = new Mlp({ sizes, activations, bias, loss });
  const outputs = sizes[sizes.length - 1];
  const inputs = random.fillGaussian(new Float64Array(rows * sizes[0]));
  const targets = new Float64Array(rows * outputs);
  for (let i = 0; i < rows; i++) {
    if (loss === 'softmax-cross-entropy') targets[i * outputs + random.integer(outputs)] = 1;
    else for (let j = 0; j < outputs; j++) targets[i * outputs + j] = loss === 'sigmoid-bce' ? random.integer(2) : random.gaussian();
  }
  const parameters = initializeParameters(mlp.layout, 'torch', random);
  for (let i = 0; i < parameters.length; i++) parameters[i] *= 2;
  const data: Batch = { inputs, targets, rows };
  return { mlp, objective: mlpObjective(mlp, data), parameters, random };
}

/** max |a − b| / max |b|. */
function relativeDifference(a: Float64Array, b: Float64Array): number {
  let difference = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    difference = Math.max(difference, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  assert.ok(scale > 0);
  return difference / scale;
}

const cases = [
  { sizes: [3, 5, 4], activations: ['sigmoid', 'sigmoid'], loss: 'sse', bias: true, rows: 7 },
  { sizes: [3, 6, 5, 3], activations: ['tanh', 'gelu', 'linear'], loss: 'softmax-cross-entropy', bias: true, rows: 9 },
  { sizes: [4, 5, 2], activations: ['softplus', 'linear'], loss: 'sigmoid-bce', bias: false, rows: 6 },
  { sizes: [2, 4, 1], activations: ['tanh', 'linear'], loss: 'mse', bias: true, rows: 2100 }, // three chunks of rows
] as const;

test('block HVPs equal column-by-column HVPs to 1e-12 relative: dense, sparse and basis directions, every loss', () => {
  cases.forEach((spec, index) => {
    const { objective, parameters, random } = network([...spec.sizes], [...spec.activations], spec.loss, spec.bias, spec.rows, 11 + index);
    const n = objective.dim;
    const single = new Float64Array(n);
    for (const count of [1, 3, 8]) {
      // Dense Gaussian rows, rows with a few nonzeros, and rows confined to one layer's slice.
      const blocks: Float64Array[] = [random.fillGaussian(new Float64Array(count * n)), new Float64Array(count * n), new Float64Array(count * n)];
      for (let j = 0; j < count; j++) {
        for (let k = 0; k < 3; k++) blocks[1][j * n + random.integer(n)] = random.gaussian();
        blocks[2][j * n + random.integer(Math.min(n, spec.sizes[0] * spec.sizes[1]))] = 1;
      }
      for (const directions of blocks) {
        const block = new Float64Array(count * n);
        objective.hessianMatrixProduct!(parameters, directions, count, block);
        for (let j = 0; j < count; j++) {
          objective.hessianVectorProduct!(parameters, directions.subarray(j * n, (j + 1) * n), single);
          const difference = relativeDifference(block.subarray(j * n, (j + 1) * n), single);
          assert.ok(difference < 1e-12, `case ${index}, block of ${count}, direction ${j}: ${difference}`);
        }
      }
    }
  });
});

test('the dense Hessian from block products equals the one from single HVPs to 1e-12 relative, counting every product', () => {
  cases.forEach((spec, index) => {
    const { objective, parameters } = network([...spec.sizes], [...spec.activations], spec.loss, spec.bias, spec.rows, 31 + index);
    const operator = hessianOperator(objective, parameters);
    assert.ok(operator.applyBlock, 'the MLP objective multiplies blocks');
    const fractions: number[] = [];
    const blocked = hessianMatrix(operator, { onProgress: (fraction) => fractions.push(fraction) });
    assert.equal(operator.products, objective.dim);
    assert.equal(fractions[fractions.length - 1], 1);
    const columnwise = hessianMatrix({ dim: operator.dim, products: 0, apply: (v, out) => operator.apply(v, out) });
    assert.ok(relativeDifference(blocked, columnwise) < 1e-12, `case ${index}`);
  });
});
