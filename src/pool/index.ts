/** The worker pool the extension host and the CLI share: `new WorkerPool({ workerPath })`. */
export { WorkerPool, type WorkerPoolOptions } from './worker-pool';
export type { ExperimentOutcome, GridOutcome, JobHandle, JobStatus, PlaneOutcome } from './types';
