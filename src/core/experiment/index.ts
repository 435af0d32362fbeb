/**
 * The experiment pipeline: config → run → results, the one entry point the worker, the tests and
 * the fixtures call. It builds each problem once (the surface; the network's data, MLP, initial
 * or imported weights and training loss), trains only when the config has a `training` section,
 * passes plain options to the race, the training, the Hessian analysis and the landscape, and
 * assembles their results. The config must already be validated (config/validate).
 */
import { emptyResults } from '../../shared/empty-results';
import type { ExperimentResults } from '../../shared/results';
import { selectRows } from '../data/dataset';
import { layerBlocks } from '../hessian/layer-blocks';
import { hessianTrainingHooks } from '../hessian/training-hooks';
import { computeLandscape } from '../landscape/analysis';
import { networkSubject, surfaceSubject, type LandscapeSubject } from '../landscape/subject';
import type { NetworkProblem } from '../nn/build';
import type { TrainingRun } from '../nn/train';
import { Random } from '../random';
import { RACE_DEFAULTS, runSurfaceRace, surfaceFromConfig } from '../surfaces/race';
import type { ExperimentConfig } from './config';
import { ExperimentFailed, type ExperimentContext } from './context';
import { emptyHessianResult, hessianStage, type HessianSubject } from './hessian-stage';
import { prepareNetwork, trainStage, type TrainingHooks } from './network';

export type { ExperimentConfig } from './config';
export { ExperimentFailed, type ExperimentContext } from './context';

/**
 * Runs a validated config. Resolves with the results; cancellation keeps what finished (with a
 * warning). When a part the config asked for fails (data that cannot load, an analysis that
 * throws), the other parts still run and the promise rejects with ExperimentFailed, which
 * carries the reasons and the results of every part that finished.
 */
export async function runExperiment(config: ExperimentConfig, context: ExperimentContext): Promise<ExperimentResults> {
  const results = emptyResults(config);
  const failures: string[] = [];
  const seed = config.seed ?? 0;
  const { signal } = context;
  const hessianSettings = config.analyses?.hessian;
  const landscapeSettings = config.analyses?.landscape;

  if (config.surface) {
    const race = runSurfaceRace(surfaceFromConfig(config.surface), {
      optimizers: config.optimizers ?? [],
      start: config.start ?? RACE_DEFAULTS.start,
      steps: config.steps ?? RACE_DEFAULTS.steps,
      tolerance: config.tolerance,
      divergenceBound: config.divergenceBound,
      seed,
      domain: config.grid?.domain,
      resolution: config.grid?.resolution ?? RACE_DEFAULTS.resolution,
      criticalPoints: config.criticalPoints !== false,
      signal,
      onProgress: context.onProgress,
    });
    results.trajectories = race.trajectories;
    results.surface = race.surface;
    if (race.criticalPoints) results.criticalPoints = race.criticalPoints;
    Object.assign(results.timings, race.timings);
    results.warnings.push(...race.warnings);
  }

  let network: NetworkProblem | undefined;
  let training: TrainingRun | undefined;
  const hessian = hessianSettings && emptyHessianResult(hessianSettings);
  if (config.model && config.data) {
    try {
      const prepared = prepareNetwork(config.model, config.data, config.seed, context.baseDir);
      network = prepared.problem;
      results.timings.loadData = prepared.seconds;
      results.warnings.push(...prepared.warnings);
    } catch (caught) {
      failures.push(`model and data: ${messageOf(caught)}`);
    }
  } else if (config.model || config.data) {
    failures.push('a network experiment needs both "model" and "data": add the missing one');
  }
  if (network && config.training) {
    const hooks: TrainingHooks = { recordParameters: landscapeSettings ? true : undefined };
    if (hessian && hessianSettings) {
      results.hessian = hessian;
      hessian.history = [];
      Object.assign(hooks, hessianTrainingHooks(hessianSettings, hessian.history, seed, { signal, onFailure: (message) => failures.push(message) }));
    }
    const trained = trainStage(network, config.training, seed, context, hooks, config.model?.weights);
    training = trained.run;
    results.timings.training = trained.seconds;
    results.training = training.result;
    results.warnings.push(...trained.warnings);
    if (training.result.status.startsWith('diverged')) results.warnings.push(`training ${training.result.status}: lower the learning rate`);
  } else if (network && !hessianSettings && !landscapeSettings) {
    results.warnings.push('the model has no "training" section and no "analyses": nothing was computed; add "training" to train it');
  }

  if (hessian && hessianSettings && !signal?.aborted) {
    const subject = hessianSubject(config, network, training);
    if (subject) {
      const started = performance.now();
      results.hessian = hessian;
      try {
        results.warnings.push(...hessianStage(subject, hessianSettings, hessian, { seed, signal, onProgress: context.onProgress, trainedEpochs: training?.result.history.length }));
      } catch (caught) {
        failures.push(`Hessian analysis: ${messageOf(caught)}`);
      } finally {
        results.timings.hessian = (performance.now() - started) / 1000;
      }
    } else if (!failures.length) failures.push('analyses.hessian needs a "surface" or a "model" with "data" to analyse');
  }

  if (landscapeSettings && !signal?.aborted) {
    const subject = landscapeSubject(config, results, network, training);
    if (subject) {
      const started = performance.now();
      try {
        const outcome = await computeLandscape(subject, landscapeSettings, { seed, signal, planeRunner: context.planeRunner, onProgress: context.onProgress });
        results.landscape = outcome.landscape;
        if (outcome.warning) results.warnings.push(outcome.warning);
      } catch (caught) {
        failures.push(`landscape: ${messageOf(caught)}`);
      } finally {
        results.timings.landscape = (performance.now() - started) / 1000;
      }
    } else if (!failures.length) failures.push('analyses.landscape needs a "surface" or a "model" with "data" to draw');
  }

  if (signal?.aborted) results.warnings.push('cancelled: the results hold what finished before the cancel');
  if (failures.length > 0) throw new ExperimentFailed(failures.join('; '), results);
  return results;
}

