import type { Random } from '../random';
import type { MlpLayout } from './layout';

/**
 * Initializations: `seed` N(0, 0.1²) weights (numpy's randn·0.1), `he` N(0, 2/in) (He et al.
 * 2015, "Delving deep into rectifiers"), `xavier` U(±√(6/(in+out))) (Glorot & Bengio 2010), `torch`
 * nn.Linear's default U(±1/√in) for weight and bias. Biases are zero except for `torch`.
 */
export const INIT_NAMES = ['seed', 'he', 'xavier', 'torch'] as const;
export type InitName = (typeof INIT_NAMES)[number];

/** A fresh parameter vector drawn from the named scheme with the given PRNG. */
export function initializeParameters(layout: MlpLayout, scheme: InitName, random: Random, out = new Float64Array(layout.dim)): Float64Array {
  for (const layer of layout.layers) {
    const { inputs, outputs, weightOffset, biasOffset } = layer;
    const weights = out.subarray(weightOffset, weightOffset + inputs * outputs);
    const bound = 1 / Math.sqrt(inputs);
    switch (scheme) {
      case 'seed':
        random.fillGaussian(weights, 0, 0.1);
        break;
      case 'he':
        random.fillGaussian(weights, 0, Math.sqrt(2 / inputs));
        break;
      case 'xavier':
        fillUniform(weights, Math.sqrt(6 / (inputs + outputs)), random);
        break;
      case 'torch':
        fillUniform(weights, bound, random);
        break;
    }
    if (biasOffset >= 0) {
      const bias = out.subarray(biasOffset, biasOffset + outputs);
      if (scheme === 'torch') fillUniform(bias, bound, random);
      else bias.fill(0);
    }
  }
  return out;
}

function fillUniform(out: Float64Array, bound: number, random: Random): void {
  for (let i = 0; i < out.length; i++) out[i] = bound * (2 * random.uniform() - 1);
}
