/**
 * The engine's runner: experiments run in the shared worker pool (worker-pool.ts), never on the
 * calling thread. The pool is created on first use and re-created when its size changes.
 */
import type { ExperimentConfig } from '../../config/types';
import { WorkerPool } from './worker-pool';
import { failedToStart, noteOutcome, type ExperimentRunner, type RunHandle, type RunOptions } from '../../runner/types';

export interface EngineRunnerOptions {
  /** Path of the built worker bundle, dist/worker.js. */
  workerPath: string;
  /** Worker threads; 0 or absent: one per core. */
  workers?: number;
}

export class EngineRunner implements ExperimentRunner {
  readonly name = 'engine';
  private pool?: WorkerPool;
  private poolSize = -1;

  constructor(private readonly options: EngineRunnerOptions) {}

  /** Changes the worker count for the next run (the pool is re-created between runs). */
  setWorkers(workers: number | undefined): void {
    this.options.workers = workers;
  }

  /** Starts a config prepared for the engine (runner/choose.ts hands it only those). */
  start(config: ExperimentConfig, options: RunOptions): RunHandle {
    let handle: RunHandle;
    try {
      handle = this.poolOf(this.options.workers ?? 0).runExperiment(config, options.baseDir, options.onProgress);
    } catch (error) {
      return failedToStart(config, `the worker could not start: ${(error as Error).message}`);
    }
    return { result: handle.result.then(noteOutcome), cancel: () => handle.cancel() };
  }

  private poolOf(workers: number): WorkerPool {
    if (!this.pool || this.poolSize !== workers) {
      void this.pool?.close();
      this.pool = new WorkerPool({ workerPath: this.options.workerPath, size: workers > 0 ? workers : undefined });
      this.poolSize = workers;
    }
    return this.pool;
  }

  async dispose(): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
  }
}
