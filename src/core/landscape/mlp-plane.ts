import { applyActivationInPlace } from './activation';
import type { PlaneEvaluator } from './evaluator';
import type { ActivationName } from '../nn/activations';
import { mlpLayout, type LayerLayout, type MlpSpec } from '../nn/layout';
import { createLoss } from '../nn/losses';
import type { MlpProblem, PlaneSpec, SegmentValues } from './types';

/**
 * An MLP's loss on a plane, fast: the first layer's pre-activations are linear in (α, β),
 * X(W + αD₁ + βD₂)ᵀ + (b + αe₁ + βe₂) = P₀ + αP₁ + βP₂, so the three [samples × hidden]
 * products are computed once and each grid point costs only the layers after the first.
 */
export function mlpPlaneEvaluator(problem: MlpProblem, spec: PlaneSpec): PlaneEvaluator {
  const networkSpec = problem.spec as MlpSpec;
  const { layers, dim } = mlpLayout(networkSpec);
  if (spec.origin.length !== dim) throw new Error(`landscape origin has ${spec.origin.length} entries, the network ${networkSpec.sizes.join('-')} has ${dim} parameters`);
  const activations = networkSpec.activations as ActivationName[];
  const loss = createLoss(networkSpec.loss);
  const samples = problem.samples;
  const outputs = networkSpec.sizes[networkSpec.sizes.length - 1];
  const vectors = [spec.origin, spec.directions[0], spec.directions[1] ?? new Float64Array(dim)];
  const [base, alongFirst, alongSecond] = firstLayerProducts(problem.inputs, samples, layers[0], vectors);
  const labels = problem.classifier ? targetLabels(problem.targets, samples, outputs) : undefined;
  const rest = layers.slice(1);
  const packedWeights = rest.map((layer) => new Float64Array(layer.outputs * (layer.inputs + 1)));
  const layerOutputs = layers.map((layer) => new Float64Array(samples * layer.outputs));
  const rowBase = new Float64Array(samples * layers[0].outputs);

  /** Loss and accuracy at θ(α, β), given rowBase = P₀ + βP₂. */
  function evaluatePoint(alpha: number, beta: number): [number, number] {
    const first = layerOutputs[0];
    for (let i = 0; i < first.length; i++) first[i] = rowBase[i] + alpha * alongFirst[i];
    applyActivationInPlace(activations[0], first, first.length);
    for (let l = 0; l < rest.length; l++) {
      packLayer(rest[l], vectors, alpha, beta, packedWeights[l]);
      denseForward(layerOutputs[l], samples, rest[l], packedWeights[l], layerOutputs[l + 1]);
      applyActivationInPlace(activations[l + 1], layerOutputs[l + 1], layerOutputs[l + 1].length);
    }
    const output = layerOutputs[layerOutputs.length - 1];
    const value = loss.evaluate(output, problem.targets, samples, outputs, samples, null);
    return [value, labels ? accuracy(output, labels, samples, outputs, networkSpec.loss === 'sigmoid-bce' ? 0 : 0.5) : NaN];
  }

  return {
    evaluateSegment(segment, signal) {
      const beta = spec.betas[segment.row];
      for (let i = 0; i < rowBase.length; i++) rowBase[i] = base[i] + beta * alongSecond[i];
      const values: SegmentValues = { row: segment.row, columns: segment.columns, loss: [], accuracy: labels ? [] : undefined };
      for (const column of segment.columns) {
        if (signal?.aborted) return undefined;
        const [value, fraction] = evaluatePoint(spec.alphas[column], beta);
        values.loss.push(value);
        values.accuracy?.push(fraction);
      }
      return values;
    },
  };
}

