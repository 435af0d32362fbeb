import { dot } from '../linalg/vector';
import type { LayerLayout } from '../nn/layout';
import type { Random } from '../random';

/** How a direction is scaled against the weights (Li et al. 2018, "Visualizing the Loss Landscape of Neural Nets", §4). */
export type DirectionNormalization = 'filter' | 'layer' | 'model' | 'unit' | 'none';

/** d ~ N(0, I) of the given dimension, from the project's seeded PRNG. */
export function gaussianDirection(dim: number, random: Random): Float64Array {
  return random.fillGaussian(new Float64Array(dim));
}

/** Gram–Schmidt: v ← v − (v·u / u·u)·u, so v ⟂ u (in place). */
export function orthogonalizeAgainst(v: Float64Array, u: Float64Array): Float64Array {
  const scale = dot(v, u) / dot(u, u);
  for (let i = 0; i < v.length; i++) v[i] -= scale * u[i];
  return v;
}

/** Scales d[start, end) to the norm of w[start, end): d ← d·‖w‖/(‖d‖ + 1e−10), as Li et al.'s net_plotter.py. */
function matchNorm(direction: Float64Array, weights: Float64Array, start: number, end: number): void {
  let directionSquared = 0;
  let weightSquared = 0;
  for (let i = start; i < end; i++) {
    directionSquared += direction[i] * direction[i];
    weightSquared += weights[i] * weights[i];
  }
  const scale = Math.sqrt(weightSquared) / (Math.sqrt(directionSquared) + 1e-10);
  for (let i = start; i < end; i++) direction[i] *= scale;
}

/**
 * Normalizes d against the weights w in place (Li et al. 2018, eq. 1 and net_plotter.py):
 * filter: each output neuron's weight row dᵢⱼ ← dᵢⱼ·‖wᵢⱼ‖/‖dᵢⱼ‖; layer: each weight matrix to
 * the matrix's norm; model: the whole vector to ‖w‖; unit: d/‖d‖; none.
 * Biases: zeroed when ignoreBiases (their --xignore biasbn), otherwise set to the weights' bias
 * (their d.copy_(w) for 1-D parameters) under filter and layer, scaled with the rest under model.
 * Without a layout (a surface) the whole vector is one filter.
 */
export function normalizeDirection(direction: Float64Array, weights: Float64Array, mode: DirectionNormalization, layers: LayerLayout[] | undefined, ignoreBiases: boolean): Float64Array {
  if (mode === 'none') return direction;
  if (mode === 'unit') {
    const length = Math.sqrt(dot(direction, direction));
    for (let i = 0; i < direction.length; i++) direction[i] /= length;
    return direction;
  }
  if (!layers || mode === 'model') {
    if (layers && ignoreBiases) for (const layer of layers) if (layer.biasOffset >= 0) direction.fill(0, layer.biasOffset, layer.biasOffset + layer.outputs);
    matchNorm(direction, weights, 0, direction.length);
    return direction;
  }
  for (const layer of layers) {
    const weightEnd = layer.weightOffset + layer.inputs * layer.outputs;
    if (mode === 'filter') {
      for (let row = 0; row < layer.outputs; row++) {
        const start = layer.weightOffset + row * layer.inputs;
        matchNorm(direction, weights, start, start + layer.inputs);
      }
    } else {
      matchNorm(direction, weights, layer.weightOffset, weightEnd);
    }
    if (layer.biasOffset >= 0) {
      const biasEnd = layer.biasOffset + layer.outputs;
      if (ignoreBiases) direction.fill(0, layer.biasOffset, biasEnd);
      else direction.set(weights.subarray(layer.biasOffset, biasEnd), layer.biasOffset);
    }
  }
  return direction;
}

/** Two seeded Gaussian directions, the second orthogonalized to the first, then each normalized. */
export function randomPlane(weights: Float64Array, random: Random, mode: DirectionNormalization, layers: LayerLayout[] | undefined, ignoreBiases: boolean, count: 1 | 2 = 2): Float64Array[] {
  const first = gaussianDirection(weights.length, random);
  const directions = [first];
  if (count === 2) directions.push(orthogonalizeAgainst(gaussianDirection(weights.length, random), first));
  return directions.map((direction) => normalizeDirection(direction, weights, mode, layers, ignoreBiases));
}

/** The line from a to b for a 1-D interpolation plot (Goodfellow et al. 2015): θ(α) = a + α·(b − a). */
export function interpolationDirection(from: Float64Array, to: Float64Array): Float64Array {
  const direction = new Float64Array(from.length);
  for (let i = 0; i < from.length; i++) direction[i] = to[i] - from[i];
  return direction;
}
