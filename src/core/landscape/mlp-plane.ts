import { applyActivationInPlace } from './activation';
import type { PlaneEvaluator } from './evaluator';
import { RowActivation } from './row-activation';
import { allocateMatrix, gemmNT } from '../linalg/gemm';
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
  // later layers' weights at θ(α, β) and every layer's output, in the GEMM kernel's memory (no copies)
  const restWeights = rest.map((layer) => allocateMatrix(layer.outputs * layer.inputs));
  const restBiases = rest.map((layer) => new Float64Array(layer.outputs));
  const layerOutputs = layers.map((layer) => allocateMatrix(samples * layer.outputs));
  const rowBase = new Float64Array(samples * layers[0].outputs);
  const firstActivation = new RowActivation(activations[0], rowBase, alongFirst);

  /** Loss and accuracy at θ(α, β), given rowBase = P₀ + βP₂. */
  function evaluatePoint(alpha: number, beta: number): [number, number] {
    firstActivation.evaluate(alpha, layerOutputs[0]);
    for (let l = 0; l < rest.length; l++) {
      const layer = rest[l];
      const output = layerOutputs[l + 1];
      interpolateLayer(layer, vectors, alpha, beta, restWeights[l], restBiases[l]);
      gemmNT(samples, layer.outputs, layer.inputs, layerOutputs[l], 0, restWeights[l], 0, output, 0, false);
      addBias(output, restBiases[l], samples);
      applyActivationInPlace(activations[l + 1], output, output.length);
    }
    const output = layerOutputs[layerOutputs.length - 1];
    const value = loss.evaluate(output, problem.targets, samples, outputs, samples, null);
    return [value, labels ? accuracy(output, labels, samples, outputs, networkSpec.loss === 'sigmoid-bce' ? 0 : 0.5) : NaN];
  }

  return {
    evaluateSegment(segment, signal) {
      const beta = spec.betas[segment.row];
      for (let i = 0; i < rowBase.length; i++) rowBase[i] = base[i] + beta * alongSecond[i];
      firstActivation.reset();
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

/** P_v = X·W_vᵀ + b_v for the first layer's slice of each vector v (origin, d₁, d₂), as one product X·[W₀; W₁; W₂]ᵀ through the GEMM kernel. */
export function firstLayerProducts(inputs: Float64Array, samples: number, layer: LayerLayout, vectors: Float64Array[]): Float64Array[] {
  const { inputs: width, outputs } = layer;
  const stacked = vectors.length * outputs;
  const size = width * outputs;
  const weights = allocateMatrix(stacked * width);
  vectors.forEach((vector, v) => weights.set(vector.subarray(layer.weightOffset, layer.weightOffset + size), v * size));
  const products = new Float64Array(samples * stacked);
  gemmNT(samples, stacked, width, inputs, 0, weights, 0, products, 0, false);
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

/** One layer's W and b at θ(α, β) = origin + α·d₁ + β·d₂ (W row-major [out × in]). */
function interpolateLayer(layer: LayerLayout, [origin, first, second]: Float64Array[], alpha: number, beta: number, weights: Float64Array, bias: Float64Array): void {
  const size = layer.inputs * layer.outputs;
  for (let i = 0; i < size; i++) {
    const index = layer.weightOffset + i;
    weights[i] = origin[index] + alpha * first[index] + beta * second[index];
  }
  for (let j = 0; j < layer.outputs; j++) {
    const index = layer.biasOffset + j;
    bias[j] = layer.biasOffset < 0 ? 0 : origin[index] + alpha * first[index] + beta * second[index];
  }
}

/** out[n, j] += b[j] for every sample n. */
function addBias(out: Float64Array, bias: Float64Array, samples: number): void {
  const outputs = bias.length;
  for (let n = 0; n < samples; n++) for (let j = 0; j < outputs; j++) out[n * outputs + j] += bias[j];
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
