/**
 * The engine backend: experiments computed in TypeScript (src/core) on a pool of worker threads.
 * engine-runner.ts is its runner behind the seam (src/runner); worker-pool.ts the pool the host
 * and the CLI share (`new WorkerPool({ workerPath })`); worker.ts the thread's entry, bundled to
 * dist/worker.js; protocol.ts the messages between them.
 */
export { EngineRunner, type EngineRunnerOptions } from './engine-runner';
export { WorkerPool, type WorkerPoolOptions } from './worker-pool';
export type { GridOutcome, JobHandle, PlaneOutcome } from './types';
