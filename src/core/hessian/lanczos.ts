import { Random } from '../random';
import { dot } from '../linalg/vector';
import { checkCancelled, type HessianOperator, type HessianRunOptions } from './operator';
import { symmetricEigen } from '../linalg/symmetric-eigen';

export interface LanczosOptions extends HessianRunOptions {
  /** Number of largest eigenpairs wanted. */
  top?: number;
  /** Number of smallest (most negative) eigenpairs wanted. */
  bottom?: number;
  /** Basis vectors kept before a thick restart (default max(3·(top + bottom), 30), at most dim). */
  basisSize?: number;
  /** Converged when every wanted Ritz residual ‖Hy − θy‖ ≤ tolerance·max|θ| (default 1e-6). */
  tolerance?: number;
  /** Budget of Hessian-vector products (default max(500, 50·(top + bottom))). */
  maxProducts?: number;
  /** Seed of the start vector (the project's PRNG), default 0. */
  seed?: number;
  /** Recompute each residual with one more product (default true); else the Ritz estimate |gᵀs|. */
  exactResiduals?: boolean;
}

export interface Eigenpair {
  value: number;
  /** Unit eigenvector. */
  vector: Float64Array;
  /** ‖Hv − λv‖. */
  residual: number;
}

export interface LanczosResult {
  /** Largest first. */
  top: Eigenpair[];
  /** Most negative first. */
  bottom: Eigenpair[];
  products: number;
  restarts: number;
  /** False when the product budget ran out first (the pairs are the best Ritz pairs found). */
  converged: boolean;
}

/**
 * The k largest and k smallest eigenpairs of a symmetric operator by Lanczos with full
 * reorthogonalization (classical Gram–Schmidt, repeated when needed) and thick restarts that keep the wanted
 * Ritz vectors (Wu & Simon 2000, "Thick-restart Lanczos method for large symmetric
 * eigenvalue problems"): H V = V G + r gᵀ, G = VᵀHV, Ritz pairs (θ, Vs) from G = SΘSᵀ.
 */
export function lanczosExtremes(operator: HessianOperator, options: LanczosOptions = {}): LanczosResult {
  const n = operator.dim;
  const top = Math.min(options.top ?? 0, n);
  const bottom = Math.min(options.bottom ?? 0, n - top);
  const wanted = top + bottom;
  if (wanted === 0) return { top: [], bottom: [], products: 0, restarts: 0, converged: true };
  const capacity = Math.min(n, Math.max(options.basisSize ?? Math.max(3 * wanted, 30), wanted + 2));
  const tolerance = options.tolerance ?? 1e-6;
  const maxProducts = options.maxProducts ?? Math.max(500, 50 * wanted);
  const state = new LanczosState(operator, capacity, new Random(options.seed ?? 0));
  const startProducts = operator.products;
  let ritz = state.ritz();
  let restarts = 0;
  let converged = false;
  for (;;) {
    checkCancelled(options.signal);
    const exhausted = !state.expand();
    if (state.expanded < wanted && !exhausted) continue;
    ritz = state.ritz();
    const scale = Math.max(Math.abs(ritz.values[0]), Math.abs(ritz.values[ritz.values.length - 1]));
    const indices = wantedIndices(ritz.values.length, top, bottom);
    converged = exhausted || indices.every((k) => ritz.estimates[k] <= tolerance * scale);
    const spent = operator.products - startProducts;
    options.onProgress?.(Math.min(1, spent / maxProducts), `Lanczos: ${spent} products, basis ${state.expanded}`);
    if (converged || spent >= maxProducts) break;
    if (state.expanded >= capacity) {
      state.restart(ritz, keptIndices(ritz.values.length, top, bottom));
      restarts++;
    }
  }
  const pairs = (indices: number[]): Eigenpair[] =>
    indices.map((k) => {
      const vector = state.ritzVector(ritz.vectors, k);
      const residual = options.exactResiduals === false ? ritz.estimates[k] : residualNorm(operator, vector, ritz.values[k]);
      return { value: ritz.values[k], vector, residual };
    });
  const count = ritz.values.length;
  return {
    top: pairs(Array.from({ length: Math.min(top, count) }, (_, i) => count - 1 - i)),
    bottom: pairs(Array.from({ length: Math.min(bottom, count) }, (_, i) => i)),
    products: operator.products - startProducts,
    restarts,
    converged,
  };
}

/** ‖Hv − λv‖ by one more product. */
export function residualNorm(operator: HessianOperator, vector: Float64Array, value: number): number {
  const product = new Float64Array(vector.length);
  operator.apply(vector, product);
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += (product[i] - value * vector[i]) ** 2;
  return Math.sqrt(sum);
}

/** Ritz indices (ascending order) of the wanted ends. */
function wantedIndices(count: number, top: number, bottom: number): number[] {
  const indices = new Set<number>();
  for (let i = 0; i < Math.min(bottom, count); i++) indices.add(i);
  for (let i = 0; i < Math.min(top, count); i++) indices.add(count - 1 - i);
  return [...indices];
}

/** Ritz indices a thick restart keeps: the wanted ones plus half the rest, split between the ends as asked. */
function keptIndices(count: number, top: number, bottom: number): number[] {
  const keep = Math.min(count - 1, top + bottom + Math.floor((count - top - bottom) / 2));
  const extra = keep - top - bottom;
  const extraTop = Math.round((extra * top) / (top + bottom));
  return wantedIndices(count, top + extraTop, bottom + extra - extraTop);
}

interface RitzPairs {
  /** Ascending Ritz values θ. */
  values: Float64Array;
  /** Row k: coordinates s_k of the k-th Ritz vector in the basis. */
  vectors: Float64Array;
  /** Ritz residual estimates |gᵀs_k| = ‖H V s_k − θ_k V s_k‖. */
  estimates: Float64Array;
}

