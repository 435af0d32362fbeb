import type { ExperimentConfig } from '../../config/types';
import type { ExperimentResults } from '../../results';
import { selectRows } from '../data/dataset';
import { buildNetworkObjective } from '../nn/build';
import type { LayerLayout } from '../nn/layout';
import type { TrainingRun } from '../nn/train';
import type { Objective } from '../objective';
import { Random } from '../random';
import { RACE_DEFAULTS, surfaceFromConfig } from '../surfaces/race';
import type { LandscapeProblem } from './types';

/** What a landscape is drawn around: the problem to evaluate, the centre θ*, the path that led there and the start. */
export interface LandscapeSubject {
  problem: LandscapeProblem;
  /** The full objective (Hessian directions need its Hessian-vector products). */
  objective: Objective;
  center: Float64Array;
  initial: Float64Array;
  /** Parameter vectors along training (epochs) or the optimizer's path. */
  path: Float64Array[];
  layers?: LayerLayout[];
  samples: number;
}

/**
 * A model: its training loss on a seeded subset of `samples` rows, centred at the trained
 * weights, the per-epoch snapshots as path. A surface: centred at the first optimizer's end
 * point (the start without optimizers), its path as path.
 */
export function landscapeSubject(config: ExperimentConfig, results: ExperimentResults, baseDir: string, training?: TrainingRun): LandscapeSubject | undefined {
  if (config.model && config.data) {
    const problem = buildNetworkObjective({ model: config.model, data: config.data, seed: config.seed }, baseDir);
    const wanted = config.analyses?.landscape?.samples;
    const train = wanted !== undefined && wanted < problem.train.rows ? selectRows(problem.train, new Random((config.seed ?? 0) + 1).permutation(problem.train.rows).subarray(0, wanted)) : problem.train;
    const center = training?.parameters ?? problem.parameters;
    return {
      problem: { kind: 'mlp', spec: problem.spec, inputs: train.inputs, targets: train.targets, samples: train.rows, classifier: train.classes !== undefined },
      objective: problem.objective,
      center,
      initial: training?.snapshots[0] ?? problem.parameters,
      path: training?.snapshots ?? [],
      layers: problem.layout.layers,
      samples: train.rows,
    };
  }
  if (config.surface) {
    const surface = surfaceFromConfig(config.surface);
    const points = results.trajectories?.[0]?.points.map((point) => Float64Array.from(point)) ?? [];
    const start = Float64Array.from(config.start ?? RACE_DEFAULTS.start);
    const { name, expression, parameters } = config.surface;
    return { problem: { kind: 'surface', name, expression, parameters }, objective: surface, center: points[points.length - 1] ?? start, initial: start, path: points, samples: 0 };
  }
  return undefined;
}
