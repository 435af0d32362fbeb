import { applyActivationInPlace } from './activation';
import type { ActivationName } from '../nn/activations';

/** Exact refresh interval of the exponential recurrence: the relative error stays below ~16 ulp. */
const REFRESH = 16;

/**
 * The first layer's activations along one grid row, a = f(R + α·P) for successive α (R = P₀ + βP₂,
 * P = P₁). For sigmoid and tanh, e^(−c·z) is advanced by one multiplication per point when α
 * moves by a constant step Δ: e^(−c(R + (α+Δ)P)) = e^(−c(R + αP))·e^(−cΔP), with an exact
 * refresh every 16 points and wherever the product leaves (0, ∞); so the row costs one
 * exponential per unit and sample at its start instead of one per point.
 */
export class RowActivation {
  private readonly scale: number;
  private readonly expState: Float64Array;
  private readonly stepFactor: Float64Array;
  private previousAlpha = NaN;
  private step = NaN;
  private sinceRefresh = 0;

  constructor(private readonly name: ActivationName, private readonly rowBase: Float64Array, private readonly slope: Float64Array) {
    this.scale = name === 'sigmoid' ? 1 : name === 'tanh' ? 2 : 0;
    this.expState = new Float64Array(this.scale ? rowBase.length : 0);
    this.stepFactor = new Float64Array(this.scale ? rowBase.length : 0);
  }

  /** A new row: rowBase was rewritten; the next point is computed exactly. */
  reset(): void {
    this.previousAlpha = NaN;
    this.step = NaN;
  }

  /** out = f(rowBase + α·slope), element-wise. */
  evaluate(alpha: number, out: Float64Array): void {
    const { rowBase, slope } = this;
    const count = rowBase.length;
    if (!this.scale) {
      for (let i = 0; i < count; i++) out[i] = rowBase[i] + alpha * slope[i];
      applyActivationInPlace(this.name, out, count);
      return;
    }
    const delta = alpha - this.previousAlpha;
    const recurrent = delta === this.step && this.sinceRefresh < REFRESH;
    if (!recurrent && Number.isFinite(delta) && delta !== this.step) {
      this.step = delta;
      for (let i = 0; i < count; i++) this.stepFactor[i] = Math.exp(-this.scale * delta * slope[i]);
    }
    this.sinceRefresh = recurrent ? this.sinceRefresh + 1 : 0;
    this.previousAlpha = alpha;
    this.advance(alpha, recurrent, out);
  }

  /** e ← e·F (or exactly e^(−c·z)); sigmoid 1/(1 + e), tanh (1 − e)/(1 + e) with e = e^(−2z). */
  private advance(alpha: number, recurrent: boolean, out: Float64Array): void {
    const { rowBase, slope, expState, stepFactor, scale } = this;
    const sigmoid = scale === 1;
    for (let i = 0; i < rowBase.length; i++) {
      let e = recurrent ? expState[i] * stepFactor[i] : -1;
      if (!(e > 0 && e < Infinity)) e = Math.exp(-scale * (rowBase[i] + alpha * slope[i]));
      expState[i] = e;
      if (sigmoid) out[i] = 1 / (1 + e);
      else out[i] = e === Infinity ? -1 : (1 - e) / (1 + e);
    }
  }
}
