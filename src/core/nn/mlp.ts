import { allocateMatrix, gemm, gemmNT, plain, transposed } from '../linalg/gemm';
import type { Objective } from '../objective';
import { activation, type Activation } from './activations';
import { mlpLayout, type LayerLayout, type MlpLayout, type MlpSpec } from './layout';
import { createLoss, type Loss } from './losses';

/** Rows of a data set (or mini-batch), row-major: inputs rows × sizes[0], targets rows × sizes[last]. */
export interface Batch {
  inputs: Float64Array;
  targets: Float64Array;
  rows: number;
}

/** Per-layer scratch for `rows` samples: pre-activations, activations, derivatives and deltas, plus their R-operator twins. */
class LayerBuffers {
  z: Float64Array;
  a: Float64Array;
  d1: Float64Array;
  d2: Float64Array;
  deltaA: Float64Array;
  deltaZ: Float64Array;
  rz: Float64Array;
  ra: Float64Array;
  rDeltaA: Float64Array;
  rDeltaZ: Float64Array;
  constructor(size: number) {
    this.z = allocateMatrix(size);
    this.a = allocateMatrix(size);
    this.d1 = allocateMatrix(size);
    this.d2 = allocateMatrix(size);
    this.deltaA = allocateMatrix(size);
    this.deltaZ = allocateMatrix(size);
    this.rz = allocateMatrix(size);
    this.ra = allocateMatrix(size);
    this.rDeltaA = allocateMatrix(size);
    this.rDeltaZ = allocateMatrix(size);
  }
}

