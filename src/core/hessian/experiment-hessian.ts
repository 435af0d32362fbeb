import type { ExperimentConfig, HessianAnalysisConfig } from '../../config/types';
import type { ExperimentResults, HessianHistoryEntry, HessianResult, TrainingEvent } from '../../results';
import type { ExperimentContext } from '../experiment';
import { buildNetworkObjective } from '../nn/build';
import type { MlpLayout } from '../nn/layout';
import type { TrainingRun } from '../nn/train';
import type { Objective } from '../objective';
import type { Cancellation } from '../cancellation';
import { RACE_DEFAULTS, surfaceFromConfig } from '../surfaces/race';
import { analyzeHessian, type ParameterBlock } from './analyze';
import { HessianCancelled } from './operator';

/**
 * The Hessian part of an experiment (analyses.hessian): on a surface at the start point, on a
 * model at its trained weights (the run's final parameters) or, without training, at its
 * initial or imported weights, over the training data. Stores results.hessian; a cancellation
 * or a refused dense spectrum becomes a warning and keeps what finished.
 */
export async function runHessianAnalysis(config: ExperimentConfig, results: ExperimentResults, context: ExperimentContext, training?: TrainingRun): Promise<void> {
  const settings = config.analyses?.hessian;
  if (!settings || context.signal?.aborted) return;
  const started = performance.now();
  const target = results.hessian ?? { dimension: 0, method: settings.method ?? 'exact', products: 0, seconds: 0 };
  results.hessian = target;
  try {
    const subject = hessianSubject(config, context, training);
    if (!subject) {
      results.warnings.push('analyses.hessian needs a "surface" or a "model" with "data" to analyse');
      return;
    }
    target.dimension = subject.objective.dim;
    let lastPartial = performance.now();
    analyzeHessian(subject.objective, subject.point, settings, {
      seed: config.seed ?? 0,
      blocks: subject.blocks,
      includePoint: subject.objective.dim <= 100,
      warnings: results.warnings,
      signal: context.signal,
      onProgress: (fraction, message) => {
        // The results so far ride along at most twice a second (and with the last report).
        const now = performance.now();
        const partial = now - lastPartial >= 500 || fraction === 1 ? { hessian: { ...target } } : undefined;
        if (partial) lastPartial = now;
        context.onProgress?.({ fraction, message: `Hessian: ${message}`, partial });
      },
    }, target);
    if (training && target.classification) target.history = [...(target.history ?? []), historyEntry(training.result.history.length, 'end', target)];
  } catch (caught) {
    if (caught instanceof HessianCancelled) results.warnings.push('Hessian analysis cancelled: the results hold the parts that finished');
    else if (caught instanceof Error) results.warnings.push(`Hessian analysis: ${caught.message}`);
    else throw caught;
  } finally {
    results.timings.hessian = (performance.now() - started) / 1000;
  }
}

interface HessianSubject {
  objective: Objective;
  point: Float64Array;
  blocks?: ParameterBlock[];
}

/** What is analysed: the surface at `start`, or the model's training loss at the trained (or initial/imported) weights. */
function hessianSubject(config: ExperimentConfig, context: ExperimentContext, training?: TrainingRun): HessianSubject | undefined {
  if (config.surface) {
    const surface = surfaceFromConfig(config.surface);
    return { objective: surface, point: Float64Array.from(config.start ?? RACE_DEFAULTS.start), blocks: [{ name: 'x', offset: 0, length: 1 }, { name: 'y', offset: 1, length: 1 }] };
  }
  if (config.model && config.data) {
    const problem = buildNetworkObjective({ model: config.model, data: config.data, seed: config.seed }, context.baseDir);
    return { objective: problem.objective, point: training?.parameters ?? problem.parameters, blocks: layerBlocks(problem.layout) };
  }
  return undefined;
}

/** One block per layer: its weight [out·in] followed by its bias, contiguous in the flat vector. */
export function layerBlocks(layout: MlpLayout): ParameterBlock[] {
  return layout.layers.map((layer, l) => ({ name: `layer ${l + 1} (${layer.inputs}→${layer.outputs})`, offset: layer.weightOffset, length: layer.inputs * layer.outputs + (layer.biasOffset < 0 ? 0 : layer.outputs) }));
}

/** λmax, λmin, the negative count and the kind from an analysis. */
function historyEntry(epoch: number, reason: HessianHistoryEntry['reason'], analysis: HessianResult): HessianHistoryEntry {
  const values = analysis.eigenvalues ?? [...(analysis.top ?? []), ...(analysis.bottom ?? [])].map((pair) => pair.value);
  return {
    epoch,
    reason,
    lambdaMax: Math.max(...values),
    lambdaMin: Math.min(...values),
    negativeCount: analysis.classification?.index ?? 0,
    kind: analysis.classification?.kind ?? 'degenerate',
  };
}

/**
 * Hooks for trainNetwork (TrainOptions.onEpochEnd / onEvent): every `every` epochs and at the
 * epoch of each detector event, the extremes of the spectrum (dense when small and asked,
 * else Lanczos top 1 / bottom 1 unless top/bottom say more) go into `history`.
 */
export function hessianTrainingHooks(settings: HessianAnalysisConfig, history: HessianHistoryEntry[], seed = 0, options: { signal?: Cancellation; warnings?: string[] } = {}): {
  onEpochEnd: (epoch: number, parameters: Float64Array, objective: Objective) => void;
  onEvent: (event: TrainingEvent) => void;
} {
  let eventPending = false;
  const quick: HessianAnalysisConfig = { ...settings, trace: false, density: false, layers: false, slice: false, eigenvectors: false };
  if (!settings.full) {
    quick.top = Math.max(settings.top ?? 1, 1);
    quick.bottom = Math.max(settings.bottom ?? 1, 1);
  }
  return {
    onEvent: (event) => {
      if (event.kind === 'detected') eventPending = true;
    },
    onEpochEnd: (epoch, parameters, objective) => {
      const due = settings.every !== undefined && settings.every > 0 && epoch % settings.every === 0;
      if (!due && !eventPending) return;
      const reason = eventPending ? 'event' : 'every';
      eventPending = false;
      try {
        history.push(historyEntry(epoch, reason, analyzeHessian(objective, parameters, quick, { seed, signal: options.signal })));
      } catch (caught) {
        // A cancelled analysis stops here; training sees the same signal and stops too.
        if (caught instanceof HessianCancelled) return;
        if (!(caught instanceof Error)) throw caught;
        options.warnings?.push(`Hessian analysis at epoch ${epoch}: ${caught.message}`);
      }
    },
  };
}

/**
 * The training hooks of an experiment's analyses.hessian (none without it): analyses every N
 * epochs and at detector events, recorded in results.hessian.history as training runs.
 */
export function hessianExperimentHooks(config: ExperimentConfig, results: ExperimentResults, context: ExperimentContext): Partial<ReturnType<typeof hessianTrainingHooks>> {
  const settings = config.analyses?.hessian;
  if (!settings || !config.model) return {};
  const target: HessianResult = results.hessian ?? { dimension: 0, method: settings.method ?? 'exact', products: 0, seconds: 0 };
  results.hessian = target;
  target.history ??= [];
  return hessianTrainingHooks(settings, target.history, config.seed ?? 0, { signal: context.signal, warnings: results.warnings });
}
