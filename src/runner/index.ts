/** The runner seam (types.ts) and its implementations. */
export { EngineRunner, type EngineRunnerOptions } from './engine-runner';
export { emptyResults, failedToStart, noteOutcome, type ExperimentRunner, type RunHandle, type RunOptions, type RunOutcome, type RunStatus } from './types';
export { runsOnPytorch } from './backend-choice';