/** Per-layer scratch of the block R-operator: rows × count × size, sample-major (direction j of sample r at (r·count + j)·size). */
class BlockBuffers {
  rz: Float64Array;
  ra: Float64Array;
  rDeltaA: Float64Array;
  rDeltaZ: Float64Array;
  constructor(size: number) {
    this.rz = allocateMatrix(size);
    this.ra = allocateMatrix(size);
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
  private readonly loss: Loss;
  private readonly activations: Activation[];
  private buffers: LayerBuffers[] = [];
  private capacity = 0;
  private blockBuffers: BlockBuffers[] = [];
  private blockCapacity = 0;
  /** Gathered direction weights and per-direction weight products, (count·outputs) × inputs at most. */
  private gathered: Float64Array = new Float64Array(0);
  private products: Float64Array = new Float64Array(0);
  private extraProducts: Float64Array = new Float64Array(0);
  private biasSums = new Float64Array(0);
  /** The network's output and targets repeated once per direction, for the loss's part. */
  private tiledOutput = new Float64Array(0);
  private tiledTargets = new Float64Array(0);

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
      this.activations[l].derivative(buffers.z, buffers.a, buffers.d1, count);
      for (let i = 0; i < count; i++) buffers.deltaZ[i] = buffers.deltaA[i] * buffers.d1[i];
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
      this.affine(direction, layer.weightOffset, layer.biasOffset, previous, rows, layer.inputs, layer.outputs, buffers.rz);
      if (l > 0) gemmNT(rows, layer.outputs, layer.inputs, this.buffers[l - 1].ra, 0, parameters, layer.weightOffset, buffers.rz, 0, true);
      this.activations[l].derivative(buffers.z, buffers.a, buffers.d1, count);
      this.activations[l].secondDerivative(buffers.z, buffers.a, buffers.d2, count);
      for (let i = 0; i < count; i++) buffers.ra[i] = buffers.d1[i] * buffers.rz[i];
    });
    const last = layers.length - 1;
    const top = this.buffers[last];
    this.loss.evaluate(output, targets, rows, this.outputs, total, top.deltaA);
    this.loss.hessianTimes(output, targets, top.ra, rows, this.outputs, total, top.rDeltaA);
    for (let l = last; l >= 0; l--) {
      const layer = layers[l];
      const buffers = this.buffers[l];
      const count = rows * layer.outputs;
      for (let i = 0; i < count; i++) {
        buffers.deltaZ[i] = buffers.deltaA[i] * buffers.d1[i];
        buffers.rDeltaZ[i] = buffers.rDeltaA[i] * buffers.d1[i] + buffers.deltaA[i] * buffers.d2[i] * buffers.rz[i];
      }
      const previous = l === 0 ? inputs : this.buffers[l - 1].a;
      gemm(layer.outputs, layer.inputs, rows, transposed(buffers.rDeltaZ, layer.outputs), previous, 0, out, layer.weightOffset, accumulate);
      if (l > 0) gemm(layer.outputs, layer.inputs, rows, transposed(buffers.deltaZ, layer.outputs), this.buffers[l - 1].ra, 0, out, layer.weightOffset, true);
      if (layer.biasOffset >= 0) columnSums(buffers.rDeltaZ, rows, layer.outputs, out, layer.biasOffset, accumulate);
      if (l > 0) {
        const below = this.buffers[l - 1];
        gemm(rows, layer.inputs, layer.outputs, plain(buffers.deltaZ, layer.outputs), parameters, layer.weightOffset, below.deltaA, 0, false);
        gemm(rows, layer.inputs, layer.outputs, plain(buffers.rDeltaZ, layer.outputs), parameters, layer.weightOffset, below.rDeltaA, 0, false);
        gemm(rows, layer.inputs, layer.outputs, plain(buffers.deltaZ, layer.outputs), direction, layer.weightOffset, below.rDeltaA, 0, true);
      }
    }
  }

  /** Scratch for a block of `count` directions over `rows` samples. */
  private ensureBlock(rows: number, count: number): void {
    const size = rows * count;
    if (size > this.blockCapacity) {
      this.blockCapacity = Math.max(size, 2 * this.blockCapacity);
      this.blockBuffers = this.layout.layers.map((layer) => new BlockBuffers(this.blockCapacity * layer.outputs));
      if (!this.loss.constantHessian) {
        this.tiledOutput = new Float64Array(this.blockCapacity * this.outputs);
        this.tiledTargets = new Float64Array(this.blockCapacity * this.outputs);
      }
    }
    const widest = count * Math.max(...this.layout.layers.map((layer) => layer.outputs));
    if (widest > this.biasSums.length) this.biasSums = new Float64Array(widest);
    const largest = count * Math.max(...this.layout.layers.map((layer) => layer.inputs * layer.outputs));
    if (largest > this.gathered.length) {
      this.gathered = allocateMatrix(largest);
      this.products = allocateMatrix(largest);
      this.extraProducts = allocateMatrix(largest);
    }
  }

  /**
   * The R-operator over a block of `count` directions at once (rows of `directions`, count × dim):
   * row j of out (+)= H·vⱼ for these rows' share of the loss, the same products as
   * hessianVectorProduct, with the forward pass shared and the per-direction matrix-vector work
   * stacked into matrix products (direction j of sample r is row r·count + j of each R-buffer).
   * A layer whose slice of every direction is zero skips the products that would only add zeros,
   * and sparse slices (basis vectors) are applied entry by entry instead of through a product.
   */
  blockHessianProduct(parameters: Float64Array, directions: Float64Array, count: number, batch: Batch, total: number, out: Float64Array, accumulate = false): void {
    const { inputs, targets, rows } = batch;
    const layers = this.layout.layers;
    const dim = this.dim;
    const output = this.forward(parameters, inputs, rows);
    this.ensureBlock(rows, count);
    const stacked = rows * count;
    const slices = layers.map((layer) => nonzeroWeights(directions, count, dim, layer));
    const moves = layers.map((layer, l) => slices[l].entries > 0 || (layer.biasOffset >= 0 && anyNonzero(directions, count, dim, layer.biasOffset, layer.outputs)));
    // active[l]: R{z} of layer l may be nonzero.
    const active: boolean[] = [];
    for (let l = 0; l < layers.length; l++) {
      const layer = layers[l];
      const buffers = this.buffers[l];
      const block = this.blockBuffers[l];
      const previous = l === 0 ? inputs : this.buffers[l - 1].a;
      const size = layer.outputs;
      const fan = layer.inputs;
      const fromBelow = l > 0 && active[l - 1];
      active.push(moves[l] || fromBelow);
      // R{z}[r, j, :] = a_prev[r, :]·Vⱼᵀ + V_bⱼ (+ R{a_prev}[r, j, :]·Wᵀ).
      const slice = slices[l];
      if (slice.entries > 0 && !slice.sparse) {
        this.gatherWeights(directions, count, layer, false);
        gemmNT(rows, count * size, fan, previous, 0, this.gathered, 0, block.rz, 0, false);
      } else {
        block.rz.fill(0, 0, stacked * size);
        if (slice.entries > 0) sparseForward(slice, previous, rows, count, size, fan, block.rz);
      }
      if (layer.biasOffset >= 0 && moves[l]) addDirectionBias(block.rz, directions, rows, count, size, dim, layer.biasOffset);
      if (fromBelow) gemmNT(stacked, size, fan, this.blockBuffers[l - 1].ra, 0, parameters, layer.weightOffset, block.rz, 0, true);
      const cells = rows * size;
      this.activations[l].derivative(buffers.z, buffers.a, buffers.d1, cells);
      this.activations[l].secondDerivative(buffers.z, buffers.a, buffers.d2, cells);
      scaleStacked(block.ra, buffers.d1, block.rz, rows, count, size);
    }
    const last = layers.length - 1;
    const top = this.buffers[last];
    const outputs = this.outputs;
    this.loss.evaluate(output, targets, rows, outputs, total, top.deltaA);
    // The loss's part per (sample, direction) row: its output and targets repeated once per direction, unless it reads neither.
    if (!this.loss.constantHessian) {
      repeatRows(output, this.tiledOutput, rows, count, outputs);
      repeatRows(targets, this.tiledTargets, rows, count, outputs);
    }
    this.loss.hessianTimes(this.tiledOutput, this.tiledTargets, this.blockBuffers[last].ra, stacked, outputs, total, this.blockBuffers[last].rDeltaA);
    for (let l = last; l >= 0; l--) {
      const layer = layers[l];
      const buffers = this.buffers[l];
      const block = this.blockBuffers[l];
      const size = layer.outputs;
      const fan = layer.inputs;
      // δz = δa ⊙ f′(z) (shared), and δa ⊙ f″(z) once per layer in the scratch rDeltaZ of the single-direction path.
      for (let i = 0; i < rows * size; i++) {
        buffers.deltaZ[i] = buffers.deltaA[i] * buffers.d1[i];
        buffers.rDeltaZ[i] = buffers.deltaA[i] * buffers.d2[i];
      }
      stackedDeltaZ(block.rDeltaZ, block.rDeltaA, buffers.d1, buffers.rDeltaZ, block.rz, rows, count, size);
      const previous = l === 0 ? inputs : this.buffers[l - 1].a;
      const fromBelow = l > 0 && active[l - 1];
      // R{∂L/∂Wⱼ} = R{δz}ⱼᵀ·a_prev (+ δzᵀ·R{a_prev}ⱼ): products[(j·size + o)·fan + i] and extraProducts[o·count·fan + j·fan + i].
      gemm(count * size, fan, rows, transposed(block.rDeltaZ, count * size), previous, 0, this.products, 0, false);
      if (fromBelow) gemm(size, count * fan, rows, transposed(buffers.deltaZ, size), this.blockBuffers[l - 1].ra, 0, this.extraProducts, 0, false);
      scatterWeightProducts(out, this.products, fromBelow ? this.extraProducts : undefined, count, size, fan, dim, layer.weightOffset, accumulate);
      if (layer.biasOffset >= 0) stackedColumnSums(block.rDeltaZ, rows, count, size, this.biasSums, out, dim, layer.biasOffset, accumulate);
      if (l > 0) {
        const below = this.buffers[l - 1];
        const belowBlock = this.blockBuffers[l - 1];
        gemm(rows, fan, size, plain(buffers.deltaZ, size), parameters, layer.weightOffset, below.deltaA, 0, false);
        // R{δa_prev} = R{δz}·W (rows·count rows of one product) + δz·Vⱼ.
        gemm(stacked, fan, size, plain(block.rDeltaZ, size), parameters, layer.weightOffset, belowBlock.rDeltaA, 0, false);
        const slice = slices[l];
        if (slice.entries > 0 && !slice.sparse) {
          this.gatherWeights(directions, count, layer, true);
          gemm(rows, count * fan, size, plain(buffers.deltaZ, size), this.gathered, 0, belowBlock.rDeltaA, 0, true);
        } else if (slice.entries > 0) sparseBackward(slice, buffers.deltaZ, rows, count, size, fan, belowBlock.rDeltaA);
      }
    }
  }

  /** Layer weights of every direction into `gathered`: (j·outputs + o)·inputs + i, or with interleave (o·count + j)·inputs + i. */
  private gatherWeights(directions: Float64Array, count: number, layer: LayerLayout, interleave: boolean): void {
    const fan = layer.inputs;
    for (let j = 0; j < count; j++) {
      for (let o = 0; o < layer.outputs; o++) {
        const from = j * this.dim + layer.weightOffset + o * fan;
        const to = (interleave ? o * count + j : j * layer.outputs + o) * fan;
        for (let i = 0; i < fan; i++) this.gathered[to + i] = directions[from + i];
      }
    }
  }
}

