import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mlpPlaneEvaluator } from '../../src/core/landscape/mlp-plane';
import { planePoint } from '../../src/core/landscape/evaluator';
import { RowActivation } from '../../src/core/landscape/row-activation';
import type { MlpProblem, PlaneSpec } from '../../src/core/landscape/types';
import { Mlp, mlpObjective } from '../../src/core/nn/mlp';
import { Random } from '../../src/core/random';

function problemAndPlane(activations: string[], loss: string, sparse: boolean): { problem: MlpProblem; spec: PlaneSpec; network: Mlp } {
  const random = new Random(7);
  const sizes = [6, 5, 4, 3];
  const samples = 9;
  const inputs = random.fillGaussian(new Float64Array(samples * sizes[0]));
  if (sparse) for (let i = 0; i < inputs.length; i++) if (i % 3 !== 0) inputs[i] = 0;
  const targets = new Float64Array(samples * 3);
  for (let n = 0; n < samples; n++) targets[n * 3 + (n % 3)] = 1;
  const spec = { sizes, activations, bias: true, loss };
  const network = new Mlp(spec as ConstructorParameters<typeof Mlp>[0]);
  const origin = random.fillGaussian(new Float64Array(network.dim), 0, 0.5);
  const directions = [random.fillGaussian(new Float64Array(network.dim), 0, 0.3), random.fillGaussian(new Float64Array(network.dim), 0, 0.3)];
  return { problem: { kind: 'mlp', spec, inputs, targets, samples, classifier: true }, spec: { problem: { kind: 'mlp', spec, inputs, targets, samples }, origin, directions, alphas: [-1, -0.3, 0.4, 1], betas: [-0.8, 0, 0.9] }, network };
}

for (const [activations, loss] of [
  [['tanh', 'relu', 'linear'], 'softmax-cross-entropy'],
  [['sigmoid', 'sigmoid', 'sigmoid'], 'mse'],
  [['gelu', 'softplus', 'linear'], 'sigmoid-bce'],
] as [string[], string][]) {
  for (const sparse of [true, false]) test(`fast MLP plane (${activations.join('/')}, ${loss}, ${sparse ? 'sparse' : 'dense'} inputs) equals the network's loss evaluated at each point`, () => {
    const { problem, spec, network } = problemAndPlane(activations, loss, sparse);
    const objective = mlpObjective(network, { inputs: problem.inputs, targets: problem.targets, rows: problem.samples });
    const evaluator = mlpPlaneEvaluator(problem, spec);
    const point = new Float64Array(network.dim);
    for (let row = 0; row < spec.betas.length; row++) {
      const values = evaluator.evaluateSegment({ row, columns: [0, 1, 2, 3] });
      assert.ok(values);
      values.columns.forEach((column, k) => {
        const direct = objective.value(planePoint(spec, spec.alphas[column], spec.betas[row], point));
        assert.ok(Math.abs(values.loss[k] - direct) <= 1e-10 * Math.max(1, Math.abs(direct)), `row ${row} column ${column}: ${values.loss[k]} vs ${direct}`);
        assert.ok(values.accuracy && values.accuracy[k] >= 0 && values.accuracy[k] <= 1);
      });
    }
  });
}

test('fast MLP plane accuracy counts argmax matches', () => {
  const { problem, spec, network } = problemAndPlane(['tanh', 'tanh', 'linear'], 'softmax-cross-entropy', false);
  const values = mlpPlaneEvaluator(problem, spec).evaluateSegment({ row: 1, columns: [1] });
  const point = planePoint(spec, spec.alphas[1], spec.betas[1], new Float64Array(network.dim));
  const outputs = network.forward(point, problem.inputs, problem.samples);
  let correct = 0;
  for (let n = 0; n < problem.samples; n++) {
    const row = Array.from(outputs.subarray(n * 3, n * 3 + 3));
    if (row.indexOf(Math.max(...row)) === n % 3) correct++;
  }
  assert.equal(values?.accuracy?.[0], correct / problem.samples);
});

test('a wrong-sized origin is a clear error', () => {
  const { problem, spec } = problemAndPlane(['tanh', 'tanh', 'linear'], 'mse', false);
  assert.throws(() => mlpPlaneEvaluator(problem, { ...spec, origin: new Float64Array(3) }), /origin has 3 entries, the network 6-5-4-3 has \d+ parameters/);
});

test('the row recurrence of sigmoid and tanh matches direct evaluation along 40 evenly spaced points, saturated units included', () => {
  const random = new Random(11);
  const count = 200;
  const rowBase = random.fillGaussian(new Float64Array(count), 0, 3);
  const slope = random.fillGaussian(new Float64Array(count), 0, 3);
  rowBase[0] = 800; // e^(−z) underflows at the start of the row
  slope[0] = -30;
  rowBase[1] = -400; // tanh's e^(−2z) overflows
  const alphas = Array.from({ length: 40 }, (_, i) => -1 + i / 13);
  for (const name of ['sigmoid', 'tanh'] as const) {
    const row = new RowActivation(name, rowBase, slope);
    const out = new Float64Array(count);
    let worst = 0;
    for (const alpha of alphas) {
      row.evaluate(alpha, out);
      for (let i = 0; i < count; i++) {
        const z = rowBase[i] + alpha * slope[i];
        const exact = name === 'sigmoid' ? 1 / (1 + Math.exp(-z)) : Math.tanh(z);
        worst = Math.max(worst, Math.abs(out[i] - exact));
      }
    }
    assert.ok(worst < 1e-13, `${name}: worst error ${worst}`);
  }
});
