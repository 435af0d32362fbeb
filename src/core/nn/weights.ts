import { DataError } from '../data/dataset';
import { readWholeFile } from '../data/data-file';
import { ACTIVATION_NAMES, type ActivationName } from './activations';
import { mlpLayout, type MlpSpec } from './layout';
import { LOSS_NAMES, type LossName } from './losses';
import { readSafetensors } from './safetensors';

/** Largest weights file read (a 784-100-10 net in F64 is 0.6 MB). */
const MAX_WEIGHTS_BYTES = 1024 * 1024 * 1024;

/** The documented JSON form of a network's weights (PyTorch layout: weight[out][in]). */
export interface WeightsJson {
  layers: { weight: number[][]; bias?: number[]; activation?: ActivationName }[];
  loss?: LossName;
}

/** Weights read from a file: per layer a weight (out × in, row-major) and maybe a bias, plus what the file says of activations and loss. */
export interface LoadedWeights {
  layers: { outputs: number; inputs: number; weight: Float64Array; bias?: Float64Array; activation?: ActivationName }[];
  loss?: LossName;
}

/** The JSON form of a parameter vector: {"layers": [{"weight": [[…]], "bias": […], "activation": …}], "loss": …}. */
export function weightsToJson(spec: MlpSpec, parameters: Float64Array): WeightsJson {
  const layers = mlpLayout(spec).layers.map((layer, l) => {
    const weight: number[][] = [];
    for (let o = 0; o < layer.outputs; o++) weight.push(Array.from(parameters.subarray(layer.weightOffset + o * layer.inputs, layer.weightOffset + (o + 1) * layer.inputs)));
    const bias = layer.biasOffset < 0 ? undefined : Array.from(parameters.subarray(layer.biasOffset, layer.biasOffset + layer.outputs));
    return { weight, ...(bias ? { bias } : {}), activation: spec.activations[l] };
  });
  return { layers, loss: spec.loss };
}

/** Parses the JSON form, checking it is rectangular; `source` names the file in errors. */
export function parseWeightsJson(json: unknown, source: string): LoadedWeights {
  const fail = (what: string): never => {
    throw new DataError(`model.weights: ${source} ${what}; the form is {"layers": [{"weight": [[…]], "bias": […], "activation": "tanh"}, …], "loss": "mse"}`);
  };
  const root = json as WeightsJson;
  if (!root || !Array.isArray(root.layers) || root.layers.length === 0) fail('has no "layers" list');
  if (root.loss !== undefined && !LOSS_NAMES.includes(root.loss)) fail(`names an unknown loss "${root.loss}"`);
  const layers = root.layers.map((layer, l) => {
    if (!Array.isArray(layer.weight) || layer.weight.length === 0 || !Array.isArray(layer.weight[0])) fail(`layer ${l} has no "weight" matrix`);
    const outputs = layer.weight.length;
    const inputs = layer.weight[0].length;
    const weight = new Float64Array(outputs * inputs);
    layer.weight.forEach((row, o) => {
      if (!Array.isArray(row) || row.length !== inputs) fail(`layer ${l} weight row ${o} has ${Array.isArray(row) ? row.length : 0} entries, not ${inputs}`);
      row.forEach((value, i) => (weight[o * inputs + i] = Number(value)));
    });
    if (layer.bias !== undefined && (!Array.isArray(layer.bias) || layer.bias.length !== outputs)) fail(`layer ${l} bias must have ${outputs} entries`);
    if (layer.activation !== undefined && !ACTIVATION_NAMES.includes(layer.activation)) fail(`layer ${l} names an unknown activation "${layer.activation}"`);
    return { outputs, inputs, weight, bias: layer.bias ? Float64Array.from(layer.bias) : undefined, activation: layer.activation };
  });
  return { layers, loss: root.loss };
}

/** Reads a weights file: .json (the documented form) or .safetensors (PyTorch nn.Sequential of Linear layers). */
export function readWeightsFile(path: string): LoadedWeights {
  const bytes = readWholeFile(path, 'model.weights', MAX_WEIGHTS_BYTES);
  if (path.endsWith('.safetensors')) return readSafetensors(bytes, path);
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (caught) {
    throw new DataError(`model.weights: ${path} is not valid JSON (${(caught as Error).message}); use .json or .safetensors`);
  }
  return parseWeightsJson(json, path);
}

/** Copies loaded weights into a parameter vector of the spec, or throws naming the layer whose shape does not fit. */
export function weightsToParameters(weights: LoadedWeights, spec: MlpSpec, source: string): Float64Array {
  const layout = mlpLayout(spec);
  if (weights.layers.length !== layout.layers.length) {
    throw new DataError(`model.weights: ${source} has ${weights.layers.length} layers but model.layers describes ${layout.layers.length}; make them agree`);
  }
  const parameters = new Float64Array(layout.dim);
  layout.layers.forEach((layer, l) => {
    const loaded = weights.layers[l];
    if (loaded.outputs !== layer.outputs || loaded.inputs !== layer.inputs) {
      throw new DataError(`model.weights: layer ${l} of ${source} is ${loaded.outputs}×${loaded.inputs} (out×in) but the model needs ${layer.outputs}×${layer.inputs}; fix model.layers`);
    }
    parameters.set(loaded.weight, layer.weightOffset);
    if (layer.biasOffset >= 0) {
      if (!loaded.bias) throw new DataError(`model.weights: layer ${l} of ${source} has no bias; set model.bias to false`);
      parameters.set(loaded.bias, layer.biasOffset);
    } else if (loaded.bias) {
      throw new DataError(`model.weights: layer ${l} of ${source} has a bias but model.bias is false; set it to true`);
    }
  });
  return parameters;
}
