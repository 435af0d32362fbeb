import type { PlaneGridValues } from '../core/landscape/grid';
import type { SegmentValues } from '../core/landscape/types';
import type { ExperimentResults } from '../results';

/** How a pooled job ended: all done, cancelled (what finished is kept) or failed (a worker crashed or threw; what finished is kept). */
export type JobStatus = 'completed' | 'cancelled' | 'failed';

/** A job running in the pool: await `result` (it never rejects); `cancel()` stops it within one grid point. */
export interface JobHandle<T> {
  readonly result: Promise<T>;
  cancel(): void;
}

export interface ExperimentOutcome {
  status: JobStatus;
  /** The final results, or on failure the partial results streamed before it. */
  results: ExperimentResults;
  /** Why it failed or was cancelled. */
  reason?: string;
}

export interface PlaneOutcome {
  status: JobStatus;
  /** Every finished segment, in the order they finished. */
  segments: SegmentValues[];
  reason?: string;
}

export interface GridOutcome {
  status: JobStatus;
  /** The grid, NaN at the points not computed when cancelled or failed. */
  grid: PlaneGridValues;
  reason?: string;
}