/** The nonzero weights of one layer across a block of directions: direction, output, input and value of each. */
interface WeightSlice {
  entries: number;
  /** Few enough nonzeros that applying them one by one beats a matrix product. */
  sparse: boolean;
  direction: Int32Array;
  output: Int32Array;
  input: Int32Array;
  value: Float64Array;
}

/** The nonzero weights of `layer` in the `count` rows of directions (dim each). */
function nonzeroWeights(directions: Float64Array, count: number, dim: number, layer: LayerLayout): WeightSlice {
  const fan = layer.inputs;
  const length = layer.outputs * fan;
  // Sparse when at most 1/8 of the entries are nonzero; beyond that the product is as cheap.
  const limit = Math.max(1, Math.floor((count * length) / 8));
  const direction = new Int32Array(limit);
  const output = new Int32Array(limit);
  const input = new Int32Array(limit);
  const value = new Float64Array(limit);
  let entries = 0;
  for (let j = 0; j < count; j++) {
    const start = j * dim + layer.weightOffset;
    for (let k = 0; k < length; k++) {
      const v = directions[start + k];
      if (v === 0) continue;
      if (entries < limit) {
        direction[entries] = j;
        output[entries] = Math.floor(k / fan);
        input[entries] = k % fan;
        value[entries] = v;
      }
      entries++;
    }
  }
  return { entries, sparse: entries <= limit, direction, output, input, value };
}