/** P_v = X·W_vᵀ + b_v for the first layer's slice of each vector v (origin, d₁, d₂), skipping zero inputs (MNIST is ~80% zeros). */
export function firstLayerProducts(inputs: Float64Array, samples: number, layer: LayerLayout, vectors: Float64Array[]): Float64Array[] {
  const { inputs: width, outputs } = layer;
  const stacked = vectors.length * outputs;
  // weightsT[k·stacked + v·outputs + j] = W_v[j, k]: one contiguous row of all three per input
  const weightsT = new Float64Array(width * stacked);
  vectors.forEach((vector, v) => {
    for (let j = 0; j < outputs; j++) {
      for (let k = 0; k < width; k++) weightsT[k * stacked + v * outputs + j] = vector[layer.weightOffset + j * width + k];
    }
  });
  const products = new Float64Array(samples * stacked);
  for (let n = 0; n < samples; n++) {
    const out = n * stacked;
    for (let k = 0; k < width; k++) {
      const x = inputs[n * width + k];
      if (x === 0) continue;
      const row = k * stacked;
      for (let j = 0; j < stacked; j++) products[out + j] += x * weightsT[row + j];
    }
  }
  return vectors.map((vector, v) => {
    const result = new Float64Array(samples * outputs);
    for (let n = 0; n < samples; n++) {
      for (let j = 0; j < outputs; j++) {
        const bias = layer.biasOffset >= 0 ? vector[layer.biasOffset + j] : 0;
        result[n * outputs + j] = products[n * stacked + v * outputs + j] + bias;
      }
    }
    return result;
  });
}

/** One layer's [W | b] at θ(α, β) = origin + α·d₁ + β·d₂, packed row-major [out × (in + 1)]. */
function packLayer(layer: LayerLayout, [origin, first, second]: Float64Array[], alpha: number, beta: number, out: Float64Array): void {
  const { inputs, outputs, weightOffset, biasOffset } = layer;
  for (let j = 0; j < outputs; j++) {
    for (let k = 0; k < inputs; k++) {
      const index = weightOffset + j * inputs + k;
      out[j * (inputs + 1) + k] = origin[index] + alpha * first[index] + beta * second[index];
    }
    const bias = biasOffset + j;
    out[j * (inputs + 1) + inputs] = biasOffset < 0 ? 0 : origin[bias] + alpha * first[bias] + beta * second[bias];
  }
}

/** out[n, j] = Σₖ in[n, k]·W[j, k] + b[j] with packed [W | b]. */
function denseForward(input: Float64Array, samples: number, layer: LayerLayout, packed: Float64Array, out: Float64Array): void {
  const { inputs, outputs } = layer;
  const stride = inputs + 1;
  for (let n = 0; n < samples; n++) {
    const inputOffset = n * inputs;
    for (let j = 0; j < outputs; j++) {
      const weights = j * stride;
      let sum = packed[weights + inputs];
      for (let k = 0; k < inputs; k++) sum += input[inputOffset + k] * packed[weights + k];
      out[n * outputs + j] = sum;
    }
  }
}

/** Class of each sample: argmax of its target row, or target ≥ 0.5 for one output. */
function targetLabels(targets: Float64Array, samples: number, outputs: number): Int32Array {
  const labels = new Int32Array(samples);
  for (let n = 0; n < samples; n++) labels[n] = outputs === 1 ? (targets[n] >= 0.5 ? 1 : 0) : argmax(targets, n * outputs, outputs);
  return labels;
}

function argmax(values: Float64Array, offset: number, length: number): number {
  let best = 0;
  for (let j = 1; j < length; j++) if (values[offset + j] > values[offset + best]) best = j;
  return best;
}

/** Fraction of samples whose predicted class (argmax, or output ≥ threshold for one output) equals the label. */
function accuracy(output: Float64Array, labels: Int32Array, samples: number, outputs: number, threshold: number): number {
  let correct = 0;
  for (let n = 0; n < samples; n++) {
    const predicted = outputs === 1 ? (output[n] >= threshold ? 1 : 0) : argmax(output, n * outputs, outputs);
    if (predicted === labels[n]) correct++;
  }
  return correct / samples;
}
