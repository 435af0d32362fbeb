import type { HessianHistoryEntry, HessianResult, TrainingEvent } from '../../shared/results';
import type { Cancellation } from '../cancellation';
import type { Objective } from '../objective';
import { analyzeHessian } from './analyze';
import { HessianCancelled } from './operator';
import type { HessianAnalysisOptions } from './options';

/** λmax, λmin, the negative count and the kind from an analysis. */
export function historyEntry(epoch: number, reason: HessianHistoryEntry['reason'], analysis: HessianResult): HessianHistoryEntry {
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
 * else Lanczos top 1 / bottom 1 unless top/bottom say more) go into `history`. An analysis
 * that throws goes to `onFailure` (training goes on); a cancelled one stops quietly.
 */
export function hessianTrainingHooks(settings: HessianAnalysisOptions, history: HessianHistoryEntry[], seed = 0, options: { signal?: Cancellation; onFailure?: (message: string) => void } = {}): {
  onEpochEnd: (epoch: number, parameters: Float64Array, objective: Objective) => void;
  onEvent: (event: TrainingEvent) => void;
} {
  let eventPending = false;
  const quick: HessianAnalysisOptions = { ...settings, trace: false, density: false, layers: false, slice: false, eigenvectors: false };
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
        options.onFailure?.(`Hessian analysis at epoch ${epoch}: ${caught.message}`);
      }
    },
  };
}
