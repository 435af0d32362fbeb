/**
 * The pool's jobs and how they end. A job ends with a RunStatus (shared/results.ts): a failed job
 * is one whose worker crashed or threw, and what finished is kept. A whole experiment ends with a
 * RunOutcome (runner/types.ts), as every runner's run does.
 */
import type { PlaneGridValues } from '../../core/landscape/grid';
import type { SegmentValues } from '../../core/landscape/types';
import type { RunStatus } from '../../shared/results';

/** A job running in the pool: await `result` (it never rejects); `cancel()` stops it within one grid point. */
export interface JobHandle<T> {
  readonly result: Promise<T>;
  cancel(): void;
}

export interface PlaneOutcome {
  status: RunStatus;
  /** Every finished segment, in the order they finished. */
  segments: SegmentValues[];
  reason?: string;
}

export interface GridOutcome {
  status: RunStatus;
  /** The grid, NaN at the points not computed when cancelled or failed. */
  grid: PlaneGridValues;
  reason?: string;
}
