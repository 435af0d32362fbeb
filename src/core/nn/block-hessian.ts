/**
 * Hessian-vector products of an MLP for a block of directions at once: the R-operator of
 * mlp.ts (Pearlmutter 1994) with the forward pass shared and the per-direction matrix-vector
 * work stacked into matrix products, sample-major (direction j of sample r is row r·count + j of
 * each R-buffer). Layers whose slice of every direction is zero skip their products; sparse
 * slices (basis vectors, as the dense Hessian uses) are applied entry by entry. It gives the
 * products of Mlp.hessianVectorProduct (test/unit/hessian-block.test.ts checks them).
 */
import { allocateMatrix, gemm, gemmNT, plain, transposed } from '../linalg/gemm';
import type { LayerLayout } from './layout';
import type { Batch, Mlp } from './mlp';

/** Per-layer scratch of the block R-operator: rows × count × size, sample-major (direction j of sample r at (r·count + j)·size). */
class BlockBuffers {
  /** R{zₗ} along each direction (LayerBuffers.rZ, mlp.ts, for a block of directions). */
  rZ: Float64Array;
  /** R{aₗ} = fₗ′(zₗ) ⊙ R{zₗ}. */
  rA: Float64Array;
  /** R{∂loss/∂aₗ}. */
  rDeltaA: Float64Array;
  /** R{∂loss/∂zₗ}. */
  rDeltaZ: Float64Array;
  constructor(size: number) {
    this.rZ = allocateMatrix(size);
    this.rA = allocateMatrix(size);
    this.rDeltaA = allocateMatrix(size);
    this.rDeltaZ = allocateMatrix(size);
  }
}

/** The block product of one network, with its scratch (grown as blocks and batches grow). */
export class BlockHessianProduct {
  private blocks: BlockBuffers[] = [];
  private capacity = 0;
  /** Gathered direction weights and per-direction weight products, (count·outputs) × inputs at most. */
  private gathered: Float64Array = new Float64Array(0);
  private products: Float64Array = new Float64Array(0);
  private extraProducts: Float64Array = new Float64Array(0);
  private biasSums = new Float64Array(0);
  /** The network's output and targets repeated once per direction, for the loss's part. */
  private tiledOutput = new Float64Array(0);
  private tiledTargets = new Float64Array(0);

  constructor(private readonly network: Mlp) {}