/** Whether any of the `count` rows of directions (dim each) is nonzero in [offset, offset + length). */
function anyNonzero(directions: Float64Array, count: number, dim: number, offset: number, length: number): boolean {
  for (let j = 0; j < count; j++) {
    for (let k = j * dim + offset; k < j * dim + offset + length; k++) if (directions[k] !== 0) return true;
  }
  return false;
}

/** rz[r, j, o] += Vⱼ[o, i]·a_prev[r, i] over the nonzero entries of the slice. */
function sparseForward(slice: WeightSlice, previous: Float64Array, rows: number, count: number, size: number, fan: number, rz: Float64Array): void {
  for (let e = 0; e < slice.entries; e++) {
    const v = slice.value[e];
    const i = slice.input[e];
    let at = slice.direction[e] * size + slice.output[e];
    const step = count * size;
    for (let r = 0; r < rows; r++, at += step) rz[at] += v * previous[r * fan + i];
  }
}

/** rDeltaA_prev[r, j, i] += δz[r, o]·Vⱼ[o, i] over the nonzero entries of the slice. */
function sparseBackward(slice: WeightSlice, deltaZ: Float64Array, rows: number, count: number, size: number, fan: number, rDeltaA: Float64Array): void {
  for (let e = 0; e < slice.entries; e++) {
    const v = slice.value[e];
    const o = slice.output[e];
    let at = slice.direction[e] * fan + slice.input[e];
    const step = count * fan;
    for (let r = 0; r < rows; r++, at += step) rDeltaA[at] += deltaZ[r * size + o] * v;
  }
}

