import { activation, LEAKY_SLOPE, type ActivationName } from '../nn/activations';

/**
 * Applies the activation f in place to values[0, count), as nn/activations defines it: the common
 * ones inlined (this runs on every grid point), the rest through nn/activations.
 */
export function applyActivationInPlace(name: ActivationName, values: Float64Array, count: number): void {
  switch (name) {
    case 'relu':
      for (let i = 0; i < count; i++) if (values[i] < 0) values[i] = 0;
      return;
    case 'leaky_relu':
      for (let i = 0; i < count; i++) if (values[i] < 0) values[i] *= LEAKY_SLOPE;
      return;
    case 'tanh':
      for (let i = 0; i < count; i++) values[i] = Math.tanh(values[i]);
      return;
    case 'sigmoid':
      // σ(z) = 1/(1 + e^(−z)), written stably for z < 0 as e^z/(1 + e^z)
      for (let i = 0; i < count; i++) {
        const z = values[i];
        if (z >= 0) values[i] = 1 / (1 + Math.exp(-z));
        else {
          const e = Math.exp(z);
          values[i] = e / (1 + e);
        }
      }
      return;
    case 'linear':
      return;
    default:
      activation(name).apply(values, values, count);
  }
}