  /** Scratch for a block of `count` directions over `rows` samples. */
  private ensure(rows: number, count: number): void {
    const size = rows * count;
    if (size > this.capacity) {
      this.capacity = Math.max(size, 2 * this.capacity);
      this.blocks = this.network.layout.layers.map((layer) => new BlockBuffers(this.capacity * layer.outputs));
      if (!this.network.loss.constantHessian) {
        this.tiledOutput = new Float64Array(this.capacity * this.network.outputs);
        this.tiledTargets = new Float64Array(this.capacity * this.network.outputs);
      }
    }
    const widest = count * Math.max(...this.network.layout.layers.map((layer) => layer.outputs));
    if (widest > this.biasSums.length) this.biasSums = new Float64Array(widest);
    const largest = count * Math.max(...this.network.layout.layers.map((layer) => layer.inputs * layer.outputs));
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
  apply(parameters: Float64Array, directions: Float64Array, count: number, batch: Batch, total: number, out: Float64Array, accumulate = false): void {
    const { inputs, targets, rows } = batch;
    const layers = this.network.layout.layers;
    const dim = this.network.dim;
    const output = this.network.forward(parameters, inputs, rows);
    this.ensure(rows, count);
    const stacked = rows * count;
    const slices = layers.map((layer) => nonzeroWeights(directions, count, dim, layer));
    const moves = layers.map((layer, l) => slices[l].entries > 0 || (layer.biasOffset >= 0 && anyNonzero(directions, count, dim, layer.biasOffset, layer.outputs)));
    // active[l]: R{z} of layer l may be nonzero.
    const active: boolean[] = [];
    for (let l = 0; l < layers.length; l++) {
      const layer = layers[l];
      const buffers = this.network.buffers[l];
      const block = this.blocks[l];
      const previous = l === 0 ? inputs : this.network.buffers[l - 1].a;
      const size = layer.outputs;
      const fan = layer.inputs;
      const fromBelow = l > 0 && active[l - 1];
      active.push(moves[l] || fromBelow);
      // R{z}[r, j, :] = a_prev[r, :]·Vⱼᵀ + V_bⱼ (+ R{a_prev}[r, j, :]·Wᵀ).
      const slice = slices[l];
      if (slice.entries > 0 && !slice.sparse) {
        this.gatherWeights(directions, count, layer, false);
        gemmNT(rows, count * size, fan, previous, 0, this.gathered, 0, block.rZ, 0, false);
      } else {
        block.rZ.fill(0, 0, stacked * size);
        if (slice.entries > 0) sparseForward(slice, previous, rows, count, size, fan, block.rZ);
      }
      if (layer.biasOffset >= 0 && moves[l]) addDirectionBias(block.rZ, directions, rows, count, size, dim, layer.biasOffset);
      if (fromBelow) gemmNT(stacked, size, fan, this.blocks[l - 1].rA, 0, parameters, layer.weightOffset, block.rZ, 0, true);
      const cells = rows * size;
      this.network.activations[l].derivative(buffers.z, buffers.a, buffers.slope, cells);
      this.network.activations[l].secondDerivative(buffers.z, buffers.a, buffers.curvature, cells);
      scaleStacked(block.rA, buffers.slope, block.rZ, rows, count, size);
    }
    const last = layers.length - 1;
    const top = this.network.buffers[last];
    const outputs = this.network.outputs;
    this.network.loss.evaluate(output, targets, rows, outputs, total, top.deltaA);
    // The loss's part per (sample, direction) row: its output and targets repeated once per direction, unless it reads neither.
    if (!this.network.loss.constantHessian) {
      repeatRows(output, this.tiledOutput, rows, count, outputs);
      repeatRows(targets, this.tiledTargets, rows, count, outputs);
    }
    this.network.loss.hessianTimes(this.tiledOutput, this.tiledTargets, this.blocks[last].rA, stacked, outputs, total, this.blocks[last].rDeltaA);
    for (let l = last; l >= 0; l--) {
      const layer = layers[l];
      const buffers = this.network.buffers[l];
      const block = this.blocks[l];
      const size = layer.outputs;
      const fan = layer.inputs;
      // δz = δa ⊙ f′(z) (shared), and δa ⊙ f″(z) once per layer in the scratch rDeltaZ of the single-direction path.
      for (let i = 0; i < rows * size; i++) {
        buffers.deltaZ[i] = buffers.deltaA[i] * buffers.slope[i];
        buffers.rDeltaZ[i] = buffers.deltaA[i] * buffers.curvature[i];
      }
      stackedDeltaZ(block.rDeltaZ, block.rDeltaA, buffers.slope, buffers.rDeltaZ, block.rZ, rows, count, size);
      const previous = l === 0 ? inputs : this.network.buffers[l - 1].a;
      const fromBelow = l > 0 && active[l - 1];
      // R{∂L/∂Wⱼ} = R{δz}ⱼᵀ·a_prev (+ δzᵀ·R{a_prev}ⱼ): products[(j·size + o)·fan + i] and extraProducts[o·count·fan + j·fan + i].
      gemm(count * size, fan, rows, transposed(block.rDeltaZ, count * size), previous, 0, this.products, 0, false);
      if (fromBelow) gemm(size, count * fan, rows, transposed(buffers.deltaZ, size), this.blocks[l - 1].rA, 0, this.extraProducts, 0, false);
      scatterWeightProducts(out, this.products, fromBelow ? this.extraProducts : undefined, count, size, fan, dim, layer.weightOffset, accumulate);
      if (layer.biasOffset >= 0) stackedColumnSums(block.rDeltaZ, rows, count, size, this.biasSums, out, dim, layer.biasOffset, accumulate);
      if (l > 0) {
        const below = this.network.buffers[l - 1];
        const belowBlock = this.blocks[l - 1];
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
        const from = j * this.network.dim + layer.weightOffset + o * fan;
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

/** rZ[r, j, o] += Vⱼ[o, i]·a_prev[r, i] over the nonzero entries of the slice. */
function sparseForward(slice: WeightSlice, previous: Float64Array, rows: number, count: number, size: number, fan: number, rZ: Float64Array): void {
  for (let e = 0; e < slice.entries; e++) {
    const v = slice.value[e];
    const i = slice.input[e];
    let at = slice.direction[e] * size + slice.output[e];
    const step = count * size;
    for (let r = 0; r < rows; r++, at += step) rZ[at] += v * previous[r * fan + i];
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

/** rZ[r, j, o] += (V_bⱼ)[o], over the nonzero bias entries of each direction. */
function addDirectionBias(rZ: Float64Array, directions: Float64Array, rows: number, count: number, size: number, dim: number, biasOffset: number): void {
  const step = count * size;
  for (let j = 0; j < count; j++) {
    for (let o = 0; o < size; o++) {
      const v = directions[j * dim + biasOffset + o];
      if (v === 0) continue;
      for (let at = j * size + o; at < rows * step; at += step) rZ[at] += v;
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
function stackedDeltaZ(rDeltaZ: Float64Array, rDeltaA: Float64Array, slope: Float64Array, curvature: Float64Array, rZ: Float64Array, rows: number, count: number, size: number): void {
  for (let r = 0; r < rows; r++) {
    const row = r * size;
    for (let j = 0; j < count; j++) {
      const at = (r * count + j) * size;
      for (let o = 0; o < size; o++) rDeltaZ[at + o] = rDeltaA[at + o] * slope[row + o] + curvature[row + o] * rZ[at + o];
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