/** rz[r, j, o] += (V_bⱼ)[o], over the nonzero bias entries of each direction. */
function addDirectionBias(rz: Float64Array, directions: Float64Array, rows: number, count: number, size: number, dim: number, biasOffset: number): void {
  const step = count * size;
  for (let j = 0; j < count; j++) {
    for (let o = 0; o < size; o++) {
      const v = directions[j * dim + biasOffset + o];
      if (v === 0) continue;
      for (let at = j * size + o; at < rows * step; at += step) rz[at] += v;
    }
  }
}

/** out[r, j, o] = d[r, o]·x[r, j, o]. */
function scaleStacked(out: Float64Array, d: Float64Array, x: Float64Array, rows: number, count: number, size: number): void {
  for (let r = 0; r < rows; r++) {
    const row = r * size;
    for (let j = 0; j < count; j++) {
      const at = (r * count + j) * size;
      for (let o = 0; o < size; o++) out[at + o] = d[row + o] * x[at + o];
    }
  }
}

/** R{δz}[r, j, o] = R{δa}[r, j, o]·f′(z)[r, o] + (δa ⊙ f″(z))[r, o]·R{z}[r, j, o]; curvature holds δa ⊙ f″(z). */
function stackedDeltaZ(rDeltaZ: Float64Array, rDeltaA: Float64Array, d1: Float64Array, curvature: Float64Array, rz: Float64Array, rows: number, count: number, size: number): void {
  for (let r = 0; r < rows; r++) {
    const row = r * size;
    for (let j = 0; j < count; j++) {
      const at = (r * count + j) * size;
      for (let o = 0; o < size; o++) rDeltaZ[at + o] = rDeltaA[at + o] * d1[row + o] + curvature[row + o] * rz[at + o];
    }
  }
}

/** Each row of m (rows × columns) repeated count times into out. */
function repeatRows(m: Float64Array, out: Float64Array, rows: number, count: number, columns: number): void {
  for (let r = 0; r < rows; r++) {
    const from = r * columns;
    for (let j = 0; j < count; j++) {
      const to = (r * count + j) * columns;
      for (let c = 0; c < columns; c++) out[to + c] = m[from + c];
    }
  }
}

/** out[j·dim + weightOffset + o·fan + i] (+)= products[(j·size + o)·fan + i] (+ extra[(o·count + j)·fan + i]). */
function scatterWeightProducts(
  out: Float64Array,
  products: Float64Array,
  extra: Float64Array | undefined,
  count: number,
  size: number,
  fan: number,
  dim: number,
  weightOffset: number,
  accumulate: boolean,
): void {
  for (let j = 0; j < count; j++) {
    for (let o = 0; o < size; o++) {
      const source = (j * size + o) * fan;
      const at = j * dim + weightOffset + o * fan;
      if (extra) {
        const second = (o * count + j) * fan;
        if (accumulate) for (let i = 0; i < fan; i++) out[at + i] += products[source + i] + extra[second + i];
        else for (let i = 0; i < fan; i++) out[at + i] = products[source + i] + extra[second + i];
      } else if (accumulate) for (let i = 0; i < fan; i++) out[at + i] += products[source + i];
      else for (let i = 0; i < fan; i++) out[at + i] = products[source + i];
    }
  }
}

/** out[j·dim + offset + o] (+)= Σ_r m[r, j, o] (sums in `sums`, count·size long). */
function stackedColumnSums(m: Float64Array, rows: number, count: number, size: number, sums: Float64Array, out: Float64Array, dim: number, offset: number, accumulate: boolean): void {
  const width = count * size;
  sums.fill(0, 0, width);
  for (let r = 0; r < rows; r++) {
    const row = r * width;
    for (let c = 0; c < width; c++) sums[c] += m[row + c];
  }
  for (let j = 0; j < count; j++) {
    const at = j * dim + offset;
    for (let o = 0; o < size; o++) out[at + o] = accumulate ? out[at + o] + sums[j * size + o] : sums[j * size + o];
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
