import type { ProgressReport, TrainingResult } from '../../shared/results';
import { buildNetworkObjective, type NetworkProblem } from '../nn/build';
import type { ModelConfig, TrainingConfig } from '../nn/config';
import type { DataConfig } from '../data/load';
import { checkSaveWeightsTarget, saveWeights } from '../nn/save-weights';
import { isInside } from '../data/data-file';
import { resolveDataPath } from '../data/load';
import { resolveTrainOptions, trainNetwork, type TrainingRun, type TrainOptions } from '../nn/train';
import type { ExperimentContext } from './context';

/** Seconds between streamed progress reports when epochs are fast (slow epochs report each). */
const PROGRESS_INTERVAL = 0.05;

/** Hooks the analyses attach to training (per-epoch Hessian spectra, parameter snapshots for landscapes). */
export type TrainingHooks = Pick<TrainOptions, 'onEpochEnd' | 'onEvent' | 'recordParameters'>;

/**
 * The network problem of a run, built once: data loaded and prepared, the MLP, its initial (or
 * imported) parameters and training loss; with a warning for each file read from outside the
 * config's folder.
 */
export function prepareNetwork(model: ModelConfig, data: DataConfig, seed: number | undefined, baseDir: string): { problem: NetworkProblem; seconds: number; warnings: string[] } {
  const warnings: string[] = [];
  for (const [field, file] of dataFiles(model, data)) {
    const path = resolveDataPath(baseDir, file);
    if (!isInside(baseDir, path)) warnings.push(`${field} reads ${path}, outside the config's folder ${baseDir}`);
  }
  const started = performance.now();
  const problem = buildNetworkObjective({ model, data, seed }, baseDir);
  return { problem, seconds: (performance.now() - started) / 1000, warnings };
}

/** The files a network config reads, with their fields. */
function dataFiles(model: ModelConfig, data: DataConfig): [string, string][] {
  const files: [string, string | undefined][] = [['model.weights', model.weights]];
  if (data.kind === 'csv') files.push(['data.path', data.path]);
  if (data.kind === 'idx') files.push(['data.images', data.images], ['data.labels', data.labels]);
  return files.filter((entry): entry is [string, string] => entry[1] !== undefined);
}

/**
 * Trains the network as `training` says, streaming each epoch through context.onProgress
 * (partial.training) and honouring context.signal between batches; with training.saveWeights,
 * writes the trained weights (a path the tool may not write is refused before the first epoch).
 * Returns the run (final parameters, snapshots), its seconds and its warnings.
 */
export function trainStage(problem: NetworkProblem, training: TrainingConfig, seed: number, context: ExperimentContext, hooks: TrainingHooks, loadedFrom?: string): { run: TrainingRun; seconds: number; warnings: string[] } {
  if (training.saveWeights) checkSaveWeightsTarget(training.saveWeights, context.baseDir, loadedFrom);
  const warnings: string[] = [];
  const options: TrainOptions = { ...resolveTrainOptions(training, seed), ...hooks, signal: context.signal };
  let lastReport = -Infinity;
  options.onEpoch = (record, result) => {
    const now = performance.now() / 1000;
    if (now - lastReport < PROGRESS_INTERVAL && record.epoch < options.epochs) return;
    lastReport = now;
    const accuracy = record.testAccuracy ?? record.trainAccuracy;
    const message = `epoch ${record.epoch}/${options.epochs}: loss ${record.loss.toPrecision(4)}${accuracy === undefined ? '' : `, accuracy ${(100 * accuracy).toFixed(1)}%`}`;
    const report: ProgressReport = { fraction: record.epoch / options.epochs, message, partial: { training: snapshot(result) } };
    context.onProgress?.(report);
  };
  const started = performance.now();
  const run = trainNetwork(problem, options);
  const seconds = (performance.now() - started) / 1000;
  if (training.saveWeights) {
    try {
      run.result.savedWeights = saveWeights(training.saveWeights, context.baseDir, problem.spec, run.parameters, warnings);
    } catch (caught) {
      // The training finished: a file that cannot be written costs the file, not the run.
      warnings.push(`training.saveWeights: the trained weights were not written: ${(caught as Error).message}`);
    }
  }
  return { run, seconds, warnings };
}

/** A copy of the result so far (the live one keeps growing). */
function snapshot(result: TrainingResult): TrainingResult {
  return { ...result, history: result.history.slice(), events: result.events.slice() };
}
