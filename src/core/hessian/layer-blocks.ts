import type { MlpLayout } from '../nn/layout';
import type { ParameterBlock } from './analyze';

/** One block per layer: its weight [out·in] followed by its bias, contiguous in the flat vector. */
export function layerBlocks(layout: MlpLayout): ParameterBlock[] {
  return layout.layers.map((layer, l) => ({ name: `layer ${l + 1} (${layer.inputs}→${layer.outputs})`, offset: layer.weightOffset, length: layer.inputs * layer.outputs + (layer.biasOffset < 0 ? 0 : layer.outputs) }));
}
