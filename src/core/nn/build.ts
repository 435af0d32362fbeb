import { DataError, fitTargets, type Dataset } from '../data/dataset';
import { loadData, resolveDataPath, type DataConfig } from '../data/load';
import type { Objective } from '../objective';
import { Random } from '../random';
import type { ActivationName } from './activations';
import type { ModelConfig } from './config';
import { initializeParameters } from './init';
import type { MlpLayout, MlpSpec } from './layout';
import { isEngineLoss, LOSS_NAMES, type LossName } from './losses';
import { Mlp, mlpObjective, type Batch } from './mlp';
import { readWeightsFile, weightsToParameters, type LoadedWeights } from './weights';

/** What a network experiment works on: the network, its loss over the training set, the starting parameters and the data. */
export interface NetworkProblem {
  network: Mlp;
  spec: MlpSpec;
  layout: MlpLayout;
  /** Starting parameters (initialized, or read from model.weights). */
  parameters: Float64Array;
  /** The loss over the whole training set: f(θ) with exact ∇f and H·v. */
  objective: Objective;
  train: Dataset;
  test?: Dataset;
}

/**
 * The MLP spec of a model config for a data set: activations from one name (hidden layers;
 * linear output) or a list, the loss defaulting to softmax-cross-entropy (classes, several
 * outputs), sigmoid-bce (classes, one output) or mse (regression).
 */
export function resolveMlpSpec(model: ModelConfig, data: Dataset, weights?: LoadedWeights): MlpSpec {
  if (model.pytorch) throw new DataError(`model.pytorch: "${model.pytorch}" is a PyTorch model; it runs on the PyTorch backend, not on the engine's MLP`);
  if (model.loss !== undefined && !isEngineLoss(model.loss)) throw new DataError(`model.loss: "${model.loss}" is a Python function; only PyTorch models (model.pytorch) take one: use one of ${LOSS_NAMES.join(', ')}`);
  const sizes = model.layers ?? (weights ? [weights.layers[0].inputs, ...weights.layers.map((layer) => layer.outputs)] : []);
  const layerCount = sizes.length - 1;
  if (layerCount < 1) throw new DataError('model.layers needs at least two widths, e.g. [2, 4, 1]');
  if (sizes[0] !== data.features) {
    throw new DataError(`model.layers starts with ${sizes[0]} inputs but the data "${data.name}" has ${data.features} features: make the first width ${data.features}`);
  }
  let activations: ActivationName[];
  if (Array.isArray(model.activation)) {
    if (model.activation.length !== layerCount) throw new DataError(`model.activation lists ${model.activation.length} activations for ${layerCount} layers: give one per layer`);
    activations = model.activation;
  } else if (model.activation === undefined && weights?.layers.every((layer) => layer.activation)) {
    activations = weights.layers.map((layer) => layer.activation!);
  } else {
    const hidden: ActivationName = model.activation ?? 'tanh';
    activations = Array.from({ length: layerCount }, (_, l): ActivationName => (l + 1 < layerCount ? hidden : 'linear'));
  }
  const outputs = sizes[layerCount];
  const defaultLoss: LossName = data.classes ? (outputs === 1 ? 'sigmoid-bce' : 'softmax-cross-entropy') : 'mse';
  return { sizes, activations, bias: model.bias ?? true, loss: (model.loss as LossName | undefined) ?? weights?.loss ?? defaultLoss };
}

/** A data set as a Batch for the network (all rows). */
export function asBatch(data: Dataset): Batch {
  return { inputs: data.inputs, targets: data.targets, rows: data.rows };
}

/**
 * config → network problem: loads the data (relative to baseDir), builds the MLP, initializes
 * its parameters with the seeded PRNG or reads model.weights, and wraps the training loss as an Objective.
 */
export function buildNetworkObjective(config: { model: ModelConfig; data: DataConfig; seed?: number }, baseDir: string): NetworkProblem {
  const seed = config.seed ?? 0;
  const split = loadData(config.data, baseDir, seed);
  const weightsPath = config.model.weights ? resolveDataPath(baseDir, config.model.weights) : undefined;
  const weights = weightsPath ? readWeightsFile(weightsPath) : undefined;
  const spec = resolveMlpSpec(config.model, split.train, weights);
  const outputs = spec.sizes[spec.sizes.length - 1];
  const train = fitTargets(split.train, outputs);
  const test = split.test ? fitTargets(split.test, outputs) : undefined;
  const network = new Mlp(spec);
  const parameters = weights && weightsPath ? weightsToParameters(weights, spec, weightsPath) : initializeParameters(network.layout, config.model.init ?? 'torch', new Random(seed));
  return { network, spec, layout: network.layout, parameters, objective: mlpObjective(network, asBatch(train)), train, test };
}
