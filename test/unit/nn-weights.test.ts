import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mlp, mlpObjective } from '../../src/core/nn/mlp';
import type { MlpSpec } from '../../src/core/nn/layout';
import { parseWeightsJson, readWeightsFile, weightsToJson, weightsToParameters } from '../../src/core/nn/weights';
import { readSafetensors, writeSafetensors } from '../../src/core/nn/safetensors';
import { buildNetworkObjective } from '../../src/core/nn/build';

const FIXTURES = join(__dirname, '..', 'fixtures', 'nn');

interface TorchReference {
  loss_name: 'mse' | 'softmax-cross-entropy';
  inputs: number[][];
  targets: number[][] | number[];
  loss: number;
  parameters: number[];
  gradient: number[];
  vector: number[];
  hvp: number[];
}

const nets: [string, MlpSpec][] = [
  ['tanh-mse', { sizes: [3, 4, 2], activations: ['tanh', 'linear'], bias: true, loss: 'mse' }],
  ['gelu-cross-entropy', { sizes: [3, 5, 5, 3], activations: ['gelu', 'gelu', 'linear'], bias: true, loss: 'softmax-cross-entropy' }],
];

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string) {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance * (1 + Math.abs(expected[i])), `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

describe('weights from PyTorch', () => {
  for (const [name, spec] of nets) {
    it(`${name}: the .safetensors of an nn.Sequential loads, and loss, gradient and H·v match torch autograd`, () => {
      const reference = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as TorchReference;
      const path = join(FIXTURES, `${name}.safetensors`);
      const parameters = weightsToParameters(readWeightsFile(path), spec, path);
      assert.deepEqual([...parameters], reference.parameters);
      const outputs = spec.sizes.at(-1)!;
      const rows = reference.inputs.length;
      const targets = new Float64Array(rows * outputs);
      reference.targets.forEach((target, i) => {
        if (Array.isArray(target)) target.forEach((value, j) => (targets[i * outputs + j] = value));
        else targets[i * outputs + target] = 1;
      });
      const objective = mlpObjective(new Mlp(spec), { inputs: Float64Array.from(reference.inputs.flat()), targets, rows });
      const gradient = new Float64Array(objective.dim);
      assert.ok(Math.abs(objective.gradient(parameters, gradient) - reference.loss) < 1e-12 * (1 + reference.loss));
      assertClose(gradient, reference.gradient, 1e-11, 'gradient');
      const product = new Float64Array(objective.dim);
      objective.hessianVectorProduct!(parameters, Float64Array.from(reference.vector), product);
      assertClose(product, reference.hvp, 1e-11, 'H·v');
    });
  }

  it('a config names the weights file; the activations and loss come from the config, the shapes are checked', () => {
    const problem = buildNetworkObjective(
      { model: { layers: [3, 5, 5, 3], activation: 'gelu', weights: 'gelu-cross-entropy.safetensors' }, data: { kind: 'synthetic', name: 'blobs', dimension: 3, classes: 3, samples: 30 } },
      FIXTURES,
    );
    assert.equal(problem.spec.loss, 'softmax-cross-entropy');
    assert.deepEqual(problem.spec.activations, ['gelu', 'gelu', 'linear']);
    assert.equal(problem.parameters[0], (JSON.parse(readFileSync(join(FIXTURES, 'gelu-cross-entropy.json'), 'utf8')) as TorchReference).parameters[0]);
    assert.throws(
      () => buildNetworkObjective({ model: { layers: [3, 6, 3], weights: 'tanh-mse.safetensors' }, data: { kind: 'synthetic', name: 'blobs', dimension: 3, classes: 3 } }, FIXTURES),
      /model\.weights: layer 0 of .*tanh-mse\.safetensors is 4×3 \(out×in\) but the model needs 6×3/,
    );
    assert.throws(() => buildNetworkObjective({ model: { layers: [3, 4, 2], weights: 'missing.json' }, data: { kind: 'synthetic', name: 'blobs', dimension: 3, classes: 2 } }, FIXTURES), /model\.weights: the file .*missing\.json does not exist/);
  });
});

describe('weights export', () => {
  const spec: MlpSpec = { sizes: [2, 3, 1], activations: ['relu', 'sigmoid'], bias: true, loss: 'sigmoid-bce' };
  const parameters = Float64Array.from({ length: 13 }, (_, i) => (i - 6) / 7);

  it('JSON round-trips, in PyTorch layout, and a wrong shape is a clear error', () => {
    const json = weightsToJson(spec, parameters);
    assert.deepEqual(json.layers[0].weight, [[-6 / 7, -5 / 7], [-4 / 7, -3 / 7], [-2 / 7, -1 / 7]]);
    assert.deepEqual(json.layers[0].bias, [0, 1 / 7, 2 / 7]);
    assert.equal(json.layers[1].activation, 'sigmoid');
    const dir = mkdtempSync(join(tmpdir(), 'weights-'));
    writeFileSync(join(dir, 'w.json'), JSON.stringify(json));
    const loaded = readWeightsFile(join(dir, 'w.json'));
    assert.deepEqual(weightsToParameters(loaded, spec, 'w.json'), parameters);
    assert.throws(() => parseWeightsJson({ layers: [{ weight: [[1, 2], [3]] }] }, 'bad.json'), /layer 0 weight row 1 has 1 entries, not 2/);
    assert.throws(() => weightsToParameters(loaded, { ...spec, bias: false }, 'w.json'), /has a bias but model\.bias is false/);
  });

  it('safetensors round-trips bit for bit, named as nn.Sequential names its Linear layers', () => {
    const bytes = writeSafetensors(spec, parameters);
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    assert.deepEqual(Object.keys(header).filter((key) => key !== '__metadata__'), ['0.weight', '0.bias', '2.weight', '2.bias']);
    assert.deepEqual(header['0.weight'].shape, [3, 2]);
    assert.deepEqual(weightsToParameters(readSafetensors(bytes, 'memory'), spec, 'memory'), parameters);
  });
});
