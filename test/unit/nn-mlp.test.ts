import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIVATION_NAMES, type ActivationName } from '../../src/core/nn/activations';
import { LOSS_NAMES, type LossName } from '../../src/core/nn/losses';
import { Mlp, mlpObjective, type Batch } from '../../src/core/nn/mlp';
import { initializeParameters } from '../../src/core/nn/init';
import { erf } from '../../src/core/nn/erf';
import { Random } from '../../src/core/random';
import { denseHessian } from '../../src/core/objective';

function problem(activationName: ActivationName, loss: LossName, bias: boolean, seed = 1) {
  const random = new Random(seed);
  const sizes = [3, 4, 3];
  const network = new Mlp({ sizes, activations: [activationName, loss === 'mse' || loss === 'sse' ? activationName : 'linear'], bias, loss });
  const rows = 5;
  const inputs = random.fillGaussian(new Float64Array(rows * 3));
  const targets = new Float64Array(rows * 3);
  for (let i = 0; i < rows; i++) {
    if (loss === 'softmax-cross-entropy') targets[i * 3 + random.integer(3)] = 1;
    else for (let j = 0; j < 3; j++) targets[i * 3 + j] = loss === 'sigmoid-bce' ? random.integer(2) : random.gaussian();
  }
  const parameters = initializeParameters(network.layout, 'torch', random);
  for (let i = 0; i < parameters.length; i++) parameters[i] *= 2; // away from the linear regime
  const data: Batch = { inputs, targets, rows };
  return { network, data, parameters, objective: mlpObjective(network, data), random };
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string) {
  assert.equal(actual.length, expected.length);
  let scale = 1e-3;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance * scale, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

describe('MLP derivatives', () => {
  for (const activationName of ACTIVATION_NAMES) {
    for (const loss of LOSS_NAMES) {
      for (const bias of [true, false]) {
        it(`${activationName} + ${loss}${bias ? '' : ' (no bias)'}: gradient and Hessian-vector product match central differences`, () => {
          const { objective, parameters, random } = problem(activationName, loss, bias);
          const n = objective.dim;
          const gradient = new Float64Array(n);
          const value = objective.gradient(parameters, gradient);
          assert.equal(value, objective.value(parameters));
          const h = 1e-6;
          const numeric = new Float64Array(n);
          const shifted = Float64Array.from(parameters);
          for (let i = 0; i < n; i++) {
            shifted[i] = parameters[i] + h;
            const up = objective.value(shifted);
            shifted[i] = parameters[i] - h;
            numeric[i] = (up - objective.value(shifted)) / (2 * h);
            shifted[i] = parameters[i];
          }
          assertClose(gradient, numeric, 1e-6, 'gradient');
          const direction = random.fillGaussian(new Float64Array(n));
          const product = new Float64Array(n);
          objective.hessianVectorProduct!(parameters, direction, product);
          const gradientUp = new Float64Array(n);
          const gradientDown = new Float64Array(n);
          const eps = 1e-5;
          objective.gradient(parameters.map((p, i) => p + eps * direction[i]), gradientUp);
          objective.gradient(parameters.map((p, i) => p - eps * direction[i]), gradientDown);
          assertClose(product, gradientUp.map((g, i) => (g - gradientDown[i]) / (2 * eps)), 1e-6, 'H·v');
        });
      }
    }
  }

  it('the HVP builds the dense Hessian that second differences of the loss give (tanh, softmax-cross-entropy)', () => {
    for (const [activationName, loss] of [['tanh', 'softmax-cross-entropy'], ['gelu', 'mse'], ['softplus', 'sigmoid-bce']] as const) {
      const { objective, parameters } = problem(activationName, loss, true, 7);
      const n = objective.dim;
      const hessian = denseHessian(objective, parameters);
      const h = 1e-4;
      const at = (i: number, di: number, j: number, dj: number) => {
        const x = Float64Array.from(parameters);
        x[i] += di;
        x[j] += dj;
        return objective.value(x);
      };
      for (let i = 0; i < n; i += 3) {
        for (let j = 0; j < n; j += 2) {
          const numeric = (at(i, h, j, h) - at(i, h, j, -h) - at(i, -h, j, h) + at(i, -h, j, -h)) / (4 * h * h);
          assert.ok(Math.abs(hessian[i * n + j] - numeric) < 1e-5 * Math.max(1, Math.abs(numeric)), `${activationName} H[${i},${j}] ${hessian[i * n + j]} vs ${numeric}`);
        }
      }
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) assert.ok(Math.abs(hessian[i * n + j] - hessian[j * n + i]) < 1e-12);
    }
  });

  it('chunks of a data set add up to the whole: a 2,500-row objective equals its rows taken one network call at a time', () => {
    const random = new Random(3);
    const network = new Mlp({ sizes: [2, 5, 1], activations: ['tanh', 'linear'], bias: true, loss: 'mse' });
    const rows = 2500;
    const data: Batch = { inputs: random.fillGaussian(new Float64Array(rows * 2)), targets: random.fillGaussian(new Float64Array(rows)), rows };
    const parameters = initializeParameters(network.layout, 'xavier', random);
    const whole = new Float64Array(network.dim);
    const value = mlpObjective(network, data).gradient(parameters, whole);
    const single = new Mlp(network.spec);
    const reference = new Float64Array(network.dim);
    const oneCall = single.lossAndGradient(parameters, data, rows, reference);
    assert.ok(Math.abs(value - oneCall) < 1e-12 * Math.abs(oneCall));
    assertClose(whole, reference, 1e-12, 'gradient');
  });

  it('erf matches reference values to double precision', () => {
    const cases: [number, number][] = [[0.2, 0.22270258921047845], [0.5, 0.5204998778130465], [1, 0.8427007929497149], [2.5, 0.999593047982555], [-3, -0.9999779095030014], [5, 0.9999999999984626]];
    for (const [x, expected] of cases) assert.ok(Math.abs(erf(x) - expected) < 2e-16 * 4, `erf(${x}) = ${erf(x)}`);
  });
});
