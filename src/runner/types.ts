/**
 * The runner seam: the extension host and the CLI run every experiment through one interface,
 * whatever computes it. The engine's worker pool (src/backends/engine/engine-runner.ts) is one
 * implementation; a backend in another process (src/backends/pytorch/torch-runner.ts) is another;
 * choose.ts hands a prepared config to the right one. A runner streams progress with the results
 * so far, can be cancelled, and always resolves with what finished.
 */
import type { ExperimentConfig } from '../config/types';
import { emptyResults } from '../shared/empty-results';
import type { ExperimentResults, ProgressReport, RunStatus } from '../shared/results';

/** How a run ended (its RunStatus, shared/results.ts), with what finished: every runner's, and the engine pool's for a whole experiment. */
export interface RunOutcome {
  status: RunStatus;
  /** The final results, or on failure or cancel the partial results streamed before it. */
  results: ExperimentResults;
  /** Why it failed or was cancelled. */
  reason?: string;
}

export interface RunOptions {
  /** Folder of the config file: relative paths in the config resolve against it. */
  baseDir: string;
  /** Each progress report, with every partial result received so far merged into one results object. */
  onProgress?: (report: ProgressReport, resultsSoFar: ExperimentResults) => void;
  /** Lines for a log (the output channel, the CLI's stderr): what the runner started, a backend's stderr, a traceback. */
  onLog?: (line: string) => void;
}

/** A run that is going: `result` never rejects; `cancel()` stops it and keeps what finished. */
export interface RunHandle {
  readonly result: Promise<RunOutcome>;
  cancel(): void;
}

export interface ExperimentRunner {
  /** Which backend computes: shown in logs and recorded in results. */
  readonly name: string;
  /** Starts a validated config's experiment. Never throws: a runner that cannot start resolves `result` as failed. */
  start(config: ExperimentConfig, options: RunOptions): RunHandle;
  /** Ends what the runner holds (workers, child processes). */
  dispose(): Promise<void>;
}

/** A run that could not start, as an outcome: failed, with the reason also in its warnings. */
export function failedToStart(config: ExperimentConfig, reason: string): RunHandle {
  const results = emptyResults(config);
  results.warnings.push(`failed: ${reason}`);
  return { result: Promise.resolve({ status: 'failed', results, reason }), cancel: () => undefined };
}

/** Adds "<status>: <reason>" to a failed or cancelled outcome's warnings, once. */
export function noteOutcome(outcome: RunOutcome): RunOutcome {
  const { status, reason, results } = outcome;
  if (status !== 'completed' && reason && !results.warnings.some((warning) => warning.startsWith(status))) results.warnings.push(`${status}: ${reason}`);
  return outcome;
}
