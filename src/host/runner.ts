/**
 * Runs one experiment off the extension host's thread, in a worker_threads worker
 * (dist/worker.js), streaming progress. Cancel or a crash ends the worker and keeps the partial
 * results that had arrived, with the reason. No `vscode` here: the host and tests call it alike.
 */
import { Worker } from 'node:worker_threads';
import type { ExperimentConfig } from '../config/types';
import type { WorkerRequest, WorkerResponse } from '../protocol';
import type { ExperimentResults, ProgressReport } from '../results';

export interface RunOutcome {
  results: ExperimentResults;
  status: 'completed' | 'failed' | 'cancelled';
  reason?: string;
}

export interface RunOptions {
  /** Path of dist/worker.js. */
  workerPath: string;
  baseDir: string;
  onProgress?: (report: ProgressReport, resultsSoFar: ExperimentResults) => void;
  /** Aborting ends the worker at once; what had arrived is kept. */
  signal?: AbortSignal;
}

let nextJobId = 1;

/** An empty results object that partial reports fill in. */
export function emptyResults(config: ExperimentConfig): ExperimentResults {
  return { format: 1, name: config.name, seed: config.seed ?? 0, createdAt: new Date().toISOString(), timings: {}, warnings: [] };
}

/** Runs `config` in a fresh worker; resolves (never rejects) with what finished and how it ended. */
export function runInWorker(config: ExperimentConfig, options: RunOptions): Promise<RunOutcome> {
  const soFar = emptyResults(config);
  if (options.signal?.aborted) return Promise.resolve({ results: soFar, status: 'cancelled', reason: 'cancelled before it started' });
  const jobId = nextJobId++;
  const worker = new Worker(options.workerPath);
  return new Promise<RunOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: RunOutcome) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      if (outcome.status !== 'completed' && outcome.reason) outcome.results.warnings.push(`${outcome.status}: ${outcome.reason}`);
      void worker.terminate();
      resolve(outcome);
    };
    const onAbort = () => finish({ results: soFar, status: 'cancelled', reason: 'cancelled by the user; the results hold what finished before' });
    options.signal?.addEventListener('abort', onAbort);
    worker.on('message', (message: WorkerResponse) => {
      if (message.jobId !== jobId) return;
      if (message.type === 'progress') {
        if (message.report.partial) Object.assign(soFar, message.report.partial);
        options.onProgress?.(message.report, soFar);
      } else if (message.type === 'done') {
        finish({ results: message.results, status: 'completed' });
      } else {
        finish({ results: soFar, status: 'failed', reason: message.message });
      }
    });
    worker.on('error', (error) => finish({ results: soFar, status: 'failed', reason: `the worker crashed: ${error.message}` }));
    worker.on('exit', (code) => finish({ results: soFar, status: 'failed', reason: `the worker exited (code ${code}) before the run finished` }));
    const request: WorkerRequest = { type: 'run', jobId, config, baseDir: options.baseDir };
    worker.postMessage(request);
  });
}