/** The basis V, the projected matrix G = VᵀHV and the coupling of the last (unexpanded) basis vector. */
class LanczosState {
  readonly basis: Float64Array[] = [];
  /** Projected matrix, row-major (capacity + 1)². */
  readonly projected: Float64Array;
  /** Basis vectors whose products are known (all but the last). */
  expanded = 0;
  private readonly size: number;
  private readonly product: Float64Array;
  private readonly coefficients: Float64Array;

  constructor(
    private readonly operator: HessianOperator,
    private readonly capacity: number,
    private readonly random: Random,
  ) {
    this.size = capacity + 1;
    this.projected = new Float64Array(this.size * this.size);
    this.product = new Float64Array(operator.dim);
    this.coefficients = new Float64Array(this.size);
    const start = random.fillGaussian(new Float64Array(operator.dim));
    scaleInPlace(start, 1 / Math.sqrt(dot(start, start)));
    this.basis.push(start);
  }

  /** One Lanczos step on the last basis vector: w = Hv − Σ(vᵢᵀHv)vᵢ (twice); false when the space is exhausted. */
  expand(): boolean {
    const j = this.expanded;
    const v = this.basis[j];
    const w = this.product;
    this.operator.apply(v, w);
    const norm = Math.sqrt(dot(w, w));
    this.orthogonalize(w, j + 1, true);
    this.expanded++;
    let beta = Math.sqrt(dot(w, w));
    let next = w;
    if (beta <= 1e-10 * norm || beta === 0) {
      // Invariant subspace: continue from a random vector orthogonal to the basis (coupling 0).
      next = this.random.fillGaussian(new Float64Array(w.length));
      this.orthogonalize(next, j + 1, false);
      const length = Math.sqrt(dot(next, next));
      if (this.expanded >= this.operator.dim || length < 1e-8) return false;
      scaleInPlace(next, 1 / length);
      beta = 0;
    } else {
      next = Float64Array.from(w);
      scaleInPlace(next, 1 / beta);
    }
    if (this.basis.length > j + 1) this.basis[j + 1] = next;
    else this.basis.push(next);
    for (let i = 0; i <= j; i++) this.setProjected(j + 1, i, 0);
    this.setProjected(j + 1, j, beta);
    return true;
  }

  /** w ← w − Σᵢ (vᵢᵀw)vᵢ over the first `count` vectors, once or twice; records the coefficients in G's column count−1 when asked. */
  private orthogonalize(w: Float64Array, count: number, record: boolean): void {
    const coefficients = this.coefficients;
    coefficients.fill(0);
    // Twice is enough (Daniel, Gragg, Kaufman & Stewart 1976): a second pass only when the first removed more than 1 − 1/√2 of ‖w‖.
    for (let pass = 0; pass < 2; pass++) {
      const before = Math.sqrt(dot(w, w));
      for (let i = 0; i < count; i++) {
        const c = dot(this.basis[i], w);
        coefficients[i] += c;
        const vi = this.basis[i];
        for (let k = 0; k < w.length; k++) w[k] -= c * vi[k];
      }
      if (Math.sqrt(dot(w, w)) > Math.SQRT1_2 * before) break;
    }
    if (record) for (let i = 0; i < count; i++) this.setProjected(i, count - 1, coefficients[i]);
  }

  private setProjected(i: number, j: number, value: number): void {
    this.projected[i * this.size + j] = value;
    this.projected[j * this.size + i] = value;
  }

  /** Rayleigh–Ritz on the expanded part: G_pp = SΘSᵀ, with estimates |g·s_k| from the coupling g of the last vector. */
  ritz(): RitzPairs {
    const p = this.expanded;
    const block = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) block[i * p + j] = this.projected[i * this.size + j];
    const { values, vectors } = symmetricEigen(block, p, { vectors: true, overwrite: true });
    const estimates = new Float64Array(p);
    const hasNext = this.basis.length > p;
    for (let k = 0; k < p && hasNext; k++) {
      let sum = 0;
      for (let j = 0; j < p; j++) sum += this.projected[p * this.size + j] * vectors![k * p + j];
      estimates[k] = Math.abs(sum);
    }
    return { values, vectors: vectors!, estimates };
  }

  /** y = V s_k. */
  ritzVector(coordinates: Float64Array, k: number): Float64Array {
    const p = this.expanded;
    const result = new Float64Array(this.operator.dim);
    for (let j = 0; j < p; j++) {
      const c = coordinates[k * p + j];
      const vj = this.basis[j];
      for (let i = 0; i < result.length; i++) result[i] += c * vj[i];
    }
    return result;
  }

  /** Thick restart: basis ← [Vs_k for kept k, v_last], G ← [[Θ, c], [cᵀ, ·]] with c_k = gᵀs_k. */
  restart(ritz: RitzPairs, kept: number[]): void {
    const p = this.expanded;
    const last = this.basis[p];
    const couplings = kept.map((k) => {
      let sum = 0;
      for (let j = 0; j < p; j++) sum += this.projected[p * this.size + j] * ritz.vectors[k * p + j];
      return sum;
    });
    const vectors = kept.map((k) => this.ritzVector(ritz.vectors, k));
    this.projected.fill(0);
    this.basis.length = 0;
    kept.forEach((k, i) => {
      this.basis.push(vectors[i]);
      this.setProjected(i, i, ritz.values[k]);
      this.setProjected(kept.length, i, couplings[i]);
    });
    this.basis.push(last);
    this.expanded = kept.length;
    if (this.expanded > this.capacity) throw new Error('thick restart kept more vectors than the basis holds');
  }
}

function scaleInPlace(v: Float64Array, factor: number): void {
  for (let i = 0; i < v.length; i++) v[i] *= factor;
}