function messageOf(caught: unknown): string {
  if (caught instanceof Error) return caught.message;
  throw caught;
}

/** The surface at the start point, or the network's training loss at the trained (or, without training, the initial or imported) weights. */
function hessianSubject(config: ExperimentConfig, network: NetworkProblem | undefined, training: TrainingRun | undefined): HessianSubject | undefined {
  if (config.surface) {
    return { objective: surfaceFromConfig(config.surface), point: Float64Array.from(config.start ?? RACE_DEFAULTS.start), blocks: [{ name: 'x', offset: 0, length: 1 }, { name: 'y', offset: 1, length: 1 }] };
  }
  if (network) return { objective: network.objective, point: training?.parameters ?? network.parameters, blocks: layerBlocks(network.layout) };
  return undefined;
}

/**
 * A network: its training loss on a seeded subset of analyses.landscape.samples rows, centred
 * at the trained weights (the initial or imported ones without training), the per-epoch
 * snapshots as path. A surface: centred at the first optimizer's end point (the start without
 * optimizers), its path as path.
 */
function landscapeSubject(config: ExperimentConfig, results: ExperimentResults, network: NetworkProblem | undefined, training: TrainingRun | undefined): LandscapeSubject | undefined {
  if (network) {
    const wanted = config.analyses?.landscape?.samples;
    const { train } = network;
    const rows = wanted !== undefined && wanted < train.rows ? selectRows(train, new Random((config.seed ?? 0) + 1).permutation(train.rows).subarray(0, wanted)) : train;
    const center = training?.parameters ?? network.parameters;
    return networkSubject({ spec: network.spec, layers: network.layout.layers, objective: network.objective }, rows, center, training?.snapshots[0] ?? network.parameters, training?.snapshots ?? []);
  }
  if (config.surface) {
    const points = results.trajectories?.[0]?.points.map((point) => Float64Array.from(point)) ?? [];
    const { name, expression, parameters } = config.surface;
    return surfaceSubject({ kind: 'surface', name, expression, parameters }, surfaceFromConfig(config.surface), Float64Array.from(config.start ?? RACE_DEFAULTS.start), points);
  }
  return undefined;
}
