import type { Dataset } from '../data/dataset';
import type { LayerLayout } from '../nn/layout';
import type { MlpSpec } from '../nn/layout';
import type { Objective } from '../objective';
import type { LandscapeProblem, SurfaceProblem } from './types';

/** What a landscape is drawn around: the problem to evaluate, the centre θ*, the path that led there and the start. */
export interface LandscapeSubject {
  problem: LandscapeProblem;
  /** The full objective (Hessian directions need its Hessian-vector products). */
  objective: Objective;
  center: Float64Array;
  initial: Float64Array;
  /** Parameter vectors along training (epochs) or the optimizer's path; empty when nothing moved. */
  path: Float64Array[];
  layers?: LayerLayout[];
  samples: number;
}

/**
 * A network: its loss over `rows` (the training set or a subset of it), centred at `center`
 * (the trained weights, or the initial or imported ones when nothing trained), with the
 * per-epoch snapshots as path (empty without training).
 */
export function networkSubject(network: { spec: MlpSpec; layers: LayerLayout[]; objective: Objective }, rows: Dataset, center: Float64Array, initial: Float64Array, path: Float64Array[]): LandscapeSubject {
  return {
    problem: { kind: 'mlp', spec: network.spec, inputs: rows.inputs, targets: rows.targets, samples: rows.rows, classifier: rows.classes !== undefined },
    objective: network.objective,
    center,
    initial,
    path,
    layers: network.layers,
    samples: rows.rows,
  };
}

/** A surface: centred at the end of the optimizer path (the start without one), that path as path. */
export function surfaceSubject(problem: SurfaceProblem, surface: Objective, start: Float64Array, path: Float64Array[]): LandscapeSubject {
  return { problem, objective: surface, center: path[path.length - 1] ?? start, initial: start, path, samples: 0 };
}
