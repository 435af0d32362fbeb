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
 * differences inside, one-sided at the ends), measured against the loss's own scale, the range
 * it spans over the run (max − min of its finite values): epochs where |d loss/d epoch| <
 * threshold × range form plateau ranges. A loss that falls steadily over N epochs moves by about
 * range / N per epoch, so it is a plateau only when N > 1 / threshold; a loss that falls and then
 * levels off is a plateau where it levels off; a loss that does not move at all is one plateau.
 * `epochs[i]` labels losses[i].
 */
export function plateaus(losses: number[], threshold: number, epochs: number[] = losses.map((_, i) => i + 1)): EpochRange[] {
  const n = losses.length;
  if (n < 2) return [];
  const range = lossRange(losses);
  const slope = (i: number) => (i === 0 ? losses[1] - losses[0] : i === n - 1 ? losses[n - 1] - losses[n - 2] : (losses[i + 1] - losses[i - 1]) / 2);
  const ranges: EpochRange[] = [];
  for (let i = 0; i < n; i++) {
    const change = Math.abs(slope(i));
    if (!(range === 0 ? change === 0 : change < threshold * range)) continue;
    const last = ranges[ranges.length - 1];
    if (last && last.end === epochs[i - 1]) last.end = epochs[i];
    else ranges.push({ start: epochs[i], end: epochs[i] });
  }
  return ranges;
}

/** max − min of the finite values (0 when fewer than one is finite): the scale plateaus are measured against. */
export function lossRange(losses: number[]): number {
  let low = Infinity;
  let high = -Infinity;
  for (const value of losses) {
    if (!Number.isFinite(value)) continue;
    if (value < low) low = value;
    if (value > high) high = value;
  }
  return high >= low ? high - low : 0;
}

/** The words a plateau event says: the rule and its threshold, in the loss's own units. */
export function plateauMessage(threshold: number, range: number, start: number, end: number): string {
  if (range === 0) return `plateau: the loss does not change over epochs ${start}–${end}`;
  return `plateau: the loss changes by less than ${threshold} × its range (${Number(range.toPrecision(3))}) per epoch, |d loss/d epoch| < ${Number((threshold * range).toPrecision(3))}, over epochs ${start}–${end}`;
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
