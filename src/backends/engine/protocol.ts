/**
 * The worker channel: every message between the pool (worker-pool.ts, on the host's or the
 * CLI's thread) and a worker (worker.ts), as discriminated unions. Plain data, structured-
 * cloned; cancel flags are SharedArrayBuffers, plane points Float64Arrays.
 */
import type { PlaneSpec, RowSegment, SegmentValues } from '../../core/landscape/types';
import type { ExperimentResults, ProgressReport } from '../../shared/results';

/**
 * Host → worker: run one experiment. `cancelFlag` is a SharedArrayBuffer holding one Int32 the
 * host sets to 1 to cancel (the worker reads it synchronously inside its loops); without it,
 * the host cancels by terminating the worker.
 */
export type WorkerRequest = { type: 'run'; jobId: number; config: unknown; baseDir: string; cancelFlag?: SharedArrayBuffer };

/** Worker → host. */
export type WorkerResponse =
  | { type: 'progress'; jobId: number; report: ProgressReport }
  | { type: 'done'; jobId: number; results: ExperimentResults }
  | { type: 'failed'; jobId: number; message: string; results?: ExperimentResults };

/**
 * The worker pool's messages (worker-pool.ts) beyond a run: a plane's grid is split into row
 * segments; a worker builds the plane's evaluator once (plane-setup), then evaluates segments
 * one at a time. plane-values / plane-finished answer a worker's own plane-request (a running
 * experiment spreading its grid over every worker).
 */
export type PoolRequest =
  | WorkerRequest
  | { type: 'plane-setup'; planeId: number; spec: PlaneSpec; cancelFlag: SharedArrayBuffer }
  | { type: 'plane-segment'; planeId: number; segment: RowSegment }
  | { type: 'plane-release'; planeId: number }
  | { type: 'plane-values'; requestId: number; values: SegmentValues }
  | { type: 'plane-finished'; requestId: number; error?: string };

export type PoolResponse =
  | WorkerResponse
  | { type: 'segment-done'; planeId: number; values: SegmentValues }
  | { type: 'segment-stopped'; planeId: number; segment: RowSegment }
  | { type: 'plane-failed'; planeId: number; message: string }
  | { type: 'plane-request'; jobId: number; requestId: number; spec: PlaneSpec; segments: RowSegment[] };
