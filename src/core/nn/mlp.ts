import { allocateMatrix, gemm, gemmNT, plain, transposed } from '../linalg/gemm';
import type { Objective } from '../objective';
import { activation, type Activation } from './activations';
import { BlockHessianProduct } from './block-hessian';
import { mlpLayout, type MlpLayout, type MlpSpec } from './layout';
import { createLoss, type Loss } from './losses';

/** Rows of a data set (or mini-batch), row-major: inputs rows × sizes[0], targets rows × sizes[last]. */
export interface Batch {
  inputs: Float64Array;
  targets: Float64Array;
  rows: number;
}

/**
 * Per-layer scratch for `rows` samples, rows × outputs each: the forward pass, the backward pass
 * and their R-operator twins (R{x} = ∂x/∂θ · v, the derivative along the direction v).
 */
export class LayerBuffers {
  /** zₗ = aₗ₋₁Wₗᵀ + bₗ, the pre-activations. */
  z: Float64Array;
  /** aₗ = fₗ(zₗ), the activations. */
  a: Float64Array;
  /** fₗ′(zₗ), the activation's slope at each pre-activation. */
  slope: Float64Array;
  /** fₗ″(zₗ), the activation's curvature at each pre-activation (the R-operator's backward pass needs it). */
  curvature: Float64Array;
  /** ∂loss/∂aₗ. */
  deltaA: Float64Array;
  /** ∂loss/∂zₗ = ∂loss/∂aₗ ⊙ fₗ′(zₗ). */
  deltaZ: Float64Array;
  /** R{zₗ}, the pre-activations' derivative along v. */
  rZ: Float64Array;
  /** R{aₗ} = fₗ′(zₗ) ⊙ R{zₗ}. */
  rA: Float64Array;
  /** R{∂loss/∂aₗ}. */
  rDeltaA: Float64Array;
  /** R{∂loss/∂zₗ}. */
  rDeltaZ: Float64Array;
  constructor(size: number) {
    this.z = allocateMatrix(size);
    this.a = allocateMatrix(size);
    this.slope = allocateMatrix(size);
    this.curvature = allocateMatrix(size);
    this.deltaA = allocateMatrix(size);
    this.deltaZ = allocateMatrix(size);
    this.rZ = allocateMatrix(size);
    this.rA = allocateMatrix(size);
    this.rDeltaA = allocateMatrix(size);
    this.rDeltaZ = allocateMatrix(size);
  }
}

/**
 * A multilayer perceptron: zₗ = aₗ₋₁Wₗᵀ + bₗ, aₗ = fₗ(zₗ), loss on a_L. Exact gradient by
 * backpropagation and exact Hessian-vector product by the R-operator (Pearlmutter 1994, "Fast
 * exact multiplication by the Hessian", forward-over-reverse). Parameters are one flat vector in
 * PyTorch nn.Linear layout.
 */
export class Mlp {
  readonly layout: MlpLayout;
  readonly dim: number;
  /** The loss on the output layer, the activations and the per-layer scratch of the last forward pass (read by the block product, block-hessian.ts). */
  readonly loss: Loss;
  readonly activations: Activation[];
  buffers: LayerBuffers[] = [];
  private capacity = 0;
  private block?: BlockHessianProduct;

  constructor(readonly spec: MlpSpec) {
    this.layout = mlpLayout(spec);
    this.dim = this.layout.dim;
    this.loss = createLoss(spec.loss);
    this.activations = spec.activations.map(activation);
  }

  get inputs(): number {
    return this.spec.sizes[0];
  }

  get outputs(): number {
    return this.spec.sizes[this.spec.sizes.length - 1];
  }

  private ensure(rows: number): void {
    if (rows <= this.capacity) return;
    this.capacity = Math.max(rows, 2 * this.capacity);
    this.buffers = this.layout.layers.map((layer) => new LayerBuffers(this.capacity * layer.outputs));
  }

  /** Forward pass over `rows` samples; returns the output activations a_L (a view valid until the next call). */
  forward(parameters: Float64Array, inputs: Float64Array, rows: number): Float64Array {
    this.ensure(rows);
    this.layout.layers.forEach((layer, l) => {
      const buffers = this.buffers[l];
      const previous = l === 0 ? inputs : this.buffers[l - 1].a;
      this.affine(parameters, layer.weightOffset, layer.biasOffset, previous, rows, layer.inputs, layer.outputs, buffers.z);
      this.activations[l].apply(buffers.z, buffers.a, rows * layer.outputs);
    });
    return this.buffers[this.buffers.length - 1].a.subarray(0, rows * this.outputs);
  }

