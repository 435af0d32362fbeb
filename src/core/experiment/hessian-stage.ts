import type { HessianResult, ProgressReport } from '../../shared/results';
import type { Cancellation } from '../cancellation';
import { analyzeHessian, type ParameterBlock } from '../hessian/analyze';
import { HessianCancelled } from '../hessian/operator';
import type { HessianAnalysisOptions } from '../hessian/options';
import { historyEntry } from '../hessian/training-hooks';
import type { Objective } from '../objective';

/** What a Hessian analysis looks at: the objective, the point, and the blocks analysed separately. */
export interface HessianSubject {
  objective: Objective;
  point: Float64Array;
  blocks?: ParameterBlock[];
}

/** An empty Hessian result, filled in place as the analysis goes (per-epoch history first, when training). */
export function emptyHessianResult(settings: HessianAnalysisOptions): HessianResult {
  return { dimension: 0, method: settings.method ?? 'exact', products: 0, seconds: 0 };
}

/**
 * analyses.hessian at one point: fills `target` in place (so a cancellation keeps the parts that
 * finished), streams it at most twice a second, and after training appends the end entry of the
 * history at epoch `trainedEpochs`. Returns the warnings (a refused dense spectrum, a
 * cancellation); an analysis that fails throws.
 */
export function hessianStage(subject: HessianSubject, settings: HessianAnalysisOptions, target: HessianResult, options: { seed: number; signal?: Cancellation; onProgress?: (report: ProgressReport) => void; trainedEpochs?: number }): string[] {
  const warnings: string[] = [];
  target.dimension = subject.objective.dim;
  let lastPartial = performance.now();
  try {
    analyzeHessian(subject.objective, subject.point, settings, {
      seed: options.seed,
      blocks: subject.blocks,
      includePoint: subject.objective.dim <= 100,
      warnings,
      signal: options.signal,
      onProgress: (fraction, message) => {
        // The results so far ride along at most twice a second (and with the last report).
        const now = performance.now();
        const partial = now - lastPartial >= 500 || fraction === 1 ? { hessian: { ...target } } : undefined;
        if (partial) lastPartial = now;
        options.onProgress?.({ fraction, message: `Hessian: ${message}`, partial });
      },
    }, target);
  } catch (caught) {
    if (!(caught instanceof HessianCancelled)) throw caught;
    warnings.push('Hessian analysis cancelled: the results hold the parts that finished');
    return warnings;
  }
  if (options.trainedEpochs !== undefined && target.classification) target.history = [...(target.history ?? []), historyEntry(options.trainedEpochs, 'end', target)];
  return warnings;
}
