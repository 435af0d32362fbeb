/**
 * The loss on a plane's grid, a row segment at a time: `planeEvaluator` picks the evaluator of a
 * plane spec's problem (LandscapeProblem, types.ts): the MLP's fast path (mlp-plane.ts) or any
 * Objective's full evaluations (objectivePlaneEvaluator).
 */
import type { Cancellation } from '../cancellation';
import type { Objective } from '../objective';
import type { SurfaceName } from '../surfaces/catalog';
import { surfaceFromConfig } from '../surfaces/race';
import { mlpPlaneEvaluator } from './mlp-plane';
import type { PlaneSpec, RowSegment, SegmentValues } from './types';

/** Evaluates the loss (and accuracy) at the points of a plane's grid, one row segment at a time. */
export interface PlaneEvaluator {
  /** The segment's values, or undefined when the signal aborted part-way (the partial row is dropped). */
  evaluateSegment(segment: RowSegment, signal?: Cancellation): SegmentValues | undefined;
}

/** θ(α, β) = origin + α·d₁ + β·d₂ written into out (d₂ ignored on a line). */
export function planePoint(spec: PlaneSpec, alpha: number, beta: number, out: Float64Array): Float64Array {
  const [first, second] = spec.directions;
  for (let i = 0; i < out.length; i++) out[i] = spec.origin[i] + alpha * first[i] + (second ? beta * second[i] : 0);
  return out;
}

/** Any Objective on a plane: loss(α, β) = f(origin + α·d₁ + β·d₂), one full evaluation per point. */
export function objectivePlaneEvaluator(objective: Objective, spec: PlaneSpec): PlaneEvaluator {
  if (spec.origin.length !== objective.dim) throw new Error(`landscape origin has ${spec.origin.length} entries, the model has ${objective.dim} parameters`);
  const point = new Float64Array(objective.dim);
  return {
    evaluateSegment(segment, signal) {
      const beta = spec.betas[segment.row];
      const loss: number[] = [];
      for (const column of segment.columns) {
        if (signal?.aborted) return undefined;
        loss.push(objective.value(planePoint(spec, spec.alphas[column], beta, point)));
      }
      return { row: segment.row, columns: segment.columns, loss };
    },
  };
}

/** The evaluator of a plane spec's problem: the fast first-layer-linear path for MLPs, full evaluations otherwise. */
export function planeEvaluator(spec: PlaneSpec): PlaneEvaluator {
  const problem = spec.problem;
  switch (problem.kind) {
    case 'mlp':
      return mlpPlaneEvaluator(problem, spec);
    case 'surface':
      return objectivePlaneEvaluator(surfaceFromConfig({ name: problem.name as SurfaceName | undefined, expression: problem.expression, parameters: problem.parameters }), spec);
  }
}
