/**
 * The runner seam: every run goes through one interface (types.ts), whichever backend computes
 * it, and `runnerFor` (choose.ts) hands a prepared config to its backend's runner. The
 * implementations live under src/backends/ (engine/, pytorch/); this folder imports none of them.
 */
export { runnerFor, type BackendRunners } from './choose';
export { failedToStart, noteOutcome, type ExperimentRunner, type RunHandle, type RunOptions, type RunOutcome } from './types';