  /** The output activations of the last forward pass (rows × outputs), a view valid until the next call. */
  lastOutput(rows: number): Float64Array {
    return this.buffers[this.buffers.length - 1].a.subarray(0, rows * this.outputs);
  }

  /** out = x·Wᵀ + b for x rows × inputs, W at weightOffset in source (b skipped when biasOffset < 0). */
  private affine(
    source: Float64Array,
    weightOffset: number,
    biasOffset: number,
    x: Float64Array,
    rows: number,
    inputs: number,
    outputs: number,
    out: Float64Array,
  ): void {
    gemmNT(rows, outputs, inputs, x, 0, source, weightOffset, out, 0, false);
    if (biasOffset >= 0) {
      for (let i = 0; i < rows; i++) {
        const row = i * outputs;
        for (let j = 0; j < outputs; j++) out[row + j] += source[biasOffset + j];
      }
    }
  }

  /**
   * Loss of these rows (their share of a mean over `total` samples) and, with gradient, ∇L by
   * backpropagation: δz = δa ⊙ f′(z), ∂L/∂W = δzᵀ·a_prev, ∂L/∂b = Σ δz, δa_prev = δz·W. With
   * accumulate the gradient is added to `gradient`.
   */
  lossAndGradient(parameters: Float64Array, batch: Batch, total: number, gradient: Float64Array | null, accumulate = false): number {
    const { inputs, targets, rows } = batch;
    const output = this.forward(parameters, inputs, rows);
    const last = this.buffers.length - 1;
    const value = this.loss.evaluate(output, targets, rows, this.outputs, total, gradient ? this.buffers[last].deltaA : null);
    if (!gradient) return value;
    for (let l = last; l >= 0; l--) {
      const layer = this.layout.layers[l];
      const buffers = this.buffers[l];
      const count = rows * layer.outputs;
      this.activations[l].derivative(buffers.z, buffers.a, buffers.slope, count);
      for (let i = 0; i < count; i++) buffers.deltaZ[i] = buffers.deltaA[i] * buffers.slope[i];
      const previous = l === 0 ? inputs : this.buffers[l - 1].a;
      gemm(layer.outputs, layer.inputs, rows, transposed(buffers.deltaZ, layer.outputs), previous, 0, gradient, layer.weightOffset, accumulate);
      if (layer.biasOffset >= 0) columnSums(buffers.deltaZ, rows, layer.outputs, gradient, layer.biasOffset, accumulate);
      if (l > 0) gemm(rows, layer.inputs, layer.outputs, plain(buffers.deltaZ, layer.outputs), parameters, layer.weightOffset, this.buffers[l - 1].deltaA, 0, false);
    }
    return value;
  }

