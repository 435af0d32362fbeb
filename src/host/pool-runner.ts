/**
 * Runs experiments in the shared worker pool (src/pool), never on the extension host's thread.
 * One pool per window, sized by the landscapeLens.workers setting (0: one worker per core).
 */
import type { ExperimentConfig } from '../config/types';
import { WorkerPool, type ExperimentOutcome } from '../pool';
import type { ExperimentResults, ProgressReport } from '../results';

export interface PoolRunOptions {
  baseDir: string;
  signal: AbortSignal;
  onProgress: (report: ProgressReport, resultsSoFar: ExperimentResults) => void;
}

export class PoolRunner {
  private pool?: WorkerPool;
  private poolSize = -1;

  constructor(private readonly workerPath: string) {}

  /** Runs `config`; resolves (never rejects) with what finished; a failed or cancelled run's reason also lands in its warnings. */
  async run(config: ExperimentConfig, workers: number, options: PoolRunOptions): Promise<ExperimentOutcome> {
    let handle: ReturnType<WorkerPool['runExperiment']>;
    try {
      handle = this.poolOf(workers).runExperiment(config, options.baseDir, options.onProgress);
    } catch (error) {
      const results: ExperimentResults = { format: 1, name: config.name, seed: config.seed ?? 0, createdAt: new Date().toISOString(), timings: {}, warnings: [] };
      const reason = `the worker could not start: ${(error as Error).message}`;
      results.warnings.push(`failed: ${reason}`);
      return { status: 'failed', results, reason };
    }
    const onAbort = () => handle.cancel();
    if (options.signal.aborted) handle.cancel();
    options.signal.addEventListener('abort', onAbort);
    try {
      const outcome = await handle.result;
      if (outcome.status !== 'completed' && outcome.reason && !outcome.results.warnings.some((warning) => warning.startsWith(outcome.status))) outcome.results.warnings.push(`${outcome.status}: ${outcome.reason}`);
      return outcome;
    } finally {
      options.signal.removeEventListener('abort', onAbort);
    }
  }

  /** The pool, re-created when the worker count setting changed (between runs only). */
  private poolOf(workers: number): WorkerPool {
    if (!this.pool || this.poolSize !== workers) {
      void this.pool?.close();
      this.pool = new WorkerPool({ workerPath: this.workerPath, size: workers > 0 ? workers : undefined });
      this.poolSize = workers;
    }
    return this.pool;
  }

  async dispose(): Promise<void> {
    await this.pool?.close();
    this.pool = undefined;
  }
}
