import type { Cancellation } from './cancellation';
import type { PlaneRunner } from './landscape/grid';
import { landscapeTrainingHooks, runLandscapeAnalysis } from './landscape/analysis';
import { runSurfaceRace } from './surfaces/race';
import { runNetworkExperiment } from './nn/experiment-network';
import { hessianExperimentHooks, runHessianAnalysis } from './hessian/experiment-hessian';
import type { ExperimentConfig } from '../config/types';
import type { ExperimentResults, ProgressReport } from '../results';

/** Who runs an experiment and how it hears back: the config's folder (for relative data paths), cancellation and progress. */
export interface ExperimentContext {
  /** Folder of the config file: relative paths in the config resolve against it. */
  baseDir: string;
  signal?: Cancellation;
  onProgress?: (report: ProgressReport) => void;
  /** Evaluates landscape grid segments; the worker pool's spreads them over every worker (serial in-thread by default). */
  planeRunner?: PlaneRunner;
}

/**
 * config → run → results: the one entry point the host, the worker and the CLI call. The
 * config must already be validated (config/validate). Cancellation keeps what finished.
 */
export async function runExperiment(config: ExperimentConfig, context: ExperimentContext): Promise<ExperimentResults> {
  const results: ExperimentResults = {
    format: 1,
    name: config.name,
    seed: config.seed ?? 0,
    createdAt: new Date().toISOString(),
    timings: {},
    warnings: [],
  };
  if (config.surface) runSurfaceRace(config, results, context);
  // Without a training section, a Hessian analysis looks at the initial or imported weights.
  const training = config.model && (config.training || !config.analyses?.hessian) ? await runNetworkExperiment(config, results, context, { ...landscapeTrainingHooks(config), ...hessianExperimentHooks(config, results, context) }) : undefined;
  await runHessianAnalysis(config, results, context, training);
  await runLandscapeAnalysis(config, results, context, training);
  if (context.signal?.aborted) results.warnings.push('cancelled: the results hold what finished before the cancel');
  return results;
}
