/**
 * The gradient-norm window detector: a saddle (or flat region) is
 * flagged when each of the last `window` gradient norms is below `threshold`.
 */
export class SaddleDetector {
  private readonly recent: number[] = [];

  constructor(
    readonly threshold = 1e-4,
    readonly window = 5,
  ) {}

  /** Records ‖∇f‖ and returns whether all of the last `window` norms are < threshold. */
  update(gradientNorm: number): boolean {
    this.recent.push(gradientNorm);
    if (this.recent.length > this.window) this.recent.shift();
    return this.recent.length === this.window && this.recent.every((norm) => norm < this.threshold);
  }
}

/** A run of consecutive epochs, inclusive. */
export interface EpochRange {
  start: number;
  end: number;
}

/**
 * The plateau analysis of a loss curve: d loss/d epoch by numpy.gradient (central
 * differences inside, one-sided at the ends); epochs with |d loss/d epoch| < threshold form
 * plateau ranges. `epochs[i]` labels losses[i].
 */
export function plateaus(losses: number[], threshold: number, epochs: number[] = losses.map((_, i) => i + 1)): EpochRange[] {
  const n = losses.length;
  if (n < 2) return [];
  const slope = (i: number) => (i === 0 ? losses[1] - losses[0] : i === n - 1 ? losses[n - 1] - losses[n - 2] : (losses[i + 1] - losses[i - 1]) / 2);
  const ranges: EpochRange[] = [];
  for (let i = 0; i < n; i++) {
    if (!(Math.abs(slope(i)) < threshold)) continue;
    const last = ranges[ranges.length - 1];
    if (last && last.end === epochs[i - 1]) last.end = epochs[i];
    else ranges.push({ start: epochs[i], end: epochs[i] });
  }
  return ranges;
}

/** Early stopping with patience: stop when the loss has not improved on its best by more than minDelta for `patience` epochs. */
export class EarlyStopping {
  private best = Infinity;
  private waited = 0;

  constructor(
    readonly patience: number,
    readonly minDelta = 0,
  ) {}

  /** Records a loss; returns true when training should stop. */
  update(loss: number): boolean {
    if (loss < this.best - this.minDelta) {
      this.best = loss;
      this.waited = 0;
      return false;
    }
    this.waited++;
    return this.waited >= this.patience;
  }
}
