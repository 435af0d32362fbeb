import type { ActivationName } from './activations';
import type { LossName } from './losses';

/** What an MLP is: layer widths (input first), one activation per layer, bias on or off, the loss. */
export interface MlpSpec {
  /** Widths [input, hidden…, output]. */
  sizes: number[];
  /** One activation per layer (sizes.length − 1 of them). */
  activations: ActivationName[];
  bias: boolean;
  loss: LossName;
}

/** Where a layer's parameters sit in the flat vector (PyTorch nn.Linear: weight [out, in] row-major, then bias). */
export interface LayerLayout {
  inputs: number;
  outputs: number;
  weightOffset: number;
  /** −1 when the layer has no bias. */
  biasOffset: number;
}

export interface MlpLayout {
  layers: LayerLayout[];
  /** Number of parameters: Σ (out·in + out·[bias]). */
  dim: number;
}

/** Offsets of every layer's weight and bias in the flat parameter vector, layer by layer. */
export function mlpLayout(spec: MlpSpec): MlpLayout {
  const layers: LayerLayout[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < spec.sizes.length; l++) {
    const inputs = spec.sizes[l];
    const outputs = spec.sizes[l + 1];
    const weightOffset = offset;
    offset += inputs * outputs;
    const biasOffset = spec.bias ? offset : -1;
    if (spec.bias) offset += outputs;
    layers.push({ inputs, outputs, weightOffset, biasOffset });
  }
  return { layers, dim: offset };
}

/** The weight of a layer as a view [out·in] into the flat vector. */
export function weightView(parameters: Float64Array, layer: LayerLayout): Float64Array {
  return parameters.subarray(layer.weightOffset, layer.weightOffset + layer.inputs * layer.outputs);
}

/** The bias of a layer as a view, or undefined when the layer has none. */
export function biasView(parameters: Float64Array, layer: LayerLayout): Float64Array | undefined {
  return layer.biasOffset < 0 ? undefined : parameters.subarray(layer.biasOffset, layer.biasOffset + layer.outputs);
}