  /**
   * out (+)= H·v for these rows' share of the loss, exactly, by the R-operator: forward
   * R{z} = R{a_prev}Wᵀ + a_prev·Vᵀ + V_b, R{a} = f′(z)R{z}; backward R{δz} = R{δa}⊙f′(z) + δa⊙f″(z)⊙R{z},
   * R{∂L/∂W} = R{δz}ᵀa_prev + δzᵀR{a_prev}, R{δa_prev} = R{δz}W + δz·V (Pearlmutter 1994).
   */
  hessianVectorProduct(parameters: Float64Array, direction: Float64Array, batch: Batch, total: number, out: Float64Array, accumulate = false): void {
    const { inputs, targets, rows } = batch;
    const layers = this.layout.layers;
    const output = this.forward(parameters, inputs, rows);
    layers.forEach((layer, l) => {
      const buffers = this.buffers[l];
      const previous = l === 0 ? inputs : this.buffers[l - 1].a;
      const count = rows * layer.outputs;
      this.affine(direction, layer.weightOffset, layer.biasOffset, previous, rows, layer.inputs, layer.outputs, buffers.rZ);
      if (l > 0) gemmNT(rows, layer.outputs, layer.inputs, this.buffers[l - 1].rA, 0, parameters, layer.weightOffset, buffers.rZ, 0, true);
      this.activations[l].derivative(buffers.z, buffers.a, buffers.slope, count);
      this.activations[l].secondDerivative(buffers.z, buffers.a, buffers.curvature, count);
      for (let i = 0; i < count; i++) buffers.rA[i] = buffers.slope[i] * buffers.rZ[i];
    });
    const last = layers.length - 1;
    const top = this.buffers[last];
    this.loss.evaluate(output, targets, rows, this.outputs, total, top.deltaA);
    this.loss.hessianTimes(output, targets, top.rA, rows, this.outputs, total, top.rDeltaA);
    for (let l = last; l >= 0; l--) {
      const layer = layers[l];
      const buffers = this.buffers[l];
      const count = rows * layer.outputs;
      for (let i = 0; i < count; i++) {
        buffers.deltaZ[i] = buffers.deltaA[i] * buffers.slope[i];
        buffers.rDeltaZ[i] = buffers.rDeltaA[i] * buffers.slope[i] + buffers.deltaA[i] * buffers.curvature[i] * buffers.rZ[i];
      }
      const previous = l === 0 ? inputs : this.buffers[l - 1].a;
      gemm(layer.outputs, layer.inputs, rows, transposed(buffers.rDeltaZ, layer.outputs), previous, 0, out, layer.weightOffset, accumulate);
      if (l > 0) gemm(layer.outputs, layer.inputs, rows, transposed(buffers.deltaZ, layer.outputs), this.buffers[l - 1].rA, 0, out, layer.weightOffset, true);
      if (layer.biasOffset >= 0) columnSums(buffers.rDeltaZ, rows, layer.outputs, out, layer.biasOffset, accumulate);
      if (l > 0) {
        const below = this.buffers[l - 1];
        gemm(rows, layer.inputs, layer.outputs, plain(buffers.deltaZ, layer.outputs), parameters, layer.weightOffset, below.deltaA, 0, false);
        gemm(rows, layer.inputs, layer.outputs, plain(buffers.rDeltaZ, layer.outputs), parameters, layer.weightOffset, below.rDeltaA, 0, false);
        gemm(rows, layer.inputs, layer.outputs, plain(buffers.deltaZ, layer.outputs), direction, layer.weightOffset, below.rDeltaA, 0, true);
      }
    }
  }

  /**
   * Row j of out (+)= H·vⱼ for the `count` rows of `directions` (count × dim): the products of
   * hessianVectorProduct for a block of directions at once (block-hessian.ts).
   */
  blockHessianProduct(parameters: Float64Array, directions: Float64Array, count: number, batch: Batch, total: number, out: Float64Array, accumulate = false): void {
    this.block ??= new BlockHessianProduct(this);
    this.block.apply(parameters, directions, count, batch, total, out, accumulate);
  }
}

/** out[offset + j] (+)= Σᵢ m[i, j] for a rows × columns matrix m. */
function columnSums(m: Float64Array, rows: number, columns: number, out: Float64Array, offset: number, accumulate: boolean): void {
  if (!accumulate) out.fill(0, offset, offset + columns);
  for (let i = 0; i < rows; i++) {
    const row = i * columns;
    for (let j = 0; j < columns; j++) out[offset + j] += m[row + j];
  }
}

/** Rows [start, end) of a batch as views (no copy). */
export function sliceBatch(batch: Batch, start: number, end: number, inputs: number, outputs: number): Batch {
  return { inputs: batch.inputs.subarray(start * inputs, end * inputs), targets: batch.targets.subarray(start * outputs, end * outputs), rows: end - start };
}

/** Rows processed per pass when an objective spans a whole data set (bounds the scratch memory). */
const CHUNK_ROWS = 1024;

/**
 * The network's loss over a data set as an Objective: f(θ) = L(θ; all rows), with exact ∇f
 * and H·v, computed in chunks of rows whose contributions add up exactly.
 */
export function mlpObjective(network: Mlp, data: Batch): Objective {
  const chunks = (visit: (chunk: Batch, first: boolean) => void) => {
    for (let start = 0; start < data.rows; start += CHUNK_ROWS) {
      visit(sliceBatch(data, start, Math.min(data.rows, start + CHUNK_ROWS), network.inputs, network.outputs), start === 0);
    }
  };
  return {
    dim: network.dim,
    value(x) {
      let sum = 0;
      chunks((chunk) => (sum += network.lossAndGradient(x, chunk, data.rows, null)));
      return sum;
    },
    gradient(x, out) {
      let sum = 0;
      chunks((chunk, first) => (sum += network.lossAndGradient(x, chunk, data.rows, out, !first)));
      return sum;
    },
    hessianVectorProduct(x, v, out) {
      chunks((chunk, first) => network.hessianVectorProduct(x, v, chunk, data.rows, out, !first));
    },
    hessianMatrixProduct(x, directions, count, out) {
      chunks((chunk, first) => network.blockHessianProduct(x, directions, count, chunk, data.rows, out, !first));
    },
  };
}
