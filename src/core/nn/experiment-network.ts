import type { ExperimentConfig } from '../../config/types';
import type { ExperimentResults, TrainingResult } from '../../results';
import type { ExperimentContext } from '../experiment';
import { buildNetworkObjective } from './build';
import { resolveTrainOptions, trainNetwork, type TrainingRun, type TrainOptions } from './train';
import { saveWeights } from './save-weights';
import { isInside } from '../data/data-file';
import { resolveDataPath } from '../data/load';

/** Seconds between streamed progress reports when epochs are fast (slow epochs report each). */
const PROGRESS_INTERVAL = 0.05;

/** Hooks other analyses attach to a network run (per-epoch Hessian spectra, landscapes along training). */
export type NetworkHooks = Pick<TrainOptions, 'onEpochEnd' | 'onEvent' | 'recordParameters'>;

/**
 * The network part of an experiment: build the MLP and data from the config, train with
 * saddle monitoring, stream each epoch through context.onProgress (partial.training), honour
 * context.signal between batches, store the history and events in results.training and, with
 * training.saveWeights, write the trained weights. Returns the run (final parameters, snapshots).
 */
export async function runNetworkExperiment(config: ExperimentConfig, results: ExperimentResults, context: ExperimentContext, hooks: NetworkHooks = {}): Promise<TrainingRun | undefined> {
  if (!config.model || !config.data) {
    results.warnings.push('a network experiment needs both "model" and "data"; nothing was trained');
    return undefined;
  }
  for (const [field, file] of dataFiles(config)) {
    const path = resolveDataPath(context.baseDir, file);
    if (!isInside(context.baseDir, path)) results.warnings.push(`${field} reads ${path}, outside the config's folder ${context.baseDir}`);
  }
  const built = performance.now();
  const problem = buildNetworkObjective({ model: config.model, data: config.data, seed: config.seed }, context.baseDir);
  results.timings.loadData = (performance.now() - built) / 1000;
  const options = { ...resolveTrainOptions(config.training, config.seed ?? 0), ...hooks };
  let lastReport = -Infinity;
  options.signal = context.signal;
  options.onEpoch = (record, result) => {
    const now = performance.now() / 1000;
    if (now - lastReport < PROGRESS_INTERVAL && record.epoch < options.epochs) return;
    lastReport = now;
    const accuracy = record.testAccuracy ?? record.trainAccuracy;
    const message = `epoch ${record.epoch}/${options.epochs}: loss ${record.loss.toPrecision(4)}${accuracy === undefined ? '' : `, accuracy ${(100 * accuracy).toFixed(1)}%`}`;
    context.onProgress?.({ fraction: record.epoch / options.epochs, message, partial: { training: snapshot(result) } });
  };
  const started = performance.now();
  const run = trainNetwork(problem, options);
  results.timings.training = (performance.now() - started) / 1000;
  results.training = run.result;
  if (config.training?.saveWeights) run.result.savedWeights = saveWeights(config.training.saveWeights, context.baseDir, problem.spec, run.parameters);
  if (run.result.status.startsWith('diverged')) results.warnings.push(`training ${run.result.status}: lower the learning rate`);
  return run;
}

/** A copy of the result so far (the live one keeps growing). */
function snapshot(result: TrainingResult): TrainingResult {
  return { ...result, history: result.history.slice(), events: result.events.slice() };
}

/** The files a network config reads, with their fields. */
function dataFiles(config: ExperimentConfig): [string, string][] {
  const files: [string, string | undefined][] = [['model.weights', config.model?.weights]];
  const data = config.data;
  if (data?.kind === 'csv') files.push(['data.path', data.path]);
  if (data?.kind === 'idx') files.push(['data.images', data.images], ['data.labels', data.labels]);
  return files.filter((entry): entry is [string, string] => entry[1] !== undefined);
}
