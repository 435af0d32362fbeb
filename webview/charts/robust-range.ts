/**
 * "Ignore outliers" for a chart's y range (TensorBoard's option of that name): the range the
 * bulk of the values spans, so that one spike does not squash every other value into a flat
 * line. Pure; the charts set it as the axis' min and max and mark what falls outside.
 */

/** A robust y range, and how many of the values lie outside it (drawn clipped at the frame). */
export interface RobustRange {
  min: number;
  max: number;
  /** Values below min or above max. */
  outside: number;
}

/** Tukey's far-out fences: values beyond the quartiles by more than this many interquartile ranges are outliers. */
const FENCE = 3;
/** The bulk's span widened by this share on each side, so its extremes do not sit on the frame. */
const MARGIN = 0.05;
/** Fewer values than this have no bulk to speak of: nothing is called an outlier. */
const MIN_VALUES = 5;

/** The q-quantile of ascending values, interpolated between neighbours. */
function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/**
 * The range of the values inside Tukey's far-out fences (quartiles ∓ 3 interquartile ranges),
 * widened by 5 % of its span on each side; on a logarithmic axis (`log`) the same in log10 of
 * the positive values, so a loss that falls over decades has no outliers. When the quartiles
 * coincide (most values equal), the 5th–95th percentile span stands in for the interquartile
 * range, so a run that mostly sits at one value keeps the values that leave it unless they are
 * a few far ones. Undefined when nothing lies outside the fences (the axis keeps its ordinary
 * range) or there are too few finite values to tell.
 */
export function robustRange(values: readonly (number | null | undefined)[], log = false): RobustRange | undefined {
  const shown = values.filter((value): value is number => typeof value === 'number' && Number.isFinite(value) && (!log || value > 0));
  if (shown.length < MIN_VALUES) return undefined;
  const scaled = (log ? shown.map(Math.log10) : shown).sort((a, b) => a - b);
  const q1 = quantile(scaled, 0.25);
  const q3 = quantile(scaled, 0.75);
  const spread = q3 - q1 > 0 ? q3 - q1 : quantile(scaled, 0.95) - quantile(scaled, 0.05);
  const low = q1 - FENCE * spread;
  const high = q3 + FENCE * spread;
  const inside = scaled.filter((value) => value >= low && value <= high);
  if (inside.length === scaled.length || inside.length === 0) return undefined;
  const bottom = inside[0];
  const top = inside[inside.length - 1];
  // A bulk of one value: a band around it (a tenth of its size, or ±1 around zero; ±0.05 decades on a log axis).
  const pad = top > bottom ? (top - bottom) * MARGIN : log ? 0.05 : Math.abs(bottom) * 0.1 || 1;
  const min = bottom - pad;
  const max = top + pad;
  // Counted against the widened range: a value just beyond a fence may still lie inside the margin.
  const outside = scaled.filter((value) => value < min || value > max).length;
  if (outside === 0) return undefined;
  return log ? { min: 10 ** min, max: 10 ** max, outside } : { min, max, outside };
}
